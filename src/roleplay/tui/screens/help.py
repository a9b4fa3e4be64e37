"""The key bindings, for every screen, in one dialog (`?` or F1)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

HELP_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("? / F1", "this help"),
            ("ctrl+p", "command palette: every action by name"),
            ("ctrl+t", "switch between dark and light theme"),
            ("tab / shift+tab", "move between controls"),
            ("ctrl+q", "quit; says where your transcript is saved"),
        ],
    ),
    (
        "Scenario picker",
        [
            ("type", "filter by role, industry or level"),
            ("up / down", "move through the scenarios"),
            ("Enter", "open the briefing"),
            ("ctrl+r", "resume the unfinished session"),
            ("ctrl+o", "replay a saved conversation"),
        ],
    ),
    (
        "Briefing",
        [
            ("Enter", "start the call (once the models are ready)"),
            ("Escape", "back to the scenarios"),
            ("ctrl+r", "retry loading the models after a failure"),
        ],
    ),
    (
        "Conversation",
        [
            ("Enter", "send your turn"),
            ("Escape", "interrupt the buyer"),
            ("F2", "explain the selected turn and show a better one"),
            ("alt+up / alt+down", "select an earlier or later turn of yours"),
            ("F3", "end the call (asks first) and see your debrief"),
            ("F5", "retry the buyer's reply after a failure"),
        ],
    ),
    (
        "Debrief",
        [
            ("up / down, j / k", "scroll (PageUp / PageDown, Home / End too)"),
            ("r", "retry the same scenario"),
            ("n", "choose a new scenario"),
            ("o", "open the transcript in the replay"),
        ],
    ),
    (
        "Replay",
        [
            ("up / down, j / k", "step through the turns"),
            ("n", "add a note to the selected turn"),
            ("o", "override the selected turn's scores, with a reason"),
            ("b", "branch: say something else at the selected turn"),
            ("q / Escape", "close the replay"),
        ],
    ),
]


def help_content() -> Content:
    """Every key binding, grouped by screen."""
    lines: list[Content] = []
    for title, keys in HELP_SECTIONS:
        if lines:
            lines.append(Content(""))
        lines.append(Content.from_markup("[b $text-accent]$title[/]", title=title))
        for key, what in keys:
            lines.append(Content.from_markup("  [b]$key[/] $what", key=f"{key:<18}", what=what))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The key bindings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", show=True)
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Content("Keys"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(help_content(), id="help-text")
            yield Static(Content.from_markup("[dim]Escape to close[/]"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

"""The replay screen's small forms: a coach note, an override of the scores, a branch line."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from roleplay.coach.annotate import parse_override
from roleplay.errors import RoleplayError
from roleplay.rubric import DIMENSIONS
from roleplay.transcript import Scores, Turn


class _Dialog(ModalScreen[Any]):
    """A small form over the replay screen; escape cancels."""

    DEFAULT_CSS = """
    _Dialog { align: center middle; }
    _Dialog > Vertical { width: 80; height: auto; padding: 1 2; border: thick $accent;
        background: $surface; }
    _Dialog .dialog--title { text-style: bold; margin-bottom: 1; }
    _Dialog .dialog--error { color: $text-error; height: auto; }
    _Dialog Input { margin-bottom: 1; }
    _Dialog TextArea { height: 7; margin-bottom: 1; }
    _Dialog Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, text: str) -> None:
        self.query_one(".dialog--error", Label).update(text)


class NoteDialog(_Dialog):
    """Ask for a coach note on a turn."""

    def __init__(self, turn_number: int) -> None:
        super().__init__()
        self.turn_number = turn_number

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Note on turn {self.turn_number}", classes="dialog--title")
            yield Input(placeholder="What should the rep notice here?", id="note-text")
            yield Label("", classes="dialog--error")
            yield Label("[dim]enter saves · escape cancels[/]")

    @on(Input.Submitted, "#note-text")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.show_error("Write a note first.")
            return
        self.dismiss(event.value.strip())


class OverrideDialog(_Dialog):
    """Ask for the coach's own three scores and the reason."""

    def __init__(self, turn_number: int, current: Scores | None) -> None:
        super().__init__()
        self.turn_number = turn_number
        self.current = current

    def compose(self) -> ComposeResult:
        start = (
            " ".join(f"{getattr(self.current, d):.2f}" for d in DIMENSIONS)
            if self.current is not None
            else ""
        )
        with Vertical():
            yield Label(f"Override the scores of turn {self.turn_number}", classes="dialog--title")
            yield Label("Listening, context-seeking, problem focus (0 to 1):")
            yield Input(value=start, id="override-scores")
            yield Label("Why (required):")
            yield Input(placeholder="What the machine missed", id="override-reason")
            yield Label("", classes="dialog--error")
            yield Label("[dim]enter in the reason saves · escape cancels[/]")

    @on(Input.Submitted, "#override-scores")
    def next_field(self) -> None:
        self.query_one("#override-reason", Input).focus()

    @on(Input.Submitted, "#override-reason")
    def submitted(self) -> None:
        try:
            scores = parse_override(self.query_one("#override-scores", Input).value)
        except RoleplayError as exc:
            self.show_error(exc.message)
            return
        reason = self.query_one("#override-reason", Input).value.strip()
        if not reason:
            self.show_error("An override needs a reason.")
            return
        self.dismiss((scores, reason))


class BranchDialog(_Dialog):
    """Ask for the line the rep could have said instead, in an editor of several lines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "play", "Play the branch", show=True),
    ]

    def __init__(self, turn: Turn, turn_number: int) -> None:
        super().__init__()
        self.turn = turn
        self.turn_number = turn_number

    def compose(self) -> ComposeResult:
        alternative = self.turn.score.explanation.alternative if self.turn.score else ""
        with Vertical():
            yield Label(f"Branch from turn {self.turn_number}", classes="dialog--title")
            yield Static(Content.from_markup("[dim]Said:[/] $text", text=self.turn.text))
            yield Label("Say instead:")
            yield TextArea(
                alternative,
                id="branch-line",
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
            )
            yield Label("", classes="dialog--error")
            yield Label("[dim]ctrl+s plays the branch · escape cancels[/]")

    def on_mount(self) -> None:
        editor = self.query_one("#branch-line", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_play(self) -> None:
        """Play the branch with the line in the editor."""
        line = self.query_one("#branch-line", TextArea).text.strip()
        if not line:
            self.show_error("Write the alternative line first.")
            return
        self.dismiss(line)

"""The rep's saved conversations, most recent first, to open one in the replay."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from roleplay.tui.library import History, SavedSession, ScenarioCatalog
from roleplay.tui.widgets.bands import colour_of, percent


def newest_first(history: History) -> list[SavedSession]:
    """The saved sessions, the most recently started first."""
    return sorted(history.sessions, key=lambda s: s.transcript.started_at.timestamp(), reverse=True)


def session_label(session: SavedSession, catalog: ScenarioCatalog) -> Content:
    """Two lines for one saved conversation: the scenario, then when, how long and the score."""
    transcript = session.transcript
    count = session.rep_turn_count
    scenario = catalog.find(transcript.scenario_id)
    title = scenario.title if scenario is not None else transcript.scenario_id
    if transcript.branch_of is not None:
        state = "branch"
    elif session.finished:
        state = "finished"
    else:
        state = "unfinished"
    score = (
        f"[{colour_of(session.band)}]{percent(session.score)}/100 {session.band.label}[/]"
        if session.score is not None and session.band is not None
        else "not scored"
    )
    return Content.from_markup(
        f"[b]$title[/b]\n[dim]$when · $turns · $state ·[/] {score}",
        title=title,
        when=transcript.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        turns=f"{count} rep turn{'' if count == 1 else 's'}",
        state=state,
    )


class SavedTranscriptsScreen(ModalScreen[Path | None]):
    """A dialog listing the saved conversations; Enter returns the chosen file."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", show=True)]

    def __init__(self, history: History, catalog: ScenarioCatalog, directory: Path) -> None:
        super().__init__()
        self.history = history
        self.catalog = catalog
        self.directory = directory
        self.sessions: list[SavedSession] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-dialog", classes="dialog"):
            yield Static(Content("Saved conversations"), classes="dialog-title")
            yield Static("", id="saved-summary")
            yield OptionList(id="saved-list", classes="dialog-body")
            yield Static(
                Content.from_markup("[dim]Enter opens it in the replay · Escape to close[/]"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.show_history(self.history)
        self.query_one("#saved-list", OptionList).focus()

    def show_history(self, history: History) -> None:
        """List `history`'s conversations, keeping the highlighted one if it is still there."""
        options = self.query_one("#saved-list", OptionList)
        highlighted = options.highlighted
        previous = (
            self.sessions[highlighted].path
            if highlighted is not None and highlighted < len(self.sessions)
            else None
        )
        self.history = history
        self.sessions = newest_first(history)
        options.clear_options()
        options.add_options(
            [Option(session_label(s, self.catalog), id=str(s.path)) for s in self.sessions]
        )
        paths = [s.path for s in self.sessions]
        if paths:
            options.highlighted = paths.index(previous) if previous in paths else 0
        summary = (
            f"{len(self.sessions)} in {self.directory}"
            if self.sessions
            else f"No saved conversations yet in {self.directory}."
        )
        if history.unreadable:
            summary += f" ({len(history.unreadable)} file(s) could not be read.)"
        self.query_one("#saved-summary", Static).update(Content(summary))

    @on(OptionList.OptionSelected, "#saved-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sessions[event.option_index].path)

    def action_close(self) -> None:
        self.dismiss(None)

"""The replay screen: a coach steps through a saved conversation, turn by turn, and adds notes,
override scores and "what if" branches, each saved into the transcript file at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict, Unpack

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ListItem, ListView, Static

from roleplay.coach.annotate import add_note
from roleplay.coach.branch import rep_turn_numbers
from roleplay.errors import RoleplayError
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.transcript import Scores, Transcript, load_transcript
from roleplay.tui.screens.replay.content import metrics_content, turn_detail, turn_row
from roleplay.tui.screens.replay.dialogs import BranchDialog, NoteDialog, OverrideDialog
from roleplay.tui.screens.replay.messages import BranchFailed, BranchFinished

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.session import TurnScorerLike

BranchLoader = Callable[[Scenario, Rubric], tuple["BuyerBackend", "TurnScorerLike"]]
"""Loads the buyer (ready to generate) and the scorer a branch needs; runs in a worker."""


class ReplayOptions(TypedDict, total=False):
    """What a replay is opened with, besides the transcript file's path."""

    coach: Required[str]
    """Who signs the notes and overrides."""
    scenario: Scenario | None
    """The scenario practised: facts, objections and metrics need it."""
    rubric: Rubric | None
    """The rubric whose bands the scores are shown in."""
    branch_loader: BranchLoader | None
    """Loads the buyer and scorer a branch plays with; no branching without it."""
    transcript: Transcript | None
    """The transcript already read (it is read from the path otherwise)."""


class ReplayScreen(Screen[None]):
    """Step through a saved conversation; add notes, overrides and branches."""

    DEFAULT_CSS = """
    ReplayScreen #replay-body { height: 1fr; }
    ReplayScreen #replay-turns { width: 46%; border-right: solid $primary-darken-2; }
    ReplayScreen #replay-turns > ListItem { padding: 0 1; margin-bottom: 1; }
    ReplayScreen #replay-detail { width: 1fr; padding: 0 2; }
    ReplayScreen #replay-metrics { height: auto; margin-top: 1; padding-top: 1;
        border-top: solid $primary-darken-2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "step(1)", "Next", show=True),
        Binding("up,k", "step(-1)", "Previous", show=True),
        Binding("home,g", "step(-100000)", "First", show=False),
        Binding("end,G", "step(100000)", "Last", show=False),
        Binding("n", "note", "Note", show=True),
        Binding("o", "override", "Override", show=True),
        Binding("b", "branch", "Branch", show=True),
        Binding("q,escape", "close", "Close", show=True),
    ]

    def __init__(self, path: Path, **options: Unpack[ReplayOptions]) -> None:
        super().__init__()
        self.path = path
        self.coach = options["coach"]
        self.scenario = options.get("scenario")
        self.rubric = options.get("rubric")
        self.branch_loader = options.get("branch_loader")
        transcript = options.get("transcript")
        self.transcript = transcript if transcript is not None else load_transcript(path)
        self.selected = 0
        self.branching = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            yield ListView(
                *(
                    ListItem(Static(turn_row(self.transcript, self.scenario, self.rubric, i)))
                    for i in range(len(self.transcript.turns))
                ),
                id="replay-turns",
            )
            with VerticalScroll(id="replay-detail"):
                yield Static(id="replay-turn-detail")
                yield Static(id="replay-metrics")
        yield Footer()

    def on_mount(self) -> None:
        title = self.scenario.title if self.scenario is not None else self.transcript.scenario_id
        self.title = f"Replay: {title}"
        self.sub_title = f"{self.transcript.rep or 'rep'} · {self.path.name} · coach {self.coach}"
        self.query_one("#replay-metrics", Static).update(
            metrics_content(self.transcript, self.scenario, self.rubric)
        )
        turns = self.query_one("#replay-turns", ListView)
        if self.transcript.turns:
            turns.index = 0
        turns.focus()
        self.show_turn(0)

    # -- navigation ------------------------------------------------------------------------

    def show_turn(self, index: int) -> None:
        """Select turn `index` (0-based) and show its details."""
        if not self.transcript.turns:
            self.query_one("#replay-turn-detail", Static).update("This transcript has no turns.")
            return
        index = max(0, min(index, len(self.transcript.turns) - 1))
        self.selected = index
        self.query_one("#replay-turn-detail", Static).update(
            turn_detail(self.transcript, self.scenario, self.rubric, index)
        )

    @on(ListView.Highlighted, "#replay-turns")
    def highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view.index is not None:
            self.show_turn(event.list_view.index)

    def action_step(self, delta: int) -> None:
        turns = self.query_one("#replay-turns", ListView)
        target = max(0, min(self.selected + delta, len(self.transcript.turns) - 1))
        turns.index = target
        self.show_turn(target)

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:  # opened over the practice app's screen
            self.app.pop_screen()
        else:
            self.app.exit()

    # -- notes and overrides ---------------------------------------------------------------

    def _save_note(self, **note: Any) -> None:
        """Add the note to the file as it is on disk now, save atomically, refresh."""
        index = self.selected
        try:
            transcript = load_transcript(self.path)
            add_note(transcript, index, author=self.coach, **note)
            transcript.save(self.path)
        except RoleplayError as exc:
            self.notify(exc.message, title=exc.title, severity="error", timeout=8)
            return
        self.transcript = transcript
        self._refresh_row(index)
        self.show_turn(index)
        self.query_one("#replay-metrics", Static).update(
            metrics_content(self.transcript, self.scenario, self.rubric)
        )
        self.notify(f"Saved to {self.path.name}", title="Coach note")

    def _refresh_row(self, index: int) -> None:
        item = self.query_one("#replay-turns", ListView).children[index]
        item.query_one(Static).update(turn_row(self.transcript, self.scenario, self.rubric, index))

    def action_note(self) -> None:
        if not self.transcript.turns:
            return

        def done(text: str | None) -> None:
            if text:
                self._save_note(text=text)

        self.app.push_screen(NoteDialog(self.selected + 1), done)

    def action_override(self) -> None:
        if not self.transcript.turns:
            return
        turn = self.transcript.turns[self.selected]
        if turn.role != "rep":
            self.notify("Only the rep's turns are scored; pick a rep turn.", severity="warning")
            return

        def done(result: tuple[Scores, str] | None) -> None:
            if result is not None:
                scores, reason = result
                self._save_note(override=scores, reason=reason)

        self.app.push_screen(OverrideDialog(self.selected + 1, turn.scores), done)

    # -- branching -------------------------------------------------------------------------

    def action_branch(self) -> None:
        if not self.transcript.turns:
            return
        turn = self.transcript.turns[self.selected]
        if turn.role != "rep":
            numbers = ", ".join(map(str, rep_turn_numbers(self.transcript)))
            self.notify(f"Branch from a rep turn ({numbers}).", severity="warning")
            return
        if self.scenario is None or self.rubric is None or self.branch_loader is None:
            self.notify(
                "Branching needs the scenario file and the models; pass --scenario PATH.",
                severity="error",
            )
            return
        if self.branching:
            self.notify("A branch is already being played.", severity="warning")
            return

        def done(line: str | None) -> None:
            if line:
                self.branching = True
                self.notify("Playing the branch…", title="Branch")
                self._play_branch(self.selected, line)

        self.app.push_screen(BranchDialog(turn, self.selected + 1), done)

    def branch_path(self, turn_index: int) -> Path:
        """Where a branch from turn `turn_index` is saved: beside the original."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return self.path.with_name(f"{self.path.stem}.branch-t{turn_index + 1}-{stamp}.json")

    @work(thread=True, exclusive=True, exit_on_error=False, group="branch")
    def _play_branch(self, turn_index: int, line: str) -> None:
        from roleplay.coach.branch import run_branch

        assert self.scenario is not None and self.rubric is not None
        assert self.branch_loader is not None
        output = self.branch_path(turn_index)
        try:
            buyer, scorer = self.branch_loader(self.scenario, self.rubric)
            session = run_branch(
                self.transcript,
                turn_index,
                line,
                source=self.path,
                scenario=self.scenario,
                rubric=self.rubric,
                buyer=buyer,
                scorer=scorer,
                save_to=output,
            )
        except RoleplayError as exc:
            self.post_message(BranchFailed(exc.message))
            return
        except Exception as exc:  # a backend bug must not kill the coach's screen
            self.post_message(BranchFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(BranchFinished(output, session.transcript))

    @on(BranchFinished)
    def branch_finished(self, message: BranchFinished) -> None:
        self.branching = False
        self.notify(f"Branch saved to {message.path.name}", title="Branch")
        self.app.push_screen(
            ReplayScreen(
                message.path,
                coach=self.coach,
                scenario=self.scenario,
                rubric=self.rubric,
                branch_loader=self.branch_loader,
                transcript=message.transcript,
            )
        )

    @on(BranchFailed)
    def branch_failed(self, message: BranchFailed) -> None:
        self.branching = False
        self.notify(message.error, title="Branch failed", severity="error", timeout=10)

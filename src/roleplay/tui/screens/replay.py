"""The replay screen: a coach steps through a saved conversation, turn by turn, with the
scores and reasons, and adds notes, override scores and "what if" branches.

Everything is saved into the transcript file at once (notes beside the machine's scores).
The screen works on its own (`ReplayApp`, used by `roleplay replay`) or pushed by the
practice app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, ListItem, ListView, Static, TextArea

from roleplay.coach.annotate import add_note, parse_override
from roleplay.coach.branch import rep_turn_numbers
from roleplay.coach.lookup import metrics_for
from roleplay.coach.scores import override_summary
from roleplay.errors import RoleplayError
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.standing import fmt_score, standing_of
from roleplay.transcript import Scores, Transcript, Turn, load_transcript
from roleplay.tui.widgets import score_chips
from roleplay.tui.widgets.bands import VERDICT_COLOURS, colour_of

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.session import TurnScorerLike

BranchLoader = Callable[[Scenario, Rubric], tuple["BuyerBackend", "TurnScorerLike"]]
"""Loads the buyer (ready to generate) and the scorer a branch needs; runs in a worker."""


# -- messages ---------------------------------------------------------------------------------


class BranchFinished(Message):
    """A branch was played out and saved."""

    def __init__(self, path: Path, transcript: Transcript) -> None:
        super().__init__()
        self.path = path
        self.transcript = transcript


class BranchFailed(Message):
    """A branch could not be made; `error` says why."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


# -- dialogs ----------------------------------------------------------------------------------


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


# -- the screen -------------------------------------------------------------------------------


def _speaker(transcript: Transcript, scenario: Scenario | None, turn: Turn) -> str:
    if turn.role == "rep":
        return transcript.rep or "Rep"
    return scenario.buyer.name if scenario is not None else "Buyer"


def turn_detail(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None, index: int
) -> Content:
    """Everything about one turn: scores, bands and explanation, or revealed facts and
    objections; then the coach's notes."""
    turn = transcript.turns[index]
    lines: list[Content] = [
        Content.from_markup(
            "[b]Turn $n of $total[/] · $who",
            n=str(index + 1),
            total=str(len(transcript.turns)),
            who=_speaker(transcript, scenario, turn),
        ),
        Content(turn.text),
        Content(""),
    ]
    if turn.role == "rep" and turn.score is not None:
        for dim in DIMENSIONS:
            value = getattr(turn.score.scores, dim)
            band = turn.score.bands.get(dim, "")
            if rubric is not None:
                band = rubric.dimension(dim).band_for(value).label
            cue = turn.score.explanation.cues.get(dim, "")
            lines.append(
                Content.from_markup(
                    "[b]$label[/] $value  $band  [dim]$cue[/]",
                    label=f"{DIMENSION_LABELS[dim]:<16}",
                    value=fmt_score(value),
                    band=band.replace("_", " "),
                    cue=cue,
                )
            )
        ex = turn.score.explanation
        lines += [Content(""), Content.from_markup("[b]Why:[/] $s", s=ex.summary)]
        if ex.missed:
            lines.append(Content.from_markup("[b]Missed:[/] $s", s="; ".join(ex.missed)))
        if ex.alternative:
            lines.append(Content.from_markup("[b]Better:[/] [i]$s[/]", s=ex.alternative))
        for rescore in turn.rescores:
            values = "  ".join(fmt_score(getattr(rescore.scores, d)) for d in DIMENSIONS)
            lines.append(
                Content.from_markup("[dim]Rescored by $r: $v[/]", r=rescore.rubric_id, v=values)
            )
    elif turn.role == "buyer":
        facts = []
        for fact_id in turn.revealed:
            summary = fact_id
            if scenario is not None:
                with contextlib.suppress(KeyError):
                    summary = f"{fact_id}: {scenario.fact(fact_id).summary}"
            facts.append(summary)
        objections = []
        for objection_id in turn.objections:
            summary = objection_id
            if scenario is not None:
                with contextlib.suppress(KeyError):
                    summary = f"{objection_id}: {scenario.objection(objection_id).summary}"
            objections.append(summary)
        lines.append(
            Content.from_markup("[b]Revealed:[/] $s", s="; ".join(facts) if facts else "nothing")
        )
        lines.append(
            Content.from_markup(
                "[b]Objections:[/] $s", s="; ".join(objections) if objections else "none"
            )
        )
        state = []
        if turn.patience is not None:
            state.append(f"patience {turn.patience}")
        if turn.trust is not None:
            state.append(f"trust {turn.trust}")
        if turn.source is not None:
            state.append(f"reply {turn.source}")
        if state:
            lines.append(Content.from_markup("[dim]$s[/]", s=" · ".join(state)))
    if turn.notes:
        lines += [Content(""), Content.from_markup("[b]Coach notes[/]")]
        for note in turn.notes:
            when = note.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            text = f"{note.author}, {when}: {note.text}" if note.text else f"{note.author}, {when}"
            lines.append(Content.from_markup("• $t", t=text))
            if note.override is not None:
                lines.append(Content.from_markup("  [b]$o[/]", o=override_summary(note)))
    return Content("\n").join(lines)


def metrics_content(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None
) -> Content:
    """The whole conversation's figures: the overall and mean scores with their bands (coach
    overrides counted), the outcome, metrics against their references, and the facts missed."""
    lines = [Content.from_markup("[b]The whole conversation[/] [dim](out of 100)[/]")]
    if rubric is not None:
        standing = standing_of(transcript, rubric, scenario)
        rows = [("Overall (rubric-weighted)", standing.overall, standing.overall_band)]
        rows += [(DIMENSION_LABELS[d], standing.means[d], standing.bands[d]) for d in DIMENSIONS]
        for label, value, band in rows:
            colour = colour_of(band) if band is not None else "$text-muted"
            lines.append(
                Content.from_markup(
                    f"$label $value [{colour}]$band[/]",
                    label=f"{label:<28}",
                    value=fmt_score(value),
                    band=band.label if band is not None else "",
                )
            )
        if standing.outcome is not None:
            verdict = "Success" if standing.outcome.success else "Not yet"
            lines.append(
                Content.from_markup("[b]$v[/]: $d", v=verdict, d=standing.outcome.decided_by)
            )
    try:
        metrics = metrics_for(transcript, scenario)
    except RoleplayError as exc:
        metrics = None
        lines.append(Content(f"Metrics unavailable: {exc.message}"))
    if metrics is None:
        lines.append(Content("Metrics need the scenario file (--scenario PATH)."))
    else:
        for row in metrics.rows():
            lines.append(
                Content.from_markup(
                    f"$label $value [{VERDICT_COLOURS.get(row.verdict, '$text-muted')}]$verdict[/] "
                    "[dim]ref $ref[/]",
                    label=f"{row.label:<28}",
                    value=row.value,
                    verdict=row.verdict,
                    ref=row.reference,
                )
            )
    if scenario is not None:
        found = set(transcript.revealed)
        missed = [f for f in scenario.hidden_facts if f.id not in found]
        for fact in missed:
            lines.append(Content.from_markup("[dim]missed[/] $id: $s", id=fact.id, s=fact.summary))
    return Content("\n").join(lines)


def turn_row(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None, index: int
) -> Content:
    """One line in the turn list: number, speaker, the start of the text, and chips."""
    turn = transcript.turns[index]
    text = turn.text if len(turn.text) <= 70 else turn.text[:69] + "…"
    marks = ""
    if turn.notes:
        marks += " ✎"
    if turn.revealed:
        marks += " ★"
    if turn.objections:
        marks += " !"
    head = Content.from_markup(
        "[b]#$n $who[/]$marks\n$text",
        n=str(index + 1),
        who=_speaker(transcript, scenario, turn),
        marks=marks,
        text=text,
    )
    if turn.role == "rep" and rubric is not None and turn.scores is not None:
        return Content("\n").join([head, score_chips(turn, rubric)])
    return head


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

    def __init__(
        self,
        path: Path,
        *,
        coach: str,
        scenario: Scenario | None = None,
        rubric: Rubric | None = None,
        branch_loader: BranchLoader | None = None,
        transcript: Transcript | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.coach = coach
        self.scenario = scenario
        self.rubric = rubric
        self.branch_loader = branch_loader
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
        if len(self.app.screen_stack) > 2:
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


class ReplayApp(App[None]):
    """`roleplay replay`: the replay screen on its own."""

    TITLE = "roleplay replay"

    def __init__(
        self,
        path: Path,
        *,
        coach: str,
        scenario: Scenario | None = None,
        rubric: Rubric | None = None,
        branch_loader: BranchLoader | None = None,
        transcript: Transcript | None = None,
    ) -> None:
        super().__init__()
        self.replay = ReplayScreen(
            path,
            coach=coach,
            scenario=scenario,
            rubric=rubric,
            branch_loader=branch_loader,
            transcript=transcript,
        )

    def on_mount(self) -> None:
        self.push_screen(self.replay)

"""The debrief: results with bands, the per-turn table, metrics, facts and coaching points."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from roleplay.dimensions import weakest
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.standing import Standing, outcome_of, standing_of
from roleplay.transcript import Transcript
from roleplay.tui.widgets.bands import (
    SHORT_LABELS,
    VERDICT_COLOURS,
    band_level,
    colour_of,
    dimension_label,
    percent,
)
from roleplay.tui.widgets.dimension_bar import bar
from roleplay.tui.widgets.fitted_table import FittedTable

if TYPE_CHECKING:
    from roleplay.scoring.metrics import ConversationMetrics, MetricRow
    from roleplay.tui.app import RoleplayApp

ENDED_BY = {
    "rep": "You ended the call",
    "turn_limit": "The call reached its turn limit",
    "patience": "The buyer ran out of patience",
    "crash": "The call was cut off",
}


def coaching_points(
    transcript: Transcript, scenario: Scenario, rubric: Rubric, metrics: ConversationMetrics | None
) -> list[str]:
    """The two or three most useful things to do differently next time, most useful first."""
    points: list[str] = []
    means = {d: v for d, v in standing_of(transcript, rubric, None).means.items() if v is not None}
    if means:
        lowest = weakest(means)
        band = rubric.dimension(lowest).band_for(means[lowest])
        point = f"{dimension_label(lowest)} ({percent(means[lowest])}, {band.label}): {band.tip}"
        worst = min(
            (t for t in transcript.rep_turns if t.scores is not None),
            key=lambda t: getattr(t.scores, lowest),
            default=None,
        )
        if worst is not None and worst.score is not None and worst.score.explanation.alternative:
            better = worst.score.explanation.alternative
            # Unquoted: the better turn quotes the buyer itself.
            point += f' Instead of "{_clip(worst.text, 60)}", try: {better}'
        points.append(point)
    outcome = outcome_of(transcript.revealed, scenario)
    missed = sorted(
        (scenario.fact(f) for f in outcome.missed),
        key=lambda f: f.id not in scenario.ending.required_facts,
    )
    if missed:
        fact = missed[0]
        question = fact.suggested_question()
        points.append(f'You missed what matters most here. Next time ask: "{question}"')
    rows = _metric_rows(metrics)
    poor = [row for row in rows if row.verdict == "poor"]
    if poor:
        row = poor[0]
        points.append(f"{row.label}: {row.value} against a reference of {row.reference}.")
    if not points:
        points.append("Say more: a call needs a few turns before there is anything to coach.")
    return points[:3]


def _metric_rows(metrics: ConversationMetrics | None) -> list[MetricRow]:
    return [] if metrics is None else metrics.rows()


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class DebriefScreen(Screen[None]):
    """How the call went and what to do next."""

    app: RoleplayApp

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Retry scenario", "Practise the same scenario again", "retry"),
        (
            "Open transcript",
            "Step through the saved conversation: scores, reasons, notes, what-if branches",
            "open_transcript",
        ),
    ]
    """Command palette entries: title, help, action (the app adds "Choose scenario")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", show=True),
        Binding("n", "new_scenario", "New scenario", show=True),
        Binding("o", "open_transcript", "Transcript", show=True),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
    ]

    TURN_TEXT_CHARS = 160
    """How much of each rep turn the turn-by-turn table shows (the replay shows it all)."""

    def __init__(
        self,
        scenario: Scenario,
        rubric: Rubric,
        transcript: Transcript,
        metrics: ConversationMetrics | None,
        path: Path | None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.rubric = rubric
        self.transcript = transcript
        self.metrics = metrics
        self.path = path
        self.standing: Standing = standing_of(transcript, rubric, scenario)
        self.title = "Debrief"
        self.sub_title = self.scenario.title

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with VerticalScroll(id="debrief-body"):
            yield Static(self._summary(), id="debrief-summary")
            yield Static(Content("Coaching points"), classes="section-title")
            yield Static(self._coaching(), id="debrief-coaching")
            yield Static(Content("Hidden facts"), classes="section-title")
            yield Static(self._facts(), id="debrief-facts")
            yield Static(Content("Conversation metrics"), classes="section-title")
            yield FittedTable(["Metric", "You", "Reference", "Verdict"], id="debrief-metrics")
            yield Static(Content("Turn by turn"), classes="section-title")
            yield FittedTable(
                ["#", *(SHORT_LABELS[name] for name in DIMENSIONS), "Your turn"],
                id="debrief-turns",
            )
        with Horizontal(id="debrief-actions"):
            yield Button("Retry (r)", id="retry", variant="primary")
            yield Button("New scenario (n)", id="new")
            yield Button("Transcript (o)", id="open")
        yield Footer()

    def on_mount(self) -> None:
        rows = _metric_rows(self.metrics)
        metric_rows = [
            [
                Content(row.label),
                Content(row.value),
                Content(row.reference),
                Content.from_markup(
                    f"[{VERDICT_COLOURS.get(row.verdict, '$text')}]$verdict[/]",
                    verdict=row.verdict,
                ),
            ]
            for row in rows
        ]
        if not metric_rows:
            metric_rows = [
                [Content("(metrics unavailable)"), Content(""), Content(""), Content("")]
            ]
        self.query_one("#debrief-metrics", FittedTable).set_rows(metric_rows)
        turn_rows: list[list[Content]] = []
        # Turns are numbered over the whole call, as in the metrics, replay and reports.
        for number, turn in enumerate(self.transcript.turns, start=1):
            if turn.role != "rep":
                continue
            cells: list[Content] = [Content(str(number))]
            for name in DIMENSIONS:
                if turn.scores is None:
                    cells.append(Content("--"))
                    continue
                value = getattr(turn.scores, name)
                _, colour = band_level(self.rubric, name, value)
                cells.append(Content.from_markup(f"[{colour}]$v[/]", v=percent(value)))
            cells.append(Content(_clip(turn.text, self.TURN_TEXT_CHARS)))
            turn_rows.append(cells)
        self.query_one("#debrief-turns", FittedTable).set_rows(turn_rows)
        # The body has the focus, so the arrows, PageDown, End (and j/k) scroll it at once;
        # r, n and o act from anywhere, and Tab reaches the buttons.
        self.query_one("#debrief-body", VerticalScroll).focus()

    def action_scroll(self, lines: int) -> None:
        """Scroll the debrief by `lines` (negative: up)."""
        self.query_one("#debrief-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def _summary(self) -> Content:
        standing = self.standing
        outcome = standing.outcome
        assert outcome is not None  # the debrief always has its scenario
        ended = ENDED_BY.get(self.transcript.ended_by or "rep", "The call ended")
        verdict = (
            "[b $text-success]Success[/]: $decided."
            if outcome.success
            else "[b $text-warning]Not yet[/]: $decided."
        )
        lines = [
            Content.from_markup(
                f"$ended after $turns turns. {verdict}",
                ended=ended,
                turns=str(len(self.transcript.rep_turns)),
                decided=outcome.decided_by,
            )
        ]
        if standing.overall is None or standing.overall_band is None:
            lines.append(Content.from_markup("[dim]No scored turns.[/]"))
        else:
            colour = colour_of(standing.overall_band)
            lines.append(
                Content.from_markup(
                    f"Overall  [b {colour}]$score/100[/] [{colour}]$band[/]",
                    score=percent(standing.overall),
                    band=standing.overall_band.label,
                )
            )
        for name in DIMENSIONS:
            mean, mark = standing.means[name], standing.bands[name]
            if mean is None or mark is None:
                continue
            colour = colour_of(mark)
            lines.append(
                Content.from_markup(
                    f"$dim [{colour}]$bar[/] [b]$score[/] [{colour}]$band[/]",
                    dim=f"{dimension_label(name):<16}",
                    bar=bar(mean, 16),
                    score=f"{percent(mean):>3}",
                    band=mark.label,
                )
            )
        return Content("\n").join(lines)

    def _coaching(self) -> Content:
        points = coaching_points(self.transcript, self.scenario, self.rubric, self.metrics)
        return Content("\n").join(
            Content.from_markup("[b]$n.[/] $point", n=str(i), point=point)
            for i, point in enumerate(points, start=1)
        )

    def _facts(self) -> Content:
        outcome = self.standing.outcome
        assert outcome is not None
        lines: list[Content] = [
            Content(f"You uncovered {len(outcome.uncovered)} of {len(self.scenario.hidden_facts)}.")
        ]
        for fact_id in outcome.uncovered:
            fact = self.scenario.fact(fact_id)
            lines.append(Content.from_markup("[$text-success]✓[/] $s", s=fact.summary))
        for fact_id in outcome.missed:
            fact = self.scenario.fact(fact_id)
            question = fact.suggested_question()
            lines.append(
                Content.from_markup(
                    "[$text-error]✗[/] $s\n    [dim]Ask:[/] [i]$q[/]", s=fact.summary, q=question
                )
            )
        return Content("\n").join(lines)

    @on(Button.Pressed, "#retry")
    def retry_pressed(self) -> None:
        self.action_retry()

    @on(Button.Pressed, "#new")
    def new_pressed(self) -> None:
        self.action_new_scenario()

    @on(Button.Pressed, "#open")
    def open_pressed(self) -> None:
        self.action_open_transcript()

    def action_retry(self) -> None:
        """Practise the same scenario again."""
        self.app.open_briefing(self.scenario)

    def action_new_scenario(self) -> None:
        """Back to the scenario picker."""
        self.app.show_picker()

    def action_open_transcript(self) -> None:
        """Step through this conversation in the replay (or read it, if it was not saved)."""
        if self.path is not None and self.path.is_file():
            self.app.open_replay(self.path)
            return
        from roleplay.tui.screens.transcript_view import TranscriptScreen

        self.app.push_screen(TranscriptScreen(self.scenario, self.transcript, self.path))

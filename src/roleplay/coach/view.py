"""What a report shows, as one view model both formats render.

`transcript_view` and `team_view` turn a report's data (`TranscriptReport`, `TeamReport`) into
text ready to show: scores out of 100, bands and outcomes from `roleplay.standing`, sentences
in the report's words. The Jinja2 templates in `coach/templates/` only lay it out, as HTML
(autoescaped) or Markdown (every value escaped), so the two formats cannot say different
things, and neither can band or judge a score on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from roleplay.coach.report import TranscriptReport, chart_points
from roleplay.coach.scores import override_summary, trend_text
from roleplay.coach.team import Attempt, TeamReport, sorted_reps
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS
from roleplay.standing import BandMark, Tone, band_of, fmt_score, guide_lines
from roleplay.transcript import CoachNote, Turn


class View(BaseModel):
    """A part of a report's view: strict, read-only, every field documented."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Banded(View):
    """A score with its band, as a chip shows it."""

    score: str
    """The score out of 100, e.g. `62`."""
    band: str
    """The band's label from the rubric, e.g. `Developing`."""
    tone: Tone
    """Low, mid or high: the colour the chip is drawn in."""

    @classmethod
    def of(cls, value: float | None, band: BandMark | None) -> Banded | None:
        """The chip of a banded score; None when there is no score."""
        if value is None or band is None:
            return None
        return cls(score=fmt_score(value), band=band.label, tone=band.tone)


class DimensionLine(View):
    """One behaviour in a transcript report's summary."""

    label: str
    """The behaviour's name, e.g. `Context-seeking`."""
    mean: Banded | None
    """Its mean over the rep's turns, coach overrides counted (None when none is scored)."""
    machine: str
    """The mean of the machine's scores alone, out of 100 (a dash when none)."""
    machine_differs: bool
    """Whether a coach override moves the mean away from the machine's."""


class OutcomeLine(View):
    """Whether the call met the scenario's success criteria."""

    verdict: Literal["Success", "Not yet"]
    """The verdict in a word or two."""
    decided_by: str
    """The condition that decided it, naming what was missing (`standing.Outcome`)."""


class ChartPoint(View):
    """One scored rep turn on the chart of scores over the conversation."""

    turn: int
    """The turn's number in the conversation (1-based)."""
    machine: dict[str, float]
    """The machine's score per behaviour, 0 to 1."""
    override: dict[str, float]
    """The coach's override per behaviour, 0 to 1 (empty when not overridden)."""


class MetricLine(View):
    """A conversation metric against its reference."""

    label: str
    """What is measured, e.g. `Rep talk share`."""
    value: str
    """This call's value."""
    reference: str
    """The reference it is judged against."""
    verdict: str
    """`good`, `fair`, `poor` or `n/a`."""


class FactLine(View):
    """A hidden fact, uncovered or missed."""

    fact_id: str
    """The fact's id in the scenario."""
    summary: str
    """What the fact is."""
    turn: int | None = None
    """The buyer turn that revealed it (None when missed)."""
    better_question: str = ""
    """For a missed fact: a question that would have earned it."""


class ScoreChip(View):
    """One behaviour's score on a rep turn."""

    label: str
    """The behaviour's name."""
    score: str
    """The score out of 100."""
    band: str
    """The score's band label in the report's rubric."""
    tone: Tone
    """The band's colour."""


class Explanation(View):
    """Why a rep turn scored as it did."""

    summary: str
    """The scorer's reading of the turn."""
    missed: str
    """What the rep could have picked up, `; `-separated ("" when nothing)."""
    alternative: str
    """A better turn ("" when none)."""


class Rescore(View):
    """A turn's scores under another rubric."""

    rubric_id: str
    """The rubric it was rescored with."""
    scores: str
    """The scores out of 100, e.g. `Listening 40, Context-seeking 55, Problem focus 60`."""


class Note(View):
    """A coach's note on a turn."""

    turn: int
    """The turn's number (1-based)."""
    author: str
    """Who wrote it."""
    time: str
    """When, e.g. `2026-11-23 10:14 UTC`."""
    text: str
    """The note ("" for an override without words)."""
    override: str
    """The override in words ("" when it is a note only)."""


class TurnView(View):
    """One turn of the conversation with what the report says about it."""

    number: int
    """Its number in the conversation (1-based)."""
    role: Literal["rep", "buyer"]
    """Who spoke."""
    who: str
    """The speaker's name."""
    text: str
    """What was said."""
    chips: list[ScoreChip] = []
    """A rep turn's score per behaviour (empty when not scored)."""
    explanation: Explanation | None = None
    """Why a rep turn scored so (None when not scored)."""
    rescores: list[Rescore] = []
    """A rep turn's scores under other rubrics."""
    revealed: list[str] = []
    """Hidden facts a buyer turn revealed."""
    objections: list[str] = []
    """Objections a buyer turn raised."""
    patience: int | None = None
    """The buyer's patience after the turn."""
    trust: int | None = None
    """The buyer's trust after the turn."""
    source: str | None = None
    """Where a buyer line came from when not the model (e.g. `scripted`)."""
    notes: list[Note] = []
    """Coach notes on the turn."""


class TranscriptView(View):
    """Everything the report on one conversation shows."""

    title: str
    """`REP — SCENARIO`."""
    meta: list[str]
    """When it was practised, how it ended, the buyer model, the rubric, the transcript id."""
    buyer: str | None
    """Who the buyer was (None without the scenario)."""
    branch: str | None
    """For a branch: the sentence naming its original."""
    warnings: list[str]
    """What the reader should know first (scenario missing or changed)."""
    overall: Banded | None
    """The rubric-weighted overall, coach overrides counted."""
    dimensions: list[DimensionLine]
    """Each behaviour's mean."""
    facts_uncovered: str
    """`K of N` hidden facts uncovered (`K` alone without the scenario)."""
    outcome: OutcomeLine | None
    """The call's outcome (None without the scenario)."""
    labels: dict[str, str]
    """Each behaviour's name by its key, in the rubric's order."""
    chart: list[ChartPoint]
    """The scores over the rep's scored turns."""
    guides: list[float]
    """Where the overall bands start above 0: the chart's guide lines."""
    has_override: bool
    """Whether any charted turn carries a coach override."""
    metrics: list[MetricLine] | None
    """The conversation metrics (None without the scenario)."""
    uncovered: list[FactLine]
    """Hidden facts uncovered, in the order they came out."""
    missed: list[FactLine]
    """Hidden facts never uncovered, each with a question that earns it."""
    turns: list[TurnView]
    """The conversation."""
    notes: list[Note]
    """Every coach note, by turn."""


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "–"


def _note(turn: int, note: CoachNote) -> Note:
    return Note(
        turn=turn,
        author=note.author,
        time=_when(note.time),
        text=note.text,
        override=override_summary(note),
    )


def _turn(number: int, turn: Turn, who: str, report: TranscriptReport) -> TurnView:
    notes = [_note(number, n) for n in turn.notes]
    if turn.role == "buyer":
        return TurnView(
            number=number,
            role="buyer",
            who=who,
            text=turn.text,
            revealed=turn.revealed,
            objections=turn.objections,
            patience=turn.patience,
            trust=turn.trust,
            source=str(turn.source) if turn.source not in (None, "model") else None,
            notes=notes,
        )
    chips: list[ScoreChip] = []
    explanation = None
    if turn.score is not None:
        for dim in DIMENSIONS:
            value = getattr(turn.score.scores, dim)
            band = band_of(report.rubric, dim, value)
            chips.append(
                ScoreChip(
                    label=DIMENSION_LABELS[dim],
                    score=fmt_score(value),
                    band=band.label,
                    tone=band.tone,
                )
            )
        ex = turn.score.explanation
        explanation = Explanation(
            summary=ex.summary, missed="; ".join(ex.missed), alternative=ex.alternative
        )
    rescores = [
        Rescore(
            rubric_id=r.rubric_id,
            scores=", ".join(
                f"{DIMENSION_LABELS[d]} {fmt_score(getattr(r.scores, d))}" for d in DIMENSIONS
            ),
        )
        for r in turn.rescores
    ]
    return TurnView(
        number=number,
        role="rep",
        who=who,
        text=turn.text,
        chips=chips,
        explanation=explanation,
        rescores=rescores,
        notes=notes,
    )


def transcript_view(report: TranscriptReport) -> TranscriptView:
    """What the report on one conversation shows, in both formats."""
    tr = report.transcript
    scenario = report.scenario
    meta = [f"Practised {_when(tr.started_at)}"]
    if tr.ended_by:
        meta.append(f"ended by {tr.ended_by.replace('_', ' ')}")
    meta += [f"buyer model {tr.models.buyer}", f"rubric {tr.rubric_id}", f"transcript {tr.id}"]
    buyer = None
    if scenario is not None:
        b = scenario.buyer
        buyer = f"{b.name}, {b.title} at {b.company} ({b.industry})"
    branch = None
    if tr.branch_of is not None:
        branch = (
            f"A branch of transcript {tr.branch_of.transcript_id} ({tr.branch_of.transcript}), "
            f"taking another line from turn {tr.branch_of.turn_index + 1}."
        )
    standing = report.standing
    dimensions = []
    for dim in DIMENSIONS:
        value, machine = standing.means[dim], standing.machine_means[dim]
        dimensions.append(
            DimensionLine(
                label=DIMENSION_LABELS[dim],
                mean=Banded.of(value, standing.bands[dim]),
                machine=fmt_score(machine),
                machine_differs=machine is not None
                and value is not None
                and fmt_score(machine) != fmt_score(value),
            )
        )
    outcome = None
    if standing.outcome is not None:
        outcome = OutcomeLine(
            verdict="Success" if standing.outcome.success else "Not yet",
            decided_by=standing.outcome.decided_by,
        )
    points = [
        ChartPoint(turn=number, machine=machine, override=override)
        for number, machine, override in chart_points(tr)
    ]
    buyer_name = scenario.buyer.name if scenario is not None else "Buyer"
    return TranscriptView(
        title=report.title,
        meta=meta,
        buyer=buyer,
        branch=branch,
        warnings=report.warnings,
        overall=Banded.of(standing.overall, standing.overall_band),
        dimensions=dimensions,
        facts_uncovered=report.facts_uncovered,
        outcome=outcome,
        labels={d: DIMENSION_LABELS[d] for d in DIMENSIONS},
        chart=points,
        guides=guide_lines(report.rubric),
        has_override=any(p.override for p in points),
        metrics=(
            [MetricLine(**row.model_dump()) for row in report.metric_rows]
            if report.metric_rows is not None
            else None
        ),
        uncovered=[
            FactLine(fact_id=f.fact_id, summary=f.summary, turn=f.turn_number)
            for f in report.uncovered
        ],
        missed=[
            FactLine(fact_id=f.fact_id, summary=f.summary, better_question=f.better_question)
            for f in report.missed
        ],
        turns=[
            _turn(number, turn, (tr.rep or "Rep") if turn.role == "rep" else buyer_name, report)
            for number, turn in enumerate(tr.turns, start=1)
        ],
        notes=[_note(line.turn_number, line.note) for line in report.notes],
    )


# --- the team view ------------------------------------------------------------------------


class Cell(View):
    """A team table's cell that is more than text: a banded score, or a link to another
    report."""

    text: str = ""
    """What the reader sees of a link."""
    banded: Banded | None = None
    """A score the renderer draws as a chip in its band's colour."""
    href: str | None = None
    """A link, relative to the page it is on, to another file of the shared folder."""


class Section(View):
    """One table of the team view."""

    key: str
    """An anchor name."""
    title: str
    """The heading."""
    headers: list[str]
    """Column headings."""
    numeric: list[bool]
    """Per column: whether it is aligned as numbers."""
    rows: list[list[str | Cell]]
    """The table's rows: each cell plain text, or a `Cell`."""
    note: str = ""
    """A line under the heading that says how to read the table."""
    empty: str = "Nothing to show."
    """What to say when there are no rows."""


class TeamView(View):
    """Everything the team view shows."""

    label: str
    """What was read (the folder or paths)."""
    attempts: int
    """Attempts counted."""
    reps: int
    """Reps who practised."""
    scenarios: int
    """Scenarios practised."""
    branches: int
    """Branches found ("what if" lines, not attempts)."""
    filters: str
    """The filters in words ("" when none)."""
    warnings: list[str]
    """What the reader should know first."""
    skipped: list[str]
    """Why each skipped file could not be read."""
    sections: list[Section]
    """The tables, in order."""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _banded_overall(attempt: Attempt | None) -> str | Cell:
    if attempt is None:
        return "–"
    banded = Banded.of(attempt.overall, attempt.band)
    return Cell(banded=banded) if banded is not None else "–"


def _facts_found(attempt: Attempt) -> str:
    """ "K of N" hidden facts uncovered (just K without the scenario)."""
    if attempt.facts_total is None:
        return str(attempt.uncovered)
    return f"{attempt.uncovered} of {attempt.facts_total}"


def _section(
    key: str,
    title: str,
    headers: Sequence[str],
    rows: list[list[str | Cell]],
    numeric: set[int],
    *,
    note: str = "",
    empty: str = "Nothing to show.",
) -> Section:
    return Section(
        key=key,
        title=title,
        headers=list(headers),
        numeric=[i in numeric for i in range(len(headers))],
        rows=rows,
        note=note,
        empty=empty,
    )


def _reports_section(report: TeamReport) -> Section:
    links = report.reports or {}
    attempts = sorted(report.all_attempts(), key=lambda a: (a.rep, a.started_at))
    return _section(
        "reports",
        "Reports, one per attempt",
        ["Rep", "Scenario", "Started", "Overall", "Facts", "Report"],
        [
            [
                a.rep,
                a.scenario_id,
                f"{a.started_at:%Y-%m-%d %H:%M}",
                _banded_overall(a),
                _facts_found(a),
                Cell(text=a.transcript_id, href=links[a.path])
                if a.path in links
                else ("not written"),
            ]
            for a in attempts
        ],
        {4},
        note="Each attempt's own report, in this folder. Branches are not attempts and get none.",
        empty="No attempts counted.",
    )


def team_sections(report: TeamReport, sort_by: str | None = None) -> list[Section]:
    """The team view's tables, in order: the reports (with `--per-transcript`), who needs help
    on what, per rep and scenario, trends by week, per scenario, most often missed facts."""
    labels = [DIMENSION_LABELS[d] for d in DIMENSIONS]
    order = sort_by or report.sort_by
    sections = [_reports_section(report)] if report.reports is not None else []
    sections.append(
        _section(
            "per-rep",
            "Per rep: who needs help on what",
            [
                "Rep",
                "Attempts",
                *labels,
                "Overall",
                "Success",
                "Needs help on",
                "Before / after a coach note",
            ],
            [
                [
                    s.rep,
                    str(s.attempts),
                    *(
                        Cell(banded=Banded.of(m.value, m.band)) if m else "–"
                        for m in (s.means[d] for d in DIMENSIONS)
                    ),
                    Cell(banded=Banded.of(s.overall.value, s.overall.band)) if s.overall else "–",
                    _pct(s.success_rate),
                    DIMENSION_LABELS[s.weakest] if s.weakest else "–",
                    (
                        f"{fmt_score(s.before_note)} → {fmt_score(s.after_note)}"
                        if s.before_note is not None or s.after_note is not None
                        else "no note yet"
                    ),
                ]
                for s in sorted_reps(report, order)
            ],
            {1},
            note=(
                f"Means out of 100 over each rep's attempts, banded by the rubric; a coach's "
                f"override counts over the machine's score; overall is rubric-weighted. Sorted by "
                f"{'need (the weakest behaviour first)' if order == 'need' else order}."
            ),
            empty="No attempts counted.",
        )
    )
    sections.append(
        _section(
            "per-rep-scenario",
            "Per rep and scenario",
            ["Rep", "Scenario", "Attempts", "Best", "Latest", "Facts (latest)", *labels],
            [
                [
                    g.rep,
                    g.scenario_id,
                    str(len(g.attempts)),
                    _banded_overall(g.best),
                    _banded_overall(g.latest),
                    _facts_found(g.latest),
                    *(trend_text(g.trend(d)) for d in DIMENSIONS),
                ]
                for g in report.groups
            ],
            {2},
            note="Behaviour columns run from the first attempt to the latest, out of 100.",
            empty="No attempts counted.",
        )
    )
    sections.append(
        _section(
            "trends",
            "Trends by week",
            ["Who", "Week of", "Attempts", *labels],
            [
                [
                    who,
                    f"{p.week:%Y-%m-%d}",
                    str(p.attempts),
                    *(fmt_score(p.means[d]) for d in DIMENSIONS),
                ]
                for who, weeks in [("Team average", report.team_weekly), *report.weekly.items()]
                for p in weeks
            ],
            {2, 3, 4, 5},
            note="Each rep's behaviour means per week (Monday to Sunday) against the team's.",
            empty="No attempts counted.",
        )
    )
    sections.append(
        _section(
            "per-scenario",
            "Per scenario",
            ["Scenario", "Id", "Attempts", "Reps", "Mean overall"],
            [
                [
                    s.title,
                    s.scenario_id,
                    str(s.attempts),
                    str(len(s.reps)),
                    fmt_score(s.mean_overall),
                ]
                for s in report.scenarios
            ],
            {2, 3, 4},
        )
    )
    sections.append(
        _section(
            "missed-facts",
            "Most often missed facts",
            ["Fact", "Scenario", "Missed", "Rate", "A question that earns it"],
            [
                [
                    f"{m.summary} ({m.fact_id})",
                    m.scenario_id,
                    f"{m.missed} of {m.attempts}",
                    _pct(m.rate),
                    f"“{m.better_question}”",
                ]
                for m in report.missed_facts
            ],
            {2, 3},
            note=f"All {len(report.missed_facts)} missed facts, by how many attempts missed them.",
            empty="No missed facts counted.",
        )
    )
    return sections


def team_view(report: TeamReport) -> TeamView:
    """What the team view shows, in both formats."""
    return TeamView(
        label=report.label,
        attempts=report.attempts,
        reps=len(report.reps),
        scenarios=len(report.scenarios),
        branches=report.branches,
        filters=report.filters.describe(),
        warnings=report.warnings,
        skipped=[s.reason for s in report.skipped],
        sections=team_sections(report),
    )

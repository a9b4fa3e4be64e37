"""Reports on scored transcripts: one conversation, or a team view over a folder of them.

A report is built as plain data first (`TranscriptReport`, `TeamReport`), turned into one view
model both formats show (`roleplay.coach.view`), and laid out by Jinja2 templates as
self-contained HTML (inline CSS and SVG, no script, no network; `roleplay.coach.render_html`) or
Markdown (`roleplay.coach.render_md`). CSV and JSON are one row per attempt.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.coach.lookup import (
    find_scenario,
    metrics_for,
    rubric_for,
    scenario_changed,
    scenario_for,
)
from roleplay.coach.scores import rep_turns
from roleplay.coach.team import (
    EXPORT_COLUMNS,
    SkippedFile,
    TeamFilter,
    TeamReport,
    better_question,
    build_team_report,
    export_rows,
    load_folder,
)
from roleplay.errors import TranscriptError, UsageError
from roleplay.files import MAX_JSON_BYTES, check_output, json_location, read_text, write_atomic
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.standing import Standing, effective_scores, standing_of
from roleplay.transcript import CoachNote, Transcript, Turn, load_transcript

if TYPE_CHECKING:
    from roleplay.scoring.metrics import MetricRow

ReportFormat = Literal["html", "md", "csv", "json"]
FORMATS: tuple[ReportFormat, ...] = ("html", "md", "csv", "json")


@dataclass(frozen=True)
class FactLine:
    """A hidden fact in a report: uncovered (with the turn that revealed it) or missed."""

    fact_id: str
    summary: str
    turn_number: int | None = None
    """1-based number of the buyer turn that revealed it; None when missed."""
    better_question: str = ""
    """For missed facts: a question that would have earned it."""


@dataclass(frozen=True)
class NoteLine:
    """A coach note with the turn it belongs to."""

    turn_number: int
    role: str
    note: CoachNote


@dataclass
class TranscriptReport:
    """Everything a single-conversation report shows."""

    transcript: Transcript
    scenario: Scenario | None
    source: Path | None
    metric_rows: list[MetricRow] | None
    uncovered: list[FactLine]
    missed: list[FactLine]
    notes: list[NoteLine]
    rubric: Rubric
    """The rubric whose weights and bands the report uses."""
    standing: Standing
    """Means, overall, bands and outcome (`roleplay.standing`)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def facts_uncovered(self) -> str:
        """ "K of N": the scenario's hidden facts uncovered, of all of them (just K without the
        scenario). Ids the scenario no longer has are listed but not counted, so K <= N."""
        if self.scenario is None:
            return str(len(self.uncovered))
        known = {f.id for f in self.scenario.hidden_facts}
        found = sum(1 for f in self.uncovered if f.fact_id in known)
        return f"{found} of {len(known)}"

    @property
    def title(self) -> str:
        name = self.scenario.title if self.scenario is not None else self.transcript.scenario_id
        rep = self.transcript.rep or "unnamed rep"
        return f"{rep} — {name}"


def check_revealed(transcript: Transcript, scenario: Scenario, source: Path | None) -> None:
    """Refuse a transcript that claims facts its scenario does not have, when the scenario is
    the one it was practised on (so the ids cannot have been renamed since).

    Raises:
        TranscriptError: naming the turn and the unknown fact id.
    """
    if scenario_changed(transcript, scenario):
        return
    known = {f.id for f in scenario.hidden_facts}
    for number, turn in enumerate(transcript.turns, start=1):
        for fact_id in turn.revealed:
            if fact_id not in known:
                where = f"transcript {transcript.id}"
                if source is not None:
                    line, col = json_location(
                        read_text(source, MAX_JSON_BYTES), ("turns", number - 1, "revealed")
                    )
                    where = f"{source}:{line}:{col}"
                raise TranscriptError(
                    f"{where}: turns.{number - 1}.revealed: turn {number} "
                    f"reveals '{fact_id}', which is not a hidden fact of scenario "
                    f"'{scenario.id}' (known: {', '.join(sorted(known))}); the transcript is "
                    "damaged"
                )


def build_report(
    transcript: Transcript,
    scenario: Scenario | None,
    *,
    rubric: Rubric | None = None,
    source: Path | None = None,
) -> TranscriptReport:
    """Gather what a report on one transcript shows (rubric: the transcript's, by default).

    Raises:
        TranscriptError: the transcript reveals facts its (unchanged) scenario does not have.
    """
    if scenario is not None:
        check_revealed(transcript, scenario, source)
    rubric = rubric if rubric is not None else rubric_for(transcript)
    warnings: list[str] = []
    revealed_at: dict[str, int] = {}
    for number, turn in enumerate(transcript.turns, start=1):
        for fact_id in turn.revealed:
            revealed_at.setdefault(fact_id, number)
    uncovered: list[FactLine] = []
    missed: list[FactLine] = []
    if scenario is None:
        warnings.append(
            f"Scenario '{transcript.scenario_id}' was not found: metrics and missed facts are "
            "left out, uncovered facts are shown by id."
        )
        uncovered = [FactLine(f, f, revealed_at[f]) for f in transcript.revealed]
    else:
        if scenario_changed(transcript, scenario):
            warnings.append(
                "The scenario file changed after this conversation was practised; facts and "
                "metrics are measured against the current file."
            )
        known = {f.id for f in scenario.hidden_facts}
        for fact in scenario.hidden_facts:
            if fact.id in revealed_at:
                uncovered.append(FactLine(fact.id, fact.summary, revealed_at[fact.id]))
            else:
                missed.append(FactLine(fact.id, fact.summary, None, better_question(fact)))
        uncovered.sort(key=lambda f: f.turn_number or 0)
        uncovered.extend(
            FactLine(f, f"(not in the scenario file) {f}", revealed_at[f])
            for f in transcript.revealed
            if f not in known
        )
    metrics = metrics_for(transcript, scenario)
    notes = [
        NoteLine(number, turn.role, note)
        for number, turn in enumerate(transcript.turns, start=1)
        for note in turn.notes
    ]
    return TranscriptReport(
        transcript=transcript,
        scenario=scenario,
        source=source,
        metric_rows=metrics.rows() if metrics is not None else None,
        uncovered=uncovered,
        missed=missed,
        notes=notes,
        rubric=rubric,
        standing=standing_of(transcript, rubric, scenario),
        warnings=warnings,
    )


# --- entry point used by `roleplay report` -----------------------------------------------


@dataclass
class WrittenReport:
    """What `write_report` produced."""

    output: Path
    kind: Literal["transcript", "team"]
    transcripts: int
    skipped: list[SkippedFile]
    warnings: list[str]


def render(report: TranscriptReport | TeamReport, fmt: ReportFormat) -> str:
    """Render a report in the given format (csv and json: one row per attempt)."""
    from roleplay.coach import render_html, render_md

    if fmt not in FORMATS:
        raise UsageError(f"unknown report format '{fmt}' (known: {', '.join(FORMATS)})")
    if fmt in ("csv", "json"):
        team = report if isinstance(report, TeamReport) else _one_attempt_team(report)
        return _export(team, fmt)
    if isinstance(report, TeamReport):
        return render_html.team(report) if fmt == "html" else render_md.team(report)
    return render_html.transcript(report) if fmt == "html" else render_md.transcript(report)


def _one_attempt_team(report: TranscriptReport) -> TeamReport:
    source = report.source or Path(f"{report.transcript.id}.json")
    return build_team_report(
        source,
        [(source, report.transcript)],
        find=lambda _sid: report.scenario,
        rubric_of=lambda _rubric_id: report.rubric,
    )


def _export(team: TeamReport, fmt: ReportFormat) -> str:
    rows = export_rows(team)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_report(
    targets: Path | Sequence[Path],
    fmt: ReportFormat,
    output: Path,
    *,
    scenario_path: Path | None = None,
    force: bool = False,
    filters: TeamFilter | None = None,
    sort_by: str = "need",
) -> WrittenReport:
    """Write a report on one transcript file, or a team view over folders and several files.

    `output` must be a new file, or an existing one with `force`; never a file it reads.

    Raises:
        TranscriptError: a single transcript cannot be read.
        UsageError: a bad format, target or output.
    """
    paths = [targets] if isinstance(targets, Path) else list(targets)
    files = load_folder(*paths)
    check_output(output, force=force, reads=[*paths, *files.files, scenario_path])
    if len(paths) == 1 and not paths[0].is_dir() and filters is None and fmt in ("html", "md"):
        transcript = load_transcript(paths[0])
        scenario = scenario_for(transcript, scenario_path)
        single = build_report(transcript, scenario, source=paths[0])
        write_atomic(output, render(single, fmt))
        return WrittenReport(output, "transcript", 1, [], single.warnings)
    places = [scenario_path] if scenario_path is not None else None

    def find(sid: str) -> Scenario | None:
        return find_scenario(sid, places)

    label = ", ".join(str(p) for p in paths)
    team = build_team_report(label, files, find=find, filters=filters, sort_by=sort_by)
    write_atomic(output, render(team, fmt))
    return WrittenReport(output, "team", files.read, files.skipped, team.warnings)


def iter_turns_numbered(transcript: Transcript) -> Iterable[tuple[int, Turn]]:
    """The turns with their 1-based numbers, as reports and replay show them."""
    return enumerate(transcript.turns, start=1)


def chart_points(transcript: Transcript) -> list[tuple[int, dict[str, float], dict[str, float]]]:
    """Per scored rep turn: (turn number, machine scores, override scores or {})."""
    points: list[tuple[int, dict[str, float], dict[str, float]]] = []
    for rep_turn in rep_turns(transcript):
        scores = rep_turn.turn.scores
        if scores is None:
            continue
        machine: dict[str, float] = {d: float(getattr(scores, d)) for d in DIMENSIONS}
        effective = effective_scores(rep_turn.turn)
        override: dict[str, float] = (
            {d: float(getattr(effective, d)) for d in DIMENSIONS}
            if effective is not None and effective is not scores
            else {}
        )
        points.append((rep_turn.index + 1, machine, override))
    return points

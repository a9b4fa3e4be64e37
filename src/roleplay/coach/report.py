"""Reports on scored transcripts: one conversation, or a team view over a folder of them.

A report is built as plain data first (`TranscriptReport`, `TeamReport`) and then rendered to
self-contained HTML (inline CSS and SVG, no script, no network) or Markdown by
`roleplay.coach.render_html` and `roleplay.coach.render_md`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay.coach.lookup import find_scenario, metrics_for, scenario_changed, scenario_for
from roleplay.coach.scores import dimension_means, effective_scores, overall, rep_turns
from roleplay.errors import TranscriptError, UsageError
from roleplay.files import MAX_JSON_BYTES, check_output, json_location, read_text, write_atomic
from roleplay.rubric import DIMENSIONS
from roleplay.scenario import HiddenFact, Scenario
from roleplay.transcript import CoachNote, Transcript, Turn, load_transcript

if TYPE_CHECKING:
    from roleplay.scoring.metrics import MetricRow

ReportFormat = Literal["html", "md"]
FORMATS: tuple[ReportFormat, ...] = ("html", "md")


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
    means: dict[str, float | None]
    means_with_overrides: dict[str, float | None]
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


def better_question(fact: HiddenFact) -> str:
    """The question to suggest when a fact was missed: the author's, else the first example."""
    return fact.suggested_question()


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
    transcript: Transcript, scenario: Scenario | None, *, source: Path | None = None
) -> TranscriptReport:
    """Gather what a report on one transcript shows.

    Raises:
        TranscriptError: the transcript reveals facts its (unchanged) scenario does not have.
    """
    if scenario is not None:
        check_revealed(transcript, scenario, source)
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
        means=dimension_means(transcript),
        means_with_overrides=dimension_means(transcript, with_overrides=True),
        warnings=warnings,
    )


# --- team view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedFile:
    """A file in the folder that could not be read as a transcript."""

    path: Path
    reason: str


@dataclass
class FolderLoad:
    """The transcripts in a folder, and the files that were skipped."""

    transcripts: list[tuple[Path, Transcript]]
    skipped: list[SkippedFile]


def load_folder(folder: Path) -> FolderLoad:
    """Read every `*.json` transcript under `folder` (recursively); damaged files are skipped
    and listed, never fatal.

    Raises:
        UsageError: `folder` is not a directory.
    """
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    loaded: list[tuple[Path, Transcript]] = []
    skipped: list[SkippedFile] = []
    for path in sorted(folder.rglob("*.json")):
        if path.name.startswith("."):
            continue  # temporary files of an atomic save in progress
        if path.is_dir():
            continue
        try:
            loaded.append((path, load_transcript(path)))
        except TranscriptError as exc:
            skipped.append(SkippedFile(path, exc.message))
    return FolderLoad(loaded, skipped)


@dataclass(frozen=True)
class Attempt:
    """One practice conversation in the team view."""

    path: Path
    transcript_id: str
    started_at: datetime
    means: dict[str, float | None]
    overall: float | None
    uncovered: int
    facts_total: int | None


@dataclass
class RepScenario:
    """One rep's attempts at one scenario, oldest first."""

    rep: str
    scenario_id: str
    attempts: list[Attempt]

    @property
    def best(self) -> Attempt | None:
        rated = [a for a in self.attempts if a.overall is not None]
        return max(rated, key=lambda a: a.overall or 0.0) if rated else None

    @property
    def latest(self) -> Attempt:
        return self.attempts[-1]

    def trend(self, dimension: str) -> list[float]:
        """The dimension's mean per attempt, oldest first (attempts without scores left out)."""
        return [v for a in self.attempts if (v := a.means.get(dimension)) is not None]

    def change(self, dimension: str) -> float | None:
        """Latest minus first attempt for a dimension; None with fewer than two attempts."""
        values = self.trend(dimension)
        return values[-1] - values[0] if len(values) >= 2 else None


@dataclass(frozen=True)
class MissedFact:
    """A hidden fact and how often reps missed it."""

    scenario_id: str
    fact_id: str
    summary: str
    better_question: str
    missed: int
    attempts: int


@dataclass
class ScenarioSummary:
    """All attempts at one scenario."""

    scenario_id: str
    title: str
    attempts: int
    reps: list[str]
    mean_overall: float | None
    found: bool


@dataclass
class TeamReport:
    """Everything the team view shows."""

    folder: Path
    groups: list[RepScenario]
    scenarios: list[ScenarioSummary]
    missed_facts: list[MissedFact]
    branches: int
    skipped: list[SkippedFile]
    warnings: list[str] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return sum(len(g.attempts) for g in self.groups)

    @property
    def reps(self) -> list[str]:
        return sorted({g.rep for g in self.groups})


def build_team_report(
    folder: Path,
    loaded: FolderLoad,
    *,
    find: Callable[[str], Scenario | None] = find_scenario,
    top_missed: int = 10,
) -> TeamReport:
    """Summarise a folder of transcripts per rep and per scenario.

    Scores are each turn's effective scores (a coach's override counts over the machine's).
    Branches are counted apart: they are "what if" lines, not attempts.
    """
    scenarios: dict[str, Scenario | None] = {}
    groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    missed_counts: Counter[tuple[str, str]] = Counter()
    attempts_per_scenario: Counter[str] = Counter()
    reps_per_scenario: dict[str, set[str]] = defaultdict(set)
    overall_per_scenario: dict[str, list[float]] = defaultdict(list)
    branches = 0
    for path, transcript in loaded.transcripts:
        if transcript.branch_of is not None:
            branches += 1
            continue
        sid = transcript.scenario_id
        if sid not in scenarios:
            scenarios[sid] = find(sid)
        scenario = scenarios[sid]
        revealed = set(transcript.revealed)
        means = dimension_means(transcript, with_overrides=True)
        score = overall(means)
        rep = transcript.rep or "(unnamed)"
        facts_total = len(scenario.hidden_facts) if scenario is not None else None
        if scenario is not None:
            uncovered = sum(1 for f in scenario.hidden_facts if f.id in revealed)
            for fact in scenario.hidden_facts:
                if fact.id not in revealed:
                    missed_counts[(sid, fact.id)] += 1
        else:
            uncovered = len(revealed)
        groups[(rep, sid)].append(
            Attempt(
                path, transcript.id, transcript.started_at, means, score, uncovered, facts_total
            )
        )
        attempts_per_scenario[sid] += 1
        reps_per_scenario[sid].add(rep)
        if score is not None:
            overall_per_scenario[sid].append(score)
    group_list = [
        RepScenario(rep, sid, sorted(attempts, key=lambda a: a.started_at))
        for (rep, sid), attempts in sorted(groups.items())
    ]
    summaries = []
    for sid in sorted(attempts_per_scenario):
        scenario = scenarios.get(sid)
        scores = overall_per_scenario[sid]
        summaries.append(
            ScenarioSummary(
                scenario_id=sid,
                title=scenario.title if scenario is not None else sid,
                attempts=attempts_per_scenario[sid],
                reps=sorted(reps_per_scenario[sid]),
                mean_overall=sum(scores) / len(scores) if scores else None,
                found=scenario is not None,
            )
        )
    missed: list[MissedFact] = []
    for (sid, fact_id), count in missed_counts.most_common():
        scenario = scenarios[sid]
        assert scenario is not None  # only counted when the scenario was found
        fact = scenario.fact(fact_id)
        missed.append(
            MissedFact(
                sid, fact_id, fact.summary, better_question(fact), count, attempts_per_scenario[sid]
            )
        )
    missed.sort(key=lambda m: (-m.missed / m.attempts, -m.missed, m.scenario_id, m.fact_id))
    warnings = [
        f"Scenario '{s.scenario_id}' was not found: its missed facts are not counted."
        for s in summaries
        if not s.found
    ]
    return TeamReport(
        folder=folder,
        groups=group_list,
        scenarios=summaries,
        missed_facts=missed[:top_missed],
        branches=branches,
        skipped=loaded.skipped,
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
    """Render a report in the given format."""
    from roleplay.coach import render_html, render_md

    if fmt not in FORMATS:
        raise UsageError(f"unknown report format '{fmt}' (known: {', '.join(FORMATS)})")
    if isinstance(report, TeamReport):
        return render_html.team(report) if fmt == "html" else render_md.team(report)
    return render_html.transcript(report) if fmt == "html" else render_md.transcript(report)


def write_report(
    target: Path,
    fmt: ReportFormat,
    output: Path,
    *,
    scenario_path: Path | None = None,
    force: bool = False,
) -> WrittenReport:
    """Write a report on one transcript file, or a team view when `target` is a folder.

    `output` must be a new file, or an existing one with `force`; never a file it reads.

    Raises:
        TranscriptError: a single transcript cannot be read.
        UsageError: a bad format, target or output.
    """
    reads = [target, scenario_path]
    if target.is_dir():
        reads += sorted(target.rglob("*.json"))
    check_output(output, force=force, reads=reads)
    if target.is_dir():
        loaded = load_folder(target)
        places = [scenario_path] if scenario_path is not None else None

        def find(sid: str) -> Scenario | None:
            return find_scenario(sid, places)

        team = build_team_report(target, loaded, find=find)
        write_atomic(output, render(team, fmt))
        return WrittenReport(output, "team", len(loaded.transcripts), loaded.skipped, team.warnings)
    transcript = load_transcript(target)
    scenario = scenario_for(transcript, scenario_path)
    single = build_report(transcript, scenario, source=target)
    write_atomic(output, render(single, fmt))
    return WrittenReport(output, "transcript", 1, [], single.warnings)


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

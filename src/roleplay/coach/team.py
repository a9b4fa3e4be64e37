"""The team view: who needs help on what, trends by week, most-missed facts, and export rows.

Transcripts are read one at a time and reduced to a small `Attempt` at once, so a folder of
10,000 transcripts never sits in memory. Every score is `roleplay.standing`'s: rubric-weighted,
coach overrides counted, banded by the rubric.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import repeat
from pathlib import Path

from roleplay.coach.lookup import find_scenario, rubric_with_id
from roleplay.dimensions import weakest
from roleplay.errors import TranscriptError, UsageError
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scenario import HiddenFact, Scenario
from roleplay.standing import (
    BandMark,
    Outcome,
    band_of,
    dimension_means,
    outcome_of,
    overall_band,
    overall_band_starts,
    overall_of,
)
from roleplay.transcript import Transcript, read_transcript_quickly


def better_question(fact: HiddenFact) -> str:
    """The question to suggest when a fact was missed: the author's, else the first example."""
    return fact.suggested_question()


# --- reading many transcripts -------------------------------------------------------------


@dataclass(frozen=True)
class SkippedFile:
    """A file that could not be read as a transcript."""

    path: Path
    """The file."""
    reason: str
    """Why, located in the file."""


@dataclass(frozen=True)
class AttemptRecord:
    """What the team view keeps of one transcript file: a few fields and the dimension means,
    so 10,000 transcripts never sit in memory and worker processes hand back little."""

    path: Path
    """The transcript file."""
    transcript_id: str
    """The transcript's id."""
    rep: str
    """Who practised ("(unnamed)" when the transcript does not say)."""
    scenario_id: str
    """The scenario practised."""
    rubric_id: str
    """The rubric that scored the turns."""
    started_at: datetime
    """When."""
    branch: bool
    """Whether the transcript is a branch of another ("what if" lines are not attempts)."""
    means: dict[str, float | None]
    """Mean per dimension, coach overrides counted (`roleplay.standing.dimension_means`)."""
    revealed: tuple[str, ...]
    """Hidden-fact ids revealed, in order."""
    overrides: int
    """Rep turns a coach re-scored."""
    first_note: datetime | None
    """When a coach first annotated the attempt, if ever."""

    @classmethod
    def of(cls, path: Path, transcript: Transcript) -> AttemptRecord:
        """The record of a transcript read from `path`."""
        notes = [n.time for t in transcript.turns for n in t.notes]
        return cls(
            path=path,
            transcript_id=transcript.id,
            rep=transcript.rep or "(unnamed)",
            scenario_id=transcript.scenario_id,
            rubric_id=transcript.rubric_id,
            started_at=transcript.started_at,
            branch=transcript.branch_of is not None,
            means=dimension_means(transcript),
            revealed=tuple(transcript.revealed),
            overrides=sum(1 for t in transcript.rep_turns if any(n.override for n in t.notes)),
            first_note=min(notes) if notes else None,
        )


Reader = Callable[[Path], Transcript]
"""Reads one transcript file, raising `TranscriptError` with a located reason."""

PARALLEL_FROM = 400
"""Folders with at least this many files are read by worker processes, one per core (up to
`MAX_WORKERS`): below it, starting the workers costs more than they save."""

MAX_WORKERS = 4
"""The most worker processes a team report starts, so it stays a fair neighbour on a shared
machine."""

_CHUNK = 200
"""Files a worker reads per task: big enough to keep the hand-over cheap, small enough that
the workers finish together."""


def _read_records(paths: Sequence[Path], reader: Reader) -> list[AttemptRecord | SkippedFile]:
    """Read `paths` in order: a record per transcript, a `SkippedFile` per damaged file."""
    out: list[AttemptRecord | SkippedFile] = []
    for path in paths:
        try:
            out.append(AttemptRecord.of(path, reader(path)))
        except TranscriptError as exc:
            out.append(SkippedFile(path, exc.message))
    return out


def worker_count(files: int) -> int:
    """How many worker processes to read `files` transcript files with (0: read them here)."""
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS) if cores > 1 else 0


@dataclass
class TranscriptFiles:
    """Transcript files, read one at a time when iterated; the damaged ones are listed.

    Files are read by `read_transcript_quickly` (the strict model, validated from the bytes)
    unless another `reader` is given; a damaged file gets `load_transcript`'s located message
    either way.
    """

    files: list[Path]
    """The `*.json` files found, in order."""
    skipped: list[SkippedFile] = field(default_factory=list)
    """Files that failed to load during the last iteration."""
    read: int = 0
    """Files that loaded during the last iteration."""
    reader: Reader = read_transcript_quickly
    """How each file is read."""
    workers: int | None = None
    """Worker processes `records` reads with: 0 reads in this process; None lets
    `worker_count` decide from the number of files and cores."""

    def __iter__(self) -> Iterator[tuple[Path, Transcript]]:
        self.skipped, self.read = [], 0
        for path in self.files:
            try:
                transcript = self.reader(path)
            except TranscriptError as exc:
                self.skipped.append(SkippedFile(path, exc.message))
                continue
            self.read += 1
            yield path, transcript

    def records(self) -> Iterator[AttemptRecord]:
        """The files' records in order, read by `workers` processes; damaged files are listed in
        `skipped` as they come."""
        self.skipped, self.read = [], 0
        count = worker_count(len(self.files)) if self.workers is None else self.workers
        chunks = [self.files[i : i + _CHUNK] for i in range(0, len(self.files), _CHUNK)]
        if count:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(count, mp_context=context) as pool:
                yield from self._collect(pool.map(_read_records, chunks, repeat(self.reader)))
        else:
            yield from self._collect(_read_records(chunk, self.reader) for chunk in chunks)

    def _collect(
        self, results: Iterable[list[AttemptRecord | SkippedFile]]
    ) -> Iterator[AttemptRecord]:
        for result in results:
            for item in result:
                if isinstance(item, SkippedFile):
                    self.skipped.append(item)
                else:
                    self.read += 1
                    yield item


def load_folder(*targets: Path) -> TranscriptFiles:
    """The transcript files among `targets`: files as given, folders searched recursively for
    `*.json` (hidden files, such as an atomic save in progress, left out).

    Raises:
        UsageError: a target does not exist.
    """
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            # Broken links, FIFOs and unreadable files are kept: reading them lists them as
            # skipped with the reason, rather than dropping them without a word.
            files.extend(
                p
                for p in sorted(target.rglob("*.json"))
                if not p.name.startswith(".") and not p.is_dir()
            )
        elif target.exists() or target.is_symlink():
            files.append(target)
        else:
            raise UsageError(f"{target}: no such file or folder")
    return TranscriptFiles(list(dict.fromkeys(files)))


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamFilter:
    """Which attempts the team view counts."""

    reps: tuple[str, ...] = ()
    """Only these reps (all when empty)."""
    scenarios: tuple[str, ...] = ()
    """Only these scenario ids (all when empty)."""
    since: date | None = None
    """Only attempts started on or after this day."""
    until: date | None = None
    """Only attempts started on or before this day."""

    def keeps(self, record: AttemptRecord) -> bool:
        """Whether the attempt passes every filter."""
        day = record.started_at.date()
        return (
            (not self.reps or record.rep in self.reps)
            and (not self.scenarios or record.scenario_id in self.scenarios)
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
        )

    def describe(self) -> str:
        """The filters in words ("" when none)."""
        parts = []
        if self.reps:
            parts.append("reps " + ", ".join(self.reps))
        if self.scenarios:
            parts.append("scenarios " + ", ".join(self.scenarios))
        if self.since is not None:
            parts.append(f"since {self.since:%Y-%m-%d}")
        if self.until is not None:
            parts.append(f"until {self.until:%Y-%m-%d}")
        return "; ".join(parts)


# --- what the view holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One practice conversation, reduced to what the team view and the export need."""

    path: Path
    """The transcript file."""
    transcript_id: str
    """The transcript's id."""
    rep: str
    """Who practised."""
    scenario_id: str
    """The scenario practised."""
    started_at: datetime
    """When."""
    means: dict[str, float | None]
    """Mean per dimension, overrides counted."""
    overall: float | None
    """Rubric-weighted overall, overrides counted."""
    band: BandMark | None
    """The overall's band."""
    uncovered: int
    """Hidden facts uncovered."""
    facts_total: int | None
    """Hidden facts in the scenario (None when the scenario was not found)."""
    success: bool | None
    """Whether the call met the success criteria (None without the scenario)."""
    overrides: int
    """Rep turns a coach re-scored."""
    first_note: datetime | None
    """When a coach first annotated this attempt, if ever."""


@dataclass
class RepScenario:
    """One rep's attempts at one scenario, oldest first."""

    rep: str
    scenario_id: str
    attempts: list[Attempt]

    @property
    def best(self) -> Attempt | None:
        """The attempt with the highest overall."""
        rated = [a for a in self.attempts if a.overall is not None]
        return max(rated, key=lambda a: a.overall or 0.0) if rated else None

    @property
    def latest(self) -> Attempt:
        """The most recent attempt."""
        return self.attempts[-1]

    def trend(self, dimension: str) -> list[float]:
        """The dimension's mean per attempt, oldest first (attempts without scores left out)."""
        return [v for a in self.attempts if (v := a.means.get(dimension)) is not None]

    def change(self, dimension: str) -> float | None:
        """Latest minus first attempt for a dimension; None with fewer than two attempts."""
        values = self.trend(dimension)
        return values[-1] - values[0] if len(values) >= 2 else None


@dataclass(frozen=True)
class BandedValue:
    """A mean score with its band."""

    value: float
    """The score, 0 to 1."""
    band: BandMark
    """Its band in the rubric."""


@dataclass
class RepSummary:
    """One rep over every attempt counted: the numbers a coach sorts by."""

    rep: str
    """The rep."""
    attempts: int
    """Attempts counted."""
    scenarios: int
    """Different scenarios practised."""
    means: dict[str, BandedValue | None]
    """Mean of the attempts' means per dimension, banded."""
    overall: BandedValue | None
    """Mean overall, banded."""
    best: float | None
    """Best overall."""
    latest: float | None
    """Latest attempt's overall."""
    success_rate: float | None
    """Share of attempts that met the success criteria (None when none could be judged)."""
    weakest: str | None
    """The dimension with the lowest mean: where the rep needs help first."""
    before_note: float | None
    """Mean overall of attempts started before the rep's first coach note."""
    after_note: float | None
    """Mean overall of attempts started after it."""

    def need(self) -> float:
        """How much help the rep needs: the weakest dimension's mean (lower is more need)."""
        if self.weakest is None:
            return 2.0
        value = self.means[self.weakest]
        return value.value if value is not None else 2.0


@dataclass(frozen=True)
class WeekPoint:
    """Mean scores of one week (Monday to Sunday)."""

    week: date
    """The Monday the week starts on."""
    means: dict[str, float | None]
    """Mean per dimension over the week's attempts."""
    attempts: int
    """Attempts that week."""


@dataclass(frozen=True)
class MissedFact:
    """A hidden fact and how often reps missed it."""

    scenario_id: str
    fact_id: str
    summary: str
    better_question: str
    missed: int
    """Attempts that missed it."""
    attempts: int
    """Attempts at its scenario."""

    @property
    def rate(self) -> float:
        """Share of attempts that missed it."""
        return self.missed / self.attempts if self.attempts else 0.0


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

    label: str
    """What was read (the folder or paths), for the heading."""
    groups: list[RepScenario]
    """Per rep and scenario, by rep then scenario."""
    reps_summary: list[RepSummary]
    """Per rep, the rep who needs the most help first."""
    weekly: dict[str, list[WeekPoint]]
    """Per rep, their weeks, oldest first."""
    team_weekly: list[WeekPoint]
    """The whole team's weeks, oldest first."""
    scenarios: list[ScenarioSummary]
    missed_facts: list[MissedFact]
    """Every missed fact, most often missed (by count) first."""
    branches: int
    """Branches found: "what if" lines, not attempts."""
    duplicates: int
    """Files that repeat a transcript already counted (same id)."""
    skipped: list[SkippedFile]
    filters: TeamFilter
    rubric: Rubric
    """The rubric whose bands the summary colours use."""
    warnings: list[str] = field(default_factory=list)
    sort_by: str = "need"
    """How the per-rep table is sorted (one of `SORT_KEYS`)."""
    reports: dict[Path, str] | None = None
    """With `report --per-transcript`: each attempt's file and the relative link to its own
    report (attempts missing here got none); None in a plain team report."""

    @property
    def attempts(self) -> int:
        return sum(len(g.attempts) for g in self.groups)

    @property
    def reps(self) -> list[str]:
        return sorted({g.rep for g in self.groups})

    def all_attempts(self) -> list[Attempt]:
        """Every attempt counted, by rep, scenario and date."""
        return [a for g in self.groups for a in g.attempts]


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _monday(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _weeks(attempts: Sequence[Attempt]) -> list[WeekPoint]:
    by_week: dict[date, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_week[_monday(attempt.started_at)].append(attempt)
    return [
        WeekPoint(
            week,
            {d: _mean(a.means.get(d) for a in rows) for d in DIMENSIONS},
            len(rows),
        )
        for week, rows in sorted(by_week.items())
    ]


@dataclass
class _Judge:
    """`roleplay.standing`'s rules (as `standing_of` applies them) for thousands of attempts,
    remembering what repeats: each rubric's overall band starts, and the outcome of the same
    facts on the same scenario."""

    band_starts: dict[str, list[tuple[float, str, str]]] = field(default_factory=dict)
    outcomes: dict[tuple[str, tuple[str, ...]], Outcome] = field(default_factory=dict)

    def attempt(self, record: AttemptRecord, rubric: Rubric, scenario: Scenario | None) -> Attempt:
        """The attempt a record stands for, judged by `rubric` and `scenario`."""
        overall = overall_of(record.means, rubric)
        band = None
        if overall is not None:
            if record.rubric_id not in self.band_starts:
                self.band_starts[record.rubric_id] = overall_band_starts(rubric)
            band = overall_band(rubric, overall, self.band_starts[record.rubric_id])
        outcome = self.outcome(record, scenario)
        return Attempt(
            path=record.path,
            transcript_id=record.transcript_id,
            rep=record.rep,
            scenario_id=record.scenario_id,
            started_at=record.started_at,
            means=record.means,
            overall=overall,
            band=band,
            uncovered=len(outcome.uncovered) if outcome is not None else len(record.revealed),
            facts_total=len(scenario.hidden_facts) if scenario is not None else None,
            success=outcome.success if outcome is not None else None,
            overrides=record.overrides,
            first_note=record.first_note,
        )

    def outcome(self, record: AttemptRecord, scenario: Scenario | None) -> Outcome | None:
        """The call's outcome on its scenario (None without the scenario)."""
        if scenario is None:
            return None
        key = (record.scenario_id, record.revealed)
        if key not in self.outcomes:
            self.outcomes[key] = outcome_of(record.revealed, scenario)
        return self.outcomes[key]


def _rep_summary(rep: str, attempts: list[Attempt], rubric: Rubric) -> RepSummary:
    means: dict[str, BandedValue | None] = {}
    for dim in DIMENSIONS:
        value = _mean(a.means.get(dim) for a in attempts)
        means[dim] = BandedValue(value, band_of(rubric, dim, value)) if value is not None else None
    overall = overall_of({d: (m.value if m else None) for d, m in means.items()}, rubric)
    scored = {d: m.value for d, m in means.items() if m is not None}
    judged = [a.success for a in attempts if a.success is not None]
    noted = [a.first_note for a in attempts if a.first_note is not None]
    first_note = min(noted) if noted else None
    ordered = sorted(attempts, key=lambda a: a.started_at)
    return RepSummary(
        rep=rep,
        attempts=len(attempts),
        scenarios=len({a.scenario_id for a in attempts}),
        means=means,
        overall=BandedValue(overall, overall_band(rubric, overall))
        if overall is not None
        else None,
        best=max((a.overall for a in attempts if a.overall is not None), default=None),
        latest=ordered[-1].overall,
        success_rate=sum(judged) / len(judged) if judged else None,
        weakest=weakest(scored) if scored else None,
        before_note=(
            _mean(a.overall for a in attempts if a.started_at < first_note)
            if first_note is not None
            else None
        ),
        after_note=(
            _mean(a.overall for a in attempts if a.started_at >= first_note)
            if first_note is not None
            else None
        ),
    )


def build_team_report(
    label: str | Path,
    transcripts: TranscriptFiles | Iterable[tuple[Path, Transcript]],
    *,
    find: Callable[[str], Scenario | None] = find_scenario,
    rubric_of: Callable[[str], Rubric] = rubric_with_id,
    filters: TeamFilter | None = None,
    sort_by: str = "need",
) -> TeamReport:
    """Summarise transcripts per rep and per scenario, reading each only once.

    `transcripts` are files to read (`load_folder`; many are read by worker processes) or
    transcripts already read. `rubric_of` gives the rubric of a rubric id. Scores are
    `roleplay.standing`'s (rubric-weighted, overrides counted). Branches are counted apart: they
    are "what if" lines, not attempts. A transcript found twice (same id) counts once.
    """
    filters = filters or TeamFilter()
    records: Iterable[AttemptRecord] = (
        transcripts.records()
        if isinstance(transcripts, TranscriptFiles)
        else (AttemptRecord.of(path, transcript) for path, transcript in transcripts)
    )
    scenarios: dict[str, Scenario | None] = {}
    groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    missed_counts: Counter[tuple[str, str]] = Counter()
    attempts_per_scenario: Counter[str] = Counter()
    seen: set[str] = set()
    branches = duplicates = 0
    rubric: Rubric | None = None
    rubrics: dict[str, Rubric] = {}  # one rubric file per id, read once
    judge = _Judge()
    for record in records:
        if record.transcript_id in seen:
            duplicates += 1
            continue
        seen.add(record.transcript_id)
        if record.branch:
            branches += 1
            continue
        if not filters.keeps(record):
            continue
        sid = record.scenario_id
        if sid not in scenarios:
            scenarios[sid] = find(sid)
        scenario = scenarios[sid]
        if record.rubric_id not in rubrics:
            rubrics[record.rubric_id] = rubric_of(record.rubric_id)
        this_rubric = rubrics[record.rubric_id]
        rubric = rubric or this_rubric
        attempt = judge.attempt(record, this_rubric, scenario)
        groups[(attempt.rep, sid)].append(attempt)
        attempts_per_scenario[sid] += 1
        outcome = judge.outcome(record, scenario)
        if outcome is not None:
            missed_counts.update((sid, fact_id) for fact_id in outcome.missed)
    if rubric is None:
        from roleplay import paths
        from roleplay.rubric import load_rubric

        rubric = load_rubric(paths.default_rubric())
    group_list = [
        RepScenario(rep, sid, sorted(attempts, key=lambda a: a.started_at))
        for (rep, sid), attempts in sorted(groups.items())
    ]
    per_rep: dict[str, list[Attempt]] = defaultdict(list)
    for group in group_list:
        per_rep[group.rep].extend(group.attempts)
    summaries = sorted(
        (_rep_summary(rep, attempts, rubric) for rep, attempts in per_rep.items()),
        key=lambda s: (s.need(), s.rep),
    )
    scenario_rows = []
    for sid in sorted(attempts_per_scenario):
        scenario = scenarios.get(sid)
        attempts = [a for g in group_list if g.scenario_id == sid for a in g.attempts]
        scenario_rows.append(
            ScenarioSummary(
                scenario_id=sid,
                title=scenario.title if scenario is not None else sid,
                attempts=attempts_per_scenario[sid],
                reps=sorted({a.rep for a in attempts}),
                mean_overall=_mean(a.overall for a in attempts),
                found=scenario is not None,
            )
        )
    missed: list[MissedFact] = []
    for (sid, fact_id), count in missed_counts.items():
        scenario = scenarios[sid]
        assert scenario is not None  # only counted when the scenario was found
        fact = scenario.fact(fact_id)
        missed.append(
            MissedFact(
                sid, fact_id, fact.summary, better_question(fact), count, attempts_per_scenario[sid]
            )
        )
    missed.sort(key=lambda m: (-m.missed, -m.rate, m.scenario_id, m.fact_id))
    warnings = [
        f"Scenario '{s.scenario_id}' was not found: its missed facts are not counted."
        for s in scenario_rows
        if not s.found
    ]
    if duplicates:
        warnings.append(f"{duplicates} file(s) repeat a transcript already counted (same id).")
    all_attempts = [a for g in group_list for a in g.attempts]
    return TeamReport(
        label=str(label),
        groups=group_list,
        reps_summary=summaries,
        weekly={rep: _weeks(attempts) for rep, attempts in sorted(per_rep.items())},
        team_weekly=_weeks(all_attempts),
        scenarios=scenario_rows,
        missed_facts=missed,
        branches=branches,
        duplicates=duplicates,
        skipped=getattr(transcripts, "skipped", []),
        filters=filters,
        rubric=rubric,
        warnings=warnings,
        sort_by=sort_by,
    )


# --- export -------------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[str, ...] = (
    "transcript_id",
    "rep",
    "scenario",
    "date",
    *DIMENSIONS,
    "overall",
    "band",
    "facts_found",
    "facts_total",
    "success",
    "overrides",
    "file",
)
"""The columns of `report --format csv/json`, one row per attempt."""


def export_rows(report: TeamReport) -> list[dict[str, str | int | float | bool | None]]:
    """One row per attempt, scores out of 100, for a spreadsheet or a CRM."""
    rows: list[dict[str, str | int | float | bool | None]] = []
    for a in report.all_attempts():
        row: dict[str, str | int | float | bool | None] = {
            "transcript_id": a.transcript_id,
            "rep": a.rep,
            "scenario": a.scenario_id,
            "date": a.started_at.isoformat(),
        }
        for dim in DIMENSIONS:
            value = a.means.get(dim)
            row[dim] = round(value * 100) if value is not None else None
        row["overall"] = round(a.overall * 100) if a.overall is not None else None
        row["band"] = a.band.label if a.band is not None else None
        row["facts_found"] = a.uncovered
        row["facts_total"] = a.facts_total
        row["success"] = a.success
        row["overrides"] = a.overrides
        row["file"] = str(a.path)
        rows.append(row)
    return rows


# --- the order of the per-rep table ------------------------------------------------------

SORT_KEYS: tuple[str, ...] = ("need", "rep", "attempts", *DIMENSIONS, "overall", "success")
"""Columns the "who needs help" table can be sorted by (`report --sort`)."""


def sorted_reps(report: TeamReport, sort_by: str = "need") -> list[RepSummary]:
    """The rep summaries sorted by need (weakest behaviour first) or by another column."""
    rows = list(report.reps_summary)
    if sort_by == "need":
        return sorted(rows, key=lambda s: (s.need(), s.rep))
    if sort_by == "rep":
        return sorted(rows, key=lambda s: s.rep)
    if sort_by == "attempts":
        return sorted(rows, key=lambda s: (-s.attempts, s.rep))
    if sort_by == "overall":
        return sorted(rows, key=lambda s: (s.overall.value if s.overall else 2.0, s.rep))
    if sort_by == "success":
        return sorted(
            rows, key=lambda s: (s.success_rate if s.success_rate is not None else 2.0, s.rep)
        )
    if sort_by in DIMENSIONS:
        return sorted(rows, key=lambda s: ((m.value if (m := s.means[sort_by]) else 2.0), s.rep))
    raise UsageError(f"unknown sort column '{sort_by}' (known: {', '.join(SORT_KEYS)})")

"""What the app knows from disk before a conversation: scenarios, rubric and past transcripts.

Plain Python (no Textual), so the picker's data can be tested and timed on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.errors import InvalidFileError, Problem, RoleplayError

if TYPE_CHECKING:
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.standing import BandMark
    from roleplay.transcript import Transcript


@dataclass(frozen=True)
class ScenarioCatalog:
    """The scenarios that loaded and the located problems of the files that did not."""

    scenarios: list[Scenario]
    problems: list[Problem]

    def find(self, scenario_id: str) -> Scenario | None:
        """The scenario with this id, if it loaded."""
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def broken_files(self) -> list[str]:
        """Files with at least one problem, in order."""
        return sorted({p.file for p in self.problems})


def load_catalog(paths: Sequence[Path] | None = None) -> ScenarioCatalog:
    """Load every scenario it can from `paths` (default: the scenario folders, as
    `roleplay.scenario_lookup.find_scenarios`); never raises for a bad file."""
    from roleplay.scenario import load_scenarios
    from roleplay.scenario_lookup import find_scenarios

    if paths is None:
        found = find_scenarios()
        scenarios, problems = found.scenarios, found.problems
    else:
        scenarios, problems = load_scenarios(list(paths))
    return ScenarioCatalog(sorted(scenarios, key=lambda s: (s.difficulty.value, s.id)), problems)


@dataclass(frozen=True)
class SavedSession:
    """A transcript on disk and what the picker needs to know about it."""

    path: Path
    """Where the transcript is saved."""
    transcript: Transcript
    """The conversation."""
    score: float | None
    """Its overall score (`roleplay.standing.overall_score`), None when nothing is scored."""
    band: BandMark | None = None
    """The overall score's band from the rubric."""

    @property
    def finished(self) -> bool:
        """Whether the conversation reached an end."""
        return self.transcript.finished

    @property
    def rep_turn_count(self) -> int:
        """How many turns the rep took."""
        return len(self.transcript.rep_turns)


def saved_session(path: Path, transcript: Transcript, rubric: Rubric | None) -> SavedSession:
    """A saved transcript with its overall score and band (none without a rubric)."""
    from roleplay.standing import overall_band, overall_score

    score = overall_score(transcript, rubric) if rubric is not None else None
    band = overall_band(rubric, score) if rubric is not None and score is not None else None
    return SavedSession(path, transcript, score, band)


@dataclass
class History:
    """The saved transcripts: best score per scenario and rep, and unfinished sessions."""

    sessions: list[SavedSession] = field(default_factory=list)
    """Every transcript that loaded."""
    unreadable: list[str] = field(default_factory=list)
    """Names of the files that did not."""

    def best(self, scenario_id: str, rep: str) -> SavedSession | None:
        """The best-scored finished session of this scenario by this rep (and no one else)."""
        scored = [
            s
            for s in self.sessions
            if s.transcript.scenario_id == scenario_id
            and s.transcript.rep == rep
            and s.transcript.branch_of is None
            and s.finished
            and s.score is not None
        ]
        return max(scored, key=lambda s: s.score or 0.0) if scored else None

    def best_score(self, scenario_id: str, rep: str) -> float | None:
        """The best overall score of any finished session of this scenario by this rep."""
        best = self.best(scenario_id, rep)
        return best.score if best is not None else None

    def unfinished(self, known_ids: Iterable[str] | None = None) -> list[SavedSession]:
        """Sessions cut off before the end with at least one rep turn, newest first."""
        known = set(known_ids) if known_ids is not None else None
        found = [
            s
            for s in self.sessions
            if not s.finished
            and s.rep_turn_count > 0
            and s.transcript.branch_of is None
            and (known is None or s.transcript.scenario_id in known)
        ]
        return sorted(found, key=lambda s: s.transcript.started_at, reverse=True)


def load_history(directory: Path, rubric: Rubric | None = None) -> History:
    """Read every transcript in `directory`; unreadable files are listed, not raised."""
    history = History()
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    if not files:
        return history  # a new rep: no need to build the transcript models yet
    from roleplay.transcript import load_transcript

    for path in files:
        try:
            transcript = load_transcript(path)
        except RoleplayError:
            history.unreadable.append(path.name)
            continue
        history.sessions.append(saved_session(path, transcript, rubric))
    return history


def transcript_path(directory: Path, scenario_id: str, when: datetime) -> Path:
    """A new, unused file name for a practice transcript of `scenario_id` started `when`."""
    stem = f"{scenario_id}-{when:%Y%m%d-%H%M%S}"
    path = directory / f"{stem}.json"
    counter = 2
    while path.exists():
        path = directory / f"{stem}-{counter}.json"
        counter += 1
    return path


def problems_text(error: BaseException) -> str:
    """A user-facing text for an error, listing located problems one per line."""
    if isinstance(error, InvalidFileError):
        return "\n".join(str(p) for p in error.problems)
    if isinstance(error, RoleplayError):
        return error.message
    return f"{type(error).__name__}: {error}"

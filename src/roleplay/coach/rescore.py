"""Re-score saved transcripts with another rubric, so a rubric change can be judged on real
practice. The original `score` of each turn is never touched; the new scores are appended to
`rescores`, labelled with the rubric's id and content hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from roleplay.coach.scores import rep_turns
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.standing import fmt_score, points
from roleplay.transcript import Transcript, TurnScore


class ScorerLike(Protocol):
    """What rescoring needs from `roleplay.scoring.TurnScorer`."""

    def score_many(
        self,
        items: Sequence[tuple[str, str]],
        scenario: Scenario | None = None,
        histories: Sequence[Sequence[tuple[str, str]]] | None = None,
    ) -> list[TurnScore]:
        """Score `(turn, previous)` pairs, each with the conversation before it."""
        ...


@dataclass
class DimensionChange:
    """Old and new scores of one dimension over the rescored turns."""

    old: list[float] = field(default_factory=list)
    new: list[float] = field(default_factory=list)
    band_changes: int = 0

    @property
    def old_mean(self) -> float | None:
        return sum(self.old) / len(self.old) if self.old else None

    @property
    def new_mean(self) -> float | None:
        return sum(self.new) / len(self.new) if self.new else None


@dataclass
class RescoreSummary:
    """What rescoring changed, per dimension, over one or more transcripts."""

    rubric_id: str
    rubric_hash: str
    transcripts: int = 0
    turns: int = 0
    dimensions: dict[str, DimensionChange] = field(
        default_factory=lambda: {d: DimensionChange() for d in DIMENSIONS}
    )

    def merge(self, other: RescoreSummary) -> None:
        """Add another summary's turns to this one."""
        self.transcripts += other.transcripts
        self.turns += other.turns
        for dim, change in other.dimensions.items():
            mine = self.dimensions[dim]
            mine.old += change.old
            mine.new += change.new
            mine.band_changes += change.band_changes


def rescore_transcript(
    transcript: Transcript, rubric: Rubric, scorer: ScorerLike, scenario: Scenario | None
) -> RescoreSummary:
    """Score every rep turn again with `scorer` (built on `rubric`), in memory.

    Bands are those of `rubric`, and each new score is labelled with its id and content hash.

    The new TurnScore is appended to each rep turn's `rescores`; a rescore by the same rubric
    version (same id and hash) is replaced, so running twice does not pile up duplicates.
    """
    rubric_hash = rubric.content_hash()
    summary = RescoreSummary(rubric.id, rubric_hash, transcripts=1)
    turns = rep_turns(transcript)
    histories = [[(t.role, t.text) for t in transcript.turns[: r.index]] for r in turns]
    results = scorer.score_many([(r.turn.text, r.previous) for r in turns], scenario, histories)
    for rep_turn, result in zip(turns, results, strict=True):
        bands = {d: rubric.dimension(d).band_for(getattr(result.scores, d)).id for d in DIMENSIONS}
        rescore = result.model_copy(
            update={"rubric_id": rubric.id, "rubric_hash": rubric_hash, "bands": bands}
        )
        turn = rep_turn.turn
        turn.rescores = [
            r for r in turn.rescores if (r.rubric_id, r.rubric_hash) != (rubric.id, rubric_hash)
        ]
        turn.rescores.append(rescore)
        summary.turns += 1
        for dim in DIMENSIONS:
            change = summary.dimensions[dim]
            change.new.append(getattr(rescore.scores, dim))
            if turn.score is not None:
                change.old.append(getattr(turn.score.scores, dim))
                if turn.score.bands.get(dim) != rescore.bands.get(dim):
                    change.band_changes += 1
    return summary


def format_summary(summary: RescoreSummary) -> str:
    """Old vs new per dimension, as a plain-text table."""
    header = ("Dimension", "old mean", "new mean", "change", "band changes")
    rows = [header]
    for dim in DIMENSIONS:
        change = summary.dimensions[dim]
        old, new = change.old_mean, change.new_mean
        delta = f"{points(new) - points(old):+d}" if old is not None and new is not None else ""
        rows.append(
            (
                DIMENSION_LABELS[dim],
                fmt_score(old),
                fmt_score(new),
                delta,
                f"{change.band_changes} of {len(change.new)}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        f"Rescored {summary.turns} rep turn(s) in {summary.transcripts} transcript(s) with "
        f"rubric {summary.rubric_id} ({summary.rubric_hash}); old = each turn's original score.",
        "",
    ]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [row[i].rjust(widths[i]) for i in range(1, len(row))]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def rescore_file(
    path: Path, rubric: Rubric, scorer: ScorerLike, scenario: Scenario | None
) -> RescoreSummary:
    """Rescore one transcript file in place (saved atomically).

    Raises:
        TranscriptError: the file cannot be read or written.
    """
    from roleplay.transcript import load_transcript

    transcript = load_transcript(path)
    summary = rescore_transcript(transcript, rubric, scorer, scenario)
    transcript.save(path)
    return summary

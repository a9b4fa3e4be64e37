"""Reading scores out of a transcript: machine scores, coach overrides, per-dimension means."""

from __future__ import annotations

from dataclasses import dataclass

from roleplay.rubric import DIMENSIONS
from roleplay.transcript import CoachNote, Scores, Transcript, Turn


@dataclass(frozen=True)
class RepTurn:
    """A rep turn with where it stands and what the buyer said just before it."""

    index: int
    """Index of the turn in `transcript.turns` (0-based)."""
    number: int
    """Its position among the rep's turns (1-based)."""
    turn: Turn
    """The turn itself."""
    previous: str
    """The buyer's line just before it ("" at the start)."""


def rep_turns(transcript: Transcript) -> list[RepTurn]:
    """The rep's turns in order, each with the buyer line it answered."""
    out: list[RepTurn] = []
    previous = ""
    for index, turn in enumerate(transcript.turns):
        if turn.role == "buyer":
            previous = turn.text
        else:
            out.append(RepTurn(index, len(out) + 1, turn, previous))
    return out


def latest_override(turn: Turn) -> CoachNote | None:
    """The most recent coach note on the turn that overrides its scores, if any."""
    overrides = [n for n in turn.notes if n.override is not None]
    return max(overrides, key=lambda n: n.time) if overrides else None


def effective_scores(turn: Turn) -> Scores | None:
    """The scores that count for a turn: the latest coach override, else the machine's."""
    override = latest_override(turn)
    if override is not None and override.override is not None:
        return override.override
    return turn.scores


def dimension_means(
    transcript: Transcript, *, with_overrides: bool = False
) -> dict[str, float | None]:
    """Mean score per dimension over the scored rep turns (None when no turn is scored)."""
    scored = [
        s
        for s in (effective_scores(t) if with_overrides else t.scores for t in transcript.rep_turns)
        if s is not None
    ]
    return {
        dim: (sum(getattr(s, dim) for s in scored) / len(scored) if scored else None)
        for dim in DIMENSIONS
    }


def overall(means: dict[str, float | None]) -> float | None:
    """The mean of the dimension means: one number to rank attempts by."""
    values = [v for v in means.values() if v is not None]
    return sum(values) / len(values) if values else None


def fmt_score(value: float | None) -> str:
    """A score for display: two decimals, or an en dash when there is none."""
    return "–" if value is None else f"{value:.2f}"

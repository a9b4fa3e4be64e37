"""The rep's turns of a transcript, each with the buyer line it answered.

Bands, means, the overall score and the outcome live in `roleplay.standing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS
from roleplay.standing import fmt_score, points
from roleplay.transcript import CoachNote, Transcript, Turn


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


def override_summary(note: CoachNote) -> str:
    """A coach override in words, scores out of 100: "Override: Listening 68, … (reason: …)"."""
    if note.override is None:
        return ""
    scores = ", ".join(
        f"{DIMENSION_LABELS[d]} {fmt_score(getattr(note.override, d))}" for d in DIMENSIONS
    )
    reason = (note.reason or "").strip()
    return f"Override: {scores}" + (f" (reason: {reason})" if reason else "")


def trend_text(values: Sequence[float]) -> str:
    """First to latest out of 100 with the change ("45 → 71 (+26)"); one value alone; a dash."""
    if not values:
        return "–"
    if len(values) == 1:
        return f"{fmt_score(values[0])} (one attempt)"
    change = points(values[-1]) - points(values[0])
    return f"{fmt_score(values[0])} → {fmt_score(values[-1])} ({change:+d})"

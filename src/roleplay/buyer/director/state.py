"""The buyer's state in a call: patience, trust, the facts revealed, the objections raised
and the thread a follow-up pulls on; how it starts, and how a recorded call rebuilds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.scenario import Scenario
    from roleplay.transcript import Transcript


@dataclass
class BuyerState:
    """The buyer's mood and what the rep has earned so far."""

    patience: int
    """Premature pitches and closes the buyer will still sit through; 0 ends the meeting."""
    max_patience: int
    """The buyer's patience at the start."""
    trust: int
    """Turns of good listening so far (capped at 10); unlocks `needs_trust` facts."""
    uncovered: list[str] = field(default_factory=list)
    """Ids of the hidden facts revealed so far, in order."""
    turns_left: int = 12
    """Rep turns left before the turn limit."""
    raised: list[str] = field(default_factory=list)
    """Ids of the objections raised so far, in order (with repeats)."""
    thread: list[str] = field(default_factory=list)
    """Hidden facts the last fact shared leads to: what a follow-up on it earns."""
    non_answers: int = 0
    """Non-answers given so far (at most one a call, for a truly vague turn)."""


def initial_state(scenario: Scenario) -> BuyerState:
    """The buyer's state before the first rep turn."""
    patience = scenario.buyer.patience
    return BuyerState(patience, patience, 0, [], scenario.ending.max_turns, [])


def state_from(scenario: Scenario, transcript: Transcript) -> BuyerState:
    """Rebuild the state from a recorded conversation (for resume and branching)."""
    state = initial_state(scenario)
    rep_turns = 0
    for turn in transcript.turns:
        if turn.role == "rep":
            rep_turns += 1
            continue
        state.uncovered.extend(f for f in turn.revealed if f not in state.uncovered)
        state.raised.extend(turn.objections)
        if turn.patience is not None:
            state.patience = turn.patience
        if turn.trust is not None:
            state.trust = turn.trust
    if transcript.turns and transcript.turns[-1].role == "rep":
        rep_turns -= 1  # not answered yet: the reply will count it
    state.turns_left = max(0, scenario.ending.max_turns - rep_turns)
    return state

"""Why the buyer did what it did: the director's reading and decision for each rep turn.

`roleplay simulate --explain` prints it under every reply, and `roleplay check` uses it to find
non-answers. For each rep turn it shows what the director read (the discovery topics the turn
asks about; pitch, close, price, small talk), the nearest hidden facts with their match scores
and the gate that held each back (the match, trust, or already shared), and the beat chosen
with the director's own reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roleplay.buyer.director import Beat, BuyerDirector, Reading
    from roleplay.session import PracticeSession
    from roleplay.transcript import Transcript

NEAREST_FACTS = 3
"""Facts shown per turn: the closest matches, best first."""

TOPIC_SHOWN = 0.30
"""A topic is listed as asked about from this score up (0-1)."""

CONTEXT_SHOWN = 60
"""Characters of the nearest public context line shown."""

NON_ANSWER_KINDS = frozenset({"small_talk", "non_answer"})
"""Beats that answer nothing: a short line, however the turn was meant."""


@dataclass(frozen=True)
class Decision:
    """One rep turn and the beat the director chose for it."""

    turn: int
    """The rep's turn number in the call, from 1."""
    text: str
    """What the rep said."""
    beat: Beat
    """The director's beat, with its reading, the state after it and its reason."""

    @property
    def non_answer(self) -> bool:
        """Whether a sincere question got a reply that answers nothing."""
        reading = self.beat.reading
        asked = reading is not None and (reading.discovery or reading.question)
        selling = reading is not None and reading.selling
        return self.beat.kind in NON_ANSWER_KINDS and asked and not selling


class DecisionLog:
    """Every beat a session's director decides, in order.

    The session keeps the transcript, not the beats behind it, so the log wraps the director's
    `decide` on this one session; nothing else about the session changes.
    """

    def __init__(self, session: PracticeSession) -> None:
        self.decisions: list[Decision] = []
        self.director = session.director
        decide = self.director.decide

        def recording(text: str, *rest: Any, **options: Any) -> Beat:
            beat = decide(text, *rest, **options)
            self.decisions.append(Decision(len(self.decisions) + 1, text, beat))
            return beat

        self.director.decide = recording  # type: ignore[method-assign]


def gate_label(director: BuyerDirector, decision: Decision, fact_id: str) -> str:
    """Why a fact was or was not shared in reply to this turn, in a few words."""
    beat = decision.beat
    if fact_id in beat.revealed:
        return "revealed"
    reading, state = beat.reading, beat.state
    assert reading is not None and state is not None
    match = next(m for m in reading.matches if m.item_id == fact_id)
    gate = director._gate(match, state)  # the director's own rule, not a copy of it
    if gate == "shared":
        return "already shared"
    if gate == "match":
        return f"held back: match below {director.EARN:.2f}"
    if gate == "trust":
        needed = director.scenario.buyer.trust_to_share
        return f"held back: trust {state.trust} of {needed}"
    if gate == "pitched":
        return f"held back: {len(state.raised)} push(es) to sell against trust {state.trust}"
    if reading.selling:
        return "held back: the turn sells"
    return "open, not chosen"


def explain(director: BuyerDirector, decision: Decision) -> list[str]:
    """The lines `simulate --explain` prints for one rep turn."""
    beat = decision.beat
    reading = beat.reading
    if reading is None:
        return [f"beat: {beat.kind}: {beat.why}"]
    asked = sorted(
        ((topic, score) for topic, score in reading.topics.items() if score >= TOPIC_SHOWN),
        key=lambda item: -item[1],
    )
    marks = [name for name, on in _flags(reading) if on]
    topics = ", ".join(f"{topic.value} {score:.2f}" for topic, score in asked) or "no topic"
    read = f"read:  asks about {topics}"
    read += f"; {', '.join(marks)}" if marks else ""
    read += f"; listening {reading.listening:.2f}"
    lines = [read]
    for match in reading.matches[:NEAREST_FACTS]:
        thread = ", on the thread" if match.thread else ""
        lines.append(
            f"fact:  {match.item_id} {match.score:.2f} (topic {match.topic:.2f}, content "
            f"{match.content:.2f}{thread}): {gate_label(director, decision, match.item_id)}"
        )
    if reading.context_matches:
        best = reading.context_matches[0]
        said = director.index.context_line(best.item_id)
        short = said if len(said) <= CONTEXT_SHOWN else said[: CONTEXT_SHOWN - 1] + "…"
        lines.append(f"context: nearest {best.score:.2f} {short!r}")
    what: str = beat.kind
    if beat.revealed:
        what += " " + ", ".join(beat.revealed)
    if beat.objections:
        what += " " + ", ".join(beat.objections)
    lines.append(f"beat:  {what}: {beat.why}")
    if beat.ends:
        lines.append(f"ends:  {beat.ends}")
    return lines


def _flags(reading: Reading) -> list[tuple[str, bool]]:
    return [
        (name, bool(getattr(reading, name)))
        for name in ("question", "vague", "small_talk", "pitch", "close", "price", "out_of_role")
    ]


def explain_transcript(director: BuyerDirector, transcript: Transcript) -> dict[int, list[str]]:
    """The director's reading and decision for every answered rep turn of a saved call.

    Each decision is made again from the recorded state before the turn (patience, trust,
    facts out, objections raised), so a coach sees why the buyer answered as it did; the
    lines are keyed by the rep turn's number in the whole call (from 1). With today's scenario
    and director, a call saved with older ones may explain differently than it played.
    """
    out: dict[int, list[str]] = {}
    rep_index = 0
    for index, turn in enumerate(transcript.turns):
        if turn.role != "rep":
            continue
        answered = index + 1 < len(transcript.turns)
        if answered:
            before = transcript.model_copy(update={"turns": transcript.turns[: index + 1]})
            state = director.state_from(before)
            said = [t.text for t in transcript.turns[:index] if t.role == "buyer"]
            beat = director.decide(turn.text, turn.scores, state, rep_index, said)
            out[index + 1] = explain(director, Decision(rep_index + 1, turn.text, beat))
        rep_index += 1
    return out

"""The director: the scenario decides what the buyer does each turn; the model only voices it.

For every rep turn the director reads the turn (what it asks about, by discovery topic, by
closeness to each fact's own content and by the thread of the conversation, see
`disclosure.py`; its scores; whether it pitches, closes, talks price or tries to take the buyer
out of role), updates the buyer's patience and trust, and picks one beat: reveal a fact whose
layer is open, say more of one already shared, answer from the public context, hold back,
raise an objection, deflect, make small talk, or end the meeting. A beat carries the
scenario's authored line as an anchor; the model prompt holds only the persona, the facts
already earned and that beat, so a small model cannot leak what the rep has not earned.

`reading` reads a turn, `state` holds the buyer's state through the call, and `decision`
holds the `BuyerDirector`, which picks each beat and writes the prompt that voices it.
"""

from __future__ import annotations

from roleplay.buyer.director.decision import Beat, BeatKind, BuyerDirector
from roleplay.buyer.director.reading import Reading, TurnReader, talks_price
from roleplay.buyer.director.state import BuyerState

__all__ = [
    "Beat",
    "BeatKind",
    "BuyerDirector",
    "BuyerState",
    "Reading",
    "TurnReader",
    "talks_price",
]

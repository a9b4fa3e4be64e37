"""A buyer with no model: it voices the scenario's authored lines exactly.

Used by tests, replays and machines with no model. It voices the request's authored line
(`BuyerRequest.anchor`); without one it picks a neutral line, by seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from roleplay.buyer.base import BuyerRequest, Progress
from roleplay.buyer.cards import Generation

if TYPE_CHECKING:
    from roleplay.buyer.cards import ModelCard
    from roleplay.scenario import Scenario

FALLBACK_LINES = (
    "Go on.",
    "I'm listening. What do you want to know?",
    "Fair enough. What else?",
)
"""Neutral lines for a prompt that names no authored line and a scenario with no small talk."""


class DeterministicBackend:
    """Streams the request's authored line, word by word."""

    continues_final_message = True
    """A request with a lead-in is a reply already started: continue it."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.scenario = scenario
        self.model_id = "deterministic:authored-lines"
        self.generation = Generation()

    def load(self, progress: Progress | None = None) -> None:
        """Nothing to load."""
        if progress is not None:
            progress("ready", 1.0)

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        """Yield the authored line (or a seeded neutral one) a word at a time."""
        text = request.anchor
        if text is None:
            pool = list(self.scenario.small_talk_lines) if self.scenario else []
            text = random.Random(request.seed).choice(pool or list(FALLBACK_LINES))
        started = request.lead_in
        if started:
            # Continue the reply the session started: the rest of the line after it.
            text = text[len(started) :] if text.startswith(started) else " " + text
        for index, word in enumerate(re.findall(r"\s*\S+\s*", text)):
            if should_stop() or index >= request.max_new_tokens:
                return
            yield word


def create(card: ModelCard, scenario: Scenario | None) -> DeterministicBackend:
    """Build the `deterministic` backend (its `roleplay.backends` entry point)."""
    return DeterministicBackend(scenario)

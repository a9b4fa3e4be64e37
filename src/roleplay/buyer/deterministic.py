"""A buyer with no model: it voices the scenario's authored lines exactly.

Used by tests, replays and machines with no model. The director names the authored line to
voice in its prompt (`ANCHOR_PREFIX`); without one the backend picks a neutral line, by seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from roleplay.buyer.base import ChatMessage, Progress, anchor_of, register_backend

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
    """Streams the authored line from the director's prompt, word by word."""

    continues_final_message = True
    """A prompt ending with an assistant message is a reply already started: continue it."""

    def __init__(self, scenario: Scenario | None = None) -> None:
        self.scenario = scenario
        self.model_id = "deterministic:authored-lines"

    def load(self, progress: Progress | None = None) -> None:
        """Nothing to load."""
        if progress is not None:
            progress("ready", 1.0)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int = 96,
        temperature: float = 0.7,
        seed: int | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> Iterator[str]:
        """Yield the authored line (or a seeded neutral one) a word at a time."""
        text = anchor_of(messages)
        if text is None:
            pool = list(self.scenario.small_talk_lines) if self.scenario else []
            text = random.Random(seed).choice(pool or list(FALLBACK_LINES))
        started = messages[-1].content if messages and messages[-1].role == "assistant" else ""
        if started:
            # Continue the reply the session started: the rest of the line after it.
            text = text[len(started) :] if text.startswith(started) else " " + text
        for index, word in enumerate(re.findall(r"\s*\S+\s*", text)):
            if should_stop() or index >= max_new_tokens:
                return
            yield word


def _factory(card: ModelCard, scenario: Scenario | None) -> DeterministicBackend:
    return DeterministicBackend(scenario)


def register() -> None:
    """Register the `deterministic` backend kind."""
    register_backend("deterministic", _factory)

"""The buyer: backends that voice an executive, and the director that decides what they say.

Use `load_backend(name, scenario)` to get a backend from a model card; heavy libraries
(torch, transformers, httpx) are imported only when a backend loads or generates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roleplay.buyer.base import (
    BuyerBackend,
    BuyerRequest,
    ChatMessage,
    backend_factory,
    known_backends,
    register_backend,
)
from roleplay.buyer.cards import ModelCard, find_card, load_cards, selected_model

if TYPE_CHECKING:
    from roleplay.scenario import Scenario

__all__ = [
    "BuyerBackend",
    "BuyerRequest",
    "ChatMessage",
    "ModelCard",
    "backend_for_card",
    "find_card",
    "known_backends",
    "load_backend",
    "load_cards",
    "read_ahead",
    "register_backend",
    "selected_model",
]


def backend_for_card(card: ModelCard, scenario: Scenario | None = None) -> BuyerBackend:
    """Build (but do not load) the backend a model card describes.

    Raises:
        ModelError: the card names an unknown backend kind or lacks a setting it needs.
    """
    return backend_factory(card.backend)(card, scenario)


def load_backend(name: str | None, scenario: Scenario | None = None) -> BuyerBackend:
    """The buyer backend of the model card `name` (None: the selected default), not loaded yet.

    Call `.load(progress)` before generating; it is where weights load or a server is reached.

    Raises:
        ModelError: no such card, or the card cannot work.
    """
    return backend_for_card(find_card(name), scenario)


def read_ahead(buyer: BuyerBackend, scenario: Scenario, typed: str = "") -> None:
    """Have a loaded buyer read the start of the call's first prompt before the rep sends it.

    Every prompt of the call opens with the persona, and the first goes on with the rep's first
    turn: a backend that keeps a KV cache (`prefill`: the ONNX one) runs the persona while the
    rep reads the briefing, and what the rep has `typed` of that turn while they type, with the
    start of the director's request that follows any turn (`BuyerDirector.request_start`), so
    the first reply runs only the rest of the request: the line it voices. When the rep types
    on, only the words after the previous read and that start are read again. Other backends
    have nothing to do.

    Raises:
        BackendError: the model failed while reading.
    """
    prefill = getattr(buyer, "prefill", None)
    if prefill is None:
        return
    from roleplay.buyer.director import BuyerDirector

    director = BuyerDirector(scenario)
    persona = director.persona_prompt([])
    being_written = typed + director.request_start() if typed.strip() else typed
    prefill([ChatMessage("system", persona), ChatMessage("user", being_written)])

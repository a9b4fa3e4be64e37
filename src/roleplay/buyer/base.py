"""The buyer backend interface and the registry every backend, built-in or not, joins.

A backend streams text for a list of chat messages; nothing more. What the buyer may say is
decided by the director (`roleplay.buyer.director`); the backend only voices it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from roleplay.errors import ModelError

if TYPE_CHECKING:
    from roleplay.buyer.cards import Generation, ModelCard
    from roleplay.scenario import Scenario

Progress = Callable[[str, float | None], None]
"""A progress callback: a message and a fraction done (None when unknown)."""

DEFAULT_MAX_NEW_TOKENS = 72
"""The longest buyer reply, in tokens, unless a model card says otherwise."""

DEFAULT_TEMPERATURE = 0.7
"""The buyer's sampling temperature unless a model card says otherwise."""

ANCHOR_PREFIX = "Answer as {speaker}, in your own words, saying: "
"""How the director asks a model for the authored line to voice now, at the end of the rep's
turn (a 135M model follows a request in the last user message far better than one in the
system prompt). Backends that need the line itself read `BuyerRequest.anchor`."""


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class BuyerRequest:
    """Everything a backend is asked for one reply: the prompt, the line, the settings."""

    messages: tuple[ChatMessage, ...]
    """The chat prompt as a model sees it (the director asks for the anchor in its last user
    message)."""
    anchor: str | None = None
    """The authored line the director chose for this reply, if any."""
    lead_in: str = ""
    """The start of the reply, already shown to the rep; a backend that continues a started
    reply sees it as a final assistant message (`prompt`) and streams only the rest."""
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    """The longest reply, in tokens."""
    temperature: float = DEFAULT_TEMPERATURE
    """Sampling temperature; 0 means greedy decoding."""
    seed: int | None = None
    """Seeds sampling (and the deterministic backend's choice of line), for reproducibility."""

    @property
    def prompt(self) -> list[ChatMessage]:
        """`messages`, followed by the started reply as an assistant message when there is one."""
        if not self.lead_in:
            return list(self.messages)
        return [*self.messages, ChatMessage("assistant", self.lead_in)]


@runtime_checkable
class BuyerBackend(Protocol):
    """Something that streams a buyer's reply for a chat prompt.

    A backend that can continue a reply already begun sets `continues_final_message = True`:
    the session then shows the first words of the authored line at once and passes them as
    the request's `lead_in`, and the backend streams only the rest. Without it (the
    OpenAI-compatible backend: servers differ on assistant prefill) the whole reply comes from
    the backend.
    """

    model_id: str
    """The backend and model, recorded in transcripts, e.g. `transformers:SmolLM2-135M-Instruct`."""
    continues_final_message: bool
    """Whether the backend can continue a reply already begun (`BuyerRequest.lead_in`)."""
    generation: Generation
    """The generation settings the session asks with (from the model card)."""

    def load(self, progress: Progress | None = None) -> None:
        """Get ready to generate (load or convert weights, reach a server); idempotent."""
        ...

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        """Yield the reply in chunks as it is generated; stop early when `should_stop()`."""
        ...


BackendFactory = Callable[["ModelCard", "Scenario | None"], BuyerBackend]
"""Builds a backend from a model card (and the scenario, for backends that need it)."""

_REGISTRY: dict[str, BackendFactory] = {}


def register_backend(kind: str, factory: BackendFactory) -> None:
    """Make a backend kind available to model cards (`backend: <kind>`).

    Built-in backends register through this function exactly as a third-party one would.
    """
    _REGISTRY[kind] = factory


def known_backends() -> list[str]:
    """Names of every registered backend kind, sorted."""
    _register_builtins()
    return sorted(_REGISTRY)


def backend_factory(kind: str) -> BackendFactory:
    """The factory for a backend kind.

    Raises:
        ModelError: the kind is unknown; the message lists the known ones.
    """
    _register_builtins()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise ModelError(
            f"unknown buyer backend '{kind}' (known: {', '.join(sorted(_REGISTRY))})"
        ) from None


def anchor_request(speaker: str, line: str) -> str:
    """The request, appended to the rep's turn, to voice `line` as `speaker`."""
    return f'({ANCHOR_PREFIX.format(speaker=speaker)}"{line}")'


_builtins_registered = False


def _register_builtins() -> None:
    """Register the shipped backends (cheap: each module imports its heavy libraries lazily)."""
    global _builtins_registered
    if _builtins_registered:
        return
    _builtins_registered = True
    import importlib

    for name in ("deterministic", "onnx_backend", "openai_backend", "transformers_backend"):
        importlib.import_module(f"roleplay.buyer.{name}").register()

"""The buyer backend interface, and how backends are found: entry points.

A backend streams text for a list of chat messages; nothing more. What the buyer may say is
decided by the director (`roleplay.buyer.director`); the backend only voices it.

Every backend kind, built-in or not, is an entry point in the `roleplay.backends` group whose
object is a `BackendFactory`; roleplay's own are declared in its `pyproject.toml`, and a
third-party package declares its own the same way:

```toml
[project.entry-points."roleplay.backends"]
echo = "roleplay_echo:create"
```

An entry point is loaded only when a model card asks for its kind, so a broken plugin harms
only the cards that use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, cast, runtime_checkable

from roleplay.errors import ModelError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

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

ENTRY_POINT_GROUP = "roleplay.backends"
"""The entry-point group backends are declared in; each entry point's name is a backend kind."""

_REGISTRY: dict[str, BackendFactory] = {}
"""Factories registered in this process, and those already loaded from entry points."""


def register_backend(kind: str, factory: BackendFactory) -> None:
    """Make a backend kind available to model cards in this process (`backend: <kind>`).

    For a program that embeds roleplay, and for tests; a package declares an entry point in
    the `roleplay.backends` group instead. A kind registered here wins over an entry point.
    """
    _REGISTRY[kind] = factory


def known_backends() -> list[str]:
    """Names of every backend kind, registered or declared by an entry point, sorted."""
    return sorted(set(_REGISTRY) | set(_declared()))


def backend_factory(kind: str) -> BackendFactory:
    """The factory for a backend kind, loading its entry point the first time.

    Raises:
        ModelError: the kind is unknown (the message lists the known ones), or its entry
            point fails to load or names something that is not a factory (the message names
            the entry point and the package that declares it).
    """
    if kind in _REGISTRY:
        return _REGISTRY[kind]
    entry = _declared().get(kind)
    if entry is None:
        known = ", ".join(known_backends())
        hint = "" if "deterministic" in _declared() else _STALE_INSTALL
        raise ModelError(f"unknown buyer backend '{kind}' (known: {known}){hint}")
    where = f"the entry point `{entry.name} = {entry.value}` in the group {ENTRY_POINT_GROUP}"
    if entry.dist is not None:
        where += f" (declared by {entry.dist.name} {entry.dist.version})"
    try:
        loaded: object = entry.load()
    except Exception as exc:
        raise ModelError(
            f"the buyer backend '{kind}' failed to load from {where}: {type(exc).__name__}: {exc}"
        ) from None
    if not callable(loaded):
        raise ModelError(
            f"the buyer backend '{kind}' is not a backend factory: {where} names "
            f"the {type(loaded).__name__} {loaded!r}, not a function of (card, scenario)"
        )
    factory = cast(BackendFactory, loaded)
    _REGISTRY[kind] = factory
    return factory


_STALE_INSTALL = (
    "; roleplay's own backends are missing too, so its installed metadata is out of date: "
    "run `pip install -e . --no-deps` (or `make install`) in the checkout"
)


@functools.cache
def _declared() -> dict[str, EntryPoint]:
    """The backend entry points of every installed package, by kind (the first wins).

    Read once per process: scanning the installed packages takes some 20 ms.
    """
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


REQUEST_SEPARATOR = "\n\n"
"""What separates the rep's turn from the director's request in the prompt's last message."""


def anchor_request_start(speaker: str) -> str:
    """How every `anchor_request` of `speaker` starts, whatever the line: known before the
    director has decided, so the buyer can read it ahead (`roleplay.buyer.read_ahead`)."""
    return f'({ANCHOR_PREFIX.format(speaker=speaker)}"'


def anchor_request(speaker: str, line: str) -> str:
    """The request, appended to the rep's turn, to voice `line` as `speaker`."""
    return f'{anchor_request_start(speaker)}{line}")'

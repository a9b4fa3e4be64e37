"""A buyer served by any OpenAI-compatible server: Ollama, vLLM, llama.cpp's server, a host.

Replies stream from `/chat/completions` as server-sent events, read with httpx-sse; a failed
request is retried with tenacity. The API key is read from the environment variable the model
card names, sent only in the `Authorization` header, and never written to transcripts, logs or
error messages.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from roleplay.buyer.base import BuyerRequest, Progress
from roleplay.errors import BackendError, ModelError

if TYPE_CHECKING:
    import httpx
    from httpx_sse import ServerSentEvent

    from roleplay.buyer.cards import Generation, ModelCard
    from roleplay.scenario import Scenario

log = logging.getLogger("roleplay.buyer.openai")

RETRY_DELAY = 0.5
"""Seconds to wait before the one retry of a failed request."""

ATTEMPTS = 2
"""Requests made for one reply at most: the first and one retry."""


class OpenAIBackend:
    """Streams buyer replies from an OpenAI-compatible `/v1/chat/completions` endpoint.

    Args:
        card: The model card: `base_url`, `model`, optionally `api_key_env` and timeouts.
        transport: The httpx transport requests go through (default: the network); tests pass
            an `httpx.MockTransport`.
    """

    continues_final_message = False
    """Servers differ on assistant prefill, so the whole reply comes from the server."""

    def __init__(self, card: ModelCard, transport: httpx.BaseTransport | None = None) -> None:
        if not card.base_url or not card.model:
            raise ModelError(
                f"model card '{card.name}' uses the openai backend and needs 'base_url' and 'model'"
            )
        self.card = card
        self.base_url = card.base_url.rstrip("/")
        self.server = redact_url(self.base_url)
        """The server's address for messages: `base_url` without any credentials in it."""
        self.model = card.model
        self.generation: Generation = card.generation
        self.model_id = f"openai:{card.model}"
        self._checked = False
        self._transport = transport

    # -- plumbing ------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.card.api_key_env:
            key = os.environ.get(self.card.api_key_env)
            if key:
                headers["Authorization"] = f"Bearer {key}"
        return headers

    def _timeout(self, read: float | None = None) -> httpx.Timeout:
        import httpx

        return httpx.Timeout(
            connect=self.card.connect_timeout,
            read=read if read is not None else self.card.read_timeout,
            write=self.card.connect_timeout,
            pool=self.card.connect_timeout,
        )

    def _client(self, timeout: float | httpx.Timeout | None = None) -> httpx.Client:
        import httpx

        return httpx.Client(
            transport=self._transport,
            headers=self._headers(),
            timeout=timeout if timeout is not None else self._timeout(),
        )

    def _down(self, exc: Exception) -> ModelError:
        kind = type(exc).__name__
        return ModelError(
            f"cannot reach the buyer server at {self.server} ({kind}); is it running? "
            f"Start it, fix `base_url` in {self.card.file_name}, or choose another model "
            "with --model"
        )

    def _http_error(self, status: int, body: str) -> ModelError:
        key = os.environ.get(self.card.api_key_env) if self.card.api_key_env else None
        message = redact_secrets(_error_message(body), key)
        detail = f": {message}" if message else ""
        if status in (401, 403):
            env = self.card.api_key_env
            if env and not os.environ.get(env):
                hint = f"; the environment variable {env} is not set"
            elif env:
                hint = f"; check the key in ${env}"
            else:
                hint = "; set `api_key_env` in the model card to send a key"
            return ModelError(
                f"the buyer server at {self.server} refused the request (HTTP {status}, "
                f"authentication failed){hint}"
            )
        if status == 404 or ("model" in message.lower() and "not" in message.lower()):
            return ModelError(
                f"the buyer server at {self.server} does not know the model '{self.model}' "
                f"(HTTP {status}{detail}); pull or serve it, or fix `model` in "
                f"{self.card.file_name}"
            )
        return BackendError(f"the buyer server at {self.server} answered HTTP {status}{detail}")

    # -- the interface -------------------------------------------------------------------

    def reachable(self, timeout: float = 1.0) -> tuple[bool, str]:
        """Whether the server answers `/models` quickly, and a short status."""
        import httpx

        try:
            with self._client(timeout) as client:
                response = client.get(f"{self.base_url}/models")
        except httpx.HTTPError as exc:
            return False, f"server not reachable ({type(exc).__name__})"
        if response.status_code in (401, 403):
            return False, f"server refused the API key (HTTP {response.status_code})"
        if response.status_code >= 400:
            return True, f"server up (/models answered HTTP {response.status_code})"
        known = _model_ids(response)
        if known and _served_name(self.model, known) is None:
            return False, f"server up but has no model '{self.model}'"
        return True, "server reachable"

    def load(self, progress: Progress | None = None) -> None:
        """Check the server answers and knows the model (when it lists its models)."""
        import httpx

        if self._checked:
            return
        if progress is not None:
            progress(f"connecting to {self.server}", None)
        try:
            with self._client() as client:
                response = client.get(f"{self.base_url}/models")
        except httpx.HTTPError as exc:
            raise self._down(exc) from None
        if response.status_code in (401, 403):
            raise self._http_error(response.status_code, response.text)
        if response.status_code < 400:
            known = _model_ids(response)
            if known:
                served = _served_name(self.model, known)
                if served is None:
                    listed = ", ".join(sorted(known)[:10])
                    raise ModelError(
                        f"the buyer server at {self.server} does not know the model "
                        f"'{self.model}' (it serves: {listed})"
                    )
                if served != self.model:
                    log.info("the server lists '%s' as '%s'; using that name", self.model, served)
                    self.model = served
        self._checked = True
        if progress is not None:
            progress("buyer server ready", 1.0)

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        """Yield the reply as the server streams it; retry once if nothing arrived yet.

        Only the opening of the reply is retried (the request up to its first piece of text):
        once text has reached the rep, a failure is reported rather than the reply restarted.

        Raises:
            ModelError: the server is down, refuses the key or does not know the model.
            BackendError: the server failed mid-reply.
        """
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_fixed

        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.prompt],
            "stream": True,
            "max_tokens": request.max_new_tokens,
            "temperature": request.temperature,
            "top_p": self.generation.top_p,
        }
        if request.seed is not None:
            payload["seed"] = request.seed
        retrying = Retrying(
            stop=stop_after_attempt(ATTEMPTS),
            wait=wait_fixed(RETRY_DELAY),
            retry=retry_if_exception_type(_Retryable),
            before_sleep=lambda state: log.warning(
                "buyer server request failed (%s); retrying once",
                _retry_reason(state.outcome.exception() if state.outcome else None),
            ),
            reraise=True,
        )
        try:
            opened, first, rest = retrying(self._open, payload, should_stop)
        except _Retryable as exc:
            raise exc.error from None
        with opened:
            if first is None:
                return
            yield first
            try:
                yield from rest
            except _Retryable as exc:
                raise exc.error from None

    def _open(
        self, payload: dict[str, Any], should_stop: Callable[[], bool]
    ) -> tuple[ExitStack, str | None, Iterator[str]]:
        """Send the request and read up to the first piece of text.

        Returns:
            What to close when done, the first piece (None: the reply ended without text), and
            an iterator over the rest.

        Raises:
            _Retryable: a failure worth a retry (connection, timeout, HTTP 429 or 5xx).
            ModelError: any other failure.
        """
        from httpx_sse import connect_sse

        opened = ExitStack()
        try:
            client = opened.enter_context(self._client())
            with self._translated():
                source = opened.enter_context(
                    connect_sse(client, "POST", f"{self.base_url}/chat/completions", json=payload)
                )
                response = source.response
                if response.status_code >= 400:
                    body = response.read().decode("utf-8", "replace")
                    error = self._http_error(response.status_code, body)
                    if response.status_code >= 500 or response.status_code == 429:
                        raise _Retryable(error)
                    raise error
            texts = self._texts(source.iter_sse(), should_stop)
            first = next(texts, None)
        except BaseException:
            opened.close()
            raise
        return opened, first, texts

    def _texts(
        self, events: Iterator[ServerSentEvent], should_stop: Callable[[], bool]
    ) -> Iterator[str]:
        """The non-empty pieces of text in a stream of events, up to `[DONE]` or a stop."""
        with self._translated():
            for event in events:
                if should_stop():
                    return
                text = _event_content(event.data)
                if text is None:
                    return
                if text:
                    yield text

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn httpx's failures into roleplay's errors, marking the ones worth a retry."""
        import httpx
        from httpx_sse import SSEError

        try:
            yield
        except SSEError as exc:
            raise BackendError(
                f"the buyer server at {self.server} did not stream its reply ({exc})"
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise _Retryable(self._down(exc)) from None
        except httpx.TimeoutException as exc:
            raise _Retryable(
                BackendError(
                    f"the buyer server at {self.server} stopped answering "
                    f"({type(exc).__name__} after {self.card.read_timeout:g} s)"
                )
            ) from None
        except httpx.HTTPError as exc:
            raise _Retryable(
                BackendError(f"the buyer server at {self.server} failed: {type(exc).__name__}")
            ) from None


class _Retryable(Exception):
    """A failure worth one retry, carrying the error to raise if the retry fails too."""

    def __init__(self, error: ModelError) -> None:
        super().__init__(error.message)
        self.error = error


def _retry_reason(exc: BaseException | None) -> str:
    return exc.error.message if isinstance(exc, _Retryable) else repr(exc)


def _event_content(data: str) -> str | None:
    """The text in one server-sent event's data: '' for no text, None at the end of the stream.

    Raises:
        BackendError: the event reports an error.
    """
    data = data.strip()
    if data == "[DONE]":
        return None
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        return ""
    if not isinstance(event, dict):
        return ""
    if "error" in event:
        raise BackendError(f"the buyer server reported an error: {_error_message(data)}")
    choices = event.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta") or choices[0].get("message") or {}
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) else ""


_SECRET_PATTERNS = (
    re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{6,}"),
    re.compile(
        r"(?i)\b(api[_-]?key|authorization|password|secret)([\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"
    ),
)


def redact_secrets(text: str, key: str | None = None) -> str:
    """`text` (a server's error body, say) with the API key and anything shaped like a
    credential replaced by `***`, so a proxy that echoes headers cannot leak the key."""
    if key:
        text = text.replace(key, "***")
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)} ***", text)
    text = _SECRET_PATTERNS[1].sub("sk-***", text)
    text = _SECRET_PATTERNS[2].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return redact_url(text)


def redact_url(text: str) -> str:
    """`text` (a URL, or a message holding URLs) with any `user:password@` in a URL replaced
    by `***@`."""
    return re.sub(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@", r"\1***@", text)


def _error_message(body: str) -> str:
    """The message in an OpenAI-style error body, or a short excerpt of the body."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, TypeError):
        return body.strip()[:200]
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
        if isinstance(error, str):
            return error[:300]
        if isinstance(data.get("message"), str):
            return str(data["message"])[:300]
    return body.strip()[:200]


def _model_ids(response: httpx.Response) -> set[str]:
    try:
        data = response.json()
    except ValueError:
        return set()
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return set()
    return {str(item["id"]) for item in items if isinstance(item, dict) and "id" in item}


def _served_name(model: str, known: set[str]) -> str | None:
    """The name the server knows `model` by, or None if it does not serve it.

    Ollama lists every model with its tag (`llama3:latest`) while accepting the bare name, as
    `ollama pull llama3` does, so an untagged name matches its `:latest` entry.
    """
    if model in known:
        return model
    if ":" not in model and f"{model}:latest" in known:
        return f"{model}:latest"
    return None


def create(card: ModelCard, scenario: Scenario | None) -> OpenAIBackend:
    """Build the `openai` backend (its `roleplay.backends` entry point)."""
    return OpenAIBackend(card)

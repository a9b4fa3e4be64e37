"""The OpenAI-compatible backend's streaming and retries, through an `httpx.MockTransport`.

No socket is opened: each test's handler plays the server, so the failures a real server only
shows now and then (a 429, a dropped connection mid-reply, an event split across packets) are
played on demand.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest

from roleplay.buyer import BuyerRequest, ChatMessage, openai_backend
from roleplay.buyer.cards import ModelCard
from roleplay.buyer.openai_backend import OpenAIBackend
from roleplay.errors import BackendError, ModelError, RoleplayError

PROMPT = BuyerRequest((ChatMessage("user", "How long is your close?"),))
REPLY = ["We close ", "in about ", "twelve working days."]

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_backend, "RETRY_DELAY", 0.0)


def backend(handler: Handler) -> tuple[OpenAIBackend, list[httpx.Request]]:
    """A backend whose requests go to `handler`, and the list of requests it received."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    card = ModelCard(name="mock", backend="openai", base_url="http://buyer.test/v1", model="b")
    return OpenAIBackend(card, transport=httpx.MockTransport(record)), seen


def events(pieces: list[str], done: bool = True) -> bytes:
    """OpenAI-style stream events carrying `pieces`, closed by `[DONE]` when `done`."""
    body = "".join(
        f"data: {json.dumps({'choices': [{'delta': {'content': p}}]})}\n\n" for p in pieces
    )
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def streamed(content: bytes | Iterator[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=content)


def failing(status: int) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": "overloaded"}})


def test_events_split_across_packets_stream_as_text() -> None:
    body = b": keep-alive\n\n" + events(REPLY)

    def split(_: httpx.Request) -> httpx.Response:
        return streamed(iter([body[i : i + 7] for i in range(0, len(body), 7)]))

    buyer, seen = backend(split)
    assert list(buyer.stream(PROMPT)) == REPLY
    sent = json.loads(seen[0].content)
    assert sent["stream"] is True and sent["messages"] == [
        {"role": "user", "content": "How long is your close?"}
    ]
    assert seen[0].headers["Accept"] == "text/event-stream"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_server_is_retried_once(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    answers = [failing(status), streamed(events(REPLY))]
    buyer, seen = backend(lambda _: answers.pop(0))
    with caplog.at_level(logging.WARNING, "roleplay.buyer.openai"):
        assert list(buyer.stream(PROMPT)) == REPLY
    assert len(seen) == 2
    assert f"HTTP {status}" in caplog.text and "retrying once" in caplog.text


def test_a_second_failure_is_reported_with_the_status() -> None:
    buyer, seen = backend(lambda _: failing(503))
    with pytest.raises(BackendError, match=r"buyer\.test/v1 answered HTTP 503: overloaded"):
        list(buyer.stream(PROMPT))
    assert len(seen) == 2


def test_a_refused_key_is_not_retried() -> None:
    buyer, seen = backend(lambda _: failing(401))
    with pytest.raises(ModelError, match="authentication failed"):
        list(buyer.stream(PROMPT))
    assert len(seen) == 1


def test_an_unreachable_server_is_a_clear_error_after_one_retry() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    buyer, seen = backend(down)
    with pytest.raises(ModelError, match=r"cannot reach the buyer server.*is it running") as err:
        list(buyer.stream(PROMPT))
    assert isinstance(err.value, RoleplayError)
    assert len(seen) == 2
    with pytest.raises(ModelError, match="cannot reach the buyer server"):
        buyer.load()
    assert buyer.reachable() == (False, "server not reachable (ConnectError)")


def test_a_timeout_before_any_text_is_retried() -> None:
    answers: list[httpx.Response | None] = [None, streamed(events(REPLY))]

    def slow_then_fine(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if answer is None:
            raise httpx.ReadTimeout("no answer", request=request)
        return answer

    buyer, seen = backend(slow_then_fine)
    assert list(buyer.stream(PROMPT)) == REPLY
    assert len(seen) == 2


def test_a_failure_after_text_arrived_is_reported_not_retried() -> None:
    def drops(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            yield events(REPLY[:1], done=False)
            raise httpx.ReadError("connection reset", request=request)

        return streamed(body())

    buyer, seen = backend(drops)
    received: list[str] = []
    with pytest.raises(BackendError, match=r"buyer\.test/v1 failed: ReadError"):
        received.extend(buyer.stream(PROMPT))
    assert received == REPLY[:1]
    assert len(seen) == 1


def test_an_answer_that_is_not_a_stream_is_named() -> None:
    buyer, seen = backend(lambda _: httpx.Response(200, json={"choices": []}))
    with pytest.raises(BackendError, match=r"did not stream its reply.*application/json"):
        list(buyer.stream(PROMPT))
    assert len(seen) == 1


def test_an_error_event_mid_stream_is_reported() -> None:
    body = events(REPLY[:1], done=False) + b'data: {"error": "out of memory"}\n\n'
    buyer, _ = backend(lambda _: streamed(body))
    with pytest.raises(BackendError, match="reported an error: out of memory"):
        list(buyer.stream(PROMPT))


def test_should_stop_ends_the_reply_early() -> None:
    buyer, _ = backend(lambda _: streamed(events(REPLY)))
    received: list[str] = []
    for chunk in buyer.stream(PROMPT, should_stop=lambda: len(received) >= 2):
        received.append(chunk)
    assert received == REPLY[:2]


def test_an_error_body_that_breaks_off_is_still_a_roleplay_error() -> None:
    def broken_error(request: httpx.Request) -> httpx.Response:
        def body() -> Iterator[bytes]:
            yield b'{"error": '
            raise httpx.ReadError("connection reset", request=request)

        return httpx.Response(502, content=body())

    buyer, seen = backend(broken_error)
    with pytest.raises(BackendError, match=r"buyer\.test/v1 failed: ReadError"):
        list(buyer.stream(PROMPT))
    assert len(seen) == 2

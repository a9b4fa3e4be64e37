"""The OpenAI-compatible backend against a real HTTP server on loopback (stdlib, SSE)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from roleplay.buyer import BuyerRequest, ChatMessage, backend_for_card, load_backend
from roleplay.buyer.cards import ModelCard
from roleplay.buyer.openai_backend import OpenAIBackend
from roleplay.errors import ModelError
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession
from roleplay.transcript import load_transcript

SECRET = "sk-test-not-a-real-key-5f3a"
PROMPT = BuyerRequest(
    (ChatMessage("system", "You are Dana."), ChatMessage("user", "How long is your close?"))
)


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the HTTP backend, not score quality: the fake scorer."""
    return fake_scorer


class FakeServer(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible server: knows one model, streams a canned reply as SSE."""

    model = "buyer-7b"
    reply: ClassVar[list[str]] = ["We close ", "in about ", "twelve working days."]
    fail_next: ClassVar[list[int]] = []
    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": self.model}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        FakeServer.requests.append({"body": body, "headers": dict(self.headers)})
        if FakeServer.fail_next:
            self._json(FakeServer.fail_next.pop(0), {"error": {"message": "overloaded"}})
            return
        if body.get("model") != self.model:
            self._json(404, {"error": {"message": f"model '{body.get('model')}' not found"}})
            return
        if self.headers.get("Authorization") != f"Bearer {SECRET}":
            self._json(401, {"error": {"message": "invalid api key"}})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in FakeServer.reply:
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@pytest.fixture
def server() -> Iterator[str]:
    FakeServer.requests.clear()
    FakeServer.fail_next.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def card(base_url: str, model: str = "buyer-7b") -> ModelCard:
    return ModelCard(
        name="loopback",
        backend="openai",
        base_url=base_url,
        model=model,
        api_key_env="ROLEPLAY_TEST_KEY",
        connect_timeout=1,
        read_timeout=5,
    )


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_TEST_KEY", SECRET)


def test_streams_a_reply_and_sends_the_key_only_in_the_header(server: str) -> None:
    backend = backend_for_card(card(server))
    backend.load()
    request = BuyerRequest(PROMPT.messages, max_new_tokens=40, temperature=0.2, seed=3)
    chunks = list(backend.stream(request))
    assert chunks == FakeServer.reply
    sent = FakeServer.requests[-1]
    assert sent["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["stream"] is True
    assert sent["body"]["max_tokens"] == 40 and sent["body"]["seed"] == 3
    assert sent["body"]["temperature"] == 0.2
    assert sent["body"]["messages"][1] == {"role": "user", "content": "How long is your close?"}
    assert SECRET not in json.dumps(sent["body"])


def test_a_server_that_is_down_is_a_clear_model_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = backend_for_card(card(f"http://127.0.0.1:{port}/v1"))
    with pytest.raises(ModelError, match=r"cannot reach the buyer server.*is it running"):
        backend.load()
    with pytest.raises(ModelError, match="cannot reach the buyer server"):
        list(backend.stream(PROMPT))
    assert isinstance(backend, OpenAIBackend)
    assert backend.reachable(timeout=0.5)[0] is False


def test_an_unknown_model_is_named(server: str) -> None:
    backend = backend_for_card(card(server, model="llama-99"))
    with pytest.raises(ModelError, match=r"does not know the model 'llama-99'.*buyer-7b"):
        backend.load()
    with pytest.raises(ModelError, match=r"does not know the model 'llama-99' \(HTTP 404"):
        list(backend.stream(PROMPT))
    assert len(FakeServer.requests) == 1  # a 404 is not retried


def test_an_untagged_name_matches_the_latest_tag_ollama_lists(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ollama's /v1/models lists `llama3:latest` for a model pulled as `llama3`.
    monkeypatch.setattr(FakeServer, "model", "llama3:latest")
    backend = backend_for_card(card(server, model="llama3"))
    assert isinstance(backend, OpenAIBackend)
    assert backend.reachable() == (True, "server reachable")
    backend.load()
    assert "".join(backend.stream(PROMPT)) == "".join(FakeServer.reply)
    assert FakeServer.requests[-1]["body"]["model"] == "llama3:latest"
    for unknown in ("llama3:8b", "llama", "llama3:latest:x"):
        other = backend_for_card(card(server, model=unknown))
        with pytest.raises(
            ModelError, match=rf"does not know the model '{unknown}' \(it serves: llama3:latest\)"
        ):
            other.load()


def test_one_retry_after_a_server_error(server: str) -> None:
    backend = backend_for_card(card(server))
    FakeServer.fail_next.append(500)
    assert "".join(backend.stream(PROMPT)) == "".join(FakeServer.reply)
    assert len(FakeServer.requests) == 2
    FakeServer.fail_next.extend([500, 503])
    with pytest.raises(ModelError, match="HTTP 503"):
        list(backend.stream(PROMPT))


def test_a_wrong_key_is_an_authentication_error(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_TEST_KEY", "sk-wrong")
    backend = backend_for_card(card(server))
    with pytest.raises(ModelError, match="authentication failed") as caught:
        list(backend.stream(PROMPT))
    assert "sk-wrong" not in str(caught.value)
    monkeypatch.delenv("ROLEPLAY_TEST_KEY")
    with pytest.raises(ModelError, match="ROLEPLAY_TEST_KEY is not set"):
        list(backend.stream(PROMPT))


def test_a_session_on_the_server_keeps_the_key_out_of_the_transcript(
    server: str,
    cfo: Scenario,
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cards = tmp_path / "models"
    cards.mkdir()
    (cards / "loopback.yaml").write_text(
        f"name: loopback\nbackend: openai\nbase_url: {server}\nmodel: buyer-7b\n"
        "api_key_env: ROLEPLAY_TEST_KEY\n"
    )
    monkeypatch.setenv("ROLEPLAY_MODELS", str(cards))
    caplog.set_level("DEBUG")
    buyer = load_backend("loopback", cfo)
    buyer.load()
    path = tmp_path / "t.json"
    session = PracticeSession(cfo, default_rubric, buyer, scorer, save_to=path, seed=2)
    session.open()
    # A fact is said as authored (no request); an objection is voiced by the server's model.
    session.submit("Walk me through how your month-end close works today.")
    "".join(session.reply())
    assert session.last_turn.revealed == ["close_takes_twelve_days"]
    assert session.last_turn.source == "authored"
    session.submit("Our platform automates every reconciliation. Can I show you a demo?")
    "".join(session.reply())
    assert session.last_turn.objections
    text = path.read_text()
    assert load_transcript(path).models.buyer == "openai:buyer-7b"
    assert SECRET not in text
    assert SECRET not in caplog.text
    sent = FakeServer.requests[-1]["body"]["messages"]
    assert sent[0]["role"] == "system" and "lender" not in sent[0]["content"].lower()
    assert sent[-1]["role"] == "user" and "in your own words, saying:" in sent[-1]["content"]

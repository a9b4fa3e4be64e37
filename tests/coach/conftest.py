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

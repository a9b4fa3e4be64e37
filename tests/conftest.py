"""Fixtures shared by every test folder.

Lanes (README, "Testing"): a test that loads a real model (the MiniLM scorer or a buyer LM) is
marked `models`, one that drives the whole app, a browser or the program in a subprocess
`functional`. A test that asks for the real `scorer` fixture is marked `models` here, so it
needs no marker of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


MODEL_FIXTURES = frozenset({"scorer"})
"""Fixtures that load a real model: a test that uses one is in the `models` lane."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a real-model fixture (directly or through another) `models`."""
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.models)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep each test's transcripts and config out of the real home directory."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture(scope="session")
def scenarios_path() -> Path:
    return PROJECT_ROOT / "scenarios"


@pytest.fixture(scope="session")
def shipped_scenarios(scenarios_path: Path):  # type: ignore[no-untyped-def]
    from roleplay.scenario import load_scenarios

    scenarios, problems = load_scenarios([scenarios_path])
    assert not problems, "\n".join(map(str, problems))
    return scenarios


@pytest.fixture(scope="session")
def default_rubric():  # type: ignore[no-untyped-def]
    from roleplay.rubric import load_rubric

    return load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml")


@pytest.fixture(scope="session")
def scorer(default_rubric):  # type: ignore[no-untyped-def]
    """The real turn scorer on the embedded MiniLM model, loaded once per test session."""
    from roleplay.scoring import TurnScorer

    return TurnScorer.load(default_rubric)

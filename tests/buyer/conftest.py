"""Fixtures for the buyer tests: sessions on the deterministic buyer and the real scorer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roleplay.buyer import load_backend
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession

SessionFactory = Callable[..., PracticeSession]


@pytest.fixture(scope="session")
def scenario_by_id(shipped_scenarios: list[Scenario]) -> dict[str, Scenario]:
    return {s.id: s for s in shipped_scenarios}


@pytest.fixture(scope="session")
def cfo(scenario_by_id: dict[str, Scenario]) -> Scenario:
    return scenario_by_id["cfo-logistics-close"]


@pytest.fixture
def make_session(default_rubric, scorer) -> SessionFactory:  # type: ignore[no-untyped-def]
    """Build a practice session on the deterministic buyer."""

    def make(
        scenario: Scenario, *, save_to: Path | None = None, seed: int | None = 1
    ) -> PracticeSession:
        buyer = load_backend("deterministic", scenario)
        return PracticeSession(scenario, default_rubric, buyer, scorer, save_to=save_to, seed=seed)

    return make


def say(session: PracticeSession, text: str) -> str:
    """The rep says `text`; returns the buyer's whole reply."""
    session.submit(text)
    return "".join(session.reply())

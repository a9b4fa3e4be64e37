"""Fixtures for the buyer tests: sessions on the deterministic buyer and the real scorer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roleplay.buyer import BuyerBackend, load_backend
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession, TurnScorerLike

SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios" / "scripts"

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


def play_opening_in_role(
    buyer: BuyerBackend,
    scenario: Scenario,
    rubric: Rubric,
    scorer: TurnScorerLike,
    save_to: Path,
) -> PracticeSession:
    """Play the first three lines of the scenario's discovery script on `buyer`, and check the
    saved transcript: the buyer recorded, every rep turn scored, facts revealed, and every
    buyer turn in role (no template tokens, no stepping out of character, no speaker labels)."""
    from roleplay.buyer.guard import OUT_OF_CHARACTER, SPEAKER_LABEL, TEMPLATE_TOKENS
    from roleplay.rehearsal.simulation import play, read_script
    from roleplay.transcript import load_transcript

    session = PracticeSession(scenario, rubric, buyer, scorer, save_to=save_to, seed=3)
    result = play(session, read_script(SCRIPTS / f"{scenario.id}.discovery.txt")[:3])
    saved = load_transcript(save_to)
    assert saved.models.buyer == buyer.model_id
    assert len(saved.rep_turns) == 3 and all(t.score is not None for t in saved.rep_turns)
    assert saved.revealed  # the discovery opening earns facts whatever the model says
    assert not result.leaks
    for turn in saved.turns:
        if turn.role == "buyer":
            assert turn.text.strip()
            assert not TEMPLATE_TOKENS.search(turn.text)
            assert not OUT_OF_CHARACTER.search(turn.text)
            assert not SPEAKER_LABEL.search(turn.text)
    return session

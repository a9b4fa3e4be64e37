"""An author's story: `roleplay simulate --explain` shows, under every reply, what the director
read in the rep's turn, the nearest facts and what held each back, and the beat it chose."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.rehearsal.trace import DecisionLog, explain
from roleplay.scenario import Scenario

from .conftest import SessionFactory, say


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the explanation of each decision, not score quality: the fake scorer."""
    return fake_scorer


def test_each_turn_is_explained_with_the_directors_own_decision(
    cfo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(cfo)
    log = DecisionLog(session)
    session.open()
    say(session, "What's the biggest problem you're dealing with right now?")
    say(session, "Which reports does your lender ask to see on cash?")
    first, second = log.decisions
    assert [d.turn for d in log.decisions] == [1, 2]
    assert first.beat.revealed == tuple(session.transcript.turns[2].revealed)

    lines = explain(log.director, first)
    assert lines[0].startswith("read:  asks about ")
    facts = [line for line in lines if line.startswith("fact:  ")]
    assert 1 <= len(facts) <= 3
    assert lines[-1].startswith(f"beat:  {first.beat.kind}")
    for fact_id in first.beat.revealed:
        assert any(line.startswith(f"fact:  {fact_id} ") and "revealed" in line for line in facts)

    # The lender fact is trusted and trust is still below the scenario's threshold: the
    # explanation names that gate rather than a low match.
    held = [line for line in explain(log.director, second) if "lender_cash_covenant" in line]
    assert held and "held back: trust" in held[0]
    assert "lender_cash_covenant" not in session.state.uncovered


def test_simulate_explain_prints_a_block_under_every_reply(
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from roleplay.scoring import TurnScorer

    monkeypatch.setattr(TurnScorer, "load", lambda rubric, embedder=None: scorer)
    script = tmp_path / "script.txt"
    script.write_text("What's on your plate this year?\nWhat's behind that?\nWhy now?\n")
    output = tmp_path / "sim.json"
    argv = ["simulate", "cfo-logistics-close", "--rep-script", str(script), "--explain"]
    assert main([*argv, "--model", "deterministic", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert out.count("    | read:  ") == 3
    assert out.count("    | beat:  ") == 3

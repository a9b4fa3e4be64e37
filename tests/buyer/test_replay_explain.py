"""A coach sees why the buyer answered as it did in a saved call (issue 17): `roleplay replay
--print --explain` makes each decision again from the recorded state."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.buyer.director import BuyerDirector
from roleplay.cli import main
from roleplay.rehearsal.simulation import play
from roleplay.rehearsal.trace import explain_transcript
from roleplay.scenario import Scenario
from roleplay.scoring import TurnScorer

from .conftest import SessionFactory

TURNS = [
    "What's at the top of your list this year?",
    "Our platform automates reconciliations end to end. Can I show you a demo?",
    "What is that costing you?",
]


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the explanation of each decision, not score quality: the fake scorer."""
    return fake_scorer


def test_each_answered_rep_turn_is_explained_as_it_was_decided(
    cfo: Scenario, make_session: SessionFactory, scorer: TurnScorer
) -> None:
    session = make_session(cfo)
    play(session, TURNS)
    transcript = session.transcript
    lines = explain_transcript(BuyerDirector(cfo, scorer, transcript.seed), transcript)
    rep_numbers = [n for n, t in enumerate(transcript.turns, start=1) if t.role == "rep"]
    assert sorted(lines) == rep_numbers
    for number in rep_numbers:
        reply = transcript.turns[number]  # the buyer's answer follows the rep turn
        beat = next(line for line in lines[number] if line.startswith("beat:"))
        if reply.revealed:
            assert f"reveal {reply.revealed[0]}" in beat
        if reply.objections:
            assert "objection" in beat
    assert any("pitch" in line for line in lines[rep_numbers[1]] if line.startswith("read:"))


def test_replay_prints_the_explanations_under_the_turns(
    cfo: Scenario,
    make_session: SessionFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_scorer_for_commands,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "call.json"
    play(make_session(cfo, save_to=path), TURNS)
    assert main(["replay", str(path), "--print", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.count("    | beat:") == len(TURNS)
    assert main(["replay", str(path), "--explain"]) == 1  # only with --print

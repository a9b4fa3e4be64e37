"""PracticeSession: turns in, scored; replies out; saved after every turn; resumable."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.buyer.simulation import read_script
from roleplay.errors import RoleplayError
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession
from roleplay.transcript import load_transcript

from .conftest import SessionFactory, say

SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios" / "scripts"


def test_a_conversation_is_recorded_scored_and_saved_after_every_turn(
    cfo: Scenario, make_session: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "t.json"
    session = make_session(cfo, save_to=path)
    opening = session.open()
    assert opening.text == cfo.opening_line
    assert load_transcript(path).turns[0].text == cfo.opening_line
    for line in read_script(SCRIPTS / "cfo-logistics-close.discovery.txt")[:3]:
        rep = session.submit(line)
        assert rep.score is not None and 0.0 <= rep.score.scores.context_seeking <= 1.0
        saved = load_transcript(path)
        assert saved.turns[-1].role == "rep" and saved.turns[-1].text == line
        chunks = list(session.reply())
        assert len(chunks) > 1  # streamed, not delivered whole
        saved = load_transcript(path)
        buyer = saved.turns[-1]
        assert buyer.role == "buyer" and buyer.text == "".join(chunks).strip()
        assert buyer.source == "model"
        assert buyer.patience is not None and buyer.trust is not None
    assert saved.revealed == session.state.uncovered
    assert saved.revealed  # the discovery opening earns at least one fact
    assert saved.scenario_hash == cfo.content_hash()
    assert saved.models.buyer == "deterministic:authored-lines"
    assert saved.seed == 1


def test_empty_and_control_character_turns(cfo: Scenario, make_session: SessionFactory) -> None:
    session = make_session(cfo)
    with pytest.raises(RoleplayError, match="empty"):
        session.submit("  \x00\x07 \t ")
    turn = session.submit("How long\x1b does your close\x00 take?")
    assert turn.text == "How long does your close take?"
    with pytest.raises(RoleplayError, match="Wait"):
        session.submit("And another thing?")


def test_stopping_a_reply_records_it_as_interrupted(
    cfo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(cfo)
    session.open()
    session.submit("Walk me through how your month-end close works today.")
    shown: list[str] = []
    for chunk in session.reply(should_stop=lambda: len(shown) >= 2):
        shown.append(chunk)
    turn = session.last_turn
    assert turn.source == "interrupted"
    assert turn.text == "".join(shown).strip()
    assert not session.awaiting_reply


def test_the_rep_can_end_the_meeting(
    cfo: Scenario, make_session: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "t.json"
    session = make_session(cfo, save_to=path)
    say(session, "How long does your month-end close take?")
    session.end()
    saved = load_transcript(path)
    assert saved.ended_by == "rep" and saved.finished
    assert session.ended


def test_resume_rebuilds_state_and_continues_the_same_way(
    cfo: Scenario,
    make_session: SessionFactory,
    default_rubric,
    scorer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    lines = read_script(SCRIPTS / "cfo-logistics-close.discovery.txt")
    whole = make_session(cfo)
    whole.open()
    for line in lines[:6]:
        say(whole, line)

    path = tmp_path / "crash.json"
    first = make_session(cfo, save_to=path)
    first.open()
    for line in lines[:3]:
        say(first, line)
    first.submit(lines[3])  # the app crashed before the buyer answered
    del first

    saved = load_transcript(path)
    resumed = PracticeSession.resume(saved, cfo, default_rubric, whole.buyer, scorer, save_to=path)
    assert resumed.awaiting_reply
    assert resumed.state.uncovered == saved.revealed
    "".join(resumed.reply())
    for line in lines[4:6]:
        say(resumed, line)
    assert [t.text for t in resumed.transcript.turns] == [t.text for t in whole.transcript.turns]
    assert resumed.state == whole.state
    assert load_transcript(path).turns[-1].text == whole.transcript.turns[-1].text


def test_turn_limit_ends_the_meeting_with_the_closing_line(
    cfo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(cfo)
    session.open()
    questions = read_script(SCRIPTS / "generic-discovery.txt")
    count = 0
    while not session.ended:
        say(session, questions[count % len(questions)] + f" (part {count})")
        count += 1
        assert count <= cfo.ending.max_turns
    assert session.ended_by == "turn_limit"
    assert count == cfo.ending.max_turns
    assert session.last_turn.text.endswith(cfo.ending.turn_limit_line)

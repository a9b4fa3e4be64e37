"""Coach notes and overrides are saved beside the machine's scores, never over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.coach.annotate import add_note, annotate_file, coach_name, parse_override
from roleplay.errors import UsageError
from roleplay.transcript import Scores, load_transcript


def test_a_note_is_saved_into_the_turn_with_author_and_time(copy_fixture) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("priya-2.json")
    before = load_transcript(path)
    _, note = annotate_file(path, 3, author="morgan", text="Great reflection of 'tired'.")
    after = load_transcript(path)
    assert after.turns[3].notes[-1].text == "Great reflection of 'tired'."
    assert after.turns[3].notes[-1].author == "morgan"
    assert after.turns[3].notes[-1].time == note.time
    # The machine's score is untouched; every other turn is as it was.
    assert after.turns[3].score == before.turns[3].score
    for i, turn in enumerate(after.turns):
        if i != 3:
            assert turn == before.turns[i]


def test_an_override_keeps_the_machine_score_and_needs_a_reason(copy_fixture) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("marcus-1.json")
    machine = load_transcript(path).turns[5].score
    override = Scores(listening=0.2, context_seeking=0.1, problem_focus=0.3)
    with pytest.raises(UsageError, match="reason"):
        annotate_file(path, 5, author="morgan", override=override)
    annotate_file(path, 5, author="morgan", override=override, reason="Price talk, not problem.")
    saved = json.loads(path.read_text())["turns"][5]
    assert (
        saved["score"] == json.loads(machine.model_dump_json(exclude_none=True))
        if machine
        else None
    )
    assert saved["notes"][-1]["override"] == {
        "listening": 0.2,
        "context_seeking": 0.1,
        "problem_focus": 0.3,
    }
    assert saved["notes"][-1]["reason"] == "Price talk, not problem."


def test_overrides_only_on_rep_turns_and_notes_only_on_real_turns(transcripts_data: Path) -> None:
    transcript = load_transcript(transcripts_data / "priya-1.json")
    scores = Scores(listening=0.5, context_seeking=0.5, problem_focus=0.5)
    with pytest.raises(UsageError, match="buyer"):
        add_note(transcript, 0, author="morgan", override=scores, reason="x")
    with pytest.raises(UsageError, match="no turn 99"):
        add_note(transcript, 98, author="morgan", text="hello")
    with pytest.raises(UsageError, match="text or an override"):
        add_note(transcript, 1, author="morgan", text="   ")


def test_coach_name_comes_from_the_option_then_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "sam")
    assert coach_name("Morgan Lee") == "Morgan Lee"
    assert coach_name(None) == "sam"


@pytest.mark.parametrize("text", ["0.6,0.4,0.7", "0.6 0.4 0.7", " 0.6, 0.4 ,0.7 "])
def test_override_scores_parse(text: str) -> None:
    assert parse_override(text) == Scores(listening=0.6, context_seeking=0.4, problem_focus=0.7)


@pytest.mark.parametrize("text", ["", "0.6,0.4", "1.2,0.4,0.7", "high,low,mid"])
def test_bad_override_scores_are_refused_kindly(text: str) -> None:
    with pytest.raises(UsageError, match="three scores from 0 to 1"):
        parse_override(text)

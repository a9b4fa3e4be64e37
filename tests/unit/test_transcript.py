"""Transcripts are saved atomically, carry their version, and fail kindly when damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roleplay.errors import TranscriptError
from roleplay.transcript import (
    SCHEMA_VERSION,
    CoachNote,
    Explanation,
    ModelIds,
    Scores,
    Transcript,
    Turn,
    TurnScore,
    load_transcript,
)


def sample() -> Transcript:
    score = TurnScore(
        scores=Scores(listening=0.8, context_seeking=0.9, problem_focus=0.7),
        bands={"listening": "strong"},
        explanation=Explanation(summary="Open question about the close.", alternative="x"),
        rubric_id="default",
    )
    return Transcript(
        scenario_id="cfo-logistics-close",
        scenario_hash="sha256:abc",
        rubric_id="default",
        rubric_hash="sha256:def",
        models=ModelIds(buyer="deterministic", embedder="all-MiniLM-L6-v2"),
        turns=[
            Turn(role="buyer", text="I have twenty minutes."),
            Turn(role="rep", text="What is on your plate this quarter?", score=score),
            Turn(role="buyer", text="Our close takes twelve days.", revealed=["close_days"]),
        ],
    )


def test_a_saved_transcript_loads_back_identical(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    original = sample()
    original.save(path)
    loaded = load_transcript(path)
    assert loaded == original
    assert loaded.schema_version == SCHEMA_VERSION
    assert loaded.revealed == ["close_days"]
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_saving_leaves_no_temporary_files_and_replaces_in_place(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    transcript = sample()
    transcript.save(path)
    transcript.turns.append(Turn(role="rep", text="How does that affect cash?"))
    transcript.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]
    assert len(load_transcript(path).turns) == 4


def test_a_failed_write_keeps_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.json"
    sample().save(path)
    before = path.read_text()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(TranscriptError, match="No space left"):
        sample().save(path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_coach_notes_attach_without_changing_the_turn(tmp_path: Path) -> None:
    transcript = sample()
    rep_turn = transcript.turns[1]
    scores_before = rep_turn.score
    rep_turn.notes.append(
        CoachNote(
            author="sam",
            text="Good opener",
            override=Scores(listening=0.5, context_seeking=1, problem_focus=0.7),
            reason="Did not use her words",
        )
    )
    transcript.save(tmp_path / "t.json")
    loaded = load_transcript(tmp_path / "t.json").turns[1]
    assert loaded.score == scores_before
    assert loaded.notes[0].override is not None
    assert loaded.notes[0].author == "sam"


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        ('{"schema_version": 99, "turns": []}', "version 99 is not supported"),
        ('{"turns": []}', "not a roleplay transcript"),
        ("[1, 2, 3]", "not a roleplay transcript"),
        ('{"schema_version": 1, "turns": [', "damaged or not a transcript"),
        ('{"schema_version": 1, "turns": [{"role": "boss"}]}', "damaged transcript"),
    ],
)
def test_a_broken_transcript_gets_a_clear_error(tmp_path: Path, content: str, phrase: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(TranscriptError, match=phrase) as info:
        load_transcript(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            '{"schema_v\x07ersion": 1}',
            ":1:11: damaged or not a transcript: invalid control character '\\x07' inside a "
            "string (raw control characters must be escaped)",
        ),
        (
            '{"schema_version": 1, "turns": [{"text": "We close in twel',
            ":1:42: damaged or not a transcript: unterminated string (a string is never "
            "closed; the file may be cut off)",
        ),
        (
            '{"schema_version": 1, "turns": [',
            ":1:33: damaged or not a transcript: expecting value (the file ends early; it may "
            "be cut off)",
        ),
        ("{'schema_version': 1}", ":1:2: damaged or not a transcript: expecting property name "),
        ("  \n", ":1:1: damaged or not a transcript: the file is empty"),
    ],
)
def test_a_damaged_file_gets_the_whole_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(TranscriptError) as info:
        load_transcript(path)
    message = info.value.message
    assert message.startswith(f"{path}{reason}")
    assert not message.endswith(" at")


def test_a_binary_or_missing_file_gets_a_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TranscriptError, match="not a transcript"):
        load_transcript(binary)
    with pytest.raises(TranscriptError, match="no such file"):
        load_transcript(tmp_path / "missing.json")

"""Old transcripts are read through the migration hook; damaged files get a clear message,
never a traceback, from every coach command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import roleplay.transcript as transcript_module
from roleplay.cli import main
from roleplay.errors import TranscriptError
from roleplay.transcript import SCHEMA_VERSION, load_transcript

BAD = ["truncated.json", "not-a-transcript.json", "future-version.json", "score-out-of-range.json"]


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: versions and damaged files, not score quality: the fake scorer."""
    return fake_scorer


def test_a_version_1_file_is_migrated_and_loads(
    transcripts_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    original = transcript_module._migrate

    def spy(data):  # type: ignore[no-untyped-def]
        seen.append(data["schema_version"])
        return original(data)

    monkeypatch.setattr(transcript_module, "_migrate", spy)
    path = transcripts_data / "v1-priya-pitch-first.json"
    assert json.loads(path.read_text())["schema_version"] == 1
    transcript = load_transcript(path)
    assert seen == [1]
    assert transcript.schema_version == SCHEMA_VERSION
    assert transcript.id == "v1fixture01"
    assert [t.role for t in transcript.turns][:2] == ["buyer", "rep"]
    assert transcript.turns[5].notes[0].override is not None


def test_an_unknown_version_is_a_clear_error(transcripts_data: Path) -> None:
    with pytest.raises(TranscriptError, match="version 99 is not supported"):
        load_transcript(transcripts_data / "bad" / "future-version.json")


@pytest.mark.parametrize("name", BAD)
@pytest.mark.parametrize(
    "command",
    [
        ["replay", "{path}", "--print"],
        ["report", "{path}", "--format", "md", "--output", "{out}"],
        ["compare", "{path}", "{good}"],
        ["branch", "{path}", "--turn", "2", "--line", "Why now?", "--output", "{out}"],
        ["annotate-like-replay", "{path}"],
    ],
    ids=["replay", "report", "compare", "branch", "replay-app"],
)
def test_damaged_files_get_a_clear_message_from_every_command(
    name: str,
    command: list[str],
    transcripts_data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = transcripts_data / "bad" / name
    if command[0] == "annotate-like-replay":
        command = ["replay", "{path}"]  # the screen must not open on a damaged file
    argv = [
        part.format(path=path, out=tmp_path / "out", good=transcripts_data / "priya-1.json")
        for part in command
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"roleplay: {path}")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_rescore_reports_a_damaged_file_and_goes_on(
    transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reuse_scorer
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.json"
    good.write_text((transcripts_data / "marcus-1.json").read_text())
    bad = transcripts_data / "bad" / "truncated.json"
    assert main(["rescore", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert f"roleplay: {bad}" in captured.err
    assert "1 file(s) could not be rescored" in captured.err
    assert "rescored 3 rep turn(s)" in captured.out
    assert load_transcript(good).turns[1].rescores

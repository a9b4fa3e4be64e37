"""Branching with the deterministic buyer and the real scorer: the alternative line is said,
scored and answered, and the branch is saved linked to its original."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.buyer.deterministic import DeterministicBackend
from roleplay.cli import main
from roleplay.coach.branch import run_branch
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript

BETTER = "Twelve days to five, with the board watching. What has made it so hard to shrink?"


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: branching's bookkeeping, not score quality: the fake scorer."""
    return fake_scorer


def test_run_branch_replaces_the_turn_and_lets_the_buyer_answer(
    transcripts_data: Path,
    tmp_path: Path,
    freight_scenario: Scenario,
    default_rubric: Rubric,
    scorer,
) -> None:  # type: ignore[no-untyped-def]
    original = load_transcript(transcripts_data / "priya-1.json")
    out = tmp_path / "branch.json"
    session = run_branch(
        original,
        7,  # "We can definitely get you to five. Could we book a demo...?"
        BETTER,
        source=transcripts_data / "priya-1.json",
        scenario=freight_scenario,
        rubric=default_rubric,
        buyer=DeterministicBackend(freight_scenario),
        scorer=scorer,
        then_lines=["Who on your team carries the close today?"],
        save_to=out,
    )
    saved = load_transcript(out)
    assert saved == session.transcript
    assert saved.id != original.id
    assert saved.branch_of is not None and saved.branch_of.transcript_id == original.id
    assert saved.turns[:7] == [t.model_copy(update={"notes": []}) for t in original.turns[:7]]
    assert saved.turns[7].role == "rep" and saved.turns[7].text == BETTER
    assert saved.turns[7].score is not None  # the new line is scored
    assert saved.turns[8].role == "buyer" and saved.turns[8].text
    assert saved.turns[9].text == "Who on your team carries the close today?"
    assert saved.finished
    # The original file is untouched.
    assert load_transcript(transcripts_data / "priya-1.json") == original
    # The better line does not provoke the demo objection the original did.
    assert "demo_too_soon" not in saved.turns[8].objections


def test_branch_command(
    transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reuse_scorer
) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "then.txt"
    script.write_text("# more lines\nWhat would a five-day close change for you?\n\n")
    out = tmp_path / "b.json"
    argv = [
        "branch",
        str(transcripts_data / "priya-1.json"),
        "--turn",
        "8",
        "--line",
        BETTER,
        "--then-script",
        str(script),
        "--model",
        "deterministic",
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert f"[8] rep   {BETTER}" in captured.out
    assert "[10] rep   What would a five-day close change for you?" in captured.out
    assert f"saved to {out}" in captured.err
    branch = load_transcript(out)
    assert branch.branch_of is not None and branch.branch_of.turn_index == 7


def test_branching_from_a_buyer_turn_is_refused(
    transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "branch",
        str(transcripts_data / "priya-1.json"),
        "--turn",
        "3",
        "--line",
        "Hi",
        "--model",
        "deterministic",
        "--output",
        str(tmp_path / "b.json"),
    ]
    assert main(argv) == 1
    assert "turn 3 is not one of the rep's turns; branch from one of: 2, 4, 6, 8, 10" in (
        capsys.readouterr().err
    )

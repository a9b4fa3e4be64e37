"""Branch transcripts: the turns before the branch point, a new id, a link to the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.coach.branch import branch_transcript, rep_turn_numbers
from roleplay.errors import UsageError
from roleplay.transcript import load_transcript


def test_a_branch_keeps_the_turns_before_the_rep_turn_and_links_back(
    transcripts_data: Path,
) -> None:
    original = load_transcript(transcripts_data / "priya-1.json")
    branch = branch_transcript(original, 7, source="x/priya-1.json")
    assert branch.id != original.id
    assert branch.branch_of is not None
    assert branch.branch_of.transcript_id == original.id
    assert branch.branch_of.transcript == "x/priya-1.json"
    assert branch.branch_of.turn_index == 7
    assert [t.text for t in branch.turns] == [t.text for t in original.turns[:7]]
    assert branch.ended_at is None and branch.ended_by is None
    # Coach notes stay with the original; the original is not changed.
    assert all(not t.notes for t in branch.turns)
    assert original.turns[1].notes


def test_only_rep_turns_are_branch_points(transcripts_data: Path) -> None:
    original = load_transcript(transcripts_data / "priya-1.json")
    assert rep_turn_numbers(original) == [2, 4, 6, 8, 10]
    with pytest.raises(UsageError, match="branch from one of: 2, 4, 6, 8, 10"):
        branch_transcript(original, 2, source="p.json")

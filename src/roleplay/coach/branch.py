"""Branching: "what if you had said this instead?" shown, not told.

A branch copies the conversation up to a rep turn, puts the coach's (or the rep's) alternative
line in its place, lets the buyer answer from there, and is saved as its own transcript linked
to the original by `branch_of`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.errors import UsageError
from roleplay.transcript import BranchOrigin, Transcript, now

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.session import PracticeSession, TurnScorerLike


def rep_turn_numbers(transcript: Transcript) -> list[int]:
    """The 1-based numbers of the rep's turns, as replay and reports show them."""
    return [n for n, t in enumerate(transcript.turns, start=1) if t.role == "rep"]


def check_branch_point(transcript: Transcript, turn_index: int) -> None:
    """Raise UsageError unless `turn_index` (0-based) is one of the rep's turns."""
    numbers = rep_turn_numbers(transcript)
    if not numbers:
        raise UsageError(f"transcript {transcript.id} has no rep turn to branch from")
    if turn_index + 1 not in numbers:
        listed = ", ".join(map(str, numbers))
        raise UsageError(
            f"turn {turn_index + 1} is not one of the rep's turns; branch from one of: {listed}"
        )


def branch_transcript(
    original: Transcript,
    turn_index: int,
    *,
    source: Path | str,
    save_to: Path | None = None,
) -> Transcript:
    """A new transcript holding the turns before `turn_index` (0-based, a rep turn), with a new
    id and `branch_of` pointing at the original. Coach notes stay with the original.

    `branch_of` keeps the original's id, and its path relative to the folder of `save_to`
    (where the branch is saved), so a folder moved or shared as a whole still links up.

    Raises:
        UsageError: `turn_index` is not a rep turn.
    """
    check_branch_point(original, turn_index)
    branch = original.model_copy(deep=True)
    branch.id = uuid.uuid4().hex[:12]
    branch.turns = branch.turns[:turn_index]
    for turn in branch.turns:
        turn.notes = []
    branch.branch_of = BranchOrigin(
        transcript=origin_link(Path(source), save_to),
        transcript_id=original.id,
        turn_index=turn_index,
    )
    branch.started_at = now()
    branch.ended_at = None
    branch.ended_by = None
    return branch


def origin_link(source: Path, save_to: Path | None) -> str:
    """The original's path as a branch saved at `save_to` records it: relative to the branch's
    folder (as given, without a place to save to)."""
    if save_to is None:
        return source.as_posix()
    return Path(os.path.relpath(source.resolve(), save_to.resolve().parent)).as_posix()


def origin_path(branch_file: Path, branch: Transcript) -> Path | None:
    """Where the original of the branch saved at `branch_file` is now, if it is a branch."""
    if branch.branch_of is None:
        return None
    return branch_file.parent / branch.branch_of.transcript


def run_branch(
    original: Transcript,
    turn_index: int,
    line: str,
    *,
    source: Path | str,
    scenario: Scenario,
    rubric: Rubric,
    buyer: BuyerBackend,
    scorer: TurnScorerLike,
    then_lines: Sequence[str] = (),
    save_to: Path | None = None,
    on_chunk: Callable[[str], None] | None = None,
) -> PracticeSession:
    """Replay the conversation from a rep turn with another line and let the buyer answer.

    The alternative line is submitted (and scored) in place of turn `turn_index`; the buyer
    replies; each of `then_lines` follows as a further rep turn while the meeting lasts. The
    branch ends as ended by the rep unless the buyer ended it. It is saved to `save_to` after
    every turn.

    Returns:
        The finished session; its `transcript` is the branch.

    Raises:
        UsageError: `turn_index` is not a rep turn.
        RoleplayError: an empty line, or a backend failure.
    """
    from roleplay.session import PracticeSession, clean_turn

    clean_turn(line)  # reject an empty line before anything is written
    branch = branch_transcript(original, turn_index, source=source, save_to=save_to)
    session = PracticeSession.resume(branch, scenario, rubric, buyer, scorer, save_to=save_to)
    for text in (line, *then_lines):
        if session.ended:
            break
        session.submit(text)
        for chunk in session.reply():
            if on_chunk is not None:
                on_chunk(chunk)
    if not session.ended:
        session.end("rep")
    return session

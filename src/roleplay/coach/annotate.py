"""Coach notes and override scores on a transcript's turns.

A note is saved into the turn's `notes`, beside (never over) the machine's `score`, with the
coach's name and the time, and the transcript is rewritten atomically.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path

from roleplay.errors import UsageError
from roleplay.transcript import CoachNote, Scores, Transcript, load_transcript, now


def coach_name(explicit: str | None = None) -> str:
    """The coach's name: `explicit` if given, else $USER, else the login name."""
    if explicit and explicit.strip():
        return explicit.strip()
    env = os.environ.get("USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "coach"


def add_note(
    transcript: Transcript,
    turn_index: int,
    *,
    author: str,
    text: str = "",
    override: Scores | None = None,
    reason: str | None = None,
    time: datetime | None = None,
) -> CoachNote:
    """Add a coach note (and optionally an override score) to one turn, in memory.

    Args:
        transcript: The transcript to annotate.
        turn_index: Index of the turn in `transcript.turns` (0-based).
        author: The coach's name.
        text: The note; may be empty only with an override.
        override: The coach's own scores; rep turns only.
        reason: Why the override; required with one.
        time: When; default now.

    Raises:
        UsageError: no such turn, an empty note, an override on a buyer turn or without a reason.
    """
    if not 0 <= turn_index < len(transcript.turns):
        raise UsageError(
            f"no turn {turn_index + 1}: the transcript has {len(transcript.turns)} turns"
        )
    turn = transcript.turns[turn_index]
    text = text.strip()
    reason = reason.strip() if reason is not None else None
    if not author.strip():
        raise UsageError("a coach note needs the coach's name")
    if override is None and not text:
        raise UsageError("a coach note needs text or an override score")
    if override is not None:
        if turn.role != "rep":
            raise UsageError(f"turn {turn_index + 1} is the buyer's; only rep turns are scored")
        if not reason:
            raise UsageError("an override score needs a reason")
    note = CoachNote(
        author=author.strip(),
        text=text,
        override=override,
        reason=reason or None,
        time=time or now(),
    )
    turn.notes.append(note)
    return note


def annotate_file(
    path: Path,
    turn_index: int,
    *,
    author: str,
    text: str = "",
    override: Scores | None = None,
    reason: str | None = None,
) -> tuple[Transcript, CoachNote]:
    """Load a transcript, add a note to one turn and save it back atomically.

    The file is read again first, so a note never overwrites what another tool saved since.

    Returns:
        The transcript as saved, and the note.

    Raises:
        TranscriptError: the file cannot be read or written.
        UsageError: as for `add_note`.
    """
    transcript = load_transcript(path)
    note = add_note(
        transcript, turn_index, author=author, text=text, override=override, reason=reason
    )
    transcript.save(path)
    return transcript, note


def parse_override(text: str) -> Scores:
    """Parse an override written as three numbers, `listening,context_seeking,problem_focus`
    (commas or spaces), each from 0 to 1.

    Raises:
        UsageError: not three numbers between 0 and 1.
    """
    parts = text.replace(",", " ").split()
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 3 or not all(0.0 <= v <= 1.0 for v in values):
        raise UsageError(
            f"override '{text}': give three scores from 0 to 1 "
            "(listening, context-seeking, problem focus), e.g. 0.6,0.4,0.7"
        )
    return Scores(listening=values[0], context_seeking=values[1], problem_focus=values[2])


def override_one(
    path: Path, turn_index: int, dimension: str, score: str, *, author: str, reason: str | None
) -> CoachNote:
    """Override one dimension of a rep turn, keeping the scores that count for the others.

    `score` is out of 100, the scale every view shows.

    Raises:
        UsageError: an unknown dimension, a score outside 0-100, or as for `add_note`.
    """
    from roleplay.rubric import DIMENSIONS
    from roleplay.standing import effective_scores

    if dimension not in DIMENSIONS:
        raise UsageError(f"unknown dimension '{dimension}' (known: {', '.join(DIMENSIONS)})")
    try:
        value = float(score)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 100.0:
        raise UsageError(f"score '{score}': give a number from 0 to 100")
    transcript = load_transcript(path)
    if not 0 <= turn_index < len(transcript.turns):
        raise UsageError(
            f"no turn {turn_index + 1}: the transcript has {len(transcript.turns)} turns"
        )
    current = effective_scores(transcript.turns[turn_index])
    if current is None:
        raise UsageError(f"turn {turn_index + 1} has no scores to override")
    scores = current.model_copy(update={dimension: value / 100.0})
    note = add_note(transcript, turn_index, author=author, override=scores, reason=reason)
    transcript.save(path)
    return note

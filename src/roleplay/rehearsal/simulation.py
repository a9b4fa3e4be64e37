"""Headless conversations: a rep script against a buyer, for authors, tests and evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from roleplay.buyer.text import part_of
from roleplay.errors import InvalidFileError
from roleplay.files import read_text
from roleplay.limits import MAX_TURN_CHARS
from roleplay.session import PracticeSession
from roleplay.transcript import Turn


@dataclass
class SimulationResult:
    """What a scripted conversation produced."""

    session: PracticeSession
    """The session, with its transcript and the guard's counts."""
    rep_turns_played: int = 0
    """Script lines said before the meeting ended or the script ran out."""
    leaks: list[str] = field(default_factory=list)
    """Buyer turns in the transcript that break role (should stay empty)."""
    first_words_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it (scoring included) to the buyer's first words."""
    reply_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it to the end of the buyer's reply."""

    @property
    def uncovered(self) -> list[str]:
        """Hidden facts revealed, in order."""
        return self.session.transcript.revealed

    @property
    def objections(self) -> list[str]:
        """Objections raised, in order (with repeats)."""
        return [o for t in self.session.transcript.turns for o in t.objections]


def read_script(path: Path) -> list[str]:
    """The rep's turns, one a line; blank lines and lines starting with `#` are skipped.

    Raises:
        InvalidFileError: the file is missing, unreadable or has no turns.
    """
    text = read_text(Path(path))
    turns: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_TURN_CHARS:
            raise InvalidFileError.single(
                path, f"turn is {len(line):,} characters; the limit is {MAX_TURN_CHARS:,}", number
            )
        turns.append(line)
    if not turns:
        raise InvalidFileError.single(path, "the rep script has no turns (one turn a line)")
    return turns


def play(
    session: PracticeSession,
    rep_lines: Sequence[str],
    *,
    on_rep: Callable[[Turn], None] | None = None,
    on_chunk: Callable[[str], None] | None = None,
    on_buyer: Callable[[Turn], None] | None = None,
) -> SimulationResult:
    """Play the rep's lines one by one until the script ends or the buyer ends the meeting.

    The callbacks let a caller print the conversation as it goes.
    """
    result = SimulationResult(session)
    opening = session.open()
    if on_buyer is not None and len(session.transcript.turns) == 1:
        on_buyer(opening)
    for line in rep_lines:
        if session.ended:
            break
        sent = time.perf_counter()
        rep_turn = session.submit(line)
        result.rep_turns_played += 1
        if on_rep is not None:
            on_rep(rep_turn)
        first: float | None = None
        for chunk in session.reply():
            if first is None and chunk.strip():
                first = time.perf_counter() - sent
            if on_chunk is not None:
                on_chunk(chunk)
        if first is not None:
            result.first_words_seconds.append(first)
        result.reply_seconds.append(time.perf_counter() - sent)
        if on_buyer is not None:
            on_buyer(session.last_turn)
    if not session.ended:
        session.end("rep")
    result.leaks = role_leaks(session)
    return result


def role_leaks(session: PracticeSession) -> list[str]:
    """Buyer turns that broke role or revealed a fact before it was earned, as descriptions.

    An independent audit of the finished transcript, with the guard's own checks.
    """
    leaks: list[str] = []
    uncovered: list[str] = []
    scenario = session.scenario
    authored = [
        *(line for fact in scenario.hidden_facts for line in fact.lines),
        *(line for objection in scenario.objections for line in objection.lines),
        *scenario.small_talk_lines,
    ]
    for index, turn in enumerate(session.transcript.turns):
        if turn.role != "buyer":
            continue
        uncovered.extend(f for f in turn.revealed if f not in uncovered)
        if turn.source == "authored":
            continue
        previous = session.transcript.turns[index - 1].text if index else ""
        for sentence in _sentences(turn.text):
            verdict = session.guard.check_sentence(sentence, uncovered)
            echo = not any(part_of(sentence, line) for line in authored) and (
                session.guard.echoes(sentence, previous)
            )
            if verdict.ok and echo:
                leaks.append(f"turn {index}: echo: {sentence}")
            elif not verdict.ok:
                leaks.append(f"turn {index}: {verdict.reason}: {sentence}")
    return leaks


def _sentences(text: str) -> list[str]:
    from roleplay.buyer.text import split_sentences

    return split_sentences(text)

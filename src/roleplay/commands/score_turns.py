"""`roleplay score-turns`: score rep turns from JSON Lines, one result line per input line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from roleplay import paths
from roleplay.errors import InvalidFileError, Problem
from roleplay.files import MAX_JSON_BYTES, loads_json, read_text
from roleplay.limits import MAX_TURN_CHARS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "score-turns",
        help="score rep turns read as JSON Lines",
        description=(
            'Read JSON Lines, each {"id": str, "turn": str, "previous": str, "history": [...]} '
            "(previous is the buyer's line before the turn, may be empty or absent; history, "
            'optional, is the conversation before the turn, oldest first, as {"role": "buyer" '
            'or "rep", "text": str}), and write one line per '
            'input, in order: {"id", "scores", "band", "explanation"}. Every line is checked '
            "before anything is scored; a bad line is reported with its line number and "
            "nothing is written."
        ),
    )
    parser.add_argument(
        "input",
        nargs="?",
        type=Path,
        metavar="INPUT",
        help="a JSON Lines file (default: standard input)",
    )
    parser.add_argument(
        "--rubric", type=Path, metavar="PATH", help="rubric file (default: rubrics/default.yaml)"
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="PATH",
        help="scenario file whose product vocabulary marks product talk (optional)",
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class TurnInput:
    """One validated input line."""

    id: str
    turn: str
    previous: str
    history: tuple[tuple[str, str], ...] = ()


def parse_lines(lines: list[str], name: str) -> list[TurnInput]:
    """Validate every line; raise one error listing every bad line.

    Raises:
        InvalidFileError: a line is not JSON, not an object, or lacks a usable id or turn.
    """
    problems: list[Problem] = []
    items: list[TurnInput] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue

        def bad(message: str, field: str = "", column: int = 1, at: int = number) -> None:
            problems.append(Problem(name, at, column, field, message))

        try:
            data: Any = loads_json(line)
        except json.JSONDecodeError as exc:
            bad(f"not valid JSON: {exc.msg}", column=exc.colno)
            continue
        if not isinstance(data, dict):
            bad('expected a JSON object like {"id": "t1", "turn": "...", "previous": "..."}')
            continue
        turn_id, turn, previous = data.get("id"), data.get("turn"), data.get("previous", "")
        ok = True
        if not isinstance(turn_id, str) or not turn_id:
            bad("'id' must be a non-empty string", "id")
            ok = False
        if not isinstance(turn, str) or not turn.strip():
            bad("'turn' must be a non-empty string", "turn")
            ok = False
        if previous is None:
            previous = ""
        if not isinstance(previous, str):
            bad("'previous' must be a string (or absent)", "previous")
            ok = False
        for name_, value in (("turn", turn), ("previous", previous)):
            if isinstance(value, str) and len(value) > MAX_TURN_CHARS:
                bad(f"{len(value):,} characters; the limit is {MAX_TURN_CHARS:,}", name_)
                ok = False
        history = parse_history(data.get("history"), bad)
        if history is None:
            ok = False
        if ok:
            assert isinstance(turn_id, str) and isinstance(turn, str) and history is not None
            items.append(TurnInput(turn_id, turn.strip(), str(previous).strip(), history))
    if problems:
        raise InvalidFileError(problems)
    return items


MAX_HISTORY_TURNS = 200
"""The longest conversation history a line may carry (a call is a few dozen turns)."""


def parse_history(raw: Any, bad: Callable[..., None]) -> tuple[tuple[str, str], ...] | None:
    """A line's optional `history` as `(role, text)` pairs; None (after reporting) when bad."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        bad('\'history\' must be a list of {"role": "buyer" or "rep", "text": "..."}', "history")
        return None
    out: list[tuple[str, str]] = []
    for index, entry in enumerate(raw):
        role = entry.get("role") if isinstance(entry, dict) else None
        text = entry.get("text") if isinstance(entry, dict) else None
        if role not in ("buyer", "rep") or not isinstance(text, str):
            bad(
                'each history entry needs "role" ("buyer" or "rep") and a "text" string',
                f"history.{index}",
            )
            return None
        if len(text) > MAX_TURN_CHARS:
            bad(
                f"{len(text):,} characters; the limit is {MAX_TURN_CHARS:,}",
                f"history.{index}.text",
            )
            return None
        out.append((str(role), text))
    if len(out) > MAX_HISTORY_TURNS:
        bad(f"{len(out):,} turns; the limit is {MAX_HISTORY_TURNS:,}", "history")
        return None
    return tuple(out)


def _read(source: Path | None, stdin: IO[str]) -> tuple[list[str], str]:
    if source is None:
        return stdin.read().splitlines(), "<stdin>"
    return read_text(source, MAX_JSON_BYTES).splitlines(), str(source)


def run(args: argparse.Namespace) -> int:
    from roleplay.rubric import load_rubric
    from roleplay.scenario import load_scenario
    from roleplay.scoring import TurnScorer

    lines, name = _read(args.input, sys.stdin)
    items = parse_lines(lines, name)
    rubric = load_rubric(args.rubric or paths.default_rubric())
    scenario = load_scenario(args.scenario) if args.scenario else None
    scorer = TurnScorer.load(rubric)
    results = scorer.score_many(
        [(item.turn, item.previous) for item in items],
        scenario,
        [item.history for item in items],
    )
    out = []
    for item, result in zip(items, results, strict=True):
        record = {
            "id": item.id,
            "scores": result.scores.model_dump(),
            "band": result.bands,
            "explanation": result.explanation.model_dump(),
        }
        out.append(json.dumps(record, ensure_ascii=False))
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
    return 0

"""`roleplay compare A B`: two attempts at the same scenario side by side."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay.commands import add_transcript_scenario_option


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare two attempts at the same scenario",
        description=(
            "Print two attempts at the same scenario side by side: per-dimension mean scores, "
            "the conversation metrics and the hidden facts each uncovered."
        ),
    )
    parser.add_argument("first", type=Path, metavar="A", help="the earlier attempt")
    parser.add_argument("second", type=Path, metavar="B", help="the later attempt")
    add_transcript_scenario_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.coach.compare import compare, format_comparison
    from roleplay.coach.lookup import scenario_for
    from roleplay.transcript import load_transcript

    first = load_transcript(args.first)
    second = load_transcript(args.second)
    scenario = (
        scenario_for(first, args.scenario) if first.scenario_id == second.scenario_id else None
    )
    comparison = compare(first, second, scenario)
    if scenario is None:
        print(
            f"warning: scenario '{first.scenario_id}' not found; metrics left out",
            file=sys.stderr,
        )
    sys.stdout.write(format_comparison(comparison))
    return 0

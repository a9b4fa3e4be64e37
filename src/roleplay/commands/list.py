"""`roleplay list`: the scenarios, one line each."""

from __future__ import annotations

import argparse
import sys

from roleplay import paths
from roleplay.scenario import load_scenarios


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "list", help="list the scenarios", description="List the scenarios, one line each."
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenarios, problems = load_scenarios([paths.scenarios_dir()])
    width = max((len(s.id) for s in scenarios), default=10)
    for s in sorted(scenarios, key=lambda s: s.id):
        buyer = f"{s.buyer.title}, {s.buyer.industry}"
        print(f"{s.id:<{width}}  {s.difficulty.value:<8}  {buyer}  —  {s.title}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s); run `roleplay validate`", file=sys.stderr)
    return 1 if problems and not scenarios else 0

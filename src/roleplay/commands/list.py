"""`roleplay list`: the scenarios, one line each, with the folder each came from."""

from __future__ import annotations

import argparse
import sys

from roleplay import paths


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the scenarios",
        description=(
            "List the scenarios, one line each, and where each came from: your own folders "
            f"($ROLEPLAY_SCENARIOS, else {paths.data_dir_label()}/scenarios) first, then the "
            "shipped ones. "
            "Ids resolve the same from any working folder."
        ),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.scenario_lookup import find_scenarios

    found = find_scenarios()
    scenarios = found.scenarios
    width = max((len(s.id) for s in scenarios), default=10)
    for s in sorted(scenarios, key=lambda s: s.id):
        buyer = f"{s.buyer.title}, {s.buyer.industry}"
        origin = found.origins[s.id].origin
        if s.id in found.replaced:
            origin += ", replaces the shipped one"
        print(f"{s.id:<{width}}  {s.difficulty.value:<8}  {buyer}  —  {s.title}  [{origin}]")
    for folder in paths.scenario_folders():
        print(f"from {folder.path} ({folder.origin})", file=sys.stderr)
    for problem in found.problems:
        print(problem, file=sys.stderr)
    if found.problems:
        print(f"{len(found.problems)} problem(s); run `roleplay validate`", file=sys.stderr)
    return 1 if found.problems and not scenarios else 0

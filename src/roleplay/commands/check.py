"""`roleplay check SCENARIO`: play built-in rep styles on the deterministic buyer and say what
ordinary good discovery cannot reach."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay import paths


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="play built-in rep styles on a scenario and list what they cannot reach",
        description=(
            "Play four discovery styles and a pitching rep (scenarios/scripts/check/) on the "
            "deterministic buyer, and list the facts no discovery style earned, endings no "
            "style reached within max_turns, the turns where the buyer gave a non-answer, and "
            "a pitching rep that met no objection. Exits 1 if a fact, an ending or the pitch "
            "needs fixing; non-answers are listed to read, not counted as failures."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario id or a path to a file")
    parser.add_argument(
        "--rubric", type=Path, default=None, metavar="FILE", help="rubric (default: shipped)"
    )
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="seed (default 1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.rehearsal.check import check_scenario_play
    from roleplay.rubric import load_rubric
    from roleplay.scenario_lookup import find_scenario
    from roleplay.scoring import TurnScorer

    scenario = find_scenario(args.scenario)
    rubric = load_rubric(args.rubric or paths.default_rubric())
    print("loading the turn scorer", file=sys.stderr)
    scorer = TurnScorer.load(rubric)
    report = check_scenario_play(scenario, rubric, scorer, seed=args.seed)
    facts = len(scenario.hidden_facts)
    ending = scenario.ending
    print(
        f"{scenario.id}: {facts} hidden facts; success needs {ending.success_facts}"
        + (f" including {', '.join(ending.required_facts)}" if ending.required_facts else "")
        + f" within {ending.max_turns} turns"
    )
    print(f"{'style':<11} {'kind':<9} {'facts':>5}  {'non-answers':>11}  objections  ending")
    for style_run in report.runs:
        outcome = "success" if style_run.succeeded else f"no success ({style_run.ended_by})"
        non_answers = (
            str(len(style_run.non_answers)) if style_run.style.kind == "discovery" else "-"
        )
        print(
            f"{style_run.style.name:<11} {style_run.style.kind:<9} "
            f"{len(style_run.uncovered):>2}/{facts:<2}  {non_answers:>11}  "
            f"{len(style_run.objections):>10}  {outcome}"
        )
    problems, notes = report.problems(), report.notes()
    if notes:
        print(f"\n{len(notes)} non-answer(s) to discovery turns:")
        for note in notes:
            print(f"- {note}")
    if not problems:
        print(
            "\nplays: every fact earned by some discovery style, a successful ending reached, "
            "and the pitching rep met objections and earned nothing"
        )
        return 0
    print(f"\n{len(problems)} problem(s) to fix:")
    for problem in problems:
        print(f"- {problem}")
    return 1

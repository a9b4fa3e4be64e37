"""`roleplay branch TRANSCRIPT --turn K --line "..."`: take another line from a rep turn and
let the buyer answer; the branch is saved as its own transcript linked to the original."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay.commands import add_output_options, add_transcript_scenario_option


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "branch",
        help="replay a conversation from a rep turn with another line",
        description=(
            "Branch a saved conversation: the turns before rep turn K are kept, LINE is said "
            "instead of turn K, the buyer answers, and any --then-script lines follow. The "
            "branch is scored and saved as its own transcript, linked to the original."
        ),
    )
    parser.add_argument("transcript", type=Path, metavar="TRANSCRIPT")
    parser.add_argument(
        "--turn",
        type=int,
        required=True,
        metavar="K",
        help="number of the rep turn to replace, as `roleplay replay --print` shows it",
    )
    parser.add_argument("--line", required=True, help="what the rep says instead")
    parser.add_argument(
        "--then-script",
        type=Path,
        metavar="FILE",
        help="further rep lines, one per line (blank lines and # comments are skipped)",
    )
    parser.add_argument("--model", metavar="NAME", help="buyer model card (default: selected)")
    parser.add_argument(
        "--rubric", type=Path, metavar="PATH", help="rubric to score with (default: the original's)"
    )
    add_transcript_scenario_option(parser)
    add_output_options(parser, "where to save the branch")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.buyer import load_backend
    from roleplay.coach.branch import check_branch_point, run_branch
    from roleplay.coach.lookup import require_scenario, rubric_for
    from roleplay.files import check_output
    from roleplay.rehearsal.simulation import read_script
    from roleplay.scoring import TurnScorer
    from roleplay.standing import fmt_score
    from roleplay.transcript import load_transcript

    original = load_transcript(args.transcript)
    check_branch_point(original, args.turn - 1)
    then_lines = read_script(args.then_script) if args.then_script else []
    scenario = require_scenario(original, args.scenario)
    rubric = rubric_for(original, args.rubric)
    inputs = [args.transcript, args.then_script, rubric.source_path, scenario.source_path]
    check_output(args.output, force=args.force, reads=inputs)
    scorer = TurnScorer.load(rubric)
    buyer = load_backend(args.model, scenario)
    buyer.load()
    session = run_branch(
        original,
        args.turn - 1,
        args.line,
        source=args.transcript,
        scenario=scenario,
        rubric=rubric,
        buyer=buyer,
        scorer=scorer,
        then_lines=then_lines,
        save_to=args.output,
    )
    branch = session.transcript
    for number, turn in enumerate(branch.turns, start=1):
        if number < args.turn:
            continue
        who = "rep  " if turn.role == "rep" else "buyer"
        line = f"[{number}] {who} {turn.text}"
        if turn.scores is not None:
            s = turn.scores
            line += (
                f"\n      listening {fmt_score(s.listening)}  context "
                f"{fmt_score(s.context_seeking)}  problem {fmt_score(s.problem_focus)}"
            )
        if turn.revealed:
            line += f"\n      revealed: {', '.join(turn.revealed)}"
        print(line)
    print(
        f"branch {branch.id} of {original.id} from turn {args.turn} saved to {args.output} "
        f"(ended by {branch.ended_by})",
        file=sys.stderr,
    )
    return 0

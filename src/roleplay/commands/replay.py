"""`roleplay replay TRANSCRIPT`: step through a saved conversation, annotate it, branch it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay.commands import add_transcript_scenario_option

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.session import TurnScorerLike
    from roleplay.transcript import Transcript
    from roleplay.tui.screens.replay import BranchLoader


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="replay a saved conversation, turn by turn, and annotate it",
        description=(
            "Open a saved transcript in the replay screen: step through the turns with the "
            "arrow keys (or j/k), see each rep turn's scores, bands and explanation and what "
            "each buyer turn revealed or objected to, and the metrics. n adds a note, o an "
            "override score with a reason, b branches from the selected rep turn; all are "
            "saved into the transcript. --print writes it as plain text instead."
        ),
    )
    parser.add_argument("transcript", type=Path, metavar="TRANSCRIPT")
    parser.add_argument("--print", action="store_true", help="print as plain text and exit")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --print: under every rep turn, what the director read and why the buyer "
        "answered as it did (as simulate --explain)",
    )
    parser.add_argument("--coach", metavar="NAME", help="your name on notes (default: $USER)")
    add_transcript_scenario_option(parser)
    parser.add_argument(
        "--model", metavar="NAME", help="buyer model card for branches (default: selected)"
    )
    script = parser.add_argument_group(
        "annotate without the screen",
        "Turns are numbered over the whole call, as the replay and reports show them; scores "
        "are out of 100. The transcript is saved and the command exits.",
    )
    script.add_argument(
        "--note",
        nargs=2,
        action="append",
        default=[],
        metavar=("TURN", "TEXT"),
        help="add a coach note to turn TURN (repeatable)",
    )
    script.add_argument(
        "--override",
        nargs=3,
        action="append",
        default=[],
        metavar=("TURN", "DIM", "SCORE"),
        help="score rep turn TURN's DIM (listening, context_seeking, problem_focus) SCORE out "
        "of 100 instead of the machine's (repeatable; needs --reason)",
    )
    script.add_argument("--reason", metavar="TEXT", help="why the override")
    parser.set_defaults(run=run)


def _annotate(args: argparse.Namespace) -> int:
    from roleplay.coach.annotate import annotate_file, coach_name, override_one
    from roleplay.errors import UsageError

    def turn_number(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise UsageError(f"turn '{text}': give a turn number from 1, as the replay shows")
        return int(text) - 1

    author = coach_name(args.coach)
    if args.override and not (args.reason or "").strip():
        raise UsageError("--override needs --reason TEXT: say why the machine's score is wrong")
    for number, text in args.note:
        annotate_file(args.transcript, turn_number(number), author=author, text=text)
        print(f"note added to turn {number}")
    for number, dimension, score in args.override:
        index = turn_number(number)
        override_one(args.transcript, index, dimension, score, author=author, reason=args.reason)
        print(f"turn {number}: {dimension} set to {score} (reason: {args.reason.strip()})")
    print(f"saved {args.transcript}")
    return 0


def _branch_loader(model: str | None) -> BranchLoader:
    """Loads the real scorer and the buyer of model card `model` when a branch is played."""

    def load(scenario: Scenario, rubric: Rubric) -> tuple[BuyerBackend, TurnScorerLike]:
        from roleplay.buyer import load_backend
        from roleplay.scoring import TurnScorer

        scorer = TurnScorer.load(rubric)
        buyer = load_backend(model, scenario)
        buyer.load()
        return buyer, scorer

    return load


def _explanations(transcript: Transcript, scenario: Scenario | None) -> dict[int, list[str]]:
    """The director's reading of every rep turn, made again with the real scorer."""
    from roleplay.buyer.director import BuyerDirector
    from roleplay.coach.lookup import rubric_for
    from roleplay.errors import UsageError
    from roleplay.rehearsal.trace import explain_transcript
    from roleplay.scoring import TurnScorer

    if scenario is None:
        raise UsageError(
            f"--explain needs the scenario '{transcript.scenario_id}' (pass --scenario PATH)"
        )
    scorer = TurnScorer.load(rubric_for(transcript))
    director = BuyerDirector(scenario, scorer, transcript.seed)
    return explain_transcript(director, transcript)


def run(args: argparse.Namespace) -> int:
    from roleplay.coach.annotate import coach_name
    from roleplay.coach.lookup import rubric_for, scenario_for
    from roleplay.coach.text import format_transcript
    from roleplay.transcript import load_transcript

    if args.note or args.override:
        return _annotate(args)
    transcript = load_transcript(args.transcript)
    scenario = scenario_for(transcript, args.scenario)
    if args.explain and not args.print:
        from roleplay.errors import UsageError

        raise UsageError("--explain works with --print")
    if args.print:
        explanations = None
        if args.explain:
            explanations = _explanations(transcript, scenario)
        sys.stdout.write(format_transcript(transcript, scenario, explanations))
        return 0
    from roleplay.tui.screens.replay import ReplayApp

    if scenario is None:
        print(
            f"warning: scenario '{transcript.scenario_id}' not found; metrics and branching "
            "are off (pass --scenario PATH)",
            file=sys.stderr,
        )
    app = ReplayApp(
        args.transcript,
        coach=coach_name(args.coach),
        scenario=scenario,
        rubric=rubric_for(transcript),
        branch_loader=_branch_loader(args.model),
        transcript=transcript,
    )
    app.run()
    return 0

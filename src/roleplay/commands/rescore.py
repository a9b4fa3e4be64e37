"""`roleplay rescore TRANSCRIPT... [--rubric PATH]`: score saved transcripts with another
rubric, beside the original scores."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay.commands import add_transcript_scenario_option


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "rescore",
        help="re-score saved transcripts with another rubric",
        description=(
            "Score every rep turn of saved transcripts again with a rubric (default: the "
            "default rubric). The new scores are added beside the original ones, labelled with "
            "the rubric's id and content hash; the originals are never changed. Prints old vs "
            "new per dimension. Damaged files are reported and skipped."
        ),
    )
    parser.add_argument("transcripts", nargs="+", type=Path, metavar="TRANSCRIPT")
    parser.add_argument("--rubric", type=Path, metavar="PATH", help="rubric file to score with")
    add_transcript_scenario_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay import paths
    from roleplay.coach.lookup import scenario_for
    from roleplay.coach.rescore import RescoreSummary, format_summary, rescore_transcript
    from roleplay.errors import RoleplayError
    from roleplay.rubric import load_rubric
    from roleplay.scoring import TurnScorer
    from roleplay.transcript import load_transcript

    rubric = load_rubric(args.rubric or paths.default_rubric())
    scorer = TurnScorer.load(rubric)
    total = RescoreSummary(rubric.id, rubric.content_hash(), transcripts=0)
    failed = 0
    for path in args.transcripts:
        try:
            transcript = load_transcript(path)
            scenario = scenario_for(transcript, args.scenario)
            summary = rescore_transcript(transcript, rubric, scorer, scenario)
            transcript.save(path)
        except RoleplayError as exc:
            failed += 1
            print(f"roleplay: {exc.message}", file=sys.stderr)
            continue
        total.merge(summary)
        print(f"{path}: rescored {summary.turns} rep turn(s)")
    if total.transcripts:
        print()
        sys.stdout.write(format_summary(total))
    if failed:
        print(f"{failed} file(s) could not be rescored", file=sys.stderr)
        return 1
    return 0

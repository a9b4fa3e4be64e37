"""`roleplay report`: a self-contained HTML or Markdown report on a transcript or a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay.commands import add_output_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a report on a transcript, or a team view over a folder",
        description=(
            "Write a self-contained report (no network, no external assets). On one transcript: "
            "the conversation with score chips per turn, a chart of the three scores, the "
            "metrics against their reference values, facts uncovered and missed, coach notes. "
            "On a folder: a team view per rep and per scenario; damaged files are skipped and "
            "listed."
        ),
    )
    parser.add_argument("target", type=Path, metavar="TRANSCRIPT|DIR")
    parser.add_argument("--format", choices=("html", "md"), default="html", help="default: html")
    add_output_options(parser, "where to write the report")
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="PATH",
        help="scenario file or folder (default: looked up by id in the scenarios folder)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.coach.report import write_report

    written = write_report(
        args.target, args.format, args.output, scenario_path=args.scenario, force=args.force
    )
    for warning in written.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if written.skipped:
        print(f"warning: skipped {len(written.skipped)} file(s):", file=sys.stderr)
        for skipped in written.skipped:
            print(f"  {skipped.reason}", file=sys.stderr)
    what = (
        f"team report over {written.transcripts} transcript(s)"
        if written.kind == "team"
        else "report"
    )
    print(f"wrote {what} to {written.output}")
    return 0

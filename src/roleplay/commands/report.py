"""`roleplay report`: a self-contained HTML or Markdown report on a transcript or a folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay.commands import add_output_options, add_transcript_scenario_option

if TYPE_CHECKING:
    from roleplay.coach.team import SkippedFile


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
    parser.add_argument(
        "targets",
        type=Path,
        nargs="+",
        metavar="TRANSCRIPT|DIR",
        help="one transcript for a report on it; several, or folders, for a team view",
    )
    parser.add_argument(
        "--format",
        choices=("html", "md", "csv", "json"),
        default="html",
        help="default: html; csv and json give one row per attempt for a spreadsheet or CRM",
    )
    add_output_options(parser, "where to write the report; with --per-transcript, the folder")
    parser.add_argument(
        "--per-transcript",
        action="store_true",
        help=(
            "write one report per attempt (REP/ID.html or .md) and an index linking them into "
            "the --output folder, with relative links, so the folder can be shared as it is"
        ),
    )
    add_transcript_scenario_option(parser)
    team = parser.add_argument_group("team view")
    team.add_argument("--rep", action="append", default=[], help="only this rep (repeatable)")
    team.add_argument(
        "--scenario-id",
        action="append",
        default=[],
        metavar="ID",
        help="only attempts at this scenario id (repeatable)",
    )
    team.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="attempts from this day")
    team.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="attempts up to this day")
    team.add_argument(
        "--sort",
        choices=(
            "need",
            "rep",
            "attempts",
            "listening",
            "context_seeking",
            "problem_focus",
            "overall",
            "success",
        ),
        default="need",
        help="order of the per-rep table (default: need, the weakest behaviour first)",
    )
    parser.set_defaults(run=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-03-31") from None


def run(args: argparse.Namespace) -> int:
    from roleplay.coach.report import write_report

    if args.per_transcript:
        return _run_per_transcript(args)
    written = write_report(args.targets, args.format, args.output, **_team_options(args))
    _print_problems(written.warnings, written.skipped)
    what = (
        f"team report over {written.transcripts} transcript(s)"
        if written.kind == "team"
        else "report"
    )
    print(f"wrote {what} to {written.output}")
    return 0


def _run_per_transcript(args: argparse.Namespace) -> int:
    from roleplay.coach.report_folder import write_report_folder

    written = write_report_folder(args.targets, args.format, args.output, **_team_options(args))
    _print_problems(written.warnings, written.skipped)
    print(
        f"wrote {written.reports} report(s) from {written.read} transcript file(s) and "
        f"{written.index}"
    )
    return 0


def _team_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options every kind of report takes: scenario, --force, filters and sort order."""
    from roleplay.coach.team import TeamFilter

    filters = TeamFilter(
        reps=tuple(args.rep), scenarios=tuple(args.scenario_id), since=args.since, until=args.until
    )
    return {
        "scenario_path": args.scenario,
        "force": args.force,
        "filters": filters if filters.describe() else None,
        "sort_by": args.sort,
    }


def _print_problems(warnings: list[str], skipped: Sequence[SkippedFile]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if skipped:
        print(f"warning: skipped {len(skipped)} file(s):", file=sys.stderr)
        for item in skipped:
            print(f"  {item.reason}", file=sys.stderr)

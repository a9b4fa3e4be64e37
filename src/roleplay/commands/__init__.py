"""One module per `roleplay` subcommand; each defines `register(subparsers)`.

A command's `run(args) -> int` does the work; it imports heavy libraries inside itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_output_options(
    parser: argparse.ArgumentParser, what: str, *, required: bool = True, metavar: str = "FILE"
) -> None:
    """`--output/-o FILE` and `--force`, worded the same in every command that writes a file.

    The rule they promise is `roleplay.files.check_output`'s: a new file, or an existing one
    with --force, and never a file the command reads.
    """
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        required=required,
        metavar=metavar,
        help=f"{what} (a new file, unless --force)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"replace {metavar} if it exists (never a file the command reads)",
    )


def add_transcript_scenario_option(parser: argparse.ArgumentParser) -> None:
    """`--scenario PATH` for a command that reads transcripts: the scenario they were held in,
    found by the transcript's scenario id when the option is left out."""
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="PATH",
        help="scenario file or folder (default: looked up by id in the scenarios folder)",
    )

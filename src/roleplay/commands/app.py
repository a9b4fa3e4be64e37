"""`roleplay app` (and `roleplay` alone): the practice app in the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path

TOP_LEVEL_PREFIX = "app_"
"""Prefix of the destinations the app's options get on `roleplay` itself (see `add_options`)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "app",
        help="practise a conversation in the terminal app (the default)",
        description="Open the practice app: pick a scenario, hold the call, read the debrief.",
    )
    add_options(parser)
    parser.set_defaults(run=run)


def add_options(parser: argparse._ActionsContainer, *, top_level: bool = False) -> None:
    """Add the app's options to `roleplay app`, or to `roleplay` itself when `top_level`.

    `roleplay` with no command runs the app, so `roleplay --model deterministic` must parse.
    On the top-level parser the options get destinations prefixed with `TOP_LEVEL_PREFIX` and
    no defaults, so the CLI can tell whether any was given and re-parse them for `app`
    (argparse lets a subcommand's defaults overwrite same-named top-level values).
    """
    from roleplay import paths

    prefix = TOP_LEVEL_PREFIX if top_level else ""
    unset: object = argparse.SUPPRESS if top_level else None
    parser.add_argument(
        "--model",
        dest=f"{prefix}model",
        metavar="NAME",
        help="the buyer model card to use (default: the configured model; "
        "`deterministic` needs no model)",
        default=unset,
    )
    parser.add_argument(
        "--scenario",
        dest=f"{prefix}scenario",
        metavar="ID",
        help="open this scenario, skipping the picker",
        default=unset,
    )
    parser.add_argument(
        "--resume",
        dest=f"{prefix}resume",
        metavar="TRANSCRIPT",
        type=Path,
        help="resume an unfinished session from its transcript file",
        default=unset,
    )
    parser.add_argument(
        "--seed",
        dest=f"{prefix}seed",
        metavar="SEED",
        type=int,
        help="the buyer's random seed",
        default=unset,
    )
    parser.add_argument(
        "--rep",
        dest=f"{prefix}rep",
        metavar="NAME",
        help="your name, recorded in transcripts for coach reports (default: `rep_name` in "
        f"{paths.data_dir_label()}/config.yaml, else your login name)",
        default=unset,
    )
    parser.add_argument(
        "--light",
        dest=f"{prefix}light",
        action="store_true",
        default=argparse.SUPPRESS if top_level else False,
        help="start with the light theme",
    )


def run(args: argparse.Namespace) -> int:
    from roleplay.config import rep_name
    from roleplay.tui.app import DARK_THEME, LIGHT_THEME, make_app

    app = make_app(
        model=args.model,
        scenario=args.scenario,
        resume=args.resume,
        seed=args.seed,
        rep=rep_name(args.rep),
        theme=LIGHT_THEME if args.light else DARK_THEME,
    )
    app.run()
    return 0

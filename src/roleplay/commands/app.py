"""`roleplay app` (and `roleplay` alone): the practice app in the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "app",
        help="practise a conversation in the terminal app (the default)",
        description="Open the practice app: pick a scenario, hold the call, read the debrief.",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        default=None,
        help="the buyer model card to use (default: the configured model; "
        "`deterministic` needs no model)",
    )
    parser.add_argument(
        "--scenario", metavar="ID", default=None, help="open this scenario, skipping the picker"
    )
    parser.add_argument(
        "--resume",
        metavar="TRANSCRIPT",
        type=Path,
        default=None,
        help="resume an unfinished session from its transcript file",
    )
    parser.add_argument("--seed", type=int, default=None, help="the buyer's random seed")
    parser.add_argument("--light", action="store_true", help="start with the light theme")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.tui.app import DARK_THEME, LIGHT_THEME, make_app

    app = make_app(
        model=args.model,
        scenario=args.scenario,
        resume=args.resume,
        seed=args.seed,
        theme=LIGHT_THEME if args.light else DARK_THEME,
    )
    app.run()
    return 0

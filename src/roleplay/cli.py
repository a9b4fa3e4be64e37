"""The `roleplay` command: parse arguments, call the core, print.

Each subcommand lives in `roleplay.commands.<name>` and registers itself with `register()`.
Command modules import heavy libraries (torch, transformers, sentence-transformers, textual)
only inside the function that runs the command, so `roleplay --help` and the app start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from roleplay import __version__
from roleplay.errors import InvalidFileError, RoleplayError

COMMAND_MODULES = (
    "app",
    "validate",
    "schema",
    "new",
    "list",
    "score_turns",
    "eval",
    "models",
    "simulate",
    "replay",
    "compare",
    "branch",
    "rescore",
    "report",
)
"""Subcommand modules under `roleplay.commands`, in the order `--help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="roleplay",
        description="Practise discovery conversations with an executive buyer, offline.",
    )
    parser.add_argument("--version", action="version", version=f"roleplay {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"roleplay.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"roleplay.commands.{name}":
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `roleplay` command; returns the process exit code."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["app", *(argv or [])])
    try:
        code: int = args.run(args)
    except InvalidFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except RoleplayError as exc:
        print(f"roleplay: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("roleplay: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())

"""The `roleplay` command: parse arguments, call the core, print.

Each subcommand lives in `roleplay.commands.<name>` and registers itself with `register()`.
Command modules import heavy libraries (torch, transformers, sentence-transformers, textual)
only inside the function that runs the command, so `roleplay --help` and the app start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence

from roleplay import __version__
from roleplay.errors import InvalidFileError, RoleplayError
from roleplay.offline import use_offline_models

COMMAND_MODULES = (
    "app",
    "validate",
    "schema",
    "new",
    "migrate",
    "list",
    "score_turns",
    "eval",
    "models",
    "simulate",
    "check",
    "replay",
    "compare",
    "branch",
    "rescore",
    "report",
)
"""Subcommand modules under `roleplay.commands`, in the order `--help` lists them."""


DEFAULT_COMMAND = "app"
"""The command `roleplay` runs when none is given; its options work without naming it."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="roleplay",
        description="Practise discovery conversations with an executive buyer, offline.",
        epilog=f"Without a command, roleplay runs `{DEFAULT_COMMAND}`, so its options work "
        "on their own: `roleplay --model deterministic`. `roleplay COMMAND --help` shows a "
        "command's options.",
    )
    parser.add_argument("--version", action="version", version=f"roleplay {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"roleplay.commands.{name}")
        module.register(subparsers)
        if name == DEFAULT_COMMAND:
            module.add_options(
                parser.add_argument_group(
                    f"options of `{DEFAULT_COMMAND}`, for use without a command"
                ),
                top_level=True,
            )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line; with no command, it is parsed as `roleplay app ...`.

    The app's options are accepted before any command only when no command follows, so
    `roleplay --model deterministic` opens the app, while `roleplay --model X validate` is
    an error rather than a silently ignored option.
    """
    from roleplay.commands.app import TOP_LEVEL_PREFIX

    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command is None:
        return parser.parse_args([DEFAULT_COMMAND, *arguments])
    early = [name for name in vars(args) if name.startswith(TOP_LEVEL_PREFIX)]
    if early:
        options = ", ".join(
            "--" + name.removeprefix(TOP_LEVEL_PREFIX).replace("_", "-") for name in sorted(early)
        )
        which = "an option" if len(early) == 1 else "options"
        parser.error(
            f"{options}: {which} of `{DEFAULT_COMMAND}`; give them without a command "
            f"or after `{DEFAULT_COMMAND}`"
        )
    return args


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def quiet_library_warnings() -> None:
    """Keep library warnings (PyTorch, transformers, tokenizers) off the terminal, where they
    would print in the middle of a buyer's reply or the app's screen.

    Python warnings go to the `py.warnings` logger, which writes to the file named by
    `$ROLEPLAY_LOG` if set and nowhere otherwise; transformers' own logger says errors only.
    """
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    logger.propagate = False
    if logger.handlers:
        return
    log_file = os.environ.get("ROLEPLAY_LOG")
    logger.addHandler(logging.FileHandler(log_file) if log_file else logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `roleplay` command; returns the process exit code."""
    use_offline_models()
    quiet_library_warnings()
    args = parse_args(argv)
    previous = None
    if args.command != DEFAULT_COMMAND and threading.current_thread() is threading.main_thread():
        # `kill` then unwinds like Ctrl-C, so an atomic write in progress removes its
        # temporary file instead of leaving it beside the user's file.
        previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command, turning every error a user can cause into a message."""
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

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
from typing import NoReturn

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


def build_parser(*, app_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered, or with `app` alone
    (`app_only`: see `_AppOnlyParser`)."""
    parser_class = _AppOnlyParser if app_only else argparse.ArgumentParser
    parser = parser_class(
        prog="roleplay",
        description="Practise discovery conversations with an executive buyer, offline.",
        epilog=f"Without a command, roleplay runs `{DEFAULT_COMMAND}`, so its options work "
        "on their own: `roleplay --model deterministic`. `roleplay COMMAND --help` shows a "
        "command's options.",
        add_help=not app_only,
    )
    if not app_only:
        parser.add_argument("--version", action="version", version=f"roleplay {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (DEFAULT_COMMAND,) if app_only else COMMAND_MODULES:
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


class _NotAnAppCommandLine(Exception):
    """The command line is not one `_AppOnlyParser` can parse as the full parser would."""


class _AppOnlyParser(argparse.ArgumentParser):
    """A parser of `roleplay [app] [APP OPTIONS]` alone, which gives up on anything else.

    `roleplay` (the app) is the command run most, and registering every subcommand imports
    every command module: this parser registers `app` only, without `--help` or `--version`,
    so any other command, help, the version or a mistake makes it give up, and the full
    parser then handles (or reports) the command line exactly as before.
    """

    def error(self, message: str) -> NoReturn:
        raise _NotAnAppCommandLine(message)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line; with no command, it is parsed as `roleplay app ...`.

    The app's options are accepted before any command only when no command follows, so
    `roleplay --model deterministic` opens the app, while `roleplay --model X validate` is
    an error rather than a silently ignored option.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return parse_with(build_parser(app_only=True), arguments)
    except _NotAnAppCommandLine:
        return parse_with(build_parser(), arguments)


def parse_with(parser: argparse.ArgumentParser, arguments: Sequence[str]) -> argparse.Namespace:
    """Parse `arguments` with `parser` (from `build_parser`) the way `parse_args` does."""
    from roleplay.commands.app import TOP_LEVEL_PREFIX

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

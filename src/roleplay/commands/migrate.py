"""`roleplay migrate`: upgrade older scenario files to facts in layers, in place."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from roleplay.errors import InvalidFileError, Problem
from roleplay.files import iter_yaml_files, write_atomic


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="upgrade older scenario files in place, keeping comments",
        description=(
            "Upgrade scenario files written before facts had layers: `needs_trust` becomes "
            "`layer`, and each fact gets `topics` read from its words. Every other line, "
            "comments included, is kept as it is; the original is kept as FILE.bak. Older "
            "files load without this; it makes the new fields visible to tune."
        ),
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change; write nothing"
    )
    parser.add_argument("--no-backup", action="store_true", help="do not keep FILE.bak")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.scenario_migrate import migrate_scenario

    problems: list[Problem] = []
    for target in args.paths:
        files = list(iter_yaml_files(target)) if target.is_dir() else [target]
        for file in files:
            try:
                migration = migrate_scenario(file)
            except InvalidFileError as exc:
                problems.extend(exc.problems)
                continue
            if not migration.changed:
                print(f"{file}: already up to date")
            elif args.dry_run:
                print(f"{file}: would change")
            else:
                if not args.no_backup:
                    shutil.copy2(file, file.with_name(file.name + ".bak"))
                write_atomic(file, migration.text)
                print(f"{file}: upgraded")
            for change in migration.changes:
                print(f"  {change}")
            for note in migration.notes:
                print(f"  to do: {note}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0

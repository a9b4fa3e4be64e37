"""`roleplay validate`: check scenario and rubric files, reporting every problem at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay import paths
from roleplay.errors import InvalidFileError, Problem
from roleplay.rubric import load_rubric
from roleplay.scenario import load_scenarios
from roleplay.yamlio import iter_yaml_files, load_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check scenario and rubric files",
        description=(
            "Validate scenario and rubric files. Every problem is printed as "
            "FILE:LINE:COL: field.path: message on stderr; exits 1 if any file is invalid."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the scenarios and rubrics folders)",
    )
    parser.set_defaults(run=run)


def _kind_of(path: Path) -> str:
    """`rubric` or `scenario`: by folder name, else by the file's top-level keys."""
    if "rubrics" in path.parts:
        return "rubric"
    if "scenarios" in path.parts:
        return "scenario"
    try:
        data = load_yaml(path).data
    except InvalidFileError:
        return "scenario"  # loading it as a scenario reports the same problem
    if isinstance(data, dict) and "dimensions" in data:
        return "rubric"
    return "scenario"


def validate_paths(targets: list[Path]) -> tuple[int, list[Problem]]:
    """Validate every file under `targets`; returns (files checked, problems)."""
    scenario_files: list[Path] = []
    rubric_files: list[Path] = []
    problems: list[Problem] = []
    for target in targets:
        if not target.exists():
            problems.append(Problem(str(target), 1, 1, "", "no such file or directory"))
            continue
        files = list(iter_yaml_files(target)) if target.is_dir() else [target]
        if target.is_dir() and not files:
            kind = "rubric" if target.name == "rubrics" else "scenario"
            problems.append(Problem(str(target), 1, 1, "", f"directory holds no {kind} files"))
        for file in files:
            (rubric_files if _kind_of(file) == "rubric" else scenario_files).append(file)
    _, scenario_problems = load_scenarios(scenario_files)
    problems.extend(scenario_problems)
    rubric_ids: dict[str, Path] = {}
    for file in rubric_files:
        try:
            rubric = load_rubric(file)
        except InvalidFileError as exc:
            problems.extend(exc.problems)
            continue
        if rubric.id in rubric_ids:
            line, col = rubric._source.locate(("id",))
            message = f"duplicate rubric id '{rubric.id}' (also in {rubric_ids[rubric.id]})"
            problems.append(Problem(str(file), line, col, "id", message))
        rubric_ids.setdefault(rubric.id, file)
    return len(scenario_files) + len(rubric_files), problems


def run(args: argparse.Namespace) -> int:
    targets = list(args.paths) or [paths.scenarios_dir(), paths.rubrics_dir()]
    checked, problems = validate_paths(targets)
    for problem in problems:
        print(problem, file=sys.stderr)
    bad_files = len({p.file for p in problems})
    if problems:
        print(
            f"{len(problems)} problem(s) in {bad_files} file(s); {checked} file(s) checked",
            file=sys.stderr,
        )
        return 1
    print(f"{checked} file(s) valid")
    return 0

"""`roleplay validate`: check scenario, rubric and model card files (and, in a folder, the
transcripts, rep scripts and JSON Lines turn files beside them), reporting every problem at
once."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from roleplay import paths
from roleplay.errors import InvalidFileError, Problem, RoleplayError
from roleplay.files import iter_yaml_files


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check scenario, rubric and model card files",
        description=(
            "Validate scenario, rubric and model card files (.yaml), transcripts (.json), rep "
            "scripts (.txt) and turn files for score-turns (.jsonl). Every problem is printed as "
            "FILE:LINE:COL: field.path: message on stderr; exits 1 if any file is invalid."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the scenario folders `roleplay list` reads, the "
        "rubrics and the models)",
    )
    parser.set_defaults(run=run)


KINDS = {"scenarios": "scenario", "rubrics": "rubric", "models": "model card"}
"""What a file is, by the name of the folder it sits in (the nearest such folder wins)."""

OTHER_KINDS = {".json": "transcript", ".txt": "rep script", ".jsonl": "turns"}
"""Files that are not YAML, by suffix."""


def _files_in(folder: Path) -> list[Path]:
    """The files `validate` checks in a folder: YAML, and transcripts, scripts and turn files."""
    others = [
        p
        for p in sorted(folder.iterdir())
        if p.suffix in OTHER_KINDS and not p.name.startswith(".")
    ]
    return sorted([*iter_yaml_files(folder), *others])


def _problem_of(path: Path, exc: RoleplayError) -> Problem:
    """A `Problem` from an error whose message starts with the file's name (and maybe a place)."""
    rest = exc.message.removeprefix(str(path))
    place = re.match(r":(\d+):(\d+): ", rest)
    if place:
        return Problem(str(path), int(place[1]), int(place[2]), "", rest[place.end() :])
    return Problem(str(path), 1, 1, "", rest.removeprefix(": "))


def _other_problems(path: Path, kind: str) -> list[Problem]:
    """Every problem in a transcript, rep script or turn file."""
    from roleplay.files import MAX_JSON_BYTES, read_text

    try:
        if kind == "transcript":
            from roleplay.coach.lookup import find_scenario
            from roleplay.coach.report import check_revealed
            from roleplay.transcript import load_transcript

            transcript = load_transcript(path)
            scenario = find_scenario(transcript.scenario_id)
            if scenario is not None:
                check_revealed(transcript, scenario, path)
        elif kind == "rep script":
            from roleplay.rehearsal.simulation import read_script

            read_script(path)
        else:
            from roleplay.commands.score_turns import parse_lines

            parse_lines(read_text(path, MAX_JSON_BYTES).splitlines(), str(path))
    except InvalidFileError as exc:
        return list(exc.problems)
    except RoleplayError as exc:
        return [_problem_of(path, exc)]
    return []


def _kind_of(path: Path) -> str:
    """`scenario`, `rubric` or `model card`: by folder name, else by the file's top-level keys."""
    from roleplay.yamlio import load_yaml

    for folder in reversed(path.parent.parts):
        if folder in KINDS:
            return KINDS[folder]
    try:
        data = load_yaml(path).data
    except InvalidFileError:
        return "scenario"  # loading it as a scenario reports the same problem
    if isinstance(data, dict) and "dimensions" in data:
        return "rubric"
    if isinstance(data, dict) and "backend" in data:
        return "model card"
    return "scenario"


def validate_paths(targets: list[Path]) -> tuple[int, list[Problem]]:
    """Validate every file under `targets`; returns (files checked, problems)."""
    from roleplay.rubric import load_rubric
    from roleplay.scenario import load_scenarios

    files_of: dict[str, list[Path]] = {kind: [] for kind in KINDS.values()}
    others: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for target in targets:
        if not target.exists() and not target.is_symlink():
            problems.append(Problem(str(target), 1, 1, "", "no such file or directory"))
            continue
        files = _files_in(target) if target.is_dir() else [target]
        if target.is_dir() and not files:
            kind = KINDS.get(target.name, "scenario")
            problems.append(Problem(str(target), 1, 1, "", f"directory holds no {kind} files"))
        for file in files:
            if file.suffix in OTHER_KINDS:
                others.append((file, OTHER_KINDS[file.suffix]))
            else:
                files_of[_kind_of(file)].append(file)
    for file, kind in others:
        problems.extend(_other_problems(file, kind))
    _, scenario_problems = load_scenarios(files_of["scenario"])
    problems.extend(scenario_problems)
    rubric_ids: dict[str, Path] = {}
    for file in files_of["rubric"]:
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
    from roleplay.buyer.cards import load_card

    for file in files_of["model card"]:
        try:
            load_card(file, check_weights=True)
        except InvalidFileError as exc:
            problems.extend(exc.problems)
    return sum(len(files) for files in files_of.values()) + len(others), problems


def validate_defaults() -> tuple[int, list[Problem]]:
    """Validate the scenario folders (each on its own, as `roleplay list` reads them, so an
    author's scenario may replace a shipped one of the same id), the rubrics and the models."""
    from roleplay.scenario_lookup import find_scenarios

    found = find_scenarios()
    checked = sum(
        len(list(iter_yaml_files(folder.path)))
        for folder in paths.scenario_folders()
        if folder.path.is_dir()
    )
    others, problems = validate_paths([paths.rubrics_dir(), paths.models_dir()])
    return checked + others, [*found.problems, *problems]


def run(args: argparse.Namespace) -> int:
    checked, problems = validate_paths(list(args.paths)) if args.paths else validate_defaults()
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

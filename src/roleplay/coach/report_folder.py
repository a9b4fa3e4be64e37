"""`roleplay report --per-transcript`: a folder a coach can share as it is.

One report per attempt, each in its rep's subfolder, and an index (the team view with a link to
every report) at the top. Every link is relative, so the folder can be zipped, moved or put on a
file share and still work. Nothing is overwritten without `--force`, and no file the command
reads is ever written (`roleplay.files.check_outputs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from roleplay.coach.lookup import find_scenario
from roleplay.coach.report import build_report, render
from roleplay.coach.team import (
    Attempt,
    SkippedFile,
    TeamFilter,
    TeamReport,
    build_team_report,
    load_folder,
)
from roleplay.errors import TranscriptError, UsageError
from roleplay.files import check_outputs, write_atomic
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript

FolderFormat = Literal["html", "md"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slug(text: str, limit: int = 60) -> str:
    """A file name part made of letters, digits, `-` and `_` only: no separator, no dot (so no
    `..` and no name that could be the index), whatever a transcript says its rep or id is."""
    return _UNSAFE.sub("-", text).strip("-_")[:limit] or "x"


def report_paths(attempts: Sequence[Attempt], fmt: FolderFormat) -> dict[Path, str]:
    """Each attempt's file and its report's path relative to the folder: `REP/ID.FMT`, with a
    number added when two differ only in characters a file name cannot keep (or in case)."""
    taken: set[str] = set()
    out: dict[Path, str] = {}
    for attempt in attempts:
        base = f"{slug(attempt.rep)}/{slug(attempt.transcript_id)}"
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.lower())
        out[attempt.path] = f"{name}.{fmt}"
    return out


@dataclass
class WrittenFolder:
    """What `write_report_folder` produced."""

    index: Path
    """The index file."""
    reports: int
    """Reports written, one per attempt."""
    read: int
    """Transcript files read."""
    skipped: list[SkippedFile]
    """Files left out, with the reason (damaged, or refused by their report)."""
    warnings: list[str]


def write_report_folder(
    targets: Sequence[Path],
    fmt: FolderFormat,
    folder: Path,
    *,
    scenario_path: Path | None = None,
    force: bool = False,
    filters: TeamFilter | None = None,
    sort_by: str = "need",
) -> WrittenFolder:
    """Write one report per attempt under `folder` and an index linking them all.

    Every file is checked before the first is written: an existing one needs `force`, and none
    may be a file this command reads.

    Raises:
        UsageError: a bad target, format or output folder.
    """
    if fmt not in ("html", "md"):
        raise UsageError(f"--per-transcript writes html or md reports, not {fmt}")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--output {folder}: is a file; --per-transcript writes a folder")
    files = load_folder(*targets)
    places = [scenario_path] if scenario_path is not None else None

    def find(sid: str) -> Scenario | None:
        return find_scenario(sid, places)

    label = ", ".join(str(p) for p in targets)
    team = build_team_report(label, files, find=find, filters=filters, sort_by=sort_by)
    attempts = team.all_attempts()
    links = report_paths(attempts, fmt)
    index = folder / f"index.{fmt}"
    check_outputs(
        [index, *(folder / link for link in links.values())],
        force=force,
        reads=[*targets, *files.files, scenario_path],
    )
    written, refused = _write_reports(attempts, links, folder, fmt, find)
    team.reports = {path: link for path, link in links.items() if path not in refused}
    team.skipped = [*team.skipped, *refused.values()]
    write_atomic(index, render(team, fmt))
    return WrittenFolder(index, written, files.read, team.skipped, _warnings(team, refused))


def _write_reports(
    attempts: Sequence[Attempt],
    links: dict[Path, str],
    folder: Path,
    fmt: FolderFormat,
    find: Callable[[str], Scenario | None],
) -> tuple[int, dict[Path, SkippedFile]]:
    """Write each attempt's report; returns how many, and the attempts whose report refused
    them (a fact their scenario does not have), with the reason."""
    written = 0
    refused: dict[Path, SkippedFile] = {}
    for attempt in attempts:
        try:
            transcript = load_transcript(attempt.path)
            single = build_report(transcript, find(transcript.scenario_id), source=attempt.path)
        except TranscriptError as exc:
            refused[attempt.path] = SkippedFile(attempt.path, exc.message)
            continue
        write_atomic(folder / links[attempt.path], render(single, fmt))
        written += 1
    return written, refused


def _warnings(team: TeamReport, refused: dict[Path, SkippedFile]) -> list[str]:
    warnings = list(team.warnings)
    if refused:
        warnings.append(
            f"{len(refused)} attempt(s) counted in the index got no report of their own "
            "(see the skipped files)."
        )
    return warnings

"""What the scenario picker lists, kept between runs so the app can list it before it has read
and validated a single scenario file.

The index holds one summary per scenario file that validated last time (its id, title, level,
buyer and briefing), keyed by the file's path, size and modification time. On start-up the app
lists the summaries of the files that are unchanged; a changed, new or broken file is not
listed from the index at all. The app then validates every file as usual, in a worker, and
writes the index again: a changed file appears with its new title, a broken one with its
located error, a deleted one is gone. The index is a cache: when it is missing, unreadable or
written by another version of roleplay, the picker simply waits for the files to be read.

Plain Python with no pydantic or YAML, so reading it costs almost nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roleplay import __version__, paths
from roleplay.errors import RoleplayError
from roleplay.files import iter_yaml_files, write_atomic

if TYPE_CHECKING:
    from roleplay.scenario import Scenario

INDEX_FORMAT = 1
"""Bumped when the summary's fields change, so an index of another shape is never read."""


@dataclass(frozen=True)
class ScenarioSummary:
    """What the picker shows of a scenario: enough to list, filter and preview it."""

    id: str
    """The scenario's id."""
    title: str
    """Its title."""
    difficulty: str
    """Its level (`Difficulty` value)."""
    buyer_name: str
    """The buyer's name."""
    buyer_title: str
    """The buyer's job title."""
    buyer_company: str
    """The buyer's company."""
    buyer_industry: str
    """The buyer's industry."""
    briefing: str
    """The briefing the rep reads before the call (Markdown-like prose)."""


def summary_of(scenario: Scenario) -> ScenarioSummary:
    """The picker's summary of a validated scenario."""
    buyer = scenario.buyer
    return ScenarioSummary(
        id=scenario.id,
        title=scenario.title,
        difficulty=scenario.difficulty.value,
        buyer_name=buyer.name,
        buyer_title=buyer.title,
        buyer_company=buyer.company,
        buyer_industry=buyer.industry,
        briefing=scenario.briefing,
    )


def listing_order(summaries: Sequence[ScenarioSummary]) -> list[ScenarioSummary]:
    """The order the picker lists scenarios in: by level, then by id."""
    return sorted(summaries, key=lambda s: (s.difficulty, s.id))


Stamp = tuple[int, int]
"""A file's size and modification time in nanoseconds: when either differs, it changed."""


def stamp(path: Path) -> Stamp | None:
    """The file's stamp, or None when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def scenario_files(sources: Sequence[Path]) -> Iterator[Path]:
    """The scenario files of `sources` (folders, or files), in the order they are loaded."""
    for source in sources:
        try:
            if source.is_dir():
                yield from iter_yaml_files(source)
            elif source.is_file():
                yield source
        except OSError:  # an unreadable folder: the full load reports it
            continue


def index_folder() -> Path:
    """Where the indexes are kept: `scenario-index/` in roleplay's cache folder."""
    return paths.cache_dir() / "scenario-index"


def index_path(sources: Sequence[Path]) -> Path:
    """The index of one list of scenario sources (each list of folders has its own, so two
    checkouts, or an author's folders and the tests' temporary ones, never overwrite each
    other's)."""
    key = "\n".join(str(source.absolute()) for source in sources)
    return index_folder() / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"


@dataclass(frozen=True)
class IndexEntry:
    """A scenario file as it was when it last validated, and its summary."""

    stamp: Stamp
    summary: ScenarioSummary


def read_index(index: Path) -> dict[str, IndexEntry]:
    """The entries of the index file, by file path; empty when it is missing, unreadable, or
    of another format or roleplay version."""
    try:
        data: Any = json.loads(index.read_text(encoding="utf-8"))
        if data.get("format") != INDEX_FORMAT or data.get("roleplay") != __version__:
            return {}
        names = {f.name for f in fields(ScenarioSummary)}
        entries: dict[str, IndexEntry] = {}
        for file, entry in data["files"].items():
            summary = entry["summary"]
            if set(summary) != names or not all(isinstance(v, str) for v in summary.values()):
                return {}
            size, mtime_ns = entry["stamp"]
            entries[file] = IndexEntry((int(size), int(mtime_ns)), ScenarioSummary(**summary))
        return entries
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def cached_summaries(
    sources: Sequence[Path], entries: dict[str, IndexEntry]
) -> list[ScenarioSummary]:
    """The summaries of the files in `sources` that are unchanged since they last validated,
    in listing order; the first file of an id wins, as when the files are loaded."""
    found: dict[str, ScenarioSummary] = {}
    for file in scenario_files(sources):
        entry = entries.get(str(file))
        if entry is None or entry.stamp != stamp(file):
            continue  # new, changed or broken: listed once the files are read
        found.setdefault(entry.summary.id, entry.summary)
    return listing_order(list(found.values()))


def index_entries(
    scenarios: Sequence[Scenario], stamps: dict[str, Stamp | None]
) -> dict[str, IndexEntry]:
    """Entries for the scenarios that loaded, stamped as their files were before reading them
    (a file changed while it was read is then seen as changed next time)."""
    entries: dict[str, IndexEntry] = {}
    for scenario in scenarios:
        file = str(scenario.source_path)
        before = stamps.get(file)
        if scenario.source_path is not None and before is not None:
            entries[file] = IndexEntry(before, summary_of(scenario))
    return entries


def write_index(index: Path, entries: dict[str, IndexEntry]) -> None:
    """Save the entries; a cache that cannot be written is left as it is, silently."""
    data = {
        "format": INDEX_FORMAT,
        "roleplay": __version__,
        "files": {
            file: {"stamp": list(entry.stamp), "summary": asdict(entry.summary)}
            for file, entry in sorted(entries.items())
        },
    }
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(index, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    except (OSError, RoleplayError):  # the index only saves time; the app works without it
        return

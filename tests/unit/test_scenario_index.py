"""The scenario index: the picker's summaries of the files that validated, reused only while
each file is unchanged (size and modification time), and never an error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roleplay.scenario import load_scenarios
from roleplay.scenario_index import (
    cached_summaries,
    index_entries,
    index_path,
    listing_order,
    read_index,
    scenario_files,
    stamp,
    summary_of,
    write_index,
)

CFO_FILE = "cfo-logistics-close.yaml"
CFO_TITLE = "CFO, third-party logistics: a slow close and a lender watching cash"


@pytest.fixture
def scenarios(scenarios_copy: Path) -> Path:
    return scenarios_copy


def index_now(sources: list[Path]) -> Path:
    """Read and validate every file, as the app's library worker does, and write the index."""
    stamps = {str(file): stamp(file) for file in scenario_files(sources)}
    scenarios, _ = load_scenarios(sources)
    index = index_path(sources)
    write_index(index, index_entries(scenarios, stamps))
    return index


def test_unchanged_files_are_listed_from_the_index_as_they_validated(scenarios: Path) -> None:
    index = index_now([scenarios])
    loaded, _ = load_scenarios([scenarios])
    listed = cached_summaries([scenarios], read_index(index))
    assert listed == listing_order([summary_of(s) for s in loaded])
    assert len(listed) == 6
    cfo = next(s for s in listed if s.id == "cfo-logistics-close")
    assert cfo.buyer_name == "Dana Whitfield" and cfo.briefing.startswith("You sell")


def test_a_changed_file_is_not_listed_from_the_index(scenarios: Path) -> None:
    index = index_now([scenarios])
    file = scenarios / CFO_FILE
    file.write_text(file.read_text().replace(CFO_TITLE, "CFO, renamed"))
    listed = cached_summaries([scenarios], read_index(index))
    assert "cfo-logistics-close" not in {s.id for s in listed} and len(listed) == 5
    index = index_now([scenarios])
    listed = cached_summaries([scenarios], read_index(index))
    assert "CFO, renamed" in {s.title for s in listed} and len(listed) == 6


def test_a_file_touched_with_the_same_size_is_not_listed_from_the_index(scenarios: Path) -> None:
    index = index_now([scenarios])
    file = scenarios / CFO_FILE
    info = file.stat()
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    assert "cfo-logistics-close" not in {
        s.id for s in cached_summaries([scenarios], read_index(index))
    }


def test_a_deleted_or_broken_file_is_not_listed(scenarios: Path) -> None:
    (scenarios / CFO_FILE).write_text("id: cfo-logistics-close\n")
    (scenarios / "coo-saas-churn.yaml").unlink()
    index = index_now([scenarios])
    ids = {s.id for s in cached_summaries([scenarios], read_index(index))}
    assert len(ids) == 4 and "cfo-logistics-close" not in ids and "coo-saas-churn" not in ids
    assert str(scenarios / CFO_FILE) not in read_index(index)


def test_a_file_changed_while_it_was_read_counts_as_changed(scenarios: Path) -> None:
    stamps = {str(file): stamp(file) for file in scenario_files([scenarios])}
    loaded, _ = load_scenarios([scenarios])
    file = scenarios / CFO_FILE
    file.write_text(file.read_text() + "# edited after it was read\n")
    index = index_path([scenarios])
    write_index(index, index_entries(loaded, stamps))
    assert "cfo-logistics-close" not in {
        s.id for s in cached_summaries([scenarios], read_index(index))
    }


def test_the_first_file_of_an_id_wins_as_when_loading(tmp_path: Path, scenarios: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    text = (scenarios / CFO_FILE).read_text().replace(CFO_TITLE, "My own CFO")
    (mine / "my-cfo.yaml").write_text(text)
    index = index_now([mine, scenarios])
    listed = cached_summaries([mine, scenarios], read_index(index))
    [cfo] = [s for s in listed if s.id == "cfo-logistics-close"]
    assert cfo.title.startswith("My own")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"format": 1, "roleplay": "0.0.0-another", "files": {}}),
        json.dumps({"format": 999, "roleplay": "0.1.0", "files": {}}),
        json.dumps({"format": 1, "roleplay": "0.1.0", "files": {"x.yaml": {"stamp": [1]}}}),
        json.dumps([1, 2]),
    ],
    ids=["not-json", "other-version", "other-format", "damaged-entry", "not-an-object"],
)
def test_an_index_that_cannot_be_trusted_is_ignored(
    scenarios: Path, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roleplay

    monkeypatch.setattr(roleplay, "__version__", "0.1.0")
    index = index_now([scenarios])
    assert len(read_index(index)) == 6
    index.write_text(content)
    assert read_index(index) == {}
    assert cached_summaries([scenarios], read_index(index)) == []


def test_an_index_that_cannot_be_written_is_left_alone(tmp_path: Path, scenarios: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    loaded, _ = load_scenarios([scenarios])
    write_index(blocker / "index.json", index_entries(loaded, {}))  # no exception
    assert read_index(blocker / "index.json") == {}


def test_each_list_of_folders_has_its_own_index(tmp_path: Path) -> None:
    assert index_path([tmp_path / "a"]) != index_path([tmp_path / "b"])
    assert index_path([tmp_path / "a", tmp_path / "b"]) != index_path(
        [tmp_path / "b", tmp_path / "a"]
    )

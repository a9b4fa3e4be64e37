"""A rep who opens the app again sees the scenario list at once, from the scenario index, and
never a scenario as it no longer is: a changed, broken or deleted file is left out of the
list until every file has been read again, and then shows its new title or its error.

The reading of the files is held back (a gate in the library worker) so each test can look
at the picker before and after it, without timing anything.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from roleplay.scenario_index import index_path, read_index
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens import BriefingScreen, PickerScreen

from .pilot_helpers import screen_text, settle, until

pytestmark = pytest.mark.functional

CFO_FILE = "cfo-logistics-close.yaml"
CFO_TITLE = "CFO, third-party logistics: a slow close and a lender watching cash"


@pytest.fixture
def hold_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Holds the app's reading of the scenario and rubric files until the event is set."""
    release = threading.Event()
    read_library = RoleplayApp._read_library

    def held(app: RoleplayApp) -> Any:
        assert release.wait(30), "the test never released the scenario files"
        return read_library(app)

    monkeypatch.setattr(RoleplayApp, "_read_library", held)
    yield release
    release.set()


Start = Callable[..., Any]


@pytest.fixture
def second_start(
    build_app: Callable[..., RoleplayApp], scenarios_copy: Path, hold_files: threading.Event
) -> Start:
    """`async with second_start(change) as (app, pilot)`: the app opened once and left to
    read every file (which writes the index), then `change()` made to the files, then the app
    opened again with its reading of the files held until `hold_files` is set."""

    @asynccontextmanager
    async def start(
        change: Callable[[], object] = lambda: None, size: tuple[int, int] = (100, 32)
    ) -> AsyncIterator[tuple[RoleplayApp, Pilot[None]]]:
        hold_files.set()
        first = build_app(scenarios_dir=scenarios_copy)
        async with first.run_test(size=size) as pilot:
            await settle(pilot)
            assert first.catalog_loaded
        hold_files.clear()
        change()
        app = build_app(scenarios_dir=scenarios_copy)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield app, pilot

    return start


def listed(app: RoleplayApp) -> list[str]:
    """The titles the picker lists."""
    screen = app.screen
    assert isinstance(screen, PickerScreen)
    assert screen.query_one("#scenarios", OptionList).option_count == len(screen.shown)
    return [summary.title for summary in screen.shown]


async def test_a_second_start_lists_the_scenarios_before_reading_any_file(
    second_start: Start, hold_files: threading.Event
) -> None:
    async with second_start() as (app, pilot):
        assert not app.catalog_loaded
        before = listed(app)
        assert len(before) == 6 and CFO_TITLE in before
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        assert screen.shown[0].buyer_name in screen_text(app)  # the preview, from the index too

        hold_files.set()
        await settle(pilot)
        assert app.catalog_loaded
        assert listed(app) == before == [s.title for s in app.catalog.scenarios]


async def test_a_scenario_chosen_before_the_files_are_read_opens_once_they_are(
    second_start: Start, hold_files: threading.Event
) -> None:
    async with second_start() as (app, pilot):
        app.screen.query_one("#filter").value = "logistics"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # nothing to open yet

        hold_files.set()
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen))
        await settle(pilot)
        assert "Dana Whitfield" in screen_text(app)


async def test_a_changed_file_is_listed_only_as_it_now_reads(
    second_start: Start, hold_files: threading.Event, scenarios_copy: Path
) -> None:
    file = scenarios_copy / CFO_FILE

    def rename() -> None:
        file.write_text(file.read_text().replace(CFO_TITLE, "CFO at a freight broker, renamed"))

    async with second_start(rename) as (app, pilot):
        before = listed(app)
        assert len(before) == 5 and CFO_TITLE not in before

        hold_files.set()
        await settle(pilot)
        after = listed(app)
        assert "CFO at a freight broker, renamed" in after and CFO_TITLE not in after
        assert len(after) == 6

    # The index now holds the new title, so the next start lists it at once.
    entries = read_index(index_path([scenarios_copy]))
    assert entries[str(file)].summary.title == "CFO at a freight broker, renamed"


async def test_a_broken_file_is_left_out_and_then_shows_its_located_error(
    second_start: Start, hold_files: threading.Event, scenarios_copy: Path
) -> None:
    file = scenarios_copy / CFO_FILE
    lines = file.read_text().splitlines()

    def break_it() -> None:
        file.write_text("\n".join([*lines, "budget_owner: yes"]) + "\n")

    async with second_start(break_it, size=(120, 40)) as (app, pilot):
        assert CFO_TITLE not in listed(app)
        assert "could not be loaded" not in screen_text(app)

        hold_files.set()
        await settle(pilot)
        assert CFO_TITLE not in listed(app) and len(listed(app)) == 5
        [problem] = app.catalog.problems
        assert (problem.file, problem.line, problem.field) == (
            str(file),
            len(lines) + 1,
            "budget_owner",
        )
        text = screen_text(app)
        assert "1 scenario file(s) could not be loaded" in text and "budget_owner" in text

    assert str(file) not in read_index(index_path([scenarios_copy]))


async def test_a_deleted_file_is_never_listed(
    second_start: Start, hold_files: threading.Event, scenarios_copy: Path
) -> None:
    file = scenarios_copy / CFO_FILE
    async with second_start(file.unlink) as (app, pilot):
        assert CFO_TITLE not in listed(app) and len(listed(app)) == 5

        hold_files.set()
        await settle(pilot)
        assert CFO_TITLE not in listed(app) and len(listed(app)) == 5

    assert str(file) not in read_index(index_path([scenarios_copy]))


async def test_without_an_index_the_picker_waits_for_the_files(
    build_app: Callable[..., RoleplayApp], scenarios_copy: Path, hold_files: threading.Event
) -> None:
    app = build_app(scenarios_dir=scenarios_copy)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert listed(app) == []
        assert "Loading scenarios…" in screen_text(app)

        hold_files.set()
        await settle(pilot)
        assert len(listed(app)) == 6

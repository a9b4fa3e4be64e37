"""Snapshots of every screen at 80x24 (and the conversation at 120x40), on the deterministic
buyer with a fixed seed; the input cursor is held still so each frame is reproducible.

They use the real scorer, so they show real scores and explanations: after an intended change
to the app, the scorer, its fitted parameters or the scenarios, review and update them with
`pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from roleplay.tui.theme import LIGHT_THEME

from .pilot_helpers import end_call, pick, say, settle, start_call

pytestmark = pytest.mark.functional

GOOD_QUESTION = "How long does your month-end close take today, start to finish?"
PITCH = "CloseLoop automates reconciliations. Can we book a demo next week?"
FOLLOW_UP = "Twelve days is a lot. What is the board asking of you this year?"


@pytest.fixture(scope="session")
def scorer(minilm_scorer: Any) -> Any:
    """The snapshots show scores: the real scorer, so they match what a rep sees."""
    return minilm_scorer


async def steady(pilot: Pilot[None]) -> None:
    """Stop the cursor blinking and let everything settle, so the frame is deterministic."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def converse(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await start_call(pilot)
    for turn in (GOOD_QUESTION, PITCH, FOLLOW_UP):
        await say(pilot, turn)
    await steady(pilot)


def test_picker(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await steady(pilot)

    assert snap_compare(build_app(), run_before=run_before)


def test_picker_filtered(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*"cfo")
        await steady(pilot)

    assert snap_compare(build_app(), run_before=run_before)


def test_briefing(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pick(pilot, "logistics")
        await steady(pilot)

    assert snap_compare(build_app(), run_before=run_before)


def test_conversation(snap_compare, build_app) -> None:
    assert snap_compare(build_app(scenario="cfo-logistics-close"), run_before=converse)


def test_conversation_large(snap_compare, build_app) -> None:
    assert snap_compare(
        build_app(scenario="cfo-logistics-close"), run_before=converse, terminal_size=(120, 40)
    )


def test_conversation_light_theme(snap_compare, build_app) -> None:
    app = build_app(scenario="cfo-logistics-close", theme=LIGHT_THEME)
    assert snap_compare(app, run_before=converse)


def test_explain(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await converse(pilot)
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(build_app(scenario="cfo-logistics-close"), run_before=run_before)


def test_debrief(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await converse(pilot)
        await end_call(pilot)
        await steady(pilot)

    assert snap_compare(build_app(scenario="cfo-logistics-close"), run_before=run_before)


def test_help(snap_compare, build_app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await steady(pilot)
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(build_app(), run_before=run_before)

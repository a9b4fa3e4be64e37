"""Never lose work: a session cut off mid-reply leaves a transcript that opens and resumes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roleplay.transcript import load_transcript
from roleplay.tui.screens import BriefingScreen, ConversationScreen, PickerScreen

from .pilot_helpers import end_call, say, screen_text, settle, start_call, type_turn, until

pytestmark = pytest.mark.functional

FIRST = "How long does your month-end close take today, start to finish?"
SECOND = "CloseLoop automates reconciliations. Can we book a demo next week?"
"""A pitch: the buyer voices the objection through the backend, so a gated buyer can hold it
(answers to good discovery are authored lines, streamed without the backend)."""
THIRD = "Who else feels it when the close runs late?"


async def crash_mid_reply(build_app, transcripts: Path, tmp_path: Path) -> Path:
    """Hold a conversation, then 'crash' while the buyer streams its second reply.

    The transcript file is copied at that moment: it is exactly what a killed process leaves.
    """
    from .conftest import GatedBuyers

    buyers = GatedBuyers()
    app = build_app(buyer=buyers, scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        buyers[0].release.set()
        await say(pilot, FIRST)
        buyers[0].release.clear()
        await type_turn(pilot, SECOND)
        await until(pilot, buyers[0].holding.is_set)
        saved = next(transcripts.glob("*.json"))
        left_behind = tmp_path / "left-behind.json"
        shutil.copy(saved, left_behind)
        buyers[0].release.set()
    shutil.copy(left_behind, saved)  # the disk as the crash left it
    return saved


async def test_resume_after_a_crash_from_the_picker(build_app, transcripts, tmp_path) -> None:
    saved = await crash_mid_reply(build_app, transcripts, tmp_path)
    cut_off = load_transcript(saved)
    assert not cut_off.finished
    assert [t.role for t in cut_off.turns] == ["buyer", "rep", "buyer", "rep"]

    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert "Unfinished session" in screen_text(app)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen))
        assert "Resuming an unfinished session: 2 rep turns" in screen_text(app)
        conversation = await start_call(pilot)
        await settle(pilot)
        # The buyer answers the turn that was cut off, then the call goes on.
        roles = [t.role for t in conversation.session.transcript.turns]
        assert roles == ["buyer", "rep", "buyer", "rep", "buyer"]
        assert SECOND in screen_text(app) or len(conversation.session_rep_bubbles()) == 2
        await say(pilot, THIRD)
        await end_call(pilot)
        await settle(pilot)

    resumed = load_transcript(saved)
    assert [t.text for t in resumed.rep_turns] == [FIRST, SECOND, THIRD]
    assert resumed.ended_by == "rep"
    assert resumed.id == cut_off.id


async def test_resume_option_opens_the_transcript_directly(
    build_app, transcripts, tmp_path
) -> None:
    saved = await crash_mid_reply(build_app, transcripts, tmp_path)
    app = build_app(resume=saved)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, BriefingScreen)
        conversation = await start_call(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConversationScreen)
        assert len(conversation.session.transcript.rep_turns) == 2
        assert not conversation.session.awaiting_reply


async def test_resume_of_a_damaged_transcript_says_why(build_app, tmp_path) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"schema_version": 1, "turns": [')
    app = build_app(resume=damaged)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert any("damaged" in n.message for n in app._notifications)


CHILD = r"""
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from conftest import GatedBuyer
from pilot_helpers import say, start_call, type_turn, until
from roleplay.rubric import load_rubric
from roleplay.scoring import TurnScorer
from roleplay.tui.app import make_app

root, transcripts = Path(sys.argv[2]), Path(sys.argv[3])
scorer = TurnScorer.load(load_rubric(root / "rubrics" / "default.yaml"))
buyers = []

def gated(scenario):
    buyers.append(GatedBuyer(scenario))
    return buyers[-1]

async def main():
    app = make_app(
        buyer_factory=gated, scorer_factory=lambda r: scorer, transcripts_dir=transcripts,
        scenarios_dir=root / "scenarios", scenario="cfo-logistics-close", seed=7,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        buyers[0].release.set()
        await say(pilot, sys.argv[4])
        buyers[0].release.clear()
        await type_turn(pilot, sys.argv[5])
        await until(pilot, buyers[0].holding.is_set)
        print("HOLDING", flush=True)
        time.sleep(600)

asyncio.run(main())
"""


@pytest.mark.models  # the app it kills runs in a child process with the real scorer
async def test_resume_after_the_process_is_killed(
    build_app, transcripts: Path, project_root: Path
) -> None:
    """A real crash: the app's process is killed with SIGKILL while the buyer is speaking."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(Path(__file__).parent),
            str(project_root),
            str(transcripts),
            FIRST,
            SECOND,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "HOLDING"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    saved = next(transcripts.glob("*.json"))
    cut_off = load_transcript(saved)  # the file a killed process left behind opens
    assert [t.role for t in cut_off.turns] == ["buyer", "rep", "buyer", "rep"]
    assert not cut_off.finished

    app = build_app(resume=saved)
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await settle(pilot)
        assert not conversation.session.awaiting_reply  # the cut-off turn got its answer
        await say(pilot, THIRD)
        await end_call(pilot)
        await settle(pilot)
    resumed = load_transcript(saved)
    assert [t.text for t in resumed.rep_turns] == [FIRST, SECOND, THIRD]
    assert resumed.ended_by == "rep"


async def test_quitting_mid_reply_keeps_the_transcript(build_app, transcripts: Path) -> None:
    from .conftest import GatedBuyers

    buyers = GatedBuyers()
    app = build_app(buyer=buyers, scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await type_turn(pilot, SECOND)
        await until(pilot, buyers[0].holding.is_set)
        await pilot.press("ctrl+q")
    saved = next(transcripts.glob("*.json"))
    for _ in range(500):  # the reply's thread records the interruption as the app closes
        await_reply = load_transcript(saved)
        if len(await_reply.turns) == 3:
            break
        time.sleep(0.01)
    assert [(t.role, t.source) for t in await_reply.turns] == [
        ("buyer", "authored"),
        ("rep", None),
        ("buyer", "interrupted"),
    ]
    assert not await_reply.finished  # offered for resuming in the picker

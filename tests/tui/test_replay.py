"""A rep looks back: the debrief's transcript and the picker's saved conversations open in the
coach's replay, where notes and what-if branches are saved into the files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from roleplay.buyer import load_backend
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.session import PracticeSession
from roleplay.transcript import load_transcript
from roleplay.tui.screens import DebriefScreen, PickerScreen
from roleplay.tui.screens.replay import BranchDialog, NoteDialog, ReplayApp, ReplayScreen
from roleplay.tui.screens.saved import SavedTranscriptsScreen

from .conftest import SEED
from .pilot_helpers import end_call, say, screen_text, settle, start_call, until

pytestmark = pytest.mark.functional

GOOD_QUESTION = "How long does your month-end close take today, start to finish?"
PITCH = "CloseLoop automates reconciliations. Can we book a demo next week?"


def detail(app: Any) -> str:
    return str(app.screen.query_one("#replay-turn-detail", Static).content)


def practise(
    scenario: Scenario, rubric: Rubric, scorer: Any, path: Path, turns: list[str], days_ago: int
) -> Path:
    """Hold and save a conversation on the deterministic buyer, started `days_ago` days ago."""
    buyer = load_backend("deterministic", scenario)
    buyer.load()
    session = PracticeSession(scenario, rubric, buyer, scorer, save_to=path, seed=SEED)
    session.open()
    for turn in turns:
        session.submit(turn)
        for _ in session.reply():
            pass
    session.end()
    saved = load_transcript(path)
    saved.model_copy(update={"started_at": saved.started_at - timedelta(days=days_ago)}).save(path)
    return path


async def test_the_debriefs_transcript_opens_in_the_replay(build_app, transcripts: Path) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
        await say(pilot, PITCH)
        await end_call(pilot)
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        saved = next(transcripts.glob("*.json"))

        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        assert replay.path == saved
        assert replay.scenario is not None and replay.scenario.id == "cfo-logistics-close"
        assert "Turn 1 of 5" in detail(app) and "Dana Whitfield" in detail(app)
        await pilot.press("down")
        assert GOOD_QUESTION in detail(app) and "Listening" in detail(app)

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteDialog))
        app.screen.query_one("#note-text", Input).value = "Good open question."
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        noted = load_transcript(saved).turns[1]
        assert [n.text for n in noted.notes] == ["Good open question."]
        assert "Good open question." in detail(app)

        # What if the pitch had been a question? The branch plays on the loaded buyer.
        await pilot.press("down", "down", "b")
        await until(pilot, lambda: isinstance(app.screen, BranchDialog))
        app.screen.query_one("#branch-line", TextArea).text = "Who else feels it when it runs late?"
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen is not replay
        )
        branch = app.screen
        assert isinstance(branch, ReplayScreen)
        assert branch.path.parent == saved.parent and branch.path != saved
        branched = load_transcript(branch.path)
        assert branched.branch_of is not None
        assert branched.rep_turns[-1].text == "Who else feels it when it runs late?"

        await pilot.press("escape")
        await until(pilot, lambda: app.screen is replay)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await settle(pilot)


async def test_the_picker_lists_saved_conversations_newest_first_and_replays_one(
    build_app, transcripts: Path, shipped_scenarios, default_rubric, scorer
) -> None:
    by_id = {s.id: s for s in shipped_scenarios}
    transcripts.mkdir(parents=True)
    older = practise(
        by_id["cfo-logistics-close"],
        default_rubric,
        scorer,
        transcripts / "older.json",
        [GOOD_QUESTION],
        days_ago=3,
    )
    newer = practise(
        by_id["coo-saas-churn"],
        default_rubric,
        scorer,
        transcripts / "newer.json",
        ["What happens to a customer in their first ninety days?"],
        days_ago=1,
    )
    (transcripts / "damaged.json").write_text('{"schema_version": 1, "turns": [')

    app = build_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Replay a saved conversation" in titles

        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, SavedTranscriptsScreen))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SavedTranscriptsScreen)
        options = dialog.query_one("#saved-list", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            str(newer),
            str(older),
        ]
        text = screen_text(app)
        assert by_id["coo-saas-churn"].title[:30] in text
        assert "1 rep turn · finished" in text
        summary = str(dialog.query_one("#saved-summary", Static).content)
        assert summary.startswith(f"2 in {transcripts}")
        assert "1 file(s) could not be read" in summary

        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        assert replay.path == older
        assert replay.scenario is not None and replay.scenario.id == "cfo-logistics-close"
        assert "How long does your month-end close" in screen_text(app)

        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert app.is_running


async def test_with_nothing_saved_the_list_says_so(build_app, transcripts: Path) -> None:
    app = build_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, SavedTranscriptsScreen))
        await settle(pilot)
        assert "No saved conversations yet" in screen_text(app)
        await pilot.press("enter", "escape")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))


async def test_roleplay_replay_opens_on_the_replay_and_closing_it_quits(
    transcripts: Path, shipped_scenarios, default_rubric, scorer
) -> None:
    scenario = next(s for s in shipped_scenarios if s.id == "cfo-logistics-close")
    transcripts.mkdir(parents=True)
    saved = practise(scenario, default_rubric, scorer, transcripts / "a.json", [GOOD_QUESTION], 1)
    app = ReplayApp(saved, coach="morgan", scenario=scenario)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen is app.replay and "Turn 1 of" in detail(app)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running  # nothing under the replay: closing it quits

"""A new rep's story in the app: pick, brief, converse, see scores, interrupt, end, debrief."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Button, DataTable, OptionList, Static

from roleplay.transcript import load_transcript
from roleplay.tui.screens import (
    BriefingScreen,
    ConfirmScreen,
    DebriefScreen,
    HelpScreen,
    PickerScreen,
)
from roleplay.tui.screens.explain import ExplainScreen
from roleplay.tui.screens.replay import ReplayScreen
from roleplay.tui.widgets import RepInput, TurnBubble

from .pilot_helpers import end_call, pick, say, screen_text, settle, start_call, type_turn, until

pytestmark = pytest.mark.functional

GOOD_QUESTION = "How long does your month-end close take today, start to finish?"
FOLLOW_UP = "Twelve days is a lot. What is the board asking of you this year?"
PITCH = "CloseLoop automates reconciliations. Can we book a demo next week?"
"""The buyer voices its objection through the backend, so a gated or failing backend acts on
it (answers to good discovery are authored lines, streamed without the backend)."""


async def test_pick_brief_converse_end_and_debrief(build_app, transcripts: Path) -> None:
    app = build_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)  # the scenario files are read in a thread
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one("#scenarios", OptionList)
        assert options.option_count == len(app.catalog.scenarios) >= 4

        app.screen.query_one("#filter").value = "logistics"
        await pilot.pause()
        assert options.option_count == 1
        assert "Dana Whitfield" in screen_text(app)  # the briefing preview

        await pick(pilot, "logistics")
        assert "What good looks like" in screen_text(app)
        conversation = await start_call(pilot)
        opening = conversation.session.transcript.turns[0].text
        assert opening.split()[0] in screen_text(app)

        await say(pilot, GOOD_QUESTION)
        rep_bubbles = conversation.session_rep_bubbles()
        assert len(rep_bubbles) == 1
        scored = rep_bubbles[0].turn
        assert scored is not None and scored.score is not None
        assert "Listen" in screen_text(app) and "Context" in screen_text(app)
        assert conversation.snapshot is not None and conversation.snapshot.question_count == 1
        transcript_file = next(transcripts.glob("*.json"))
        saved = load_transcript(transcript_file)
        assert [t.role for t in saved.turns] == ["buyer", "rep", "buyer"]

        await say(pilot, FOLLOW_UP)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.turn.text == FOLLOW_UP
        assert "Turn #4" in screen_text(app)  # numbered over the whole call, like the replay
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("alt+up", "f2")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen) and app.screen.turn.text == GOOD_QUESTION
        assert "Turn #2" in screen_text(app)
        await pilot.press("escape")

        await end_call(pilot)
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        text = screen_text(app)
        assert "You ended the call after 2 turns" in text
        assert "Overall" in text and "Coaching points" in text
        saved = load_transcript(transcript_file)
        assert saved.ended_by == "rep" and len(saved.rep_turns) == 2

        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        facts = debrief.query_one("#debrief-facts", Static).render()
        missed = [f for f in debrief.scenario.hidden_facts if f.id not in saved.revealed]
        for fact in missed:
            assert (fact.better_question or fact.earned_by[0]) in str(facts)
        metrics_rows = debrief.query_one("#debrief-metrics").row_count
        assert metrics_rows >= 3
        turns_table = debrief.query_one("#debrief-turns", DataTable)
        assert turns_table.row_count == 2
        numbers = [str(turns_table.get_row_at(row)[0]) for row in range(2)]
        assert numbers == ["2", "4"]  # as the metrics, the replay and the reports number them

        await pilot.press("o")  # the saved conversation, in the replay
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        replay = app.screen
        assert isinstance(replay, ReplayScreen) and replay.path == transcript_file
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await settle(pilot)
        assert "best" in screen_text(app)  # the finished session's score


async def test_scores_arrive_before_the_reply_and_escape_interrupts(build_app) -> None:
    from .conftest import GatedBuyers

    buyers = GatedBuyers()
    app = build_app(buyer=buyers, scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await type_turn(pilot, PITCH)
        await until(
            pilot,
            lambda: buyers[0].holding.is_set() and len(conversation.query(TurnBubble)) == 3,
        )
        await pilot.pause()
        # Mid-reply: the rep's turn already shows its scores and sending is locked.
        rep = conversation.session_rep_bubbles()[0]
        assert rep.turn is not None and rep.turn.score is not None
        assert conversation.buyer_speaking
        assert "Escape interrupts" in screen_text(app)

        await pilot.press("escape")
        await settle(pilot)
        assert not conversation.buyer_speaking
        last = conversation.session.transcript.turns[-1]
        assert last.role == "buyer" and last.source == "interrupted"
        assert "(interrupted" in screen_text(app)

        buyers[0].release.set()
        await say(pilot, FOLLOW_UP)
        assert len(conversation.session.transcript.rep_turns) == 2


async def test_empty_long_and_pasted_turns(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        turns_before = len(conversation.session.transcript.turns)
        await say(pilot, "   ")
        assert len(conversation.session.transcript.turns) == turns_before

        long_turn = "tell me more about the close " * 180  # about 5,200 characters
        await say(pilot, long_turn)
        assert len(conversation.session.transcript.turns) == turns_before
        assert "characters" in screen_text(app)
        rep_input = conversation.query_one("#rep-input", RepInput)
        assert rep_input.value == long_turn  # kept, so the rep can shorten it

        rep_input.value = ""
        rep_input.post_message(events.Paste("How long\x07 does the\x1b[31m close\ntake today?"))
        await pilot.pause()
        assert rep_input.value == "How long does the close take today?"
        await pilot.press("enter")
        await settle(pilot)
        rep_turn = conversation.session.transcript.rep_turns[-1]
        assert "\x07" not in rep_turn.text and "\x1b" not in rep_turn.text


async def test_backend_error_mid_reply_keeps_the_turn_and_the_app(build_app, transcripts) -> None:
    from .conftest import FailingBuyer

    app = build_app(buyer=FailingBuyer, scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await say(pilot, PITCH)
        status = str(conversation.query_one("#chat-status", Static).render())
        assert "reply failed" in status and "model server closed the connection" in status
        assert "(reply failed)" in screen_text(app)
        saved = load_transcript(next(transcripts.glob("*.json")))
        assert saved.turns[-1].role == "rep" and saved.turns[-1].text == PITCH
        assert not conversation.query_one("#rep-input", RepInput).disabled
        await end_call(pilot)
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))


async def test_model_load_failure_is_shown_and_the_app_keeps_working(build_app) -> None:
    from roleplay.errors import ModelError

    def broken(scenario):
        raise ModelError("no model card 'nope' (known: deterministic, smollm2-135m)")

    app = build_app(buyer=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pick(pilot, "logistics")
        await settle(pilot)
        text = screen_text(app)
        assert "Could not load the models" in text and "no model card 'nope'" in text
        assert app.screen.query_one("#start", Button).disabled
        await pilot.press("enter")  # Start does nothing
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))


async def test_invalid_scenario_files_are_listed_and_good_ones_load(
    build_app, tmp_path: Path, project_root: Path, test_data: Path
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    good = project_root / "scenarios" / "cfo-logistics-close.yaml"
    (folder / good.name).write_text(good.read_text())
    (folder / "broken.yaml").write_text((test_data / "bad" / "unknown_key.yaml").read_text())
    app = build_app(scenarios_dir=folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert [s.id for s in app.catalog.scenarios] == ["cfo-logistics-close"]
        text = screen_text(app)
        assert "1 scenario file(s) could not be loaded" in text
        assert "broken.yaml:" in text
        await pick(pilot, "")
        assert isinstance(app.screen, BriefingScreen)


async def test_help_palette_and_theme(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await pilot.press("question_mark")  # typed into the turn, not a help request
        assert conversation.query_one("#rep-input", RepInput).value == "?"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "interrupt the buyer" in str(app.screen.query_one("#help-text", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Interrupt buyer", "Explain turn", "End call", "Help: keys"):
            assert title in titles
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"end call")
        await until(pilot, lambda: "End call" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # asked once
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))


async def test_running_out_of_patience_ends_the_call(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    pitch = (
        "CloseLoop automates your reconciliations and cash forecasting. "
        "Can we book a demo next week?"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        for _ in range(12):
            await say(pilot, pitch)
            if conversation.session.ended:
                break
        assert conversation.session.ended
        assert conversation.session.ended_by in ("patience", "turn_limit")
        assert "press Enter for your debrief" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        saved = json.loads(app.session_path.read_text())
        assert saved["ended_by"] == conversation.session.ended_by

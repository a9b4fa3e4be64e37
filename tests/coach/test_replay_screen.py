"""The replay screen: step through turns, add a note and an override, saved to the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from roleplay.coach.lookup import rubric_for
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript
from roleplay.tui.screens.replay import NoteDialog, OverrideDialog, ReplayApp, ReplayScreen

pytestmark = pytest.mark.functional


def _detail(app: ReplayApp) -> str:
    return str(app.screen.query_one("#replay-turn-detail", Static).content)


async def test_step_through_turns_and_see_scores_and_revealed_facts(
    copy_fixture, freight_scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("priya-1.json")
    transcript = load_transcript(path)
    app = ReplayApp(path, coach="morgan", scenario=freight_scenario, rubric=rubric_for(transcript))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        assert "Turn 1 of 11" in _detail(app)
        await pilot.press("down")
        detail = _detail(app)
        assert "Turn 2 of 11" in detail
        assert "Listening" in detail and " 8 " in detail and "Needs work" in detail
        assert "You opened with the product" in detail  # the explanation
        for _ in range(5):
            await pilot.press("j")
        detail = _detail(app)
        assert "Turn 7 of 11" in detail
        assert "close_twelve_days: Month-end close takes twelve days" in detail
        await pilot.press("k")
        assert "Turn 6 of 11" in _detail(app)
        metrics = str(app.screen.query_one("#replay-metrics", Static).content)
        assert "The whole conversation" in metrics and "Rep talk share" in metrics
        assert "missed audit_finding" in metrics


async def test_note_and_override_are_saved_beside_the_machine_scores(
    copy_fixture, freight_scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("marcus-1.json")
    before = load_transcript(path)
    app = ReplayApp(path, coach="morgan", scenario=freight_scenario, rubric=rubric_for(before))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        for _ in range(5):
            await pilot.press("down")  # turn 6: the price pitch
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#note-text", Input).value = "Price came before any pain."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        assert "Price came before any pain." in _detail(app)

        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        # The dialog starts from the machine's scores.
        assert app.screen.query_one("#override-scores", Input).value == "0.10 0.05 0.15"
        app.screen.query_one("#override-scores", Input).value = "0.05, 0.05, 0.05"
        app.screen.query_one("#override-reason", Input).focus()
        await pilot.press("enter")  # no reason yet: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        app.screen.query_one("#override-reason", Input).value = "Pure price talk."
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)

        await pilot.press("home")
        await pilot.press("o")  # a buyer turn cannot be overridden
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)

    saved = load_transcript(path)
    turn = saved.turns[5]
    assert turn.score == before.turns[5].score
    assert [n.author for n in turn.notes] == ["morgan", "morgan"]
    assert turn.notes[0].text == "Price came before any pain."
    assert turn.notes[1].override is not None
    assert turn.notes[1].override.listening == 0.05
    assert turn.notes[1].reason == "Pure price talk."
    assert not saved.turns[0].notes


async def test_print_dumps_every_turn_with_scores_and_notes(transcripts_data: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from roleplay.cli import main

    assert main(["replay", str(transcripts_data / "priya-1.json"), "--print"]) == 0
    out = capsys.readouterr().out
    transcript = load_transcript(transcripts_data / "priya-1.json")
    for number in range(1, len(transcript.turns) + 1):
        assert f"[{number}] " in out
    assert "Lead with a question about why she came to the webinar." in out
    assert "Override: Listening 70" in out
    assert "Overall 32 (Developing) of 100" in out
    assert "Not yet: 1 hidden fact uncovered of 2 needed." in out
    assert "revealed: close_twelve_days" in out
    assert "missed audit_finding" in out

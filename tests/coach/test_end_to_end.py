"""The coach's whole story on a conversation made by `roleplay simulate`: replay it in the app,
annotate it, branch it, rescore it and report on it."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from roleplay.buyer.deterministic import DeterministicBackend
from roleplay.cli import main
from roleplay.coach.lookup import require_scenario, rubric_for
from roleplay.transcript import load_transcript
from roleplay.tui.screens.replay import NoteDialog, ReplayApp, ReplayScreen

pytestmark = pytest.mark.functional


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the coach's tools end to end, not score quality: the fake scorer."""
    return fake_scorer


async def test_simulate_replay_annotate_branch_rescore_report(
    project_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reuse_scorer,
) -> None:  # type: ignore[no-untyped-def]
    # The shipped scenarios and their rep scripts, not the coach fixtures.
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(project_root / "scenarios"))
    scenario_id = "cfo-logistics-close"
    shipped = project_root / "scenarios" / "scripts" / f"{scenario_id}.discovery.txt"
    script = tmp_path / "script.txt"  # the first four lines keep the test short
    script.write_text("\n".join(shipped.read_text().splitlines()[:4]) + "\n")
    original = tmp_path / "sim.json"

    # 1. simulate, deterministic buyer
    assert (
        main(
            [
                "simulate",
                scenario_id,
                "--rep-script",
                str(script),
                "--seed",
                "3",
                "--model",
                "deterministic",
                "--output",
                str(original),
            ]
        )
        == 0
    )
    simulated = load_transcript(original)
    rep_numbers = [n for n, t in enumerate(simulated.turns, start=1) if t.role == "rep"]
    assert len(rep_numbers) >= 3
    second_rep = rep_numbers[1]

    # 2. replay in the app, and 3. annotate from it
    scenario = require_scenario(simulated)
    app = ReplayApp(
        original,
        coach="morgan",
        scenario=scenario,
        rubric=rubric_for(simulated),
        branch_loader=lambda s, r: (DeterministicBackend(s), reuse_scorer),
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        for _ in range(second_rep - 1):
            await pilot.press("down")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#note-text", Input).value = "Good playback; now ask about impact."
        await pilot.press("enter")
        await pilot.pause()
        # 4. branch from the same rep turn, in the app
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one(
            "#branch-line", TextArea
        ).text = "What would a five-day close change for you personally?"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        assert app.screen.transcript.branch_of is not None  # the branch opened in replay
        await pilot.press("q")
    annotated = load_transcript(original)
    assert annotated.turns[second_rep - 1].notes[0].author == "morgan"
    branches = sorted(tmp_path.glob("sim.branch-*.json"))
    assert len(branches) == 1
    in_app_branch = load_transcript(branches[0])
    assert in_app_branch.branch_of is not None
    assert in_app_branch.branch_of.transcript_id == simulated.id
    assert in_app_branch.turns[second_rep - 1].text.startswith("What would a five-day close")

    # 4b. branch from the command line too
    cli_branch = tmp_path / "branch.json"
    assert (
        main(
            [
                "branch",
                str(original),
                "--turn",
                str(rep_numbers[0]),
                "--line",
                "Before anything from me: what is on your plate this quarter?",
                "--model",
                "deterministic",
                "--output",
                str(cli_branch),
            ]
        )
        == 0
    )

    # 5. rescore both the original and the branch
    assert main(["rescore", str(original), str(cli_branch)]) == 0
    for path in (original, cli_branch):
        assert all(t.rescores for t in load_transcript(path).rep_turns)

    # 6. report: single (html and md) and the team view over the folder
    for fmt in ("html", "md"):
        out = tmp_path / f"report.{fmt}"
        assert main(["report", str(original), "--format", fmt, "--output", str(out)]) == 0
        text = out.read_text()
        shown = html.unescape(text) if fmt == "html" else text
        assert "Good playback; now ask about impact." in shown
        for turn in simulated.turns:
            assert turn.text in shown
    team = tmp_path / "team.md"
    assert main(["report", str(tmp_path), "--format", "md", "--output", str(team)]) == 0
    text = team.read_text()
    assert "1 attempts" in text and "2 branches" in text
    capsys.readouterr()
    json.loads(original.read_text())  # still a plain JSON transcript

"""Regression for issue 15's two bugs: reports kept their own band table (0.35 / 0.65 against
the rubric's 0.3 / 0.7) and an unweighted overall, so a report and the app could band the same
attempt differently. Here the rubric moves the bands to 0.4 / 0.6 and weighs problem focus
three times, and the attempt sits where every one of those differences shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay import paths
from roleplay.coach import lookup
from roleplay.coach.report import build_report, render
from roleplay.coach.view import transcript_view
from roleplay.rubric import DIMENSIONS, Rubric, load_rubric
from roleplay.scenario import Scenario
from roleplay.standing import fmt_score, overall_band
from roleplay.transcript import Scores, Transcript, load_transcript
from roleplay.tui.library import saved_session
from roleplay.tui.widgets.bands import band_level, overall_level

SCORES = Scores(listening=0.3, context_seeking=0.3, problem_focus=0.85)
"""Every rep turn's scores: weighted 0.63 (strong at 0.6), unweighted 0.48 (developing)."""


@pytest.fixture
def custom_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rubric]:
    """The default rubric with bands at 0.4 / 0.6 and problem focus weighted 3.0, found by
    its id in the rubrics folder as a report finds it."""
    text = paths.default_rubric().read_text()
    text = text.replace("min_score: 0.3", "min_score: 0.4").replace(
        "min_score: 0.7", "min_score: 0.6"
    )
    head, _, tail = text.partition("  problem_focus:")
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "default.yaml").write_text(
        head + "  problem_focus:" + tail.replace("weight: 1.0", "weight: 3.0", 1)
    )
    monkeypatch.setenv("ROLEPLAY_RUBRICS", str(folder))
    lookup.rubric_named.cache_clear()
    yield load_rubric(folder / "default.yaml")
    lookup.rubric_named.cache_clear()


@pytest.fixture
def attempt(transcripts_data: Path) -> Transcript:
    transcript = load_transcript(transcripts_data / "marcus-1.json")
    for turn in transcript.rep_turns:
        assert turn.score is not None
        turn.score.scores = SCORES
        turn.notes = []
    return transcript


def test_a_report_and_the_app_band_a_score_alike_by_the_rubric(
    attempt: Transcript, custom_rubric: Rubric, freight_scenario: Scenario, tmp_path: Path
) -> None:
    app = saved_session(tmp_path / "x.json", attempt, custom_rubric)  # the picker, saved list
    assert app.score is not None and app.band is not None
    app_label, _ = overall_level(custom_rubric, app.score)  # the debrief's and replay's label
    assert app_label == app.band.label == "Strong"
    # The two old mistakes would each have said otherwise here.
    unweighted = sum(getattr(SCORES, d) for d in DIMENSIONS) / len(DIMENSIONS)
    assert overall_band(custom_rubric, unweighted).label != app_label
    assert not app.score >= 0.65 and not app.score >= 0.7

    report = build_report(attempt, freight_scenario)
    view = transcript_view(report)
    assert view.overall is not None
    assert (view.overall.score, view.overall.band) == (fmt_score(app.score), app_label)
    shown = f"{fmt_score(app.score)} {app_label}"
    assert f">{shown}</span></b><span>Overall" in render(report, "html")
    assert f"| Overall (rubric-weighted) | {shown} |" in render(report, "md")

    # Each turn's chips band each score as the app's chips do.
    for turn in view.turns:
        if turn.role != "rep":
            continue
        for dim, chip in zip(DIMENSIONS, turn.chips, strict=True):
            value = getattr(SCORES, dim)
            assert chip.band == band_level(custom_rubric, dim, value)[0]
            assert chip.score == fmt_score(value)
    assert [c.band for c in view.turns[1].chips] == ["Needs work", "Needs work", "Strong"]

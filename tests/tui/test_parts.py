"""The app's plain parts, without running the app: prose, text cleaning, bars, saved history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roleplay.standing import outcome_of, overall_score
from roleplay.transcript import Explanation, ModelIds, Scores, Transcript, Turn, TurnScore
from roleplay.tui.library import History, load_history, transcript_path
from roleplay.tui.screens.debrief import coaching_points
from roleplay.tui.widgets.dimension_bar import bar, sparkline
from roleplay.tui.widgets.prose import render_prose
from roleplay.tui.widgets.rep_input import clean_text


def scored(text: str, listening: float, context: float, problem: float) -> Turn:
    return Turn(
        role="rep",
        text=text,
        score=TurnScore(
            scores=Scores(listening=listening, context_seeking=context, problem_focus=problem),
            explanation=Explanation(summary="", alternative="What does that cost you?"),
        ),
    )


def transcript(
    scenario_id: str, *turns: Turn, finished: bool = True, rep: str = "dana"
) -> Transcript:
    started = datetime(2026, 1, 1, tzinfo=UTC)
    return Transcript(
        rep=rep,
        scenario_id=scenario_id,
        scenario_hash="sha256:x",
        rubric_id="default",
        rubric_hash="sha256:y",
        models=ModelIds(buyer="deterministic:authored-lines"),
        started_at=started,
        ended_at=started + timedelta(minutes=5) if finished else None,
        ended_by="rep" if finished else None,
        turns=[Turn(role="buyer", text="Hello."), *turns],
    )


def test_prose_renders_the_markdown_briefings_use() -> None:
    text = render_prose(
        "**Dana**, CFO  \nLogistics\n\nShe *hates* slides.\n- one\n- two\n## Goal\nAsk."
    )
    assert text.plain == "Dana, CFO\nLogistics\n\nShe hates slides.\n\n• one\n• two\n\nGoal\n\nAsk."
    assert render_prose("a [bracket] stays").plain == "a [bracket] stays"


def test_pasted_text_loses_escapes_and_control_characters() -> None:
    assert clean_text("How\x07 long\x1b[31m does\r\nit\ttake?\x00") == "How long does it take?"
    assert clean_text(" \x1b]0;title\x07 ") == ""


def test_bars_and_sparklines_are_absolute() -> None:
    assert bar(0.5, 4) == "██  "
    assert bar(1.5, 2) == "██" and bar(-1, 2) == "  "
    assert sparkline([0.0, 0.5, 1.0], 10) == "▁▅█"
    assert len(sparkline([0.3] * 30, 16)) == 16


def test_history_knows_best_scores_and_unfinished_sessions(tmp_path: Path, default_rubric) -> None:
    good = transcript("a", scored("q", 0.8, 0.8, 0.8))
    poor = transcript("a", scored("q", 0.2, 0.2, 0.2))
    cut_off = transcript("b", scored("q", 0.5, 0.5, 0.5), finished=False)
    for index, item in enumerate((good, poor, cut_off)):
        item.save(tmp_path / f"{index}.json")
    (tmp_path / "broken.json").write_text("{not json")
    history = load_history(tmp_path, default_rubric)
    assert history.unreadable == ["broken.json"]
    assert history.best_score("a", "dana") == overall_score(good, default_rubric)
    assert history.best_score("a", "dana") == pytest.approx(0.8)
    assert history.best_score("b", "dana") is None  # unfinished sessions do not count
    assert [s.transcript.scenario_id for s in history.unfinished()] == ["b"]
    assert history.unfinished(["a"]) == []
    assert History().best_score("a", "dana") is None


def test_a_best_score_belongs_to_the_rep_who_earned_it(tmp_path: Path, default_rubric) -> None:
    transcript("a", scored("q", 0.55, 0.55, 0.55), rep="newbie").save(tmp_path / "n.json")
    transcript("a", scored("q", 0.3, 0.3, 0.3), rep="dana").save(tmp_path / "d.json")
    history = load_history(tmp_path, default_rubric)
    assert history.best_score("a", "dana") == pytest.approx(0.3)
    assert history.best_score("a", "newbie") == pytest.approx(0.55)
    assert history.best_score("a", "someone") is None


def test_transcript_paths_never_overwrite(tmp_path: Path) -> None:
    when = datetime(2026, 1, 1, 9, 30)
    first = transcript_path(tmp_path, "cfo", when)
    first.write_text("{}")
    second = transcript_path(tmp_path, "cfo", when)
    assert first.name == "cfo-20260101-093000.json" and second != first


def test_debrief_outcome_and_coaching(shipped_scenarios, default_rubric) -> None:
    scenario = next(s for s in shipped_scenarios if s.id == "cfo-logistics-close")
    fact = scenario.hidden_facts[0]
    talk = transcript(
        scenario.id,
        scored("Tell me about CloseLoop's features.", 0.1, 0.2, 0.1),
        Turn(role="buyer", text="Fine.", revealed=[fact.id]),
    )
    outcome = outcome_of(talk.revealed, scenario)
    assert outcome.uncovered == [fact.id]
    assert fact.id not in outcome.missed and len(outcome.missed) == len(scenario.hidden_facts) - 1
    points = coaching_points(talk, scenario, default_rubric, None)
    assert 1 <= len(points) <= 3
    assert "What does that cost you?" in points[0]  # the weakest turn's better alternative
    assert any("Next time ask" in p for p in points)

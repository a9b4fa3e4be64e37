"""Conversation metrics on a hand-built transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.scenario import load_scenario
from roleplay.scoring.metrics import conversation_metrics
from roleplay.transcript import ModelIds, Transcript, Turn

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _transcript(turns: list[Turn]) -> Transcript:
    return Transcript(
        scenario_id="cfo-logistics-close",
        scenario_hash="sha256:x",
        rubric_id="default",
        rubric_hash="sha256:y",
        models=ModelIds(buyer="deterministic"),
        turns=turns,
    )


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")


def test_metrics_of_a_hand_built_call(scenario) -> None:  # type: ignore[no-untyped-def]
    transcript = _transcript(
        [
            Turn(role="buyer", text="Dana Whitfield. I've got twenty minutes. What did you want?"),
            Turn(role="rep", text="How does your month-end close run today?"),
            Turn(
                role="buyer",
                text="We close in about twelve working days. The sponsor wants five.",
                revealed=["close_takes_twelve_days"],
            ),
            Turn(
                role="rep",
                text="So you're at twelve working days and the sponsor wants five. "
                "Is the board watching that?",
            ),
            Turn(role="buyer", text="Yes."),
            Turn(
                role="rep",
                text="CloseLoop automates reconciliations and intercompany matching with a "
                "real-time close dashboard, live in eight weeks.",
            ),
            Turn(role="buyer", text="I've heard that before."),
        ]
    )
    metrics = conversation_metrics(transcript, scenario)
    assert metrics.rep_turns == 3
    rep_words = 7 + 16 + 15
    assert metrics.rep_words == rep_words
    assert metrics.talk_share == pytest.approx(rep_words / (rep_words + metrics.buyer_words))
    assert metrics.question_count == 2
    assert metrics.open_question_count == 1
    assert metrics.open_question_share == pytest.approx(0.5)
    assert metrics.reflection_count == 1
    assert metrics.reflection_to_question == pytest.approx(0.5)
    assert metrics.longest_monologue_words == 16
    # Numbered like replay, reports and `branch --turn`: the whole conversation, from 1.
    assert metrics.first_pitch_turn == 6
    assert transcript.turns[metrics.first_pitch_turn - 1].text.startswith("CloseLoop automates")
    assert metrics.facts_uncovered_before_pitch == 1
    assert metrics.facts_uncovered == 1
    assert metrics.facts_total == len(scenario.hidden_facts)

    rows = {row.label: row for row in metrics.rows()}
    assert rows["Rep talk share"].reference.startswith("~43%")
    assert rows["Reflections per question"].verdict == "poor"
    assert "2:1" in rows["Reflections per question"].reference
    # A practice call shorter than a discovery call is judged by its rate per rep turn.
    assert rows["Questions asked"].reference == "about 1 a turn (11-14 per discovery call)"
    assert "a turn)" in rows["Questions asked"].value
    assert rows["First pitch"].value == "turn #6 (1 fact uncovered before)"
    assert rows["Hidden facts uncovered"].value == f"1 of {len(scenario.hidden_facts)}"
    assert all(row.verdict in {"good", "fair", "poor", "n/a"} for row in rows.values())


def test_metrics_of_an_empty_call_are_not_judged(scenario) -> None:  # type: ignore[no-untyped-def]
    metrics = conversation_metrics(_transcript([]), scenario)
    assert metrics.talk_share is None
    assert metrics.first_pitch_turn is None
    verdicts = {row.label: row.verdict for row in metrics.rows()}
    assert verdicts["Rep talk share"] == "n/a"
    assert verdicts["Questions asked"] == "n/a"
    assert verdicts["Hidden facts uncovered"] == "poor"


def test_scored_turns_decide_reflections(scorer, scenario) -> None:  # type: ignore[no-untyped-def]
    buyer = "Carriers invoice us thirty to sixty days late, so freight cost is an estimate."
    reflection = "So half your freight cost is a guess at month end because carriers bill late."
    score = scorer.score(reflection, buyer, scenario)
    transcript = _transcript(
        [Turn(role="buyer", text=buyer), Turn(role="rep", text=reflection, score=score)]
    )
    metrics = conversation_metrics(transcript, scenario)
    assert metrics.reflection_count == (1 if score.scores.listening >= 0.5 else 0)
    assert metrics.reflection_count == 1


def test_a_call_too_short_to_judge_says_so() -> None:
    from roleplay.scoring.metrics import ConversationMetrics

    short = ConversationMetrics(
        rep_turns=2,
        rep_words=20,
        buyer_words=30,
        question_count=2,
        open_question_count=1,
        reflection_count=0,
        longest_monologue_words=10,
        facts_uncovered=0,
        facts_total=4,
        facts_needed=2,
    )
    row = next(r for r in short.rows() if r.label == "Questions asked")
    assert row.verdict == "n/a" and "too short to judge" in row.value

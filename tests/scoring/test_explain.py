"""Explanations name the buyer's words and offer a better turn built from them."""

from __future__ import annotations

from pathlib import Path

from roleplay.scenario import load_scenario
from roleplay.scoring.explain import key_phrase, swap_person

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_swap_person_turns_the_buyer_words_to_you() -> None:
    assert swap_person("my team is exhausted") == "your team is exhausted"
    assert swap_person("we lose a fifth of our customers") == "you lose a fifth of your customers"
    assert swap_person("I'm worried about the audit") == "you're worried about the audit"


def test_key_phrase_picks_the_clause_with_the_content() -> None:
    phrase = key_phrase("Honestly, fine. Every release breaks some integration.")
    assert phrase == "every release breaks some integration"


def test_explanation_names_missed_words_and_offers_an_alternative_from_them(scorer) -> None:  # type: ignore[no-untyped-def]
    previous = "Honestly, my nurses are exhausted. We lost nine of them to agencies this spring."
    result = scorer.score("Our scheduling platform is used by three hundred hospitals.", previous)
    explanation = result.explanation
    assert "nurses" in explanation.missed or "agencies" in explanation.missed
    assert "nine of them to agencies" in explanation.alternative or (
        "your nurses are exhausted" in explanation.alternative
    )
    assert explanation.alternative != result.explanation.summary
    assert set(explanation.cues) == {"listening", "context_seeking", "problem_focus"}
    assert all(explanation.cues.values())


def test_explanation_lists_picked_up_words(scorer) -> None:  # type: ignore[no-untyped-def]
    previous = "Scrap went from two to five percent after we changed resin suppliers."
    result = scorer.score("Scrap more than doubled after the resin supplier change.", previous)
    assert "scrap" in result.explanation.picked_up
    assert "resin" in result.explanation.picked_up
    assert "'scrap'" in result.explanation.summary


def test_alternative_at_call_start_uses_the_scenario_priorities(scorer) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")
    result = scorer.score("Let me start with an overview of Ledgerwise.", "", scenario)
    assert scenario.product.name in result.explanation.alternative
    assert "shorten the month-end close" in result.explanation.alternative

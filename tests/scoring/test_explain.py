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


def test_swap_person_turns_what_the_buyer_said_about_the_rep_to_i_and_me() -> None:
    assert (
        swap_person("I haven't told you what's wrong yet") == "you haven't told me what's wrong yet"
    )
    assert swap_person("You're describing software") == "I'm describing software"
    assert (
        swap_person("you said you could help with compliance")
        == "I said I could help with compliance"
    )
    assert swap_person("your team keeps asking me") == "my team keeps asking you"
    assert swap_person("are you sure we were late") == "am I sure you were late"
    assert swap_person("I was worried the close was late") == "you were worried the close was late"
    assert swap_person("I'd rather know you understand freight") == (
        "you'd rather know I understand freight"
    )
    assert swap_person("I told you.") == "you told me."


def test_key_phrase_never_quotes_a_name_a_greeting_or_a_question() -> None:
    opening = (
        "Dana Whitfield. I've got about twenty minutes, so let's make them count. "
        "What did you want to talk about?"
    )
    for phrase in (key_phrase(opening), key_phrase(opening, names=["Dana Whitfield"])):
        assert "dana" not in phrase.lower() and "whitfield" not in phrase.lower()
        assert "talk about" not in phrase
    assert key_phrase("Hi, Teresa here. Good morning!", names=["Teresa Kowalczyk"]) == ""
    assert key_phrase("Gareth, hello. What can I do for you?") == ""
    assert key_phrase("Priya. Our auditors flagged access reviews twice.") == (
        "our auditors flagged access reviews twice"
    )


def test_key_phrase_picks_the_clause_with_the_content() -> None:
    phrase = key_phrase("Honestly, fine. Every release breaks some integration.")
    assert phrase == "every release breaks some integration"


def test_explanation_names_missed_words_and_offers_an_alternative_from_them(scorer) -> None:  # type: ignore[no-untyped-def]
    previous = "Honestly, my nurses are exhausted. We lost nine of them to agencies this spring."
    result = scorer.score("Our scheduling platform is used by three hundred hospitals.", previous)
    explanation = result.explanation
    assert "nurses" in explanation.missed or "agencies" in explanation.missed
    assert "nine of them to agencies" in explanation.alternative or (
        "my nurses are exhausted" in explanation.alternative
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


def test_alternative_at_call_start_asks_and_puts_no_words_in_the_buyers_mouth(scorer) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")
    result = scorer.score("Let me start with an overview of Ledgerwise.", "", scenario)
    alternative = result.explanation.alternative
    assert scenario.product.name not in alternative
    assert "you said" not in alternative.lower() and alternative.endswith("?")


def test_alternative_quotes_the_buyer_and_never_names_the_product(scorer) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")
    pitch = "CloseLoop automates your account reconciliations with auto-matching."
    previous = "You're describing software. I haven't told you what's wrong yet."
    alternative = scorer.score(pitch, previous, scenario).explanation.alternative
    assert "haven't told you what's wrong yet" in alternative
    assert scenario.product.name.lower() not in alternative.lower()
    assert scenario.product.vendor.lower() not in alternative.lower()


def test_alternative_after_the_opening_line_quotes_no_name(scorer) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")
    pitch = "Hi Dana, let me give you a quick overview of Ledgerwise and CloseLoop."
    alternative = scorer.score(pitch, scenario.opening_line, scenario).explanation.alternative
    assert "Whitfield" not in alternative and "dana" not in alternative.lower()
    alone = scorer.score(pitch, "Dana Whitfield. Nice to meet you.").explanation.alternative
    assert "Whitfield" not in alone and "dana" not in alone.lower()


def test_alternative_reaches_back_to_an_earlier_buyer_line(scorer) -> None:  # type: ignore[no-untyped-def]
    history = [
        ("buyer", "Our lab interface drops results twice a week."),
        ("rep", "How long has that been going on?"),
        ("buyer", "That's a longer story."),
    ]
    result = scorer.score("Can I show you our demo?", "That's a longer story.", None, history)
    assert "lab interface drops results" in result.explanation.alternative

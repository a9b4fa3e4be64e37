"""The one reading of a turn (`roleplay.language.read_turn`) as the scorer uses it."""

from __future__ import annotations

import pytest

from roleplay.language import read_turn


@pytest.mark.parametrize(
    "text",
    [
        "Orvia captures the change order on site, so no more verbal approvals.",
        "The platform flags duplicate payments before they go out.",
        "Closeline handles ramps and usage tiers natively.",
    ],
)
def test_a_sentence_that_makes_a_product_claim_is_a_pitching_sentence(text: str) -> None:
    reading = read_turn(text, heard="Change orders, duplicate payments, ramps and usage tiers.")
    assert all(sentence.pitch for sentence in reading.sentences)


def test_a_reflection_beside_a_product_claim_is_not_a_pitching_sentence() -> None:
    reading = read_turn("You're number forty in the IT queue. Orvia handles it without IT.")
    assert [sentence.pitch for sentence in reading.sentences] == [False, True]


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Can I show you a quick demo on Thursday?", True),
        ("When do you sign off the contract each year?", False),
        ("Shall we put together a proposal for you?", True),
        ("Let's agree next steps.", True),
        ("Who else is involved in the next steps on your side?", False),
    ],
)
def test_a_close_phrase_is_an_ask_unless_it_asks_about_the_buyers_own_process(
    text: str, asks: bool
) -> None:
    reading = read_turn(text)
    assert reading.close
    assert bool(reading.close_ask) is asks


def test_other_peoples_pain_is_told_in_a_statement_and_asked_about_in_a_question() -> None:
    told = read_turn("Most mid-size logistics firms lose millions a year to slow closes.")
    asked = read_turn("Most mid-size firms lose days to the close; is that true for you?")
    assert told.pain_told and told.generic_pain
    assert asked.generic_pain and not asked.pain_told

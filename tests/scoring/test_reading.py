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


@pytest.mark.parametrize(
    "text",
    [
        "Brightmark would let you see every late shipment before the customer calls.",
        "Tallyhouse's approval workflow routes each invoice to the right signer.",
        "The suite's rostering module builds a compliant roster in an hour.",
    ],
)
def test_a_name_that_promises_or_whose_thing_does_something_is_a_product_claim(text: str) -> None:
    assert read_turn(text, heard="Late shipments, invoices and rosters.").product_claims


@pytest.mark.parametrize(
    "text",
    [
        "One of my accounts, a dairy co-op in Vermont, had the same audit finding.",
        "A Dutch insurer we work with cut their backlog in half.",
        "We have a logistics customer about your size who saw the same thing.",
        "One of our manufacturing clients went live in six weeks.",
    ],
)
def test_other_customers_stories_in_any_words_are_third_party(text: str) -> None:
    reading = read_turn(text)
    assert reading.third_party and reading.pain_told


def test_a_generalisation_about_an_industry_is_generic_pain() -> None:
    assert read_turn("Most councils overspend on temporary staff every winter.").generic_pain
    assert read_turn("Clinics are closing at a record rate this year.").generic_pain
    assert not read_turn("Most of your overspend sits in temporary staff, then?").generic_pain


@pytest.mark.parametrize(
    ("text", "about_product"),
    [
        ("Any questions on our reporting dashboards?", True),
        ("Do you have any questions for me about how our team handles escalation?", True),
        ("Would you be interested in hearing how our engine handles currencies?", True),
        ("What questions is the board asking you about the audit?", False),
    ],
)
def test_a_question_about_the_product_is_recognised(text: str, about_product: bool) -> None:
    assert bool(read_turn(text).product_question) is about_product


@pytest.mark.parametrize(
    ("text", "timeline"),
    [
        ("And when are you looking to make a decision?", True),
        ("When are you hoping to have something in place?", True),
        ("When did the audit finding first come up?", False),
    ],
)
def test_asking_when_the_buyer_will_decide_is_a_decision_timeline(
    text: str, timeline: bool
) -> None:
    assert bool(read_turn(text).decision_timeline) is timeline


@pytest.mark.parametrize(
    ("text", "empty"),
    [
        ("Ha. True.", True),
        ("Yeah, got it.", True),
        ("Yeah, right?", False),
        ("True, the audit.", False),
    ],
)
def test_a_turn_of_fillers_says_nothing(text: str, empty: bool) -> None:
    assert read_turn(text).content_free is empty

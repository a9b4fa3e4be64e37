"""One reading of a turn: the scorer, the director and the guard agree on what a turn does."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.language import (
    SELLER_TALK,
    ScenarioVocabulary,
    complete_sentences,
    content_words,
    read_turn,
    sentences,
    talks_price,
    vocabulary_for,
)
from roleplay.scenario import Scenario, load_scenario

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cfo() -> Scenario:
    return load_scenario(PROJECT_ROOT / "scenarios" / "cfo-logistics-close.yaml")


def with_vocabulary(scenario: Scenario, buyer: list[str], seller: list[str]) -> Scenario:
    data = scenario.model_dump()
    data["vocabulary"] = {"buyer_terms": buyer, "seller_terms": seller}
    return Scenario.model_validate(data)


def test_sentences_keep_numbers_and_abbreviations_whole() -> None:
    assert sentences("It costs 4.5 days, e.g. the close. What then? and after!") == [
        "It costs 4.5 days, e.g. the close.",
        "What then?",
        "and after!",
    ]


def test_a_growing_buffer_keeps_its_unfinished_sentence() -> None:
    done, rest = complete_sentences("We close in twelve days. The board wants fi")
    assert done == ["We close in twelve days."]
    assert rest == "The board wants fi"


def test_content_words_drop_function_words_and_keep_numbers() -> None:
    assert content_words("So what do you think about the 12 days?") == ["12", "days"]


def test_naming_the_product_is_a_pitch(cfo: Scenario) -> None:
    name = cfo.product.name
    reading = read_turn(f"{name} would fix that for you.", vocabulary_for(cfo))
    assert reading.pitch
    assert name.lower() in reading.product_named


def test_an_open_question_about_the_buyer_is_not_selling(cfo: Scenario) -> None:
    reading = read_turn("What happens in your team during those twelve days?", vocabulary_for(cfo))
    assert not reading.selling
    assert reading.open_question and reading.question


def test_the_buyers_own_words_are_not_product_talk(cfo: Scenario) -> None:
    vocabulary = vocabulary_for(cfo)
    term = sorted(vocabulary.terms)[0]
    said = read_turn(f"Tell me about the {term}.", vocabulary, heard=f"Our {term} is a mess.")
    assert term not in said.product_terms


def test_what_the_buyer_said_counts_once_however_often_it_was_said() -> None:
    # The scorer hears a line twice when it also measures a turn against that earlier line.
    turn = "Ledgerly automates the close, and the £20k you mentioned goes away."
    heard = "We tried Ledgerly. It cost £20k."
    reading = read_turn(turn, heard=heard)
    assert reading == read_turn(turn, heard=f"{heard} We tried Ledgerly.")
    assert not reading.product_claims and not reading.price  # the buyer's name and amount
    assert read_turn(turn).product_claims and read_turn(turn).price


def test_buyer_terms_are_never_a_close_or_price(cfo: Scenario) -> None:
    scenario = with_vocabulary(cfo, ["pilot", "quote"], [])
    vocabulary = ScenarioVocabulary.from_scenario(scenario)
    text = "How did the pilot go, and what did the quote from the carrier say?"
    assert read_turn(text).close and read_turn(text).price
    reading = read_turn(text, vocabulary)
    assert not reading.close
    assert not reading.price


def test_seller_terms_mark_the_pitch(cfo: Scenario) -> None:
    scenario = with_vocabulary(cfo, [], ["Smart Close"])
    reading = read_turn("Smart Close handles that.", ScenarioVocabulary.from_scenario(scenario))
    assert "smart close" in reading.pitch


@pytest.mark.parametrize(
    ("text", "close", "price"),
    [
        ("Can I book a demo for Thursday?", True, False),
        ("Are you ready to sign the contract?", True, False),
        ("It is only $40 a seat per month.", False, True),
        ("What does that delay cost you each month?", False, False),
    ],
)
def test_close_and_price(text: str, close: bool, price: bool) -> None:
    reading = read_turn(text)
    assert bool(reading.close) is close
    assert bool(reading.price) is price
    assert bool(talks_price(text)) is price


@pytest.mark.parametrize("text", [".", "Okay.", "", "  ?  "])
def test_a_lone_word_or_mark_is_content_free(text: str) -> None:
    assert read_turn(text).content_free


def test_seller_talk_is_the_guards_rule() -> None:
    assert SELLER_TALK.search("Let me show you our platform.")
    assert not SELLER_TALK.search("Our team is exhausted after every close.")


@pytest.mark.parametrize(
    "text",
    [
        "Ledgerly automates intercompany eliminations end to end.",
        "That is exactly what ClaimSight was built for.",
        "The platform is checking every invoice against the contract.",
    ],
)
def test_a_product_name_pitch_is_a_pitch_without_we_or_our(text: str) -> None:
    assert read_turn(text).pitch


def test_a_name_the_buyer_used_is_not_a_product() -> None:
    heard = "Marguerite in procurement owns the renewal."
    assert not read_turn("Marguerite handles the renewal?", heard=heard).product_claims


@pytest.mark.parametrize(
    "text",
    [
        "How much would you be comfortable investing to fix this, fifty thousand or a hundred?",
        "What kind of budget would you be prepared to commit to this year?",
        "Can you get 300k approved before year end?",
    ],
)
def test_a_money_ask_phrased_as_a_question_is_a_close(text: str) -> None:
    reading = read_turn(text)
    assert reading.money_ask and reading.close


def test_asking_what_the_buyer_spends_today_is_discovery() -> None:
    assert not read_turn("How much are you spending on overtime each month?").money_ask


@pytest.mark.parametrize(
    "text",
    [
        "Most mid-size logistics firms lose millions a year to slow closes.",
        "Across the industry, sponsors lose millions to slow enrolment.",
        "Every regional publisher is in that box.",
    ],
)
def test_generic_industry_pain_is_recognised(text: str) -> None:
    assert read_turn(text).generic_pain


def test_another_customers_story_is_third_party() -> None:
    assert read_turn("One of our customers, a co-op in Kansas, had the same issue.").third_party


def test_an_amount_the_buyer_said_is_a_reflection_not_a_price() -> None:
    heard = "Every late close costs us about $40,000 in overtime."
    assert not read_turn("So every late close costs you $40,000.", heard=heard).price
    assert read_turn("It's only $40,000 a year.").price

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
        "Well, the solution is one multi-vendor service contract, one number to ring.",
        "Rotaline's weekly-pay option for bank workers runs alongside payroll and pays in days.",
        "Pulsewave records those calls automatically and flags every pricing concession.",
        "Weldeye would replace the sorter on line two.",
        "Our payroll engine keeps an immutable history of every pay element.",
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
        "A group in Kent cut its agency bill by a third in two quarters.",
        "You know, we had a health system in Texas with the same leakage.",
        "What a lot of food partners found was that the rota was the problem.",
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


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("What do you think the solution is?", ""),
        ("Consigned stents that nobody logs. How do you find out at billing?", "Stents."),
        ("Helen signs the purchase orders?", ""),
    ],
)
def test_a_question_or_a_noun_phrase_is_no_product_claim(text: str, heard: str) -> None:
    assert not read_turn(text, heard=heard).product_claims


def test_a_place_or_a_month_the_buyer_named_is_no_story() -> None:
    heard = "A chiller in Phoenix went down, and the compliance visit is in January."
    assert not read_turn("Oh no, a chiller in Phoenix in July!", heard=heard).third_party
    assert not read_turn("A compliance visit in January.", heard=heard).third_party


@pytest.mark.parametrize(
    ("text", "opens_selling"),
    [
        ("Totally get it! Pipewise scores every deal off email and calendar activity.", True),
        ("RentRail takes it off their plate. The agents are drowning in calls, you said.", True),
        ("A group in Kent had exactly this. What happened with yours?", True),
        ("Twenty against sixty from the same stage - that's what our forecasting fixes.", False),
        ("I hear the last rollout failed, but our customers see 90 percent adoption.", False),
        ("Forty accounts. Pipewise scores every deal off email and calendar activity.", False),
        ("What makes your boss think it's pricing?", False),
    ],
)
def test_a_turn_that_opens_by_selling(text: str, opens_selling: bool) -> None:
    heard = "Forty accounts, twenty against sixty. My boss thinks it's pricing. The rollout failed."
    assert bool(read_turn(text, heard=heard).opens_selling) is opens_selling


@pytest.mark.parametrize(
    ("text", "heard", "price"),
    [
        ("What makes your boss think it's pricing?", "My boss thinks it's pricing.", False),
        ("So you lose a student over a few hundred dollars.", "", False),
        ("For your team that's about $40 a seat per month.", "", True),
        ("Pricing is per seat.", "", True),
    ],
)
def test_the_sellers_price_is_not_the_buyers_words_or_a_lone_money_word(
    text: str, heard: str, price: bool
) -> None:
    assert bool(read_turn(text, heard=heard).price) is price


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("What else is competing for your attention this year?", True),
        ("Looking at the next twelve months, what sits at the top of your list?", True),
        ("Our platform is top of the list for that. What else is on your plate?", False),
        ("It's top of your list, you said.", False),
        ("How many people are on your finance team?", False),
    ],
)
def test_a_question_about_the_buyers_priorities_is_read_as_one(text: str, priority: bool) -> None:
    assert bool(read_turn(text).priority_question) is priority


def test_the_buyers_own_our_said_back_is_no_product_claim() -> None:
    heard = "Our close takes twelve days."
    assert not read_turn("Our close takes twelve days, you said.", heard=heard).product_claims
    assert read_turn("Our engine takes twelve days off the close.", heard=heard).product_claims

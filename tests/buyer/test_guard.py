"""The guard: what a model reply must never do, and what it must carry."""

from __future__ import annotations

import pytest

from roleplay.buyer.director import Beat, BuyerDirector
from roleplay.buyer.guard import BuyerGuard
from roleplay.scenario import Scenario


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: what the guard lets through, not score quality: the fake scorer."""
    return fake_scorer


@pytest.fixture(scope="module")
def guard(cfo: Scenario, scorer) -> BuyerGuard:  # type: ignore[no-untyped-def]
    return BuyerGuard(BuyerDirector(cfo, scorer, seed=1), scorer)


def reveal(cfo: Scenario, fact_id: str) -> Beat:
    return Beat("reveal", cfo.fact(fact_id).lines[0], revealed=(fact_id,))


SMALL_TALK = Beat("small_talk", "Go on.")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("As an AI language model, I cannot share that.", "out_of_character"),
        ("I'm an assistant, so I don't run a finance team.", "out_of_character"),
        ("How can I help you today?", "out_of_character"),
        ("Sure, here is the information you asked for.", "out_of_character"),
        ("Rep: So what keeps you up at night?", "role_leak"),
        ("Assistant: Our close takes time.", "role_leak"),
        ("Our platform automates reconciliations for you.", "role_leak"),
        ("Let me show you how CloseLoop works.", "role_leak"),
        ("We close in twelve days.<|im_end|>", "template_tokens"),
        ("<|im_start|>assistant Go on.", "template_tokens"),
        ("Our accrual true-up was $2.1M last quarter, which hurt.", "unearned_fact"),
        ("Two senior accountants left and my controller works weekends.", "unearned_fact"),
    ],
)
def test_out_of_role_replies_fail(guard: BuyerGuard, reply: str, reason: str) -> None:
    verdict = guard.check(reply, SMALL_TALK, [], [])
    assert not verdict.ok
    assert verdict.reason == reason


def test_an_in_character_reply_on_the_beat_passes(guard: BuyerGuard, cfo: Scenario) -> None:
    beat = reveal(cfo, "close_takes_twelve_days")
    reply = "Honestly, we take about twelve working days to close. The sponsor wants five."
    assert guard.check(reply, beat, [], ["close_takes_twelve_days"]).ok


def test_a_reply_that_misses_the_fact_is_off_beat(guard: BuyerGuard, cfo: Scenario) -> None:
    beat = reveal(cfo, "close_takes_twelve_days")
    verdict = guard.check("It's a busy time of year for everyone.", beat, [], [beat.revealed[0]])
    assert verdict.reason == "off_beat"


def test_more_than_three_sentences_is_too_long(guard: BuyerGuard) -> None:
    reply = "Fine. Go on. I'm listening. What else do you want to know?"
    assert guard.check(reply, SMALL_TALK, [], []).reason == "too_long"


def test_saying_the_same_thing_again_is_a_repeat(guard: BuyerGuard) -> None:
    earlier = ["That's a broad question. Narrow it down for me."]
    reply = "That's a broad question; narrow it down for me."
    verdict = guard.check(reply, SMALL_TALK, earlier, [])
    assert verdict.reason == "repeat"


def test_an_earned_fact_is_not_a_leak(guard: BuyerGuard, cfo: Scenario) -> None:
    beat = reveal(cfo, "carrier_accruals")
    reply = cfo.fact("carrier_accruals").lines[1]
    assert guard.check(reply, beat, [], ["carrier_accruals"]).ok
    assert guard.check(reply, SMALL_TALK, [], []).reason == "unearned_fact"

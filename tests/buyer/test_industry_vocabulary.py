"""Two industries the project does not ship (issue 17): a broker's "quote" and a facilities
director's "solar pilot" are the buyer's own words, so discovery that uses them is never taken
for price talk or a close."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.scenario import load_scenario

from .conftest import SessionFactory, say

INDUSTRY = Path(__file__).resolve().parents[1] / "data" / "industry"

DISCOVERY_IN_THEIR_WORDS = {
    "cro-insurance-forecast": [
        "What's at the top of your list as CRO this year?",
        "When the quote comes back from the markets, how does a producer decide it belongs in "
        "the forecast?",
        "How many of the quotes in the pipeline actually bind?",
        "So the quote goes out, and then nothing happens for weeks.",
        "What happens to a submission nobody has touched for a couple of months?",
    ],
    "director-facilities-university": [
        "You signed up for our webinar on campus energy. What made you curious?",
        "What did the solar pilot on the parking structures teach you?",
        "What are the next steps for the chiller?",
        "How is the climate commitment going for your team?",
    ],
}
"""Sincere discovery turns that use words the default lists take for selling."""


@pytest.mark.parametrize("scenario_id", sorted(DISCOVERY_IN_THEIR_WORDS))
def test_the_buyers_own_words_draw_no_objection(
    scenario_id: str, make_session: SessionFactory
) -> None:
    scenario = load_scenario(INDUSTRY / f"{scenario_id}.yaml")
    session = make_session(scenario)
    session.open()
    for line in DISCOVERY_IN_THEIR_WORDS[scenario_id]:
        say(session, line)
        assert not session.state.raised, (line, session.state.raised)
    assert session.state.patience == scenario.buyer.patience


@pytest.mark.parametrize("scenario_id", sorted(DISCOVERY_IN_THEIR_WORDS))
def test_the_industry_examples_use_the_words_they_exempt(scenario_id: str) -> None:
    scenario = load_scenario(INDUSTRY / f"{scenario_id}.yaml")
    turns = " ".join(DISCOVERY_IN_THEIR_WORDS[scenario_id]).lower()
    assert scenario.vocabulary.buyer_terms
    assert any(term.lower() in turns for term in scenario.vocabulary.buyer_terms)

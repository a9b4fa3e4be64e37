"""Disclosure follows the conversation, not the author's wording (issue 10): a question in the
rep's own words earns the fact it asks about, follow-ups follow the thread, trusted facts wait
for trust, selling earns nothing and always draws an objection the rep can see, ordinary
questions get public context, and a shrug comes at most once a call."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.rehearsal.simulation import play, read_script
from roleplay.scenario import Scenario, load_scenario

from .conftest import SessionFactory, say

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DEV = SCENARIOS / "scripts" / "blind" / "dev"


@pytest.fixture
def coo() -> Scenario:
    return load_scenario(SCENARIOS / "coo-saas-churn.yaml")


@pytest.fixture
def vpops() -> Scenario:
    return load_scenario(SCENARIOS / "vpops-manufacturing-scrap.yaml")


def test_a_question_in_the_reps_own_words_earns_the_fact_it_asks_about(
    vpops: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(vpops)
    session.open()
    say(session, "What's giving you the most grief across the plants this year?")
    assert session.state.uncovered == ["scrap_doubled"]
    # None of the fact's `earned_by` examples is worded like this.
    say(session, "Are any of the casting cells breaking down on you?")
    assert session.state.uncovered[-1] == "cell_downtime"


def test_a_follow_up_on_what_was_just_said_follows_the_thread(
    coo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(coo)
    session.open()
    say(session, "What's top of mind for you this year?")
    assert session.state.uncovered == ["early_churn"]
    say(session, "Why do you think that is?")
    revealed = session.state.uncovered[-1]
    assert revealed in coo.fact("early_churn").leads_to


def test_a_trusted_fact_waits_for_trust_and_the_fact_asked_about_is_the_one_held(
    coo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(coo)
    session.open()
    say(session, "What's at stake for you personally in all this?")
    assert session.last_turn.revealed == []  # not another fact in its place
    assert "noor_owns_churn" not in session.state.uncovered
    for line in (
        "What's top of mind for you this year?",
        "So new customers leave before they've really started. What does that cost you?",
        "How long does it take a new customer to run their first payroll?",
    ):
        say(session, line)
    assert session.state.trust >= coo.buyer.trust_to_share
    say(session, "And for you personally, what rides on turning this around?")
    assert session.state.uncovered[-1] == "noor_owns_churn"


def test_selling_earns_nothing_and_always_draws_an_objection(
    coo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(coo)
    session.open()
    say(session, "What's top of mind for you this year?")
    say(session, "Where do new customers get stuck during setup?")
    uncovered = list(session.state.uncovered)
    # Both facts `pitch_before_numbers` waits on are out: a premature pitch still objects.
    for pitch in (
        "Onramp gives you shared onboarding timelines and health scores out of the box.",
        "Our platform has automated playbooks that nudge stalled customers.",
        "Can we book a demo for next week?",
    ):
        patience = session.state.patience
        say(session, pitch)
        if session.ended:
            break
        assert session.last_turn.objections, pitch
        assert session.state.patience < patience
    assert session.state.uncovered == uncovered


def test_an_ordinary_question_gets_public_context_not_a_shrug(
    coo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(coo)
    session.open()
    say(session, "Who do you report to, and who runs sales?")
    context = {line.line for line in coo.context}
    assert session.last_turn.text in context


def test_a_vague_turn_gets_one_non_answer_a_call(
    coo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(coo)
    session.open()
    shrugs = 0
    for line in ("Hmm.", "Right.", "Okay.", "Sure."):
        say(session, line)
        shrugs += session.last_turn.text in coo.small_talk_lines
    assert session.state.non_answers == 1
    assert session.state.uncovered == []


@pytest.mark.parametrize("style", ["curious", "qualifier"])
def test_development_scripts_uncover_most_facts_and_pitch_scripts_none(
    shipped_scenarios: list[Scenario], make_session: SessionFactory, style: str
) -> None:
    found = total = 0
    for scenario in shipped_scenarios:
        good = play(make_session(scenario), read_script(DEV / f"{scenario.id}.{style}.txt"))
        found += len(set(good.uncovered))
        total += len(scenario.hidden_facts)
        assert len(set(good.uncovered)) >= len(scenario.hidden_facts) / 2, scenario.id
        pitch = play(make_session(scenario), read_script(DEV / f"{scenario.id}.pitch.txt"))
        assert pitch.uncovered == [] and pitch.objections, scenario.id
    assert found >= 0.8 * total

"""The scenarios and rep scripts the project ships are complete enough to practise and simulate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleplay.scenario import Scenario, load_scenario
from roleplay.topics import Topic

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SCRIPTS_DIR = SCENARIOS_DIR / "scripts"
SCENARIO_FILES = sorted(SCENARIOS_DIR.glob("*.yaml"))
GENERIC_SCRIPTS = ("generic-discovery.txt", "generic-pitch.txt")
FIGURE = re.compile(
    r"\$?\d[\d,.]*%?|\b(?:four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|"
    r"seventeen|eighteen|(?:twenty|thirty|forty|fifty|sixty)(?:-\w+)?)\b"
)
"""Numbers in digits or words, to compare what context says with what facts hold back (one to
three are left out: "two plants" or "three teams" say nothing a fact is there to earn)."""


def script_lines(path: Path) -> list[str]:
    """The rep turns of a script, one per line, as `roleplay simulate --rep-script` reads them."""
    return path.read_text(encoding="utf-8").splitlines()


def test_at_least_six_scenarios_ship() -> None:
    assert len(SCENARIO_FILES) >= 6


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_loads_and_its_id_is_its_file_name(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.id == path.stem


def test_scenario_ids_are_unique(shipped_scenarios: list[Scenario]) -> None:
    ids = [scenario.id for scenario in shipped_scenarios]
    assert len(ids) == len(set(ids)) == len(SCENARIO_FILES)


def test_scenarios_cover_every_difficulty(shipped_scenarios: list[Scenario]) -> None:
    assert {s.difficulty.value for s in shipped_scenarios} == {"intro", "standard", "hard"}


def test_each_scenario_has_enough_hidden_facts_and_objections(
    shipped_scenarios: list[Scenario],
) -> None:
    for scenario in shipped_scenarios:
        assert len(scenario.hidden_facts) >= 4, scenario.id
        assert len(scenario.objections) >= 2, scenario.id


def test_each_scenario_gives_the_director_enough_to_work_with(
    shipped_scenarios: list[Scenario],
) -> None:
    for scenario in shipped_scenarios:
        assert len(scenario.product.features) >= 5, scenario.id
        assert len(scenario.small_talk_lines) >= 4, scenario.id
        assert 10 <= scenario.ending.max_turns <= 14, scenario.id
        assert any(fact.trusted for fact in scenario.hidden_facts), scenario.id
        for fact in scenario.hidden_facts:
            assert len(fact.lines) >= 2, (scenario.id, fact.id)
            assert len(fact.earned_by) >= 4, (scenario.id, fact.id)
            assert fact.better_question, (scenario.id, fact.id)


def test_each_scenario_is_written_in_layers_with_topics_and_threads(
    shipped_scenarios: list[Scenario],
) -> None:
    """The headline problem is on the surface, every fact says what it answers, every
    hidden fact is on a thread from the surface, and the public layer answers situation
    questions."""
    for scenario in shipped_scenarios:
        facts = scenario.hidden_facts
        assert any(fact.depth == "surface" for fact in facts), scenario.id
        assert all(fact.layer is not None and not fact.needs_trust for fact in facts), scenario.id
        assert all(fact.topics for fact in facts), scenario.id
        reachable = {fact.id for fact in facts if fact.depth == "surface"}
        frontier = list(reachable)
        while frontier:
            for follow_up in scenario.fact(frontier.pop()).leads_to:
                if follow_up not in reachable:
                    reachable.add(follow_up)
                    frontier.append(follow_up)
        assert reachable == {fact.id for fact in facts}, scenario.id
        assert 5 <= len(scenario.context) <= 8, scenario.id
        assert any(Topic.SITUATION in line.topics for line in scenario.context), scenario.id


def test_context_lines_give_away_no_hidden_figure(shipped_scenarios: list[Scenario]) -> None:
    """Public context never says a number that a hidden fact is there to earn (numbers the
    briefing already tells the rep are public)."""
    for scenario in shipped_scenarios:
        public = scenario.briefing + scenario.buyer.company_size
        hidden_figures = {
            figure
            for fact in scenario.hidden_facts
            for line in (fact.summary, *fact.lines)
            for figure in FIGURE.findall(line.lower())
        } - set(FIGURE.findall(public.lower()))
        for context in scenario.context:
            said = set(FIGURE.findall(context.line.lower()))
            assert not said & hidden_figures, (scenario.id, context.line)


def test_opening_line_agrees_with_the_briefing(shipped_scenarios: list[Scenario]) -> None:
    """The buyer does not credit someone the briefing never mentions for the meeting."""
    for scenario in shipped_scenarios:
        briefing = scenario.briefing.lower()
        for who in ("plant manager", "trade show", "webinar", "colleague"):
            if who in scenario.opening_line.lower():
                assert who in briefing, (scenario.id, who)


def test_each_scenario_punishes_pitching_closing_and_price_or_phrase(
    shipped_scenarios: list[Scenario],
) -> None:
    for scenario in shipped_scenarios:
        triggers = [objection.trigger for objection in scenario.objections]
        assert any(t.when == "pitch" and t.while_hidden for t in triggers), scenario.id
        assert any(t.when == "close" for t in triggers), scenario.id
        assert any(t.when in ("price", "phrase") for t in triggers), scenario.id


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", ["discovery", "pitch"])
def test_each_scenario_has_a_usable_rep_script(path: Path, kind: str) -> None:
    script = SCRIPTS_DIR / f"{path.stem}.{kind}.txt"
    assert script.is_file(), f"missing {script}"
    lines = script_lines(script)
    assert 8 <= len(lines) <= 12, f"{script.name} has {len(lines)} turns"
    assert all(line.strip() for line in lines), f"{script.name} has a blank line"


@pytest.mark.parametrize("name", GENERIC_SCRIPTS)
def test_generic_scripts_exist_and_name_no_scenario(
    name: str, shipped_scenarios: list[Scenario]
) -> None:
    lines = script_lines(SCRIPTS_DIR / name)
    assert 8 <= len(lines) <= 12
    assert all(line.strip() for line in lines)
    text = " ".join(lines).lower()
    for scenario in shipped_scenarios:
        for name_used in (scenario.product.name, scenario.product.vendor, scenario.buyer.company):
            assert name_used.lower() not in text, (name, name_used)
        assert scenario.buyer.name.split()[0].lower() not in text, (name, scenario.buyer.name)


def test_discovery_scripts_paraphrase_rather_than_copy_the_triggers(
    shipped_scenarios: list[Scenario],
) -> None:
    for scenario in shipped_scenarios:
        turns = {
            line.strip().lower()
            for line in script_lines(SCRIPTS_DIR / f"{scenario.id}.discovery.txt")
        }
        for fact in scenario.hidden_facts:
            copied = turns & {example.strip().lower() for example in fact.earned_by}
            assert not copied, (scenario.id, fact.id, copied)


def play(scenario: Scenario, script: Path, default_rubric, scorer):  # type: ignore[no-untyped-def]
    """Play a rep script against the deterministic buyer; return the finished session."""
    from roleplay.buyer import load_backend
    from roleplay.session import PracticeSession

    buyer = load_backend("deterministic", scenario)
    session = PracticeSession(scenario, default_rubric, buyer, scorer, seed=1)
    session.open()
    for line in script_lines(script):
        if session.ended:
            break
        session.submit(line)
        for _ in session.reply():
            pass
    return session


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_discovery_script_succeeds_and_pitch_script_is_punished(
    path: Path,
    shipped_scenarios: list[Scenario],
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    scenario = next(s for s in shipped_scenarios if s.id == path.stem)

    discovery = play(scenario, SCRIPTS_DIR / f"{scenario.id}.discovery.txt", default_rubric, scorer)
    assert len(discovery.state.uncovered) >= scenario.ending.success_facts, discovery.state
    assert discovery.succeeded

    pitch = play(scenario, SCRIPTS_DIR / f"{scenario.id}.pitch.txt", default_rubric, scorer)
    assert len(pitch.state.uncovered) <= 1, pitch.state
    assert len(pitch.state.raised) >= 2, pitch.state
    assert not pitch.succeeded


def test_generic_discovery_earns_a_fair_share_of_facts(
    shipped_scenarios: list[Scenario],
    default_rubric,  # type: ignore[no-untyped-def]
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    """Broad questions earn less than tailored ones, but far more than nothing."""
    script = SCRIPTS_DIR / "generic-discovery.txt"
    discovered = sum(
        len(play(scenario, script, default_rubric, scorer).state.uncovered)
        for scenario in shipped_scenarios
    )
    total = sum(len(s.hidden_facts) for s in shipped_scenarios)
    assert discovered >= total // 3

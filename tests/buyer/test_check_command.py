"""An author's story: `roleplay check` plays built-in styles on a scenario and names what good
discovery cannot reach, before any rep meets it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.buyer.check import builtin_styles, check_scenario_play, is_non_answer
from roleplay.cli import main
from roleplay.scenario import Scenario, load_scenario


def out_of_reach(tmp_path: Path, test_data: Path) -> Path:
    """The valid starter with its trusted fact behind more trust than the call has turns."""
    text = (test_data / "valid_scenario.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("trust_to_share: 2 ", "trust_to_share: 10"),
        ("max_turns: 12", "max_turns: 10"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "out-of-reach.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_builtin_styles_exist_and_name_no_scenario(shipped_scenarios: list[Scenario]) -> None:
    styles = builtin_styles()
    assert {s.kind for s in styles} == {"discovery", "pitch"}
    assert sum(s.kind == "discovery" for s in styles) >= 3
    for style in styles:
        text = style.script.read_text(encoding="utf-8").lower()
        for scenario in shipped_scenarios:
            assert scenario.product.name.lower() not in text, style.name
            assert scenario.buyer.company.lower() not in text, style.name


def test_a_fact_no_style_can_earn_is_listed(
    tmp_path: Path,
    test_data: Path,
    default_rubric,
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    scenario = load_scenario(out_of_reach(tmp_path, test_data))
    report = check_scenario_play(scenario, default_rubric, scorer)
    assert "controller_leaving" in report.unearned
    assert any("'controller_leaving'" in warning for warning in report.warnings())
    for run in report.pitch_runs:
        assert not run.uncovered
        assert run.objections


def test_every_non_answer_is_a_discovery_turn_that_earned_nothing(
    shipped_scenarios: list[Scenario],
    default_rubric,
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    scenario = next(s for s in shipped_scenarios if s.id == "coo-saas-churn")
    report = check_scenario_play(scenario, default_rubric, scorer)
    discovery_lines = {
        line
        for style in builtin_styles()
        if style.kind == "discovery"
        for line in style.script.read_text(encoding="utf-8").splitlines()
    }
    fact_lines = {line for fact in scenario.hidden_facts for line in fact.lines}
    for answer in report.non_answers:
        assert is_non_answer(answer.buyer)
        assert answer.rep in discovery_lines
        assert answer.buyer not in fact_lines
    assert all(run.style.kind == "discovery" for run in report.runs if run.non_answers)


@pytest.mark.parametrize(
    ("reply", "non_answer"),
    [
        ("Go on.", True),
        ("Narrow it down for me.", True),
        ("Which plant do you mean, and which line on it?", True),
        ("We close in about twelve working days. Our operating partner wants five.", False),
    ],
)
def test_a_non_answer_is_a_few_words_or_only_a_question_back(reply: str, non_answer: bool) -> None:
    assert is_non_answer(reply) is non_answer


def test_the_command_reports_and_exits_one_when_there_is_something_to_fix(
    tmp_path: Path, test_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(out_of_reach(tmp_path, test_data))]) == 1
    out = capsys.readouterr().out
    assert "no discovery style earned 'controller_leaving'" in out
    for style in builtin_styles():
        assert f"\n{style.name} " in out

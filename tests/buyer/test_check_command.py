"""An author's story: `roleplay check` plays built-in styles on a scenario and names what good
discovery cannot reach, before any rep meets it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.rehearsal.check import Style, builtin_styles, check_scenario_play
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
    assert any("'controller_leaving'" in problem for problem in report.problems())
    for run in report.pitch_runs:
        assert not run.uncovered
        assert run.objections


def test_questions_past_what_the_buyer_knows_are_listed_as_non_answers(
    tmp_path: Path,
    test_data: Path,
    default_rubric,
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    """The starter buyer knows two facts and three context lines; a long call of sincere
    questions runs past them, and each turn that then gets nothing is listed with its reply."""
    scenario = load_scenario(test_data / "valid_scenario.yaml")
    script = tmp_path / "long.txt"
    script.write_text(
        "\n".join(
            [
                "What's at the top of your list this year?",
                "What's behind that, do you think?",
                "What is that costing the business?",
                "Who else is involved in fixing it?",
                "What have you tried so far?",
                "How do decisions like this get approved?",
                "What would success look like a year from now?",
                "What happens if nothing changes?",
                "What else should I understand about your world?",
                "Which part of this worries you most?",
            ]
        ),
        encoding="utf-8",
    )
    style = Style("long", "discovery", script)
    report = check_scenario_play(scenario, default_rubric, scorer, styles=[style])
    [run] = report.runs
    fact_lines = {line for fact in scenario.hidden_facts for line in fact.lines}
    asked = script.read_text(encoding="utf-8").splitlines()
    assert run.non_answers
    for answer in run.non_answers:
        assert answer.rep == asked[answer.turn - 1]
        assert answer.buyer not in fact_lines
    assert len(report.notes()) == len(run.non_answers)


def test_the_command_reports_and_exits_one_when_there_is_something_to_fix(
    tmp_path: Path,
    test_data: Path,
    capsys: pytest.CaptureFixture[str],
    fake_scorer_for_commands,  # type: ignore[no-untyped-def]
) -> None:
    assert main(["check", str(out_of_reach(tmp_path, test_data))]) == 1
    out = capsys.readouterr().out
    assert "no discovery style earned 'controller_leaving'" in out
    for style in builtin_styles():
        assert f"\n{style.name} " in out


INDUSTRY = Path(__file__).resolve().parents[1] / "data" / "industry"


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
    + sorted(INDUSTRY.glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_shipped_and_industry_scenarios_pass_the_check(
    path: Path,
    default_rubric,
    scorer,  # type: ignore[no-untyped-def]
) -> None:
    """Every fact is reached by some built-in discovery style, some style succeeds, and the
    pitching rep earns nothing and meets objections."""
    report = check_scenario_play(load_scenario(path), default_rubric, scorer)
    assert report.problems() == []

"""An author's path: write a scenario, validate it, see exactly what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roleplay.cli import main

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


def run_validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def problem_lines(err: str) -> list[re.Match[str]]:
    lines = [line for line in err.splitlines() if not re.match(r"^\d+ problem", line)]
    matches = [LOCATED.match(line) for line in lines]
    assert all(matches), f"unlocated output: {err!r}"
    return [m for m in matches if m]


@pytest.mark.parametrize(
    ("fixture", "line", "field", "phrase"),
    [
        ("malformed.yaml", 7, None, "invalid YAML"),
        ("tabs.yaml", 19, None, "tab character"),
        ("wrong_types.yaml", 29, "buyer.patience", "valid integer"),
        ("unknown_key.yaml", 24, "buyer.personalty", "did you mean 'personality'"),
        ("missing_field.yaml", 6, "opening_line", "missing required field"),
        ("duplicate_fact_ids.yaml", 54, "hidden_facts.1.id", "duplicate id"),
        ("duplicate_key.yaml", 9, "difficulty", "duplicate key"),
        (
            "unknown_fact_reference.yaml",
            69,
            "objections.0.trigger.while_hidden.0",
            "unknown hidden",
        ),
        ("bad_indent.yaml", 58, None, "line 56 above it starts in column 5"),
        ("empty.yaml", 1, None, "file is empty"),
        ("not_utf8.yaml", 19, None, "not UTF-8"),
        ("top_level_list.yaml", 1, None, "expected a mapping"),
        ("bad_model_card.yaml", 7, "api_key", "did you mean 'api_key_env'"),
        ("bad_model_card.yaml", 8, "read_timeout", "greater than 0"),
    ],
)
def test_each_bad_file_gets_a_located_one_line_message(
    capsys: pytest.CaptureFixture[str], fixture: str, line: int, field: str | None, phrase: str
) -> None:
    code, _, err = run_validate(capsys, str(BAD / fixture))
    assert code == 1
    assert "Traceback" not in err
    matches = problem_lines(err)
    hit = [m for m in matches if phrase in m["rest"]]
    assert hit, err
    assert hit[0]["file"].endswith(fixture)
    assert int(hit[0]["line"]) == line
    if field is not None:
        assert hit[0]["rest"].startswith(f"{field}: ")


def test_a_directory_without_scenarios_is_reported(
    capsys: pytest.CaptureFixture[str], test_data: Path
) -> None:
    code, _, err = run_validate(capsys, str(test_data / "empty_scenarios"))
    assert code == 1
    assert "holds no scenario files" in err


def test_duplicate_ids_across_files_are_reported(
    capsys: pytest.CaptureFixture[str], test_data: Path
) -> None:
    code, _, err = run_validate(capsys, str(test_data / "dup_across"))
    assert code == 1
    [match] = [m for m in problem_lines(err) if "duplicate scenario id" in m["rest"]]
    assert match["file"].endswith("second.yaml")
    assert "first.yaml" in match["rest"]


def test_a_missing_path_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_validate(capsys, str(tmp_path / "nope.yaml"))
    assert code == 1
    assert "no such file" in err


def test_a_ten_megabyte_file_is_refused_without_reading_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    big = tmp_path / "huge.yaml"
    big.write_text("# padding\n" * 1_000_000)
    code, _, err = run_validate(capsys, str(big))
    assert code == 1
    assert "limit is 1 MB" in err


def test_every_problem_of_every_file_is_reported_at_once(
    capsys: pytest.CaptureFixture[str], test_data: Path
) -> None:
    code, _, err = run_validate(capsys, str(BAD), str(test_data / "valid_scenario.yaml"))
    assert code == 1
    files = {m["file"] for m in problem_lines(err)}
    assert len(files) == len(list(BAD.iterdir()))
    assert not any("valid_scenario" in f for f in files)


def test_the_shipped_files_validate(capsys: pytest.CaptureFixture[str], project_root: Path) -> None:
    code, out, err = run_validate(
        capsys,
        str(project_root / "scenarios"),
        str(project_root / "rubrics"),
        str(project_root / "models"),
    )
    assert code == 0, err
    assert "valid" in out


def test_the_default_paths_include_the_model_cards(
    capsys: pytest.CaptureFixture[str], project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("ROLEPLAY_SCENARIOS", "ROLEPLAY_RUBRICS", "ROLEPLAY_MODELS"):
        monkeypatch.setenv(variable, str(project_root / variable.split("_")[1].lower()))
    code, out, err = run_validate(capsys)
    assert code == 0, err
    shipped = [project_root / folder for folder in ("scenarios", "rubrics", "models")]
    files = sum(len(list(folder.glob("*.yaml"))) for folder in shipped)
    assert out.strip() == f"{files} file(s) valid"


def test_model_cards_in_a_models_folder_are_checked_as_cards(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "local.yaml").write_text("name: local\nbackend: deterministic\n")
    (models / "renamed.yaml").write_text(
        "backend: openai\nname: other\nbase_url: http://localhost:8000/v1\nmodel: m\n"
    )
    code, _, err = run_validate(capsys, str(models))
    assert code == 1
    [match] = problem_lines(err)
    assert match["file"].endswith("renamed.yaml") and match["line"] == "2"
    assert match["rest"] == "name: name 'other' must match the file name"
    assert "1 problem(s) in 1 file(s); 2 file(s) checked" in err


def test_the_starter_scenario_validates_and_is_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(tmp_path))
    assert main(["new", "scenario", "cfo-retail-cash"]) == 0
    assert (tmp_path / "cfo-retail-cash.yaml").exists()
    capsys.readouterr()
    assert main(["validate", str(tmp_path)]) == 0
    assert main(["list"]) == 0
    out, _ = capsys.readouterr()
    assert "cfo-retail-cash" in out
    assert main(["new", "scenario", "cfo-retail-cash"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_a_bad_id_for_a_new_scenario_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "scenario", "Bad Id!"]) == 1
    assert "not a valid id" in capsys.readouterr().err


def test_a_file_with_five_mistakes_reports_all_five_in_one_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A tab does not hide the schema errors, and the schema errors do not hide the
    references, so an author fixes everything after one run."""
    code, _, err = run_validate(capsys, str(BAD / "five_mistakes.yaml"))
    assert code == 1
    found = {(int(m["line"]), m["rest"]) for m in problem_lines(err)}
    assert len(found) == 5, err
    expected = [
        (20, "tab character used for indentation"),
        (29, "buyer.patience: Input should be a valid integer"),
        (61, "did you mean 'needs_trust'?"),
        (69, "did you mean 'close_takes_twelve_days'?"),
        (87, "did you mean 'controller_leaving'?"),
    ]
    for line, phrase in expected:
        assert any(at == line and phrase in rest for at, rest in found), (line, phrase, err)


def test_a_bad_indent_gets_a_message_a_person_can_act_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run_validate(capsys, str(BAD / "bad_indent.yaml"))
    assert "<block end>" not in err
    assert "must start in the same column" in err


def scenario_with(tmp_path: Path, test_data: Path, replacements: dict[str, str]) -> Path:
    """A copy of the valid scenario with some pieces of text replaced."""
    text = (test_data / "valid_scenario.yaml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


LAST_FACT_ID = "  - id: controller_leaving"


def test_every_fact_reference_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, test_data: Path
) -> None:
    leads = {LAST_FACT_ID: "    leads_to: [controler_leaving]\n" + LAST_FACT_ID}
    _, _, err = run_validate(capsys, str(scenario_with(tmp_path, test_data, leads)))
    [match] = problem_lines(err)
    assert match["rest"].startswith("hidden_facts.0.leads_to.0: unknown hidden fact")
    assert "did you mean 'controller_leaving'?" in match["rest"]


def test_a_required_fact_behind_more_trust_than_the_call_has_turns_is_unreachable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, test_data: Path
) -> None:
    short_call = {
        "required_facts: [close_takes_twelve_days]": "required_facts: [controller_leaving]",
        "trust_to_share: 2 ": "trust_to_share: 10",
        "max_turns: 12": "max_turns: 5",
    }
    path = scenario_with(tmp_path, test_data, short_call)
    code, _, err = run_validate(capsys, str(path))
    assert code == 1
    [match] = problem_lines(err)
    assert match["rest"].startswith("ending.required_facts.0: 'controller_leaving' can never")
    assert "10 turns" in match["rest"] and "after 5 turns" in match["rest"]

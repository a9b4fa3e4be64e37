"""`roleplay new scenario`: a starter an author can open anywhere, check and try as written."""

from __future__ import annotations

import re
import shlex
import tempfile
from pathlib import Path

import pytest

from roleplay.cli import main, parse_args
from roleplay.commands.new import title_for
from roleplay.scenario import load_scenario

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("scenario_id", "title"),
    [
        ("cro-insurance-forecast", "CRO insurance forecast"),
        ("university-facilities_energy", "University facilities energy"),
        ("vp-ops-scrap", "VP ops scrap"),
    ],
)
def test_the_title_keeps_acronyms_in_capitals(scenario_id: str, title: str) -> None:
    assert title_for(scenario_id) == title


def written(tmp_path: Path, folder: Path, scenario_id: str = "cro-insurance-forecast") -> str:
    target = folder / f"{scenario_id}.yaml"
    assert main(["new", "scenario", scenario_id, "--output", str(target)]) == 0
    return target.read_text(encoding="utf-8")


def test_the_schema_comment_points_at_the_schema_from_outside_the_project(
    tmp_path: Path,
) -> None:
    text = written(tmp_path, tmp_path)
    schema = Path(re.search(r"\$schema=(\S+)", text)[1])  # type: ignore[index]
    assert schema.is_absolute() and schema.is_file()


def test_the_schema_comment_is_relative_inside_the_project(tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory(dir=PROJECT) as folder:  # like scenarios/, one level down
        text = written(tmp_path, Path(folder))
    reference = re.search(r"\$schema=(\S+)", text)[1]  # type: ignore[index]
    assert reference == "../schemas/scenario.schema.json"


def test_the_commands_in_the_comments_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = written(tmp_path, tmp_path)
    commands = [
        shlex.split(line.removeprefix("#").strip())
        for line in text.splitlines()
        if line.startswith("#   roleplay ")
    ]
    assert [words[1] for words in commands] == ["validate", "simulate"]
    validate = commands[0]
    assert main(validate[1:]) == 0
    simulate = parse_args(commands[1][1:])
    assert Path(simulate.rep_script).is_file()
    assert simulate.scenario == str(tmp_path / "cro-insurance-forecast.yaml")


def test_the_starter_is_in_the_layered_format(tmp_path: Path) -> None:
    written(tmp_path, tmp_path)
    scenario = load_scenario(tmp_path / "cro-insurance-forecast.yaml")
    assert scenario.title == "CRO insurance forecast"
    assert [f.depth for f in scenario.hidden_facts] == ["surface", "trusted"]
    assert all(f.topics for f in scenario.hidden_facts)
    assert scenario.context and not any(f.needs_trust for f in scenario.hidden_facts)

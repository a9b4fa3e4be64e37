"""Editors complete and check scenario files from the JSON Schema `roleplay schema` prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from roleplay.cli import main
from roleplay.commands.schema import SCHEMA_KINDS, json_schema


def schema_output(capsys: pytest.CaptureFixture[str], kind: str) -> dict[str, Any]:
    assert main(["schema", kind]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_the_scenario_schema_validates_every_shipped_scenario(
    capsys: pytest.CaptureFixture[str], project_root: Path
) -> None:
    schema = schema_output(capsys, "scenario")
    jsonschema.Draft202012Validator.check_schema(schema)
    files = sorted((project_root / "scenarios").glob("*.yaml"))
    assert files
    for file in files:
        jsonschema.validate(yaml.safe_load(file.read_text()), schema)


def test_the_scenario_schema_rejects_an_unknown_key(capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_output(capsys, "scenario")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x1", "surprise": True}, schema)


def test_the_rubric_schema_validates_the_default_rubric(
    capsys: pytest.CaptureFixture[str], project_root: Path
) -> None:
    schema = schema_output(capsys, "rubric")
    jsonschema.validate(yaml.safe_load((project_root / "rubrics/default.yaml").read_text()), schema)


def test_the_model_schema_validates_every_shipped_card(
    capsys: pytest.CaptureFixture[str], project_root: Path
) -> None:
    schema = schema_output(capsys, "model")
    jsonschema.Draft202012Validator.check_schema(schema)
    files = sorted((project_root / "models").glob("*.yaml"))
    assert files
    for file in files:
        jsonschema.validate(yaml.safe_load(file.read_text()), schema)
        first_line = file.read_text().splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=../schemas/model.schema.json"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "backend": "openai", "api_key": "sk-1"}, schema)


def test_every_field_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("scenario", "rubric", "transcript", "model"):
        schema = schema_output(capsys, kind)
        for name, definition in {"root": schema, **schema.get("$defs", {})}.items():
            for field, prop in definition.get("properties", {}).items():
                assert prop.get("description"), f"{kind}: {name}.{field} has no description"


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_the_committed_schema_files_are_current(project_root: Path, kind: str) -> None:
    committed = project_root / "schemas" / f"{kind}.schema.json"
    assert json.loads(committed.read_text()) == json_schema(kind), (
        f"run: roleplay schema {kind} -o schemas/{kind}.schema.json --force"
    )

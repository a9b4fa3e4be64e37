"""`write_bands` changes a rubric's band starts with ruamel.yaml's round trip: nothing else in
the file moves, comments and key order included."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from roleplay.errors import InvalidFileError
from roleplay.rubric import DIMENSIONS, load_rubric
from roleplay.scoring.fitting import write_bands
from roleplay.yamlio import edit_yaml

SHIPPED = Path(__file__).resolve().parents[2] / "rubrics" / "default.yaml"


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_only_the_band_starts_change_in_the_shipped_rubric(tmp_path: Path) -> None:
    rubric = tmp_path / "default.yaml"
    shutil.copy(SHIPPED, rubric)
    before = rubric.read_text()
    write_bands(rubric, {"listening": (0.25, 0.75), "context_seeking": (0.3, 0.65)})
    after = rubric.read_text()
    assert sorted(changed_lines(before, after)) == [
        "+        min_score: 0.25",
        "+        min_score: 0.65",
        "+        min_score: 0.75",
        "-        min_score: 0.3",
        "-        min_score: 0.7",
        "-        min_score: 0.7",
    ]
    assert after.startswith("# yaml-language-server: $schema=../schemas/rubric.schema.json\n")
    loaded = load_rubric(rubric)
    starts = {
        name: [band.min_score for band in loaded.dimension(name).bands] for name in DIMENSIONS
    }
    assert starts["listening"] == [0.0, 0.25, 0.75]
    assert starts["context_seeking"] == [0.0, 0.3, 0.65]


def test_the_same_starts_leave_the_file_byte_for_byte(tmp_path: Path) -> None:
    rubric = tmp_path / "default.yaml"
    shutil.copy(SHIPPED, rubric)
    write_bands(rubric, dict.fromkeys(DIMENSIONS, (0.3, 0.7)))
    assert rubric.read_text() == SHIPPED.read_text()


COMPACT = """\
# A rubric written in the compact style: list items not indented under their key.
id: compact
dimensions:
    listening:   # heard the buyer
        weight: 1.0
        bands:
        - {id: needs_work, min_score: 0.0}
        - id: developing
          min_score: 0.4   # fitted on 2025 data
        - id: strong
          label: 'Strong'
          min_score: 0.8
"""


def test_a_file_in_another_style_keeps_its_style(tmp_path: Path) -> None:
    rubric = tmp_path / "compact.yaml"
    rubric.write_text(COMPACT)
    write_bands(rubric, {"listening": (0.35, 0.7)})
    assert rubric.read_text() == COMPACT.replace("0.4   #", "0.35  #").replace(
        "min_score: 0.8", "min_score: 0.7"
    )


def test_a_dimension_without_the_bands_is_located(tmp_path: Path) -> None:
    rubric = tmp_path / "compact.yaml"
    rubric.write_text(COMPACT.replace("- id: strong", "- id: great"))
    with pytest.raises(InvalidFileError) as caught:
        write_bands(rubric, {"listening": (0.35, 0.7)})
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "dimensions.listening.bands")
    assert "`developing` and a `strong` band" in problem.message
    assert "0.4" in rubric.read_text()  # untouched


def test_a_file_that_is_not_yaml_is_located_and_left_alone(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ndimensions: [listening\n")
    with pytest.raises(InvalidFileError) as caught, edit_yaml(broken):
        pass
    (problem,) = caught.value.problems
    assert problem.file == str(broken) and problem.line >= 2
    assert broken.read_text() == "id: x\ndimensions: [listening\n"

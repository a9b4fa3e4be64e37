"""Scenario files written before facts had layers still load, and mean what they meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.scenario import load_scenario

OLD_FORMAT = Path(__file__).resolve().parents[1] / "data" / "old_format"
OLD_FILES = sorted(OLD_FORMAT.glob("*.yaml"))
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


def test_every_shipped_scenario_has_an_old_format_copy() -> None:
    assert {p.name for p in OLD_FILES} == {p.name for p in SHIPPED.glob("*.yaml")}


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.stem)
def test_old_format_file_loads_with_needs_trust_read_as_the_trusted_layer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "needs_trust:" in text and "layer:" not in text  # the fixture is truly old
    old = load_scenario(path)
    assert not old.context
    for fact in old.hidden_facts:
        assert fact.depth == ("trusted" if fact.needs_trust else "earned"), fact.id
        assert fact.earned_by, fact.id


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.stem)
def test_upgraded_scenario_keeps_the_old_facts_and_their_trust(path: Path) -> None:
    old = load_scenario(path)
    new = load_scenario(SHIPPED / path.name)
    assert [f.id for f in new.hidden_facts] == [f.id for f in old.hidden_facts]
    for before, after in zip(old.hidden_facts, new.hidden_facts, strict=True):
        assert after.lines == before.lines, after.id
        assert set(before.earned_by) <= set(after.earned_by), after.id  # examples only added
        assert after.trusted == before.trusted, after.id


def comment_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.stem)
def test_migrate_upgrades_a_copy_in_place_keeping_every_other_line(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    old_text = copy.read_text(encoding="utf-8")
    old = load_scenario(copy)

    assert main(["migrate", str(copy)]) == 0
    assert "upgraded" in capsys.readouterr().out

    new_text = copy.read_text(encoding="utf-8")
    new = load_scenario(copy)
    assert (tmp_path / f"{path.name}.bak").read_text(encoding="utf-8") == old_text
    removed = [line for line in old_text.splitlines() if line not in new_text.splitlines()]
    assert all(line.strip().startswith("needs_trust:") for line in removed), removed
    assert comment_lines(new_text) == comment_lines(old_text)
    assert "needs_trust" not in new_text
    for before, after in zip(old.hidden_facts, new.hidden_facts, strict=True):
        assert after.layer is not None and after.trusted == before.trusted, after.id
        assert after.topics, after.id
        assert after.lines == before.lines and after.earned_by == before.earned_by

    assert main(["migrate", str(copy)]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert copy.read_text(encoding="utf-8") == new_text


def test_migrate_says_what_it_left_for_the_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / OLD_FILES[0].name
    shutil.copy(OLD_FILES[0], copy)
    assert main(["migrate", "--dry-run", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "would change" in out
    assert "to do: no fact is on the surface" in out
    assert "to do: no public context" in out
    assert copy.read_text(encoding="utf-8") == OLD_FILES[0].read_text(encoding="utf-8")

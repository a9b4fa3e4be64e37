"""Scenario files written before facts had layers still load, and mean what they meant."""

from __future__ import annotations

from pathlib import Path

import pytest

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
        assert after.earned_by == before.earned_by, after.id
        assert after.trusted == before.trusted, after.id

"""An author's story: scenario ids mean the same scenario from any folder, and `roleplay list`
says where each one came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.errors import UsageError
from roleplay.scenario_lookup import find_scenario, find_scenarios

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def author_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean `$ROLEPLAY_HOME` and no `$ROLEPLAY_SCENARIOS`."""
    monkeypatch.delenv("ROLEPLAY_SCENARIOS", raising=False)
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`roleplay list` as {id: origin}."""
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    return {line.split()[0]: line.rsplit("[", 1)[1].rstrip("]") for line in out.splitlines()}


def test_a_parent_folders_own_scenarios_do_not_hide_the_shipped_ones(
    author_home: Path,
    tmp_path: Path,
    test_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    local = tmp_path / "project" / "scenarios"
    local.mkdir(parents=True)
    shutil.copy(test_data / "valid_scenario.yaml", local)
    monkeypatch.chdir(local.parent)
    shown = listed(capsys)
    assert set(shown) == {p.stem for p in SHIPPED.glob("*.yaml")}
    assert set(shown.values()) == {"shipped"}


@pytest.mark.parametrize("where", ["scenarios", "scenarios/scripts", "elsewhere"])
def test_an_id_resolves_the_same_from_any_folder(
    author_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    folder = SHIPPED.parent / where if where != "elsewhere" else tmp_path
    monkeypatch.chdir(folder)
    scenario = find_scenario("cfo-logistics-close")
    assert scenario.source_path == SHIPPED / "cfo-logistics-close.yaml"


def test_an_unknown_id_lists_the_known_ones_and_where_it_looked(author_home: Path) -> None:
    with pytest.raises(UsageError) as raised:
        find_scenario("cfo-logistic-close")
    assert "cfo-logistics-close" in raised.value.message
    assert str(SHIPPED) in raised.value.message


def test_the_authors_folder_is_listed_with_the_shipped_ones(
    tmp_path: Path,
    test_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(test_data / "valid_scenario.yaml", mine)
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(mine))
    monkeypatch.chdir(tmp_path)
    shown = listed(capsys)
    assert shown["valid-starter"] == "$ROLEPLAY_SCENARIOS"
    assert shown["cfo-logistics-close"] == "shipped"
    assert find_scenario("valid-starter").source_path == mine / "valid_scenario.yaml"


def test_an_authors_copy_of_a_shipped_scenario_replaces_it_and_says_so(
    author_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = author_home / "scenarios"
    mine.mkdir(parents=True)
    text = (SHIPPED / "coo-saas-churn.yaml").read_text(encoding="utf-8")
    (mine / "churn.yaml").write_text(text.replace("patience: 4", "patience: 2"), encoding="utf-8")
    found = find_scenarios()
    assert not found.problems
    assert found.replaced["coo-saas-churn"] == SHIPPED / "coo-saas-churn.yaml"
    assert find_scenario("coo-saas-churn").buyer.patience == 2
    shown = listed(capsys)
    assert shown["coo-saas-churn"] == "$ROLEPLAY_HOME/scenarios, replaces the shipped one"


def test_a_missing_folder_named_in_the_environment_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(tmp_path / "typo"))
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "cfo-logistics-close" in out
    assert "typo:1:1: no such folder ($ROLEPLAY_SCENARIOS)" in err


def test_a_new_scenario_goes_to_the_authors_folder_and_resolves_by_id(
    author_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "scenario", "cro-insurance-forecast"]) == 0
    written = author_home / "scenarios" / "cro-insurance-forecast.yaml"
    assert written.is_file()
    monkeypatch.chdir(SHIPPED)
    assert find_scenario("cro-insurance-forecast").source_path == written

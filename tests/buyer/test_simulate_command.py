"""`roleplay simulate` records who the rep is, so coach reports can tell reps apart."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.config import config_path
from roleplay.transcript import load_transcript


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the command's files and output, not score quality: the fake scorer."""
    return fake_scorer


@pytest.fixture
def simulate(
    scorer,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    project_root: Path,
):
    """Run `roleplay simulate` on two rep lines (the session's scorer); returns the rep."""
    from roleplay.scoring import TurnScorer

    monkeypatch.setattr(TurnScorer, "load", lambda rubric, embedder=None: scorer)
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(project_root / "scenarios"))
    script = tmp_path / "script.txt"
    script.write_text("How does your month-end close work today?\nWhat does that cost you?\n")

    def run(*options: str) -> str:
        output = tmp_path / "sim.json"
        line = [
            "simulate",
            "cfo-logistics-close",
            "--rep-script",
            str(script),
            "--quiet",
            "--force",
        ]
        assert main([*line, "--model", "deterministic", "--output", str(output), *options]) == 0
        return load_transcript(output).rep

    return run


def test_the_rep_is_named_by_the_option_then_the_config_then_the_login(
    simulate, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(getpass, "getuser", lambda: "jsmith")
    assert simulate() == "jsmith"
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("rep_name: Alex Kim\n")
    assert simulate() == "Alex Kim"
    assert simulate("--rep", "Sam Rivera") == "Sam Rivera"

"""Two attempts at the same scenario side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.coach.compare import compare
from roleplay.errors import UsageError
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript


def test_compare_shows_scores_metrics_and_facts(
    transcripts_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = transcripts_data / "priya-1.json", transcripts_data / "priya-2.json"
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    listening = next(line for line in lines if line.startswith("Listening (mean)"))
    # Overrides count (priya-1 listening 0.28 with the coach's, 0.26 by the machine alone),
    # out of 100 with the rubric's band, and the change.
    assert listening.split()[2:] == ["28", "Needs", "work", "67", "Developing", "+39"]
    machine = next(line for line in lines if line.startswith("Listening (machine"))
    assert machine.split()[-3:] == ["26", "67", "+41"]
    assert any(line.startswith("Overall (rubric-weighted)") for line in lines)
    assert "Metric" in out and "reference" in out
    assert "Facts uncovered: A 1, B 3 (of 4)" in out
    assert "only B: tried_erp_module, controller_leaving" in out
    assert "neither: audit_finding" in out


def test_compare_refuses_different_scenarios(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    a = load_transcript(transcripts_data / "priya-1.json")
    b = load_transcript(transcripts_data / "marcus-1.json")
    b.scenario_id = "cio-healthcare-integrations"
    with pytest.raises(UsageError, match="different scenarios"):
        compare(a, b, freight_scenario)


def test_compare_command_says_why_it_refuses(
    transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = load_transcript(transcripts_data / "marcus-1.json")
    other.scenario_id = "cio-healthcare-integrations"
    other.save(tmp_path / "other.json")
    assert (
        main(["compare", str(transcripts_data / "priya-1.json"), str(tmp_path / "other.json")]) == 1
    )
    err = capsys.readouterr().err
    assert "cannot compare attempts at different scenarios" in err
    assert "Traceback" not in err

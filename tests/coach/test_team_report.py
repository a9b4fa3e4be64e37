"""The team view over a folder: per rep and scenario, trends, most-missed facts, skipped files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.coach.branch import branch_transcript
from roleplay.coach.report import render
from roleplay.coach.team import build_team_report, load_folder
from roleplay.transcript import load_transcript


@pytest.fixture
def team_folder(tmp_path: Path, transcripts_data: Path) -> Path:
    folder = tmp_path / "team"
    nested = folder / "archive"
    nested.mkdir(parents=True)
    for name in ("priya-1.json", "priya-2.json", "marcus-1.json"):
        shutil.copy(transcripts_data / name, folder / name)
    for name in ("truncated.json", "not-a-transcript.json", "future-version.json"):
        shutil.copy(transcripts_data / "bad" / name, nested / name)
    (folder / "README.txt").write_text("not a transcript and not json: ignored")
    original = load_transcript(transcripts_data / "priya-1.json")
    branch_transcript(original, 5, source="priya-1.json").save(folder / "priya-1.branch.json")
    return folder


def test_team_view_groups_attempts_per_rep_and_scenario(team_folder: Path) -> None:
    loaded = load_folder(team_folder)
    report = build_team_report(team_folder, loaded)
    assert report.attempts == 3
    assert report.branches == 1
    assert report.reps == ["marcus", "priya"]
    priya = next(g for g in report.groups if g.rep == "priya")
    assert [a.transcript_id for a in priya.attempts] == ["a1priya01", "a2priya02"]
    assert priya.latest.transcript_id == "a2priya02"
    assert priya.best is not None and priya.best.transcript_id == "a2priya02"
    # Listening improved from the pitch-first attempt to the second one.
    change = priya.change("listening")
    assert change is not None and change > 0.3
    assert (priya.latest.uncovered, priya.latest.facts_total) == (3, 4)


def test_team_view_counts_missed_facts_most_common_first(team_folder: Path) -> None:
    report = build_team_report(team_folder, load_folder(team_folder))
    counts = {m.fact_id: m.missed for m in report.missed_facts}
    # Counted per attempt that missed it; the branch is not an attempt.
    assert counts == {
        "controller_leaving": 2,
        "tried_erp_module": 2,
        "audit_finding": 2,
        "close_twelve_days": 1,
    }
    assert report.missed_facts[-1].fact_id == "close_twelve_days"
    assert all(m.better_question for m in report.missed_facts)


def test_damaged_files_are_skipped_and_listed(
    team_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "team.md"
    (team_folder / "broken.json").write_text('{"schema_v\x07ersion": 1}')
    assert main(["report", str(team_folder), "--format", "md", "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "skipped 4 file(s)" in err
    for name in ("truncated.json", "not-a-transcript.json", "future-version.json"):
        assert name in err
    reason = (
        "broken.json:1:11: damaged or not a transcript: invalid control character '\\x07' "
        "inside a string (raw control characters must be escaped)"
    )
    assert reason in err
    text = out.read_text()
    assert reason.replace("\\", "\\\\") in text  # Markdown escapes the backslash
    assert "## Skipped files" in text
    assert "truncated.json" in text and "future-version.json" in text
    assert "README.txt" not in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_team_report_shows_each_rep_scenario_and_missed_fact(team_folder: Path, fmt: str) -> None:
    report = build_team_report(team_folder, load_folder(team_folder))
    text = render(report, fmt)  # type: ignore[arg-type]
    for needle in (
        "priya",
        "marcus",
        "cfo-freight-close",
        "What have you already tried to shorten the close",
        "Per rep: who needs help on what",
        "Per rep and scenario",
        "Trends by week",
        "Per scenario",
        "Most often missed facts",
    ):
        assert needle in text
    if fmt == "html":
        assert not re.search(r"https?://", text)

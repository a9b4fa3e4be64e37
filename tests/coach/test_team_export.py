"""A coach's command line: export, several paths, filters, scripted notes and overrides, and
files a team can share (umask, branch links that survive a move)."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.coach.branch import branch_transcript, origin_path
from roleplay.coach.team import Attempt, MissedFact, build_team_report, load_folder
from roleplay.transcript import load_transcript

NAMES = ("priya-1.json", "priya-2.json", "marcus-1.json")


def test_csv_export_has_one_row_per_attempt_from_several_paths(
    transcripts_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "team.csv"
    paths = [str(transcripts_data / n) for n in NAMES]
    assert main(["report", *paths, "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert sorted(r["transcript_id"] for r in rows) == ["a1priya01", "a2priya02", "b1marcus1"]
    priya = next(r for r in rows if r["transcript_id"] == "a1priya01")
    assert priya["rep"] == "priya" and priya["scenario"] == "cfo-freight-close"
    assert priya["overall"] == "32" and priya["band"] == "Developing"
    assert priya["overrides"] == "1" and priya["facts_found"] == "1"
    assert set(priya) >= {"listening", "context_seeking", "problem_focus", "date", "success"}


def test_json_export_filters_by_rep_and_date(transcripts_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "team.json"
    args = ["report", str(transcripts_data), "--format", "json", "--output", str(out)]
    assert main([*args, "--rep", "priya"]) == 0
    assert {r["rep"] for r in json.loads(out.read_text())} == {"priya"}
    first = load_transcript(transcripts_data / "priya-2.json").started_at.date()
    assert main([*args, "--rep", "priya", "--since", first.isoformat(), "--force"]) == 0
    assert [r["transcript_id"] for r in json.loads(out.read_text())] == ["a2priya02"]


def test_the_same_transcript_twice_counts_once(transcripts_data: Path, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(transcripts_data / "priya-1.json", tmp_path / folder / "p.json")
    report = build_team_report("x", load_folder(tmp_path))
    assert report.attempts == 1 and report.duplicates == 1


def test_missed_facts_rank_by_count_with_the_rate_beside() -> None:
    rare = MissedFact("s", "rare", "r", "q?", missed=1, attempts=1)
    common = MissedFact("s", "common", "c", "q?", missed=4, attempts=5)
    ranked = sorted([rare, common], key=lambda m: (-m.missed, -m.rate))
    assert ranked[0] is common and common.rate == pytest.approx(0.8)


def test_the_per_rep_table_puts_the_rep_who_needs_most_help_first(
    transcripts_data: Path,
) -> None:
    report = build_team_report("x", load_folder(transcripts_data))
    needs = [s.need() for s in report.reps_summary]
    assert needs == sorted(needs)
    assert all(isinstance(a, Attempt) for a in report.all_attempts())
    assert report.reps_summary[0].weakest is not None


def test_replay_adds_notes_and_overrides_from_the_command_line(
    copy_fixture, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("priya-2.json")
    before = load_transcript(path)
    rep_number = next(i for i, t in enumerate(before.turns, 1) if t.role == "rep")
    assert (
        main(
            [
                "replay",
                str(path),
                "--coach",
                "morgan",
                "--note",
                str(rep_number),
                "Good opener.",
                "--override",
                str(rep_number),
                "listening",
                "80",
                "--reason",
                "She reflected the buyer's words.",
            ]
        )
        == 0
    )
    turn = load_transcript(path).turns[rep_number - 1]
    assert [n.text for n in turn.notes if n.text] == ["Good opener."]
    override = next(n for n in turn.notes if n.override is not None)
    assert override.override is not None and override.override.listening == pytest.approx(0.8)
    assert override.author == "morgan" and override.reason == "She reflected the buyer's words."
    printed = capsys.readouterr().out
    assert "(reason: She reflected the buyer's words.)" in printed
    assert main(["replay", str(path), "--override", "1", "listening", "80"]) != 0


def test_override_reasons_read_as_a_reason_not_because(
    copy_fixture, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("priya-1.json")
    assert main(["replay", str(path), "--print"]) == 0
    out = capsys.readouterr().out
    assert "because" not in out and "(reason: " in out


def test_reports_respect_the_umask(transcripts_data: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "r.html"
        assert main(["report", str(transcripts_data / "priya-1.json"), "-o", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o644
        path = tmp_path / "t.json"
        load_transcript(transcripts_data / "priya-1.json").save(path)
        assert path.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_a_branch_links_to_its_original_after_the_folder_moves(
    transcripts_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    (folder / "branches").mkdir(parents=True)
    original_path = folder / "priya-1.json"
    shutil.copy(transcripts_data / "priya-1.json", original_path)
    original = load_transcript(original_path)
    branch_file = folder / "branches" / "b.json"
    branch = branch_transcript(original, 1, source=original_path, save_to=branch_file)
    branch.save(branch_file)
    assert branch.branch_of is not None
    assert branch.branch_of.transcript == "../priya-1.json"
    assert branch.branch_of.transcript_id == original.id
    moved = tmp_path / "elsewhere"
    folder.rename(moved)
    moved_branch = moved / "branches" / "b.json"
    found = origin_path(moved_branch, load_transcript(moved_branch))
    assert found is not None and load_transcript(found).id == original.id

"""`roleplay report DIR --per-transcript`: a folder of reports a coach can share as it is."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from roleplay.cli import main
from roleplay.transcript import load_transcript

GOOD = ("priya-1.json", "priya-2.json", "marcus-1.json")


@pytest.fixture
def team(tmp_path: Path, transcripts_data: Path) -> Path:
    folder = tmp_path / "team"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(transcripts_data / name, folder / name)
    shutil.copy(transcripts_data / "bad" / "truncated.json", folder / "truncated.json")
    return folder


def _links(index: Path) -> list[str]:
    """The links an index holds, in order."""
    text = index.read_text()
    if index.suffix == ".html":
        return [unquote(h) for h in re.findall(r'<a href="([^"]+)"', text)]
    return [unquote(h) for h in re.findall(r"\]\(([^)]+)\)", text)]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_one_report_per_attempt_and_an_index_with_relative_links(
    fmt: str, team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "shared"
    assert main(["report", str(team), "--per-transcript", "-o", str(out), "--format", fmt]) == 0
    printed = capsys.readouterr()
    assert f"wrote 3 report(s) from 3 transcript file(s) and {out / f'index.{fmt}'}" in printed.out
    assert "truncated.json:" in printed.err  # the damaged file is listed, with its reason
    index = out / f"index.{fmt}"
    links = _links(index)
    assert sorted(links) == sorted(
        f"{rep}/{tid}.{fmt}"
        for rep, tid in (("priya", "a1priya01"), ("priya", "a2priya02"), ("marcus", "b1marcus1"))
    )
    assert all(not link.startswith(("/", "file:")) and ".." not in link for link in links)
    # Moved elsewhere, the folder still works: every link leads to that attempt's report.
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(out, moved)
    for link in links:
        assert f"· transcript {Path(link).stem}" in (moved / link).read_text()
    text = index.read_text()
    assert "Reports, one per attempt" in text and "Per rep: who needs help on what" in text
    assert "truncated.json" in text  # skipped files are listed in the index too


def test_nothing_is_replaced_without_force(team: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared"
    argv = ["report", str(team), "--per-transcript", "-o", str(out)]
    assert main(argv) == 0
    kept = out / "priya" / "a1priya01.html"
    kept.write_text("the coach's edited copy")
    (out / "index.html").unlink()
    assert main(argv) == 1
    assert kept.read_text() == "the coach's edited copy"
    assert not (out / "index.html").exists()  # refused before writing anything
    assert main([*argv, "--force"]) == 0
    assert "Scores over the conversation" in kept.read_text()


def test_a_file_it_reads_is_never_written_even_with_force(
    transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "shared"
    # A transcript that sits exactly where its own report would go.
    trap = out / "priya" / "a1priya01.html"
    trap.parent.mkdir(parents=True)
    shutil.copy(transcripts_data / "priya-1.json", trap)
    before = trap.read_bytes()
    argv = ["report", str(trap), str(transcripts_data / "marcus-1.json"), "--per-transcript"]
    assert main([*argv, "-o", str(out), "--force"]) == 1
    assert "that is a file this command reads" in capsys.readouterr().err
    assert trap.read_bytes() == before
    assert not (out / "index.html").exists()


def test_names_from_the_transcript_cannot_leave_the_folder(
    transcripts_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    for number, (rep, tid) in enumerate([("../../evil", "../x"), ("index.html", "A/B"), ("", "")]):
        transcript = load_transcript(transcripts_data / "priya-1.json")
        transcript.rep, transcript.id = rep, tid or f"blank{number}"
        transcript.save(folder / f"{number}.json")
    out = tmp_path / "shared"
    assert main(["report", str(folder), "--per-transcript", "-o", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["evil/x.html", "index-html/A-B.html", "index.html", "unnamed/blank2.html"]
    assert not (tmp_path / "evil").exists()


def test_the_output_must_be_a_folder_and_the_format_a_page(team: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "report.html"
    a_file.write_text("mine")
    assert main(["report", str(team), "--per-transcript", "-o", str(a_file)]) == 1
    assert a_file.read_text() == "mine"
    out = tmp_path / "shared"
    assert main(["report", str(team), "--per-transcript", "-o", str(out), "--format", "csv"]) == 1
    assert not out.exists()

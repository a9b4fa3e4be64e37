"""The team view's quick read path tells the same story as the strict reader.

`read_transcript_quickly` validates a file's bytes with the strict model in one step and hands
anything doubtful to `load_transcript`; the team view reads many files in worker processes.
Neither may change a single figure or a single skipped file's reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from roleplay.coach.branch import branch_transcript
from roleplay.coach.report import render
from roleplay.coach.team import (
    MAX_WORKERS,
    PARALLEL_FROM,
    TranscriptFiles,
    build_team_report,
    load_folder,
    worker_count,
)
from roleplay.errors import TranscriptError
from roleplay.transcript import Transcript, load_transcript, read_transcript_quickly

DATA = Path(__file__).resolve().parents[1] / "data"


def _outcome(read: object, path: Path) -> Transcript | str:
    """What a reader makes of a file: the transcript, or its error message."""
    try:
        return read(path)  # type: ignore[operator, no-any-return]
    except TranscriptError as exc:
        return exc.message


def _variants(good: Path, tmp_path: Path) -> list[Path]:
    """Damaged and unusual copies of a good transcript, one per way a file goes wrong."""
    text = good.read_text()
    data = json.loads(text)
    made: dict[str, str] = {
        "bom.json": "\ufeff" + text,
        "version-float.json": text.replace('"schema_version": 1', '"schema_version": 1.0', 1),
        "turns-missing.json": json.dumps({k: v for k, v in data.items() if k != "turns"}),
        "version-2.json": text.replace('"schema_version": 1', '"schema_version": 2', 1),
        "unknown-key.json": json.dumps({**data, "colour": "blue"}),
        "score-as-string.json": text.replace('"listening": 0.', '"listening": "0.', 1).replace(
            ',\n          "context_seeking"', '",\n          "context_seeking"', 1
        ),
        "nan.json": text.replace('"listening": 0.', '"listening": NaN, "x": 0.', 1),
        "deep.json": '{"schema_version": 1, "turns": ' + "[" * 500 + "]" * 500 + "}",
        "not-utf8.json": "",
        "empty.json": "",
        "list.json": "[]",
        "duplicate-key.json": text.replace("{", '{"rep": "first",', 1),
    }
    folder = tmp_path / "variants"
    folder.mkdir()
    paths = []
    for name, content in made.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    (folder / "not-utf8.json").write_bytes(text.encode("utf-8").replace(b"priya", b"pr\xffya", 1))
    return paths


def test_the_quick_reader_agrees_with_the_strict_one_on_every_file(tmp_path: Path) -> None:
    files = sorted(DATA.rglob("*.json")) + _variants(
        DATA / "transcripts" / "priya-1.json", tmp_path
    )
    accepted = refused = 0
    for path in files:
        quick, strict = _outcome(read_transcript_quickly, path), _outcome(load_transcript, path)
        assert quick == strict, path
        if isinstance(strict, str):
            refused += 1
        else:
            accepted += 1
    # The check saw both kinds: good files read the same, damaged ones have the same reason.
    assert accepted >= 6 and refused >= 15


def test_a_good_file_never_needs_the_strict_reader(
    transcripts_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roleplay.transcript as transcript_module

    def refuse(path: Path) -> Transcript:
        raise AssertionError(f"{path} fell back to the strict reader")

    monkeypatch.setattr(transcript_module, "load_transcript", refuse)
    for name in ("priya-1.json", "priya-2.json", "marcus-1.json", "v1-priya-pitch-first.json"):
        assert read_transcript_quickly(transcripts_data / name).turns


@pytest.fixture
def team_folder(tmp_path: Path, transcripts_data: Path) -> Path:
    """Good attempts, a branch, a duplicate, and every damaged fixture."""
    folder = tmp_path / "team"
    (folder / "bad").mkdir(parents=True)
    for name in ("priya-1.json", "priya-2.json", "marcus-1.json", "v1-priya-pitch-first.json"):
        shutil.copy(transcripts_data / name, folder / name)
    shutil.copy(transcripts_data / "priya-2.json", folder / "bad" / "priya-2-again.json")
    for bad in [*(transcripts_data / "bad").glob("*.json"), *(DATA / "bad").glob("*.json")]:
        shutil.copy(bad, folder / "bad" / bad.name)
    original = load_transcript(transcripts_data / "priya-1.json")
    branch_transcript(original, 5, source="priya-1.json").save(folder / "priya-1.branch.json")
    return folder


def _rendered(files: TranscriptFiles, label: str) -> dict[str, str]:
    report = build_team_report(label, files)
    out = {fmt: render(report, fmt) for fmt in ("html", "md", "csv", "json")}
    out["skipped"] = "\n".join(s.reason for s in report.skipped)
    return out


def test_the_team_report_is_the_same_through_every_read_path(team_folder: Path) -> None:
    strict = load_folder(team_folder)
    strict.reader, strict.workers = load_transcript, 0
    expected = _rendered(strict, "team")
    # Four attempts, the duplicate, the branch, and one whose damage only its scenario shows.
    assert strict.read == 7
    assert len(strict.skipped) >= 10
    for workers in (0, 2):
        quick = load_folder(team_folder)
        quick.workers = workers
        assert _rendered(quick, "team") == expected, f"{workers} workers"
        assert (quick.read, len(quick.skipped)) == (strict.read, len(strict.skipped))


def test_many_files_are_read_by_one_worker_per_core_and_few_here() -> None:
    assert worker_count(PARALLEL_FROM - 1) == 0
    many = worker_count(PARALLEL_FROM)
    assert many == 0 or 2 <= many <= MAX_WORKERS

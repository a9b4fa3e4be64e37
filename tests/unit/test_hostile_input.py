"""A careless or hostile user: nothing they made is destroyed, and no file hangs or crashes
roleplay. Each bad file gets a located message and a non-zero exit, and is left as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.cli import main
from roleplay.errors import InvalidFileError, TranscriptError, UsageError
from roleplay.files import check_output, read_text, write_atomic
from roleplay.transcript import load_transcript

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"
GOOD_TRANSCRIPT = DATA / "transcripts" / "marcus-1.json"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")

HOSTILE = sorted(p.name for p in BAD.iterdir())


def digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the sha256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`roleplay ARGV` in its own process; the timeout only keeps a hang from stalling CI."""
    return subprocess.run(
        [sys.executable, "-m", "roleplay.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )


# --- every hostile file: located, non-zero, untouched ------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_file_gets_a_located_error_and_stays_as_it_was(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(BAD)
    code, _, err = run(capsys, "validate", str(BAD / name))
    assert code == 1
    problems = [line for line in err.splitlines() if not re.match(r"^\d+ problem", line)]
    assert problems
    for line in problems:
        match = LOCATED.match(line)
        assert match, line
        assert match["file"] == str(BAD / name)
    assert "Traceback" not in err
    assert digest(BAD) == before


def test_validate_lists_every_hostile_file_in_the_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "validate", str(BAD))
    assert code == 1
    named = {Path(m["file"]).name for line in err.splitlines() if (m := LOCATED.match(line))}
    assert named == set(HOSTILE)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("alias_bomb.yaml", "alias bomb"),
        ("recursive_alias.yaml", "refers to the list or mapping that contains it"),
        ("deep_nesting.yaml", "nested more than 50 levels"),
        ("transcript_deep_nesting.json", "nested more than 32 levels"),
        ("turns_deep_nesting.jsonl", "nested more than 32 levels"),
        ("transcript_version_true.json", "schema_version must be a whole number, got true"),
        ("transcript_unknown_fact.json", "'invented_fact', which is not a hidden fact"),
        ("transcript_fact_twice_in_a_turn.json", "revealed twice in one turn"),
        ("transcript_fact_revealed_again.json", "reveals fact 'audit_finding' again"),
        ("transcript_override_without_reason.json", "an override needs a reason"),
        ("transcript_turn_too_long.json", "at most 2000 characters"),
        ("script_turn_too_long.txt", "the limit is 2,000"),
        ("turns_too_long.jsonl", "the limit is 2,000"),
        ("model_unknown_backend.yaml", "unknown backend 'llamafile' (known:"),
        ("model_openai_without_base_url.yaml", "needs 'base_url'"),
        ("model_file_url.yaml", "must be an http:// or https:// URL"),
        ("model_missing_gguf.yaml", "weights file is missing"),
    ],
)
def test_the_message_says_what_is_wrong(
    name: str, phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = run(capsys, "validate", str(BAD / name))
    assert phrase in err


def test_a_hostile_scenario_in_the_scenarios_folder_does_not_stall_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(DATA / "valid_scenario.yaml", folder / "good.yaml")
    for name in ("alias_bomb.yaml", "deep_nesting.yaml", "recursive_alias.yaml"):
        shutil.copy(BAD / name, folder / name)
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(folder))
    code, out, err = run(capsys, "list")
    assert code == 0
    assert any(line.startswith("valid-starter ") for line in out.splitlines())
    assert "alias bomb" in err and "nested more than" in err and "contains it" in err


# --- outputs: never an input, never an existing file without --force ---------------------


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "t.json"
    shutil.copy(GOOD_TRANSCRIPT, path)
    return path


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_report_never_writes_over_its_own_input(
    transcript: Path, force: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = transcript.read_bytes()
    code, _, err = run(capsys, "report", str(transcript), "-o", str(transcript), *force)
    assert code == 1
    assert "a file this command reads" in err
    assert transcript.read_bytes() == before


def test_report_into_its_folder_never_replaces_a_transcript_there(
    transcript: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = transcript.read_bytes()
    code, _, err = run(capsys, "report", str(transcript.parent), "-o", str(transcript), "--force")
    assert code == 1 and "a file this command reads" in err
    assert transcript.read_bytes() == before


def test_report_replaces_an_existing_report_only_with_force(
    transcript: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "old-report.md"
    out.write_text("my notes\n")
    code, _, err = run(capsys, "report", str(transcript), "--format", "md", "-o", str(out))
    assert code == 1
    assert "already exists" in err and "--force" in err
    assert out.read_text() == "my notes\n"
    assert main(["report", str(transcript), "--format", "md", "-o", str(out), "--force"]) == 0
    assert out.read_text().startswith("# ")


@pytest.mark.parametrize("target", ["scenario", "script", "transcript"])
def test_simulate_never_overwrites_a_scenario_a_script_or_an_old_transcript(
    target: str,
    tmp_path: Path,
    transcript: Path,
    project_root: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    scenario = tmp_path / "s.yaml"
    shutil.copy(project_root / "scenarios" / "cfo-logistics-close.yaml", scenario)
    script = tmp_path / "script.txt"
    script.write_text("How does your month-end close work today?\n")
    output = {"scenario": scenario, "script": script, "transcript": transcript}[target]
    before = digest(tmp_path)
    argv = ["simulate", str(scenario), "--rep-script", str(script), "--model", "deterministic"]
    code, _, err = run(capsys, *argv, "--output", str(output))
    assert code == 1
    assert "--force" in err or "reads" in err
    if target != "transcript":
        code, _, err = run(capsys, *argv, "--output", str(output), "--force")
        assert code == 1 and "a file this command reads" in err
    assert digest(tmp_path) == before


def test_branch_and_schema_refuse_an_existing_file(
    transcript: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    other.write_text("{}\n")
    argv = ["branch", str(transcript), "--turn", "2", "--line", "Why now?", "-o", str(other)]
    argv += ["--scenario", str(DATA / "transcripts" / "scenarios")]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "already exists" in err
    code, _, err = run(capsys, "schema", "scenario", "-o", str(other))
    assert code == 1 and "already exists" in err
    assert other.read_text() == "{}\n"
    assert main(["schema", "scenario", "-o", str(other), "--force"]) == 0
    assert json.loads(other.read_text())["title"] == "Scenario"


def test_check_output_refuses_inputs_folders_and_broken_links(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(source)
    with pytest.raises(UsageError, match="reads"):
        check_output(link, force=True, reads=[source])
    with pytest.raises(UsageError, match="folder"):
        check_output(tmp_path, force=True)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "gone.json")
    with pytest.raises(UsageError, match="broken symlink"):
        check_output(dangling, force=True)
    assert check_output(tmp_path / "new.json") == tmp_path / "new.json"


# --- saving in place keeps links, permissions and no litter -----------------------------


def test_saving_through_a_symlink_updates_its_target_and_keeps_the_mode(
    transcript: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = transcript
    shared.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(shared.name)
    loaded = load_transcript(link)
    loaded.rep = "Renamed Rep"
    loaded.save(link)
    assert link.is_symlink()
    assert load_transcript(shared).rep == "Renamed Rep"
    assert oct(shared.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "t.json"]


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.md", "hello\n")
    finally:
        os.umask(old)
    assert oct((tmp_path / "new.md").stat().st_mode & 0o777) == oct(0o640)


def test_temporaries_of_a_killed_write_are_cleaned_up(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".t.json.{dead.stdout.strip()}.0badf00d.tmp"
    stale.write_text("half a transcr")
    live = tmp_path / f".t.json.{os.getppid()}.0badf00d.tmp"
    live.write_text("another process is writing")
    write_atomic(tmp_path / "t.json", "{}\n")
    assert not stale.exists()
    assert live.exists()


@pytest.mark.models  # the simulate it kills loads the real scorer
@pytest.mark.functional
def test_a_killed_simulate_leaves_no_temporary_file(tmp_path: Path) -> None:
    import signal
    import time

    script = tmp_path / "script.txt"
    script.write_text("How does your month-end close work today?\n" * 30)
    output = tmp_path / "out.json"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "roleplay.cli", "simulate", "cfo-logistics-close"),
            *("--rep-script", str(script), "--model", "deterministic", "--output", str(output)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    deadline = time.monotonic() + 60
    while not output.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# --- unreadable files: clear errors, never a block ---------------------------------------


@pytest.mark.functional
def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    for name in ("s.yaml", "t.json", "turns.jsonl"):
        os.mkfifo(tmp_path / name)
    result = run_process("validate", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.count("not a regular file") == 3, result.stderr
    result = run_process("report", str(tmp_path / "t.json"), "-o", str(tmp_path / "r.html"))
    assert result.returncode == 1 and "not a regular file" in result.stderr
    result = run_process("score-turns", str(tmp_path / "turns.jsonl"))
    assert result.returncode == 1 and "not a regular file" in result.stderr


@pytest.mark.parametrize(
    ("error", "phrase"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
        (OSError(errno.EIO, "Input/output error"), "could not read: Input/output error"),
    ],
)
def test_an_unreadable_file_gets_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: OSError,
    phrase: str,
) -> None:
    scenario = tmp_path / "s.yaml"
    shutil.copy(DATA / "valid_scenario.yaml", scenario)
    transcript = tmp_path / "t.json"
    shutil.copy(GOOD_TRANSCRIPT, transcript)
    real_open = os.open

    def failing_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path).parent == tmp_path:
            raise error
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", failing_open)
    code, _, err = run(capsys, "validate", str(scenario))
    assert code == 1 and f"{scenario}:1:1: {phrase}" in err
    with pytest.raises(TranscriptError, match=phrase):
        load_transcript(transcript)


def test_a_symlink_loop_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    with pytest.raises(InvalidFileError, match="symlink loop"):
        read_text(tmp_path / "a.yaml")


def test_a_report_folder_lists_broken_links_as_skipped(
    transcript: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gone.json").symlink_to(tmp_path / "deleted.json")
    code, _, err = run(capsys, "report", str(tmp_path), "--format", "md", "-o", str(tmp_path / "r"))
    assert code == 0
    assert "skipped 1 file" in err and "gone.json" in err and "broken symlink" in err


def test_a_transcript_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_TRANSCRIPT.read_bytes())
    assert load_transcript(path) == load_transcript(GOOD_TRANSCRIPT)


# --- huge turns are refused before the scorer sees them ----------------------------------


def test_a_five_megabyte_turn_is_refused_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "Tell me more about that. " * 200_000
    turns = tmp_path / "turns.jsonl"
    turns.write_text(json.dumps({"id": "t1", "turn": huge}) + "\n")
    code, out, err = run(capsys, "score-turns", str(turns))
    assert code == 1 and out == ""
    assert f"{turns}:1:1: turn: 5,000,000 characters; the limit is 2,000" in err
    data = json.loads(GOOD_TRANSCRIPT.read_text())
    data["turns"][1]["text"] = huge
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps(data))
    with pytest.raises(TranscriptError, match="at most 2000 characters"):
        load_transcript(transcript)
    script = tmp_path / "script.txt"
    script.write_text(huge[:5000] + "\n")
    code, _, err = run(
        capsys, "simulate", "cfo-logistics-close", "--rep-script", str(script), "-o", "x.json"
    )
    assert code == 1 and f"{script}:1:1: turn is 4,999 characters; the limit is 2,000" in err


# --- reports show what users typed, never run it ------------------------------------------


def test_markdown_reports_escape_raw_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(GOOD_TRANSCRIPT.read_text())
    data["rep"] = "<img src=x onerror=alert(1)>"
    data["turns"][1]["text"] = "<script>alert('turn')</script> and [link](javascript:alert(2))"
    data["turns"][1]["notes"] = [{"author": "<b>coach</b>", "text": "<script>n</script>"}]
    source = tmp_path / "t.json"
    source.write_text(json.dumps(data))
    out = tmp_path / "r.md"
    assert main(["report", str(source), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text()
    assert "<" not in text
    assert "&lt;script>alert('turn')&lt;/script>" in text
    assert "&lt;img src=x onerror=alert(1)>" in text
    assert "](javascript:" not in text.replace("\\[link](", "")


# --- secrets stay out of messages ---------------------------------------------------------


def test_server_errors_and_urls_never_show_the_api_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roleplay.buyer.cards import load_card
    from roleplay.buyer.openai_backend import OpenAIBackend

    card_path = tmp_path / "proxy.yaml"
    card_path.write_text(
        "name: proxy\nbackend: openai\nbase_url: https://alice:hunter2@proxy.example/v1\n"
        "model: buyer\napi_key_env: BUYER_KEY\n"
    )
    monkeypatch.setenv("BUYER_KEY", "my-very-secret-key")
    backend = OpenAIBackend(load_card(card_path))
    echoed = json.dumps(
        {
            "error": {
                "message": "bad gateway; headers: Authorization: Bearer my-very-secret-key, "
                "x-api-key=sk-abcdef1234567890 from https://alice:hunter2@proxy.example"
            }
        }
    )
    for status in (401, 404, 500, 502):
        message = backend._http_error(status, echoed).message
        assert "my-very-secret-key" not in message
        assert "sk-abcdef1234567890" not in message
        assert "hunter2" not in message
    message = backend._down(ConnectionError()).message
    assert "hunter2" not in message and "***@proxy.example" in message
    assert str(card_path) in message  # the card's real path, not models/NAME.yaml


def test_facts_a_changed_scenario_no_longer_has_are_listed_but_not_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((BAD / "transcript_unknown_fact.json").read_text())
    data["scenario_hash"] = "sha256:0000000000000000"  # practised on an older version
    source = tmp_path / "t.json"
    source.write_text(json.dumps(data))
    out = tmp_path / "r.md"
    assert main(["report", str(source), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text()
    assert "Hidden facts uncovered: **1 of 6**" in text
    assert "(not in the scenario file) invented_fact" in text

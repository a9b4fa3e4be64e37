"""Hostile input: how long roleplay takes to refuse each bad file (target: under 2 s each).

Every file in `tests/data/bad` through `roleplay validate`, plus generated large ones: a 5 MB
turn for `score-turns`, a 19 MB turn in a transcript, JSON a million levels deep and YAML
300,000 levels deep. Each must exit 1; the figure is the wall time of the command in-process.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

from roleplay.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"


def _refusal_seconds(*argv: str) -> float:
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    elapsed = time.perf_counter() - started
    if code != 1:
        raise RuntimeError(f"roleplay {' '.join(argv)} exited {code}, expected 1")
    return elapsed


def run() -> dict[str, float | str]:
    _refusal_seconds("validate", str(BAD / "empty.yaml"))  # imports, once
    per_file = {p.name: _refusal_seconds("validate", str(p)) for p in sorted(BAD.iterdir())}
    slowest = max(per_file, key=per_file.__getitem__)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        turns = folder / "turns.jsonl"
        turns.write_text(json.dumps({"id": "t1", "turn": "Tell me more. " * 360_000}) + "\n")
        transcript = json.loads((ROOT / "tests/data/transcripts/marcus-1.json").read_text())
        transcript["turns"][1]["text"] = "x" * 19_000_000
        (folder / "big.json").write_text(json.dumps(transcript))
        (folder / "deep.json").write_text('{"turns": ' + "[" * 10**6 + "]" * 10**6 + "}")
        (folder / "deep.yaml").write_text("a: " + "[" * 300_000 + "]" * 300_000 + "\n")
        out = str(folder / "r.html")
        return {
            "bad files refused (tests/data/bad)": f"{len(per_file)}",
            "slowest bad file, seconds": per_file[slowest],
            "slowest bad file": slowest,
            "5 MB turn, score-turns, seconds": _refusal_seconds("score-turns", str(turns)),
            "19 MB turn in a transcript, report, seconds": _refusal_seconds(
                "report", str(folder / "big.json"), "-o", out
            ),
            "JSON 1,000,000 levels deep, report, seconds": _refusal_seconds(
                "report", str(folder / "deep.json"), "-o", out
            ),
            "YAML 300,000 levels deep, validate, seconds": _refusal_seconds(
                "validate", str(folder / "deep.yaml")
            ),
        }

"""Report generation: one transcript to HTML and Markdown, the team view over a folder
of 1,000 generated transcripts (21 turns each, 25 reps, one scenario), and `roleplay report`
over 10,000 of them with its peak memory (target: 3 s and 300 MB)."""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from roleplay.coach.lookup import find_scenario
from roleplay.coach.report import build_report, render
from roleplay.coach.team import build_team_report, load_folder
from roleplay.transcript import Scores, load_transcript

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "transcripts"
SCENARIOS = FIXTURES / "scenarios"
TEAM_SIZE = 1000
LARGE_TEAM_SIZE = 10_000


def generate(folder: Path, count: int = TEAM_SIZE, seed: int = 11) -> None:
    """Write `count` transcripts built from the fixtures, with varied reps, times and scores."""
    rng = random.Random(seed)
    templates = [load_transcript(FIXTURES / n) for n in ("priya-1.json", "priya-2.json")]
    reps = [f"rep{n:02d}" for n in range(25)]
    for i in range(count):
        template = templates[i % 2]
        transcript = template.model_copy(deep=True)
        body = transcript.turns[1:]
        while len(transcript.turns) < 21:
            transcript.turns += [t.model_copy(deep=True) for t in body]
        transcript.turns = transcript.turns[:21]
        transcript.id = f"gen{i:05d}"
        transcript.rep = reps[i % len(reps)]
        transcript.started_at = template.started_at + timedelta(hours=i)
        for turn in transcript.turns:
            if turn.score is not None:
                jitter = {
                    d: min(1.0, max(0.0, getattr(turn.score.scores, d) + rng.uniform(-0.2, 0.2)))
                    for d in ("listening", "context_seeking", "problem_focus")
                }
                turn.score.scores = Scores(**jitter)
            if turn.revealed and rng.random() < 0.4:
                turn.revealed = []
        transcript.save(folder / f"{transcript.rep}" / f"{transcript.id}.json")


def _time(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """The median wall time of `action` over `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> dict[str, float | str]:
    figures: dict[str, float | str] = {}
    transcript = load_transcript(FIXTURES / "priya-2.json")
    scenario = find_scenario(transcript.scenario_id, [SCENARIOS])
    for fmt in ("html", "md"):
        figures[f"single_report_{fmt}_ms"] = 1000 * _time(
            lambda fmt=fmt: render(build_report(transcript, scenario), fmt),  # type: ignore[misc]
            repeat=20,
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "team"
        generate(folder)
        figures["team_transcripts"] = float(TEAM_SIZE)

        def team(fmt: str) -> None:
            loaded = load_folder(folder)
            report = build_team_report(
                folder, loaded, find=lambda sid: find_scenario(sid, [SCENARIOS])
            )
            render(report, fmt)  # type: ignore[arg-type]

        figures["team_report_1000_html_s"] = _time(lambda: team("html"), repeat=3)
        figures["team_report_1000_md_s"] = _time(lambda: team("md"), repeat=3)
        started = time.perf_counter()
        _cli_report(folder, Path(tmp) / "team.html")
        figures["team_report_1000_cli_html_s"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak_mb = large_team_report(Path(tmp))
        figures["team_report_10000_cli_html_s"] = seconds
        figures["team_report_10000_cli_peak_mb"] = peak_mb
    figures["note"] = "wall times on a shared CPU; noisy"
    return figures


def _cli_report(folder: Path, output: Path) -> None:
    """Run `roleplay report FOLDER -o OUTPUT` in a fresh process, as a coach would."""
    env = dict(os.environ, ROLEPLAY_SCENARIOS=str(SCENARIOS))
    command = [sys.executable, "-m", "roleplay.cli", "report", str(folder), "-o", str(output)]
    subprocess.run(command, check=True, env=env, capture_output=True)


def large_team_report(tmp: Path, count: int = LARGE_TEAM_SIZE) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of `roleplay report` over `count` transcripts."""
    folder = tmp / "team"
    generate(folder, count)
    started = time.perf_counter()
    _cli_report(folder, tmp / "team.html")
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak = large_team_report(Path(tmp))
        print(f"team report over {LARGE_TEAM_SIZE} transcripts: {seconds:.2f} s, {peak:.0f} MB")

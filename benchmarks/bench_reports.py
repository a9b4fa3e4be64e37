"""Report generation: one transcript to HTML and Markdown, the team view over a folder
of 1,000 generated transcripts (21 turns each, 25 reps, one scenario), and `roleplay report`
over 10,000 of them with its CPU time and peak memory (target: 3 s and 300 MB).

Run the large one alone with `PYTHONPATH=src:. python -m benchmarks.bench_reports`."""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
        revealed: set[str] = set()  # a fact is revealed once per call, or the file is damaged
        for turn in transcript.turns:
            if turn.score is not None:
                jitter = {
                    d: min(1.0, max(0.0, getattr(turn.score.scores, d) + rng.uniform(-0.2, 0.2)))
                    for d in ("listening", "context_seeking", "problem_focus")
                }
                turn.score.scores = Scores(**jitter)
            if turn.revealed and rng.random() < 0.4:
                turn.revealed = []
            turn.revealed = [f for f in turn.revealed if f not in revealed]
            revealed.update(turn.revealed)
        # As `Transcript.save` writes it, without its fsync per file (minutes for 10,000).
        path = folder / f"{transcript.rep}" / f"{transcript.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(transcript.model_dump_json(indent=2, exclude_none=True) + "\n")


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
        large = large_team_report(Path(tmp))
        figures["team_report_10000_cli_html_s"] = large.seconds
        figures["team_report_10000_cli_cpu_s"] = large.cpu_seconds
        figures["team_report_10000_cli_peak_mb"] = large.peak_mb
        figures["load_average_1min"] = large.load
    figures["note"] = "wall times on a shared CPU; noisy (cpu_s: user + system, all processes)"
    return figures


_PEAK_OF_CHILDREN = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
"""Runs a command and prints the peak RSS of its largest process: measured in a wrapper of its
own, because this process's RUSAGE_CHILDREN also holds every earlier benchmark's children (a
model conversion of 2 GB, say)."""


def _cli_report(folder: Path, output: Path) -> tuple[str, float]:
    """Run `roleplay report FOLDER -o OUTPUT --force` in a fresh process, as a coach would;
    returns what it printed and the peak resident memory (kB) of its largest process."""
    env = dict(os.environ, ROLEPLAY_SCENARIOS=str(SCENARIOS))
    command = [
        *(sys.executable, "-c", _PEAK_OF_CHILDREN),
        *(sys.executable, "-m", "roleplay.cli", "report", str(folder), "-o", str(output)),
        "--force",
    ]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"roleplay report failed: {done.stderr[-2000:]}")
    printed, _, peak = done.stderr.rpartition("PEAK_KB ")
    return done.stdout + printed, float(peak.split()[0])


@dataclass(frozen=True)
class LargeRun:
    """`roleplay report` over a large folder: the median of `RUNS` runs."""

    seconds: float
    """Wall time."""
    cpu_seconds: float
    """User and system time of the command and its worker processes."""
    peak_mb: float
    """Peak resident memory of the largest process."""
    load: float
    """The machine's one-minute load average before the runs (2 cores)."""


RUNS = 3


def large_team_report(tmp: Path, count: int = LARGE_TEAM_SIZE) -> LargeRun:
    """Time `roleplay report` over `count` generated transcripts, checking it read them all."""
    folder = tmp / "team"
    generate(folder, count)
    load = os.getloadavg()[0]
    walls, cpus, peaks = [], [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        printed, peak = _cli_report(folder, tmp / "team.html")
        peaks.append(peak)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        # A generator that wrote damaged files would time error messages, not the report.
        if f"team report over {count} transcript(s)" not in printed or "skipped" in printed:
            raise RuntimeError(f"the report did not read all {count} transcripts: {printed}")
    return LargeRun(statistics.median(walls), statistics.median(cpus), max(peaks) / 1024, load)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        run_ = large_team_report(Path(tmp))
        print(
            f"team report over {LARGE_TEAM_SIZE} transcripts (median of {RUNS}): "
            f"{run_.seconds:.2f} s wall, {run_.cpu_seconds:.2f} s cpu, {run_.peak_mb:.0f} MB peak; "
            f"load average {run_.load:.1f} on {os.cpu_count()} cores"
        )

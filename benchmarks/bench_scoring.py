"""Scorer speed: import cost, embedder load, single-turn latency and batch throughput.

Figures are wall-clock on whatever else the machine is doing; read them as rough.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BUYER = "We close in about twelve working days. Our operating partner wants five by Q3."
TURNS = [
    "What happens in your team during those twelve days?",
    "So you're at twelve days and the sponsor wants five by the third quarter.",
    "Our platform automates reconciliations with a real-time close dashboard.",
    "Can we book a demo for Thursday?",
    "Who else is involved in deciding how the close should change?",
    "Walk me through the last close that slipped. What did it cost you with the lender?",
]

HISTORY = [
    ("buyer", BUYER),
    ("rep", "What happens in your team during those twelve days?"),
    ("buyer", "Mostly intercompany reconciliations across four entities, in spreadsheets."),
    ("rep", "Who does that work?"),
    ("buyer", "Two senior accountants, and one of them just resigned."),
    ("rep", "What does the resignation change for the next close?"),
    ("buyer", "It means the next close runs on one person and a lot of overtime."),
]
"""A conversation so far: the scorer reads the buyer's earlier lines for listening."""


def _import_seconds() -> tuple[float, str]:
    """Time `import roleplay.scoring` in a fresh interpreter; list heavy modules it pulled in."""
    code = (
        "import sys, time; t = time.perf_counter(); import roleplay.scoring; "
        "d = time.perf_counter() - t; "
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules]; "
        "print(d, ','.join(heavy) or 'none')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, heavy = out.stdout.split()
    return float(seconds), heavy


def run() -> dict[str, float | str]:
    """Named figures for `make bench`."""
    import_seconds, heavy = _import_seconds()

    from roleplay.paths import PROJECT_ROOT
    from roleplay.rubric import load_rubric
    from roleplay.scoring import TurnScorer
    from roleplay.scoring.model import load_heads

    rubric = load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml")
    figures: dict[str, float | str] = {
        "import roleplay.scoring (s)": round(import_seconds, 3),
        "heavy modules imported by roleplay.scoring": heavy,
    }
    from roleplay.scoring.model import load_embedder

    load_embedder("onnx")  # exports the graph if this machine has not yet
    for name in ("onnx", "transformers"):
        started = time.perf_counter()
        embedder = load_embedder(name)
        figures[f"{name}: embedder load (s)"] = round(time.perf_counter() - started, 3)
        scorer = TurnScorer(rubric, embedder, load_heads())
        scorer.score(TURNS[0], BUYER, None, HISTORY)  # warm-up
        single: list[float] = []
        cold: list[float] = []
        for i in range(80):
            # A live call: the history grows by the last turn and the buyer's answer. The app
            # prepares the scorer once the buyer has spoken, while the rep reads and types
            # (`PracticeSession.prepare_next_turn`); every other turn is timed without that.
            prepared = i % 2 == 0
            turn = TURNS[i % len(TURNS)] + f" ({i})"
            history = [*HISTORY, ("rep", f"turn {i - 1}"), ("buyer", f"{BUYER} [{i}]")]
            if prepared:
                scorer.prepare(history[-1][1], None, history)
            t = time.perf_counter()
            scorer.score(turn, history[-1][1], None, history)
            (single if prepared else cold).append((time.perf_counter() - t) * 1000)
        # A batch of 300 turns from 30 conversations of ten turns, each with its history.
        batch: list[tuple[str, str]] = []
        histories: list[list[tuple[str, str]]] = []
        for i in range(300):
            talk, step = divmod(i, 10)
            lines = [(r, f"{text} <{talk}.{k}>") for k, (r, text) in enumerate(HISTORY)]
            histories.append(lines[: 2 + step % len(HISTORY)])
            batch.append((f"{TURNS[i % len(TURNS)]} [{i}]", histories[-1][-1][1]))
        t = time.perf_counter()
        scorer.score_many(batch, None, histories)
        batch_seconds = time.perf_counter() - t
        figures[f"{name}: single turn with history, median (ms)"] = round(
            statistics.median(single), 1
        )
        figures[f"{name}: single turn with history, p90 (ms)"] = round(
            sorted(single)[int(0.9 * len(single))], 1
        )
        figures[f"{name}: single turn with history, unprepared, median (ms)"] = round(
            statistics.median(cold), 1
        )
        figures[f"{name}: batch scoring with history (turns/s)"] = round(
            len(batch) / batch_seconds, 1
        )
    figures["default embedder"] = "onnx (ONNX Runtime; same vectors as transformers)"
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")

"""Run every benchmark module and print its named figures.

Each `benchmarks/bench_<area>.py` defines `run() -> dict[str, float | str]`. Run one area with
`python -m benchmarks scoring`. Each area's figures, with when they were measured and the load
average at the start, are also written to `benchmarks/results.json`, replacing only the areas
that ran; `scripts/readme_bench.py` writes the README's speed tables from that file.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    wanted = set(argv)
    areas = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    results: dict[str, dict[str, float | str]] = {}
    failed = False
    print(
        f"roleplay benchmarks on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for area in areas:
        if wanted and area not in wanted:
            continue
        print(f"\n## {area}")
        measured = {
            "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        }
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.bench_{area}")
            figures = module.run()
        except Exception as exc:  # a broken benchmark must not hide the others
            print(f"  FAILED: {type(exc).__name__}: {exc}")
            failed = True
            continue
        results[area] = {**figures, **measured}
        for name, value in figures.items():
            shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
            print(f"  {name:<48} {shown}")
        print(f"  ({time.perf_counter() - started:.1f} s)")
    saved = HERE / "results.json"
    earlier = json.loads(saved.read_text()) if saved.is_file() else {}
    saved.write_text(json.dumps({**earlier, **results}, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

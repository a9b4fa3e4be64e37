"""Run every benchmark module and print its named figures.

Each `benchmarks/bench_<area>.py` defines `run() -> dict[str, float | str]`. Run one area with
`python -m benchmarks scoring`; results are also written to `benchmarks/results.json`.
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
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.bench_{area}")
            figures = module.run()
        except Exception as exc:  # a broken benchmark must not hide the others
            print(f"  FAILED: {type(exc).__name__}: {exc}")
            failed = True
            continue
        results[area] = figures
        for name, value in figures.items():
            shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
            print(f"  {name:<48} {shown}")
        print(f"  ({time.perf_counter() - started:.1f} s)")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

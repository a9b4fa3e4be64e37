"""Write the README's buyer fidelity table from the figures `make eval` saved.

`make eval` runs `roleplay eval --buyer ... --figures benchmarks/fidelity-*.json`;
this script puts those figures between the README's `fidelity:start` and `fidelity:end`
markers, so the table is never edited by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from readme_blocks import write_or_say

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    ("deterministic (authored lines)", ROOT / "benchmarks" / "fidelity-deterministic.json"),
    ("embedded SmolLM2-135M (ONNX int8)", ROOT / "benchmarks" / "fidelity-embedded.json"),
)

ROWS = (
    (
        "facts uncovered: briefing-aware discovery (6 voices x 6 scenarios)",
        "facts_uncovered_briefing_aware",
        "≥ 80%",
    ),
    ("facts uncovered: generic discovery (6 voices)", "facts_uncovered_generic", "≥ 60%"),
    ("facts uncovered: pure pitching", "facts_uncovered_pitching", "≤ 10%"),
    ("facts uncovered: mixed (discovery, then a pitch)", "facts_uncovered_mixed", ""),
    (
        "pitching and mixed runs with an objection before patience ran out",
        "pitching_and_mixed_runs_with_objection",
        "all",
    ),
    ("non-answers to discovery turns", "non_answers_to_discovery", "≤ 10%"),
    (
        "buyer sentences with figures or names the scenario does not support",
        "unsupported_figures_or_names",
        "0",
    ),
    ("reveals credited without their figures", "reveals_without_their_figures", "0"),
    ("role leaks in transcripts", "role_leaks_in_transcripts", "0"),
    ("share of buyer words the model wrote", "model_written_word_share", ""),
    ("guard passed the model's first reply", "guard_first_try_rate", ""),
    ("runs played", "_runs", ""),
    ("first buyer words after sending, median / p95", "_first_words", ""),
)


def _cell(figures: dict[str, object], key: str) -> str:
    if key == "_runs":
        return str(sum(int(v) for k, v in figures.items() if k.startswith("runs_")))
    if key == "_first_words":
        median = figures.get("first_words_median_s", "-")
        return f"{median} s / {figures.get('first_words_p95_s', '-')} s"
    value = figures.get(key, "-")
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def table() -> str:
    """The Markdown table, one column per buyer whose figures exist."""
    found = [(name, json.loads(path.read_text())) for name, path in SOURCES if path.is_file()]
    if not found:
        raise SystemExit("no figures yet: run `make eval` first")
    lines = [
        "| measure | " + " | ".join(name for name, _ in found) + " | target |",
        "| --- | " + " | ".join("---" for _ in found) + " | --- |",
    ]
    for label, key, target in ROWS:
        cells = " | ".join(_cell(figures, key) for _, figures in found)
        lines.append(f"| {label} | {cells} | {target} |")
    lines.append("")
    for name, figures in found:
        lines.append(f"- {name}: `{figures['command']}`")
    return "\n".join(lines)


def main() -> int:
    """Rewrite the block in README.md."""
    return write_or_say({"fidelity": table()})


if __name__ == "__main__":
    sys.exit(main())

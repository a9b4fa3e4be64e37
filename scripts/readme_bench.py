"""Write the README's speed tables from the figures `make bench` saved.

`make bench` runs `python -m benchmarks`, which writes every area's figures to
`benchmarks/results.json` (a run of one area, `python -m benchmarks buyer`, replaces only that
area); this script puts them between the README's `bench:AREA:start` and `bench:AREA:end`
markers, so the tables are never edited by hand. An area with no figures in the file keeps the
table it has, and the script says so. A cell names its figures as `{key}`; a figure the file
lacks is shown as `-` and listed.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from readme_blocks import write_or_say

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"

Figures = dict[str, float | int | str]


@dataclass(frozen=True)
class Check:
    """A target a figure must meet: `key` at most (`<=`) or at least (`>=`) `value`."""

    key: str
    op: str
    value: float

    def met(self, figures: Figures) -> bool | None:
        """Whether the target is met; None when the figure is missing or not a number."""
        found = figures.get(self.key)
        if not isinstance(found, int | float):
            return None
        return found <= self.value if self.op == "<=" else found >= self.value


@dataclass(frozen=True)
class Row:
    """One row of a speed table: what was measured, the figures, and the target."""

    label: str
    cells: tuple[str, ...]
    target: str = ""
    checks: tuple[Check, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Table:
    """The block `bench:{name}`, filled from the figures of benchmark area `area`."""

    name: str
    area: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    with_target: bool = True


def _runtime(name: str, label: str) -> Row:
    return Row(
        label,
        (
            f"{{{name}_warm_load_s}} s",
            f"{{{name}_torch_imported}}",
            f"{{{name}_ttft_s}} s ({{{name}_ttft_same_prompt_again_s}} s seen before)",
            f"{{{name}_tokens_per_s}} tokens/s",
            f"{{{name}_rss_after_generation_mb}} MB",
        ),
    )


TABLES = (
    Table(
        "app",
        "app",
        ("app (`python -m benchmarks app`)", "measured"),
        (
            Row(
                "first screen: `roleplay` in a real terminal (tmux) until the scenario list "
                "is on screen, second start",
                ("{startup_tmux_median_s} s median, {startup_tmux_max_s} s max",),
                "0.7 s",
                (Check("startup_tmux_median_s", "<=", 0.7),),
            ),
            Row(
                "headless (Pilot): launch until a key typed at once lands in the filter (posted "
                "as the terminal posts it, while the models start loading behind the picker)",
                (
                    "{startup_median_s} s median, {startup_max_s} s max, "
                    "{startup_cpu_median_s} s of CPU; heavy modules at start: "
                    "{heavy_modules_at_start}",
                ),
            ),
            Row(
                "a key press while the buyer streams",
                (
                    "{key_latency_while_streaming_median_ms} ms median, "
                    "{key_latency_while_streaming_p95_ms} ms p95",
                ),
                "responsive",
            ),
            Row(
                "score chips after Enter, embedded model",
                (
                    "{scores_shown_after_enter_median_s} s median, "
                    "{scores_shown_after_enter_max_s} s max",
                ),
                "at once",
            ),
            Row(
                "buyer's first words after Enter, embedded model",
                (
                    "{first_reply_chunk_after_enter_median_s} s median, "
                    "{first_reply_chunk_after_enter_max_s} s max",
                ),
                "0.5 s",
                (Check("first_reply_chunk_after_enter_median_s", "<=", 0.5),),
            ),
        ),
    ),
    Table(
        "buyer",
        "buyer",
        ("buyer, ONNX int8 (`python -m benchmarks buyer`)", "measured"),
        (
            Row(
                "convert on first use (cold): GGUF to safetensors, then the ONNX build",
                ("{cold_gguf_to_safetensors_s} s + {cold_onnx_int8_build_s} s",),
            ),
            Row(
                "load the converted model (warm), to Ready; its tokenizer, read just after Ready "
                "is painted; torch imported",
                (
                    "{onnx_int8_warm_load_s} s; {onnx_int8_tokenizer_after_load_s} s; "
                    "{onnx_int8_torch_imported}",
                ),
                "0.5 s",
                (Check("onnx_int8_warm_load_s", "<=", 0.5),),
            ),
            Row(
                "first token of a {prompt_tokens}-token prompt, new / seen before",
                ("{onnx_int8_ttft_s} s / {onnx_int8_ttft_same_prompt_again_s} s",),
                "0.25 s for a new prompt",
                (Check("onnx_int8_ttft_s", "<=", 0.25),),
            ),
            Row(
                "first token of the call's first reply as the app meets it (the persona read "
                "while the rep reads the briefing, the first turn while the rep types it)",
                ("{onnx_int8_first_reply_ttft_s} s",),
                "0.25 s",
                (Check("onnx_int8_first_reply_ttft_s", "<=", 0.25),),
            ),
            Row(
                "Ready after opening a briefing, fresh app: after three seconds on the picker "
                "(both models preload there) / as soon as the list is up (the worst case)",
                (
                    "{app_briefing_ready_after_picker_s} s / {app_briefing_ready_s} s "
                    "({app_briefing_ready_cpu_s} s of CPU)",
                ),
                "1 s",
                (Check("app_briefing_ready_after_picker_s", "<=", 1.0),),
            ),
            Row(
                "the picker's longest unanswered moment while the models preload",
                ("{app_picker_longest_stall_s} s",),
            ),
            Row(
                "decoding, greedy / sampled",
                (
                    "{onnx_int8_tokens_per_s} / {onnx_int8_tokens_per_s_sampled} tokens/s "
                    "(transformers: {transformers_fp32_tokens_per_s}; "
                    "int4: {onnx_int4_tokens_per_s})",
                ),
                "60 tokens/s",
                (Check("onnx_int8_tokens_per_s", ">=", 60),),
            ),
            Row(
                "resident memory after generating / with the scorer loaded",
                (
                    "{onnx_int8_rss_after_generation_mb} MB / {default_rss_with_scorer_mb} MB "
                    "(transformers: {transformers_fp32_rss_after_generation_mb} MB)",
                ),
                "600 MB",
                (Check("default_rss_with_scorer_mb", "<=", 600),),
            ),
            Row(
                "load average at the start / at the end",
                ("{load_average_at_start} / {load_average_at_end}",),
            ),
        ),
    ),
    Table(
        "runtimes",
        "buyer",
        (
            "runtime",
            "warm load",
            "torch imported",
            "first token, new {prompt_tokens}-token prompt",
            "decoding",
            "RSS after generating",
        ),
        (
            _runtime("transformers_fp32", "transformers float32 (reference)"),
            _runtime("onnx_fp32", "ONNX float32"),
            _runtime("onnx_int8", "**ONNX int8 (default)**"),
            _runtime("onnx_int4", "ONNX int4"),
        ),
        with_target=False,
    ),
    Table(
        "scoring",
        "scoring",
        ("scorer (`python -m benchmarks scoring`)", "measured"),
        (
            Row(
                "one turn with the conversation's history, as the app scores it (prepared "
                "while the rep types)",
                (
                    "{onnx: single turn with history, median (ms)} ms median "
                    "(p90 {onnx: single turn with history, p90 (ms)}; unprepared "
                    "{onnx: single turn with history, unprepared, median (ms)} ms; transformers: "
                    "{transformers: single turn with history, median (ms)} ms)",
                ),
                "15 ms",
                (Check("onnx: single turn with history, median (ms)", "<=", 15),),
            ),
            Row(
                "a batch with the conversation's history",
                (
                    "{onnx: batch scoring with history (turns/s)} turns/s (transformers: "
                    "{transformers: batch scoring with history (turns/s)})",
                ),
                "150 turns/s",
                (Check("onnx: batch scoring with history (turns/s)", ">=", 150),),
            ),
            Row(
                "import; heavy modules it imports; embedder load",
                (
                    "{import roleplay.scoring (s)} s; "
                    "{heavy modules imported by roleplay.scoring}; "
                    "{onnx: embedder load (s)} s (ONNX Runtime)",
                ),
                "never delays the app / 1 s",
                (Check("onnx: embedder load (s)", "<=", 1),),
            ),
        ),
    ),
    Table(
        "reports",
        "reports",
        ("report (`python -m benchmarks reports`)", "measured"),
        (
            Row(
                "one transcript, html / md",
                ("{single_report_html_ms} ms / {single_report_md_ms} ms",),
            ),
            Row(
                "team view of 1,000 transcripts, html / md / from the command line",
                (
                    "{team_report_1000_html_s} s / {team_report_1000_md_s} s / "
                    "{team_report_1000_cli_html_s} s",
                ),
                "a few seconds",
            ),
            Row(
                "team view of 10,000 transcripts from the command line, wall / CPU of all "
                "processes / peak memory (load average {load_average_1min})",
                (
                    "{team_report_10000_cli_html_s} s / {team_report_10000_cli_cpu_s} s / "
                    "{team_report_10000_cli_peak_mb} MB",
                ),
                "3 s / 300 MB",
                (
                    Check("team_report_10000_cli_html_s", "<=", 3),
                    Check("team_report_10000_cli_peak_mb", "<=", 300),
                ),
            ),
        ),
    ),
)

FIELD = re.compile(r"\{([^{}]+)\}")


def shown(value: float | int | str) -> str:
    """A figure as the README shows it: three significant digits, whole numbers as they are."""
    if isinstance(value, bool) or value in ("True", "False"):
        return "yes" if str(value) == "True" else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 100:
            return f"{value:.0f}"
        return f"{value:.1f}" if abs(value) >= 100 else str(float(f"{value:.3g}"))
    return str(value)


def fill(template: str, figures: Figures, missing: set[str]) -> str:
    """`template` with each `{key}` replaced by its figure (`-` when missing)."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in figures:
            missing.add(key)
            return "-"
        return shown(figures[key])

    return FIELD.sub(one, template)


def render(table: Table, figures: Figures, missing: set[str]) -> str:
    """The Markdown of `table` from its area's figures, and the line saying where they came from."""
    header = [fill(h, figures, missing) for h in table.header]
    if table.with_target:
        header.append("target")
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in table.rows:
        cells = [fill(row.label, figures, missing), *(fill(c, figures, missing) for c in row.cells)]
        if table.with_target:
            verdicts = [check.met(figures) for check in row.checks]
            cells.append(row.target + (" (not met)" if False in verdicts else ""))
        lines.append("| " + " | ".join(cells) + " |")
    when = figures.get("measured_at", "a run before dates were recorded")
    load = figures.get("load_average", "")
    lines += [
        "",
        f"From `benchmarks/results.json`: {when}" + (f", load average {load}." if load else "."),
    ]
    return "\n".join(lines)


def blocks(results: dict[str, Figures]) -> tuple[dict[str, str], list[str]]:
    """The blocks to write, and a note for each area left as it was or figure missing."""
    out: dict[str, str] = {}
    notes: list[str] = []
    for table in TABLES:
        figures = results.get(table.area)
        if figures is None:
            notes.append(
                f"bench:{table.name}: no '{table.area}' figures in results.json, "
                "so its table is left as it was"
            )
            continue
        missing: set[str] = set()
        out[f"bench:{table.name}"] = render(table, figures, missing)
        if missing:
            notes.append(f"bench:{table.name}: figures missing: {', '.join(sorted(missing))}")
    return out, notes


def main(argv: list[str]) -> int:
    """Rewrite the speed tables in README.md from `results.json` (or the file named)."""
    source = Path(argv[0]) if argv else RESULTS
    if not source.is_file():
        print(f"no figures yet: {source} is missing; run `make bench` first", file=sys.stderr)
        return 1
    found, notes = blocks(json.loads(source.read_text()))
    for note in notes:
        print(note, file=sys.stderr)
    return write_or_say(found)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

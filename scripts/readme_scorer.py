"""Write the README's scorer figures from the file `make eval` saved.

`make eval` runs `roleplay eval --standing --figures benchmarks/scorer-standing.json`; this
script puts those figures (the AUC table, the adversarial kinds and the suggested better
turns) between the README's `scorer:start` and `scorer:end` markers, so they are never
edited by hand.
"""

from __future__ import annotations

import math
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from readme_blocks import README, write_or_say

from roleplay.errors import RoleplayError
from roleplay.files import read_text
from roleplay.rubric import DIMENSIONS
from roleplay.scoring.evaluation import Figure, KindFigure, StandingReport, SuggestionFigure

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "benchmarks" / "scorer-standing.json"

GROUPS = (
    ("sales test", "sales test split"),
    ("sales test by writer", "sales test split by writer"),
    ("sales test history cases", "sales test history cases"),
    ("AnnoMI", "AnnoMI dev (counselling turns)"),
    ("P4G dev", "P4G dev (persuader sentences)"),
    ("ESConv dev", "ESConv dev (supporter turns)"),
)
"""The table's groups in order: the corpus a figure names, and how the table calls it."""

KIND_NAMES = {
    "product_name_pitch": "product-name pitches",
    "generic_industry_pain": "generic industry pain",
    "money_ask_question": "money asks as questions",
    "product_question": "product questions",
    "timeline_pivot": '"Anyway, timeline for choosing a vendor?"',
    "customer_story": "another customer's story",
    "content_free": "content-free turns",
    "earlier_reflection": "reflections of earlier lines",
    "call_summary": "call summaries",
    "summary": "summaries",
}
"""How the README names each kind of held-out turn (others are shown as they are spelled)."""


def paragraph(text: str) -> str:
    """`text` wrapped at the README's width."""
    return textwrap.fill(text, width=96, break_on_hyphens=False, break_long_words=False)


def dimension_name(name: str) -> str:
    """`context_seeking` as `context-seeking`, `problem_focus` as `problem focus`."""
    return {"context_seeking": "context-seeking"}.get(name, name.replace("_", " "))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _auc(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3f}"


def _target(figure: Figure) -> str:
    if figure.target is None:
        return ""
    missed = math.isnan(figure.auc) or figure.auc < figure.target
    return f"≥ {figure.target:.2f}" + (", **not met**" if missed else "")


def table(figures: Sequence[Figure]) -> str:
    """The AUC figures as a Markdown table, group by group; data, method and check are
    written only where they change, and a corpus no group names comes last."""
    order = [corpus for corpus, _ in GROUPS]
    names = dict(GROUPS)
    ranked = sorted(
        figures,
        key=lambda f: order.index(f.corpus) if f.corpus in order else len(order),
    )
    lines = [
        "| data | held out by | check | dimension | turns (positive) | AUC | target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    shown: tuple[str, ...] = ()
    for f in ranked:
        place = (names.get(f.corpus, f.corpus), f.method, f.check)
        # A cell is blank when it and every cell to its left repeat the row above.
        repeated = [place[: i + 1] == shown[: i + 1] for i in range(3)]
        shown = place
        cells = (
            *("" if same else value for same, value in zip(repeated, place, strict=True)),
            dimension_name(f.dimension),
            f"{f.n:,} ({f.positives:,})",
            _auc(f.auc),
            _target(f),
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def kinds(figures: Sequence[KindFigure]) -> str:
    """The adversarial kinds as a table (mean score on each dimension their labels fail),
    then the history cases' mean listening score."""
    adversarial = [f for f in figures if f.at_most]
    history = [f for f in figures if not f.at_most]
    lines: list[str] = []
    if adversarial:
        limit = max(f.target for f in adversarial)
        lines += [
            paragraph(
                "Adversarial sales-test turns, mean score (turns) on the dimensions their labels "
                f"fail; target at most {limit:g}:"
            ),
            "",
            "| kind | " + " | ".join(dimension_name(d) for d in DIMENSIONS) + " |",
            "| --- |" + " --- |" * len(DIMENSIONS),
        ]
        for kind in dict.fromkeys(f.kind for f in adversarial):
            by_dimension = {f.dimension: f for f in adversarial if f.kind == kind}
            cells = [KIND_NAMES.get(kind, kind)]
            for name in DIMENSIONS:
                f = by_dimension.get(name)
                if f is None:
                    cells.append("")
                    continue
                cells.append(f"{f.mean:.3f} ({f.n})" + ("" if f.met else ", **not met**"))
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if history:
        parts = [
            f"{KIND_NAMES.get(f.kind, f.kind)} {f.mean:.3f} ({f.n} turns)"
            + ("" if f.met else ", **not met**")
            for f in history
        ]
        limit = min(f.target for f in history)
        lines += [
            "",
            paragraph(
                f"Mean listening score (target at least {limit:g}), with the conversation's "
                f"history: {'; '.join(parts)}."
            ),
        ]
    return "\n".join(lines).strip("\n")


def suggestions(figure: SuggestionFigure) -> str:
    """The suggested better turns as one paragraph."""
    text, dimension, score = figure.worst
    lowest = f" The lowest, {score:.3f} on {dimension_name(dimension)}, is: {text}" if text else ""
    if lowest and lowest[-1] not in ".?!":
        lowest += "."
    return paragraph(
        f"Suggested better turns (sales test split, each scored where it would have been said: "
        f"same previous line and history): {figure.strong:,} of {figure.n:,} score at least "
        f"{figure.target:g} on the dimension they coach; mean {figure.mean:.3f}.{lowest}"
    )


def block(report: StandingReport, source: str) -> str:
    """The whole `scorer` block."""
    parts = [table(report.figures)]
    if report.kinds:
        parts.append(kinds(report.kinds))
    if report.suggestions is not None:
        parts.append(suggestions(report.suggestions))
    heads = f", heads fitted {report.heads_date}" if report.heads_date else ""
    where = f"From `{source}`{heads}: `{report.command}`." if report.command else ""
    # The command stays on one line, so it can be copied.
    parts += [where, *(paragraph(f"{note}.") for note in report.notes)]
    return "\n\n".join(part for part in parts if part)


def main(argv: list[str], readme: Path = README) -> int:
    """Rewrite the `scorer` block of `readme` from `scorer-standing.json` (or the file named)."""
    source = Path(argv[0]) if argv else FIGURES
    if not source.is_file():
        print(f"no figures yet: {source} is missing; run `make eval` first", file=sys.stderr)
        return 1
    try:
        report = StandingReport.from_json(read_text(source), str(source))
    except RoleplayError as exc:
        print(exc, file=sys.stderr)
        return 1
    shown = source.resolve()
    name = str(shown.relative_to(ROOT)) if shown.is_relative_to(ROOT) else str(source)
    return write_or_say({"scorer": block(report, name)}, readme)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

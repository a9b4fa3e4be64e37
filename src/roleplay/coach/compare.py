"""Two attempts at the same scenario, side by side: scores, metrics and facts uncovered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.coach.lookup import metrics_for, rubric_for
from roleplay.errors import UsageError
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.standing import BandMark, Standing, fmt_score, points, standing_of
from roleplay.transcript import Transcript

if TYPE_CHECKING:
    from roleplay.scoring.metrics import MetricRow


@dataclass(frozen=True)
class ComparisonRow:
    """One line of the comparison: a label, each attempt's value, and the change from A to B."""

    label: str
    a: str
    b: str
    change: str = ""


@dataclass
class Comparison:
    """Two attempts compared."""

    a: Transcript
    b: Transcript
    scores: list[ComparisonRow]
    metrics: list[ComparisonRow]
    facts_a: list[str]
    facts_b: list[str]
    fact_names: dict[str, str]

    @property
    def only_a(self) -> list[str]:
        return [f for f in self.facts_a if f not in self.facts_b]

    @property
    def only_b(self) -> list[str]:
        return [f for f in self.facts_b if f not in self.facts_a]

    @property
    def both(self) -> list[str]:
        return [f for f in self.facts_a if f in self.facts_b]


def _change(a: float | None, b: float | None) -> str:
    return "" if a is None or b is None else f"{points(b) - points(a):+d}"


def _banded(value: float | None, band: BandMark | None) -> str:
    return "–" if value is None or band is None else f"{fmt_score(value)} {band.label}"


def compare(
    a: Transcript, b: Transcript, scenario: Scenario | None, rubric: Rubric | None = None
) -> Comparison:
    """Compare two attempts at the same scenario, by `roleplay.standing`'s rules (rubric:
    the first transcript's, by default).

    Raises:
        UsageError: the transcripts practised different scenarios.
    """
    if a.scenario_id != b.scenario_id:
        raise UsageError(
            f"cannot compare attempts at different scenarios: '{a.scenario_id}' (transcript "
            f"{a.id}) and '{b.scenario_id}' (transcript {b.id})"
        )
    rubric = rubric if rubric is not None else rubric_for(a)
    sa: Standing = standing_of(a, rubric, scenario)
    sb: Standing = standing_of(b, rubric, scenario)
    rows: list[ComparisonRow] = [
        ComparisonRow(
            "Overall (rubric-weighted)",
            _banded(sa.overall, sa.overall_band),
            _banded(sb.overall, sb.overall_band),
            _change(sa.overall, sb.overall),
        )
    ]
    for dim in DIMENSIONS:
        rows.append(
            ComparisonRow(
                f"{DIMENSION_LABELS[dim]} (mean)",
                _banded(sa.means[dim], sa.bands[dim]),
                _banded(sb.means[dim], sb.bands[dim]),
                _change(sa.means[dim], sb.means[dim]),
            )
        )
    if sa.overridden or sb.overridden:
        for dim in DIMENSIONS:
            ma, mb = sa.machine_means[dim], sb.machine_means[dim]
            rows.append(
                ComparisonRow(
                    f"{DIMENSION_LABELS[dim]} (machine, before coach overrides)",
                    fmt_score(ma),
                    fmt_score(mb),
                    _change(ma, mb),
                )
            )
    rows.append(ComparisonRow("Rep turns", str(len(a.rep_turns)), str(len(b.rep_turns))))
    metric_rows: list[ComparisonRow] = []
    metrics_a, metrics_b = metrics_for(a, scenario), metrics_for(b, scenario)
    if metrics_a is not None and metrics_b is not None:
        by_label: dict[str, MetricRow] = {r.label: r for r in metrics_b.rows()}
        for row in metrics_a.rows():
            other = by_label.get(row.label)
            metric_rows.append(
                ComparisonRow(
                    row.label,
                    f"{row.value} ({row.verdict})",
                    f"{other.value} ({other.verdict})" if other is not None else "–",
                    f"reference {row.reference}",
                )
            )
    names = {f.id: f.summary for f in scenario.hidden_facts} if scenario is not None else {}
    return Comparison(a, b, rows, metric_rows, a.revealed, b.revealed, names)


def format_table(rows: list[ComparisonRow], headers: tuple[str, str, str, str]) -> str:
    """A plain-text table with aligned columns."""
    table = [headers, *((r.label, r.a, r.b, r.change) for r in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = []
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0]), *(row[i].rjust(widths[i]) for i in (1, 2)), row[3]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_comparison(comparison: Comparison) -> str:
    """The comparison as plain text for the terminal."""
    a, b = comparison.a, comparison.b

    def name(t: Transcript) -> str:
        return f"{t.rep or 'unnamed'} {t.started_at:%Y-%m-%d %H:%M} ({t.id})"

    out = [
        f"Scenario: {a.scenario_id}",
        f"A: {name(a)}",
        f"B: {name(b)}",
        "",
        format_table(comparison.scores, ("Scores", "A", "B", "change")),
    ]
    if comparison.metrics:
        out += ["", format_table(comparison.metrics, ("Metric", "A", "B", ""))]
    else:
        out += ["", "Metrics: not available without the scenario file."]
    total = len(comparison.fact_names) or None

    def facts(ids: list[str]) -> str:
        return ", ".join(ids) if ids else "none"

    out += [
        "",
        f"Facts uncovered: A {len(comparison.facts_a)}, B {len(comparison.facts_b)}"
        + (f" (of {total})" if total else ""),
        f"  both:   {facts(comparison.both)}",
        f"  only A: {facts(comparison.only_a)}",
        f"  only B: {facts(comparison.only_b)}",
    ]
    missed = [f for f in comparison.fact_names if f not in comparison.facts_a + comparison.facts_b]
    if comparison.fact_names:
        out.append(f"  neither: {facts(missed)}")
    return "\n".join(out) + "\n"

"""Self-contained HTML reports: inline CSS and inline SVG, no script, no external asset."""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote

from roleplay.coach.report import TranscriptReport, chart_points
from roleplay.coach.scores import override_summary, trend_text
from roleplay.coach.team import BandedValue, Cell, Link, TeamReport, team_sections
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.standing import BandMark, band_of, fmt_score, guide_lines
from roleplay.transcript import CoachNote, Turn

COLOURS = {"listening": "#2563eb", "context_seeking": "#c2410c", "problem_focus": "#047857"}
"""One colour per dimension, used by the chart lines and the legend."""

CSS = """
:root { color-scheme: light; --ink:#1f2933; --muted:#5f6b7a; --line:#d9dee5; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 10px; }
section.card h2 { margin-top: 0; }
.sub { color: var(--muted); margin: 0 0 16px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 20px; margin: 16px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.trend, td.id { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.chip { display: inline-block; padding: 1px 9px; margin: 2px 4px 2px 0; border-radius: 999px;
  font-size: 12.5px; border: 1px solid transparent; white-space: nowrap; }
.band-high, .verdict-good { background: #dcfce7; color: #14532d; border-color: #86efac; }
.band-mid, .verdict-fair { background: #fef3c7; color: #78350f; border-color: #fcd34d; }
.band-low, .verdict-poor { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.band-other, .verdict-n\\/a, .verdict-na { background: #eef1f4; color: #39424e;
  border-color: var(--line); }
.chip.fact { background: #e0f2fe; color: #0c4a6e; border-color: #7dd3fc; }
.chip.objection { background: #fde2e4; color: #881337; border-color: #fda4af; }
.chip.state { background: #f1f5f9; color: #334155; border-color: var(--line); }
.chip.override { background: #ede9fe; color: #4c1d95; border-color: #c4b5fd; }
.turn { border-left: 4px solid var(--line); padding: 8px 14px; margin: 10px 0; background: #fff;
  border-radius: 0 8px 8px 0; }
.turn.rep { border-left-color: #2563eb; }
.turn.buyer { border-left-color: #94a3b8; background: #fbfcfd; }
.turn .who { font-weight: 600; font-size: 13px; color: var(--muted); }
.turn .text { margin: 4px 0 6px; font-size: 15.5px; }
.explain { color: #374151; font-size: 14px; margin: 4px 0; }
.alt { font-style: italic; }
.note { background: #faf5ff; border: 1px solid #e9d5ff; border-radius: 8px; padding: 6px 10px;
  margin: 6px 0; font-size: 14px; }
.note .by { color: var(--muted); font-size: 12.5px; }
.warning { background: #fff7ed; border: 1px solid #fdba74; border-radius: 8px; padding: 8px 12px; }
.legend span { margin-right: 16px; font-size: 13px; }
.legend i { display: inline-block; width: 14px; height: 4px; margin-right: 6px;
  vertical-align: middle; border-radius: 2px; }
svg text { font: 12px system-ui, sans-serif; fill: #5f6b7a; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { flex: 1 1 150px; background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 10px 14px; }
.kpi b { display: block; font-size: 22px; } .kpi span { color: var(--muted); font-size: 13px; }
ul.plain { padding-left: 18px; margin: 4px 0; }
main.team { max-width: 1240px; }
main.team table { font-size: 14px; }
main.team th, main.team td { padding: 5px 6px; }
main.team td { overflow-wrap: anywhere; }
main.team td.num { white-space: nowrap; }
main.team td .chip { margin: 0; padding: 0 6px; font-size: 12px; }
"""
"""The team view is wider (its tables have up to ten columns) and tighter, so that a team of
fifty reps shows every column without scrolling sideways at 1280 px (a test measures it)."""


def _page(title: str, body: str, kind: str = "transcript") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body>\n<main class="{kind}">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "–"


def _band_class(band: BandMark | None) -> str:
    return f"band-{band.tone}" if band is not None else "band-other"


def _banded(value: float | None, band: BandMark | None) -> str:
    """A score out of 100 in its band's colour, with the band's name."""
    if value is None or band is None:
        return "–"
    return f'<span class="chip {_band_class(band)}">{fmt_score(value)} {escape(band.label)}</span>'


def _banded_value(item: BandedValue | None) -> str:
    return _banded(item.value, item.band) if item is not None else "–"


def _score_chips(turn: Turn, rubric: Rubric) -> str:
    if turn.score is None:
        return ""
    chips = []
    for dim in DIMENSIONS:
        value = getattr(turn.score.scores, dim)
        band = band_of(rubric, dim, value)
        label = f"{DIMENSION_LABELS[dim]} {fmt_score(value)} · {band.label}"
        chips.append(f'<span class="chip {_band_class(band)}">{escape(label)}</span>')
    return "".join(chips)


def _note_html(note: CoachNote) -> str:
    parts = [f'<div class="note"><div class="by">{escape(note.author)} · {_when(note.time)}']
    parts.append("</div>")
    if note.text:
        parts.append(f"<div>{escape(note.text)}</div>")
    if note.override is not None:
        parts.append(f'<div><span class="chip override">{escape(override_summary(note))}</span>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def score_chart(report: TranscriptReport, width: int = 900, height: int = 260) -> str:
    """An inline SVG line chart of the three scores over the rep's turns; coach overrides are
    drawn as hollow diamonds."""
    points = chart_points(report.transcript)
    left, right, top, bottom = 44, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(points), 1))

    def y(v: float) -> float:
        return top + plot_h * (1.0 - v)

    out = [
        f'<svg class="chart" role="img" aria-label="Scores over the rep\'s turns" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        'stroke="#d9dee5"/>',
    ]
    guides = guide_lines(report.rubric)
    for v in (0.0, *guides, 1.0):
        dash = ' stroke-dasharray="4 4"' if v in guides else ""
        out.append(
            f'<line class="guide" x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" '
            f'y2="{y(v):.1f}" stroke="#cbd2da"{dash}/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{fmt_score(v)}</text>'
        )
    if not points:
        out.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle">'
            "no scored rep turns</text></svg>"
        )
        return "".join(out)
    for i, (number, _, _) in enumerate(points):
        out.append(f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle">#{number}</text>')
    for dim in DIMENSIONS:
        colour = COLOURS[dim]
        coords = " ".join(f"{x(i):.1f},{y(m[dim]):.1f}" for i, (_, m, _) in enumerate(points))
        out.append(
            f'<polyline class="series series-{dim}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5" points="{coords}"/>'
        )
        for i, (number, machine, override) in enumerate(points):
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(machine[dim]):.1f}" r="4" fill="{colour}">'
                f"<title>Turn {number}: {DIMENSION_LABELS[dim]} {fmt_score(machine[dim])}</title>"
                "</circle>"
            )
            if override:
                cx, cy = x(i), y(override[dim])
                out.append(
                    f'<path class="override" d="M{cx:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy:.1f} '
                    f'L{cx:.1f},{cy + 6:.1f} L{cx - 6:.1f},{cy:.1f} Z" fill="#fff" '
                    f'stroke="{colour}" stroke-width="2"><title>Turn {number}: coach override '
                    f"{DIMENSION_LABELS[dim]} {fmt_score(override[dim])}</title></path>"
                )
    out.append("</svg>")
    return "".join(out)


def _legend(with_override: bool) -> str:
    items = [
        f'<span><i style="background:{COLOURS[d]}"></i>{escape(DIMENSION_LABELS[d])}</span>'
        for d in DIMENSIONS
    ]
    if with_override:
        items.append("<span>◇ coach override</span>")
    return f'<div class="legend">{"".join(items)}</div>'


def transcript(report: TranscriptReport) -> str:
    """The HTML report on one conversation."""
    tr = report.transcript
    scenario = report.scenario
    parts: list[str] = [f"<h1>{escape(report.title)}</h1>"]
    sub = [f"Practised {_when(tr.started_at)}"]
    if tr.ended_by:
        sub.append(f"ended by {tr.ended_by.replace('_', ' ')}")
    sub.append(f"buyer model {tr.models.buyer}")
    sub.append(f"rubric {tr.rubric_id}")
    sub.append(f"transcript {tr.id}")
    parts.append(f'<p class="sub">{escape(" · ".join(sub))}</p>')
    if scenario is not None:
        b = scenario.buyer
        parts.append(
            f'<p class="sub">Buyer: {escape(b.name)}, {escape(b.title)} at {escape(b.company)}'
            f" ({escape(b.industry)})</p>"
        )
    if tr.branch_of is not None:
        parts.append(
            '<p class="warning">A branch of transcript '
            f"{escape(tr.branch_of.transcript_id)} ({escape(tr.branch_of.transcript)}), "
            f"taking another line from turn {tr.branch_of.turn_index + 1}.</p>"
        )
    for warning in report.warnings:
        parts.append(f'<p class="warning">{escape(warning)}</p>')

    standing = report.standing
    kpis = [
        f'<div class="kpi"><b>{_banded(standing.overall, standing.overall_band)}</b>'
        "<span>Overall, out of 100 (rubric-weighted, coach overrides counted)</span></div>"
    ]
    for dim in DIMENSIONS:
        value = standing.means[dim]
        machine = standing.machine_means[dim]
        extra = (
            f" (machine: {fmt_score(machine)})"
            if machine is not None and value is not None and fmt_score(machine) != fmt_score(value)
            else ""
        )
        kpis.append(
            f'<div class="kpi"><b>{_banded(value, standing.bands[dim])}</b>'
            f"<span>{escape(DIMENSION_LABELS[dim])}, mean{escape(extra)}</span></div>"
        )
    facts = report.facts_uncovered
    decided = ""
    if standing.outcome is not None:
        verdict = "Success" if standing.outcome.success else "Not yet"
        decided = f"{verdict}: {standing.outcome.decided_by}"
    kpis.append(
        f'<div class="kpi"><b>{facts}</b><span>hidden facts uncovered. {escape(decided)}</span>'
        "</div>"
    )
    parts.append(f'<section class="kpis">{"".join(kpis)}</section>')

    has_override = any(o for _, _, o in chart_points(tr))
    parts.append(
        '<section class="card"><h2>Scores over the conversation</h2>'
        f"{_legend(has_override)}{score_chart(report)}</section>"
    )

    parts.append('<section class="card"><h2>Conversation metrics</h2>')
    if report.metric_rows is None:
        parts.append("<p>Not available without the scenario file.</p>")
    else:
        parts.append(
            '<table><tr><th>Metric</th><th class="num">This call</th>'
            "<th>Reference</th><th>Verdict</th></tr>"
        )
        for row in report.metric_rows:
            verdict = row.verdict.replace("/", "")
            parts.append(
                f"<tr><td>{escape(row.label)}</td><td class='num'>{escape(row.value)}</td>"
                f"<td>{escape(row.reference)}</td>"
                f'<td><span class="chip verdict-{verdict}">{escape(row.verdict)}</span></td></tr>'
            )
        parts.append("</table>")
    parts.append("</section>")

    parts.append('<section class="card"><h2>Hidden facts</h2>')
    if report.uncovered:
        parts.append("<h3>Uncovered</h3><ul class='plain'>")
        for fact in report.uncovered:
            parts.append(
                f"<li><span class='chip fact'>{escape(fact.fact_id)}</span>"
                f"{escape(fact.summary)} <small>(turn {fact.turn_number})</small></li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<p>No hidden fact was uncovered.</p>")
    if report.missed:
        parts.append("<h3>Missed</h3><ul class='plain'>")
        for fact in report.missed:
            parts.append(
                f"<li><span class='chip objection'>{escape(fact.fact_id)}</span>"
                f"{escape(fact.summary)}<br><span class='alt'>Try: "
                f"“{escape(fact.better_question)}”</span></li>"
            )
        parts.append("</ul>")
    parts.append("</section>")

    parts.append('<section class="card"><h2>Conversation</h2>')
    buyer_name = scenario.buyer.name if scenario is not None else "Buyer"
    rep_name = tr.rep or "Rep"
    for number, turn in enumerate(tr.turns, start=1):
        who = rep_name if turn.role == "rep" else buyer_name
        parts.append(
            f'<div class="turn {turn.role}" id="turn-{number}">'
            f'<div class="who">#{number} {escape(who)}</div>'
            f'<div class="text">{escape(turn.text)}</div>'
        )
        if turn.role == "rep":
            parts.append(f"<div>{_score_chips(turn, report.rubric)}</div>")
            if turn.score is not None:
                ex = turn.score.explanation
                parts.append(f'<div class="explain">{escape(ex.summary)}</div>')
                if ex.missed:
                    parts.append(
                        f'<div class="explain">Could have picked up: '
                        f"{escape('; '.join(ex.missed))}</div>"
                    )
                if ex.alternative:
                    parts.append(
                        f'<div class="explain alt">Better: “{escape(ex.alternative)}”</div>'
                    )
            for rescore in turn.rescores:
                values = ", ".join(
                    f"{DIMENSION_LABELS[d]} {fmt_score(getattr(rescore.scores, d))}"
                    for d in DIMENSIONS
                )
                parts.append(
                    f'<div class="explain">Rescored by {escape(rescore.rubric_id)}: '
                    f"{escape(values)}</div>"
                )
        else:
            chips = [f'<span class="chip fact">revealed: {escape(f)}</span>' for f in turn.revealed]
            chips += [
                f'<span class="chip objection">objection: {escape(o)}</span>'
                for o in turn.objections
            ]
            if turn.patience is not None:
                chips.append(f'<span class="chip state">patience {turn.patience}</span>')
            if turn.trust is not None:
                chips.append(f'<span class="chip state">trust {turn.trust}</span>')
            if turn.source not in (None, "model"):
                chips.append(f'<span class="chip state">{escape(str(turn.source))}</span>')
            parts.append(f"<div>{''.join(chips)}</div>")
        parts.extend(_note_html(n) for n in turn.notes)
        parts.append("</div>")
    parts.append("</section>")

    parts.append('<section class="card"><h2>Coach notes</h2>')
    if report.notes:
        parts.append("<table><tr><th>Turn</th><th>Coach</th><th>Note</th><th>Override</th></tr>")
        for line in report.notes:
            note = line.note
            override = override_summary(note)
            parts.append(
                f'<tr><td><a href="#turn-{line.turn_number}">#{line.turn_number}</a></td>'
                f"<td>{escape(note.author)}<br><small>{_when(note.time)}</small></td>"
                f"<td>{escape(note.text)}</td><td>{escape(override)}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No coach notes yet.</p>")
    parts.append("</section>")
    return _page(report.title, "\n".join(parts))


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A table; cells are HTML already escaped by the caller."""
    head = "".join(
        f"<th class='num'>{escape(h)}</th>" if i in numeric else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(cell: Cell) -> str:
    if isinstance(cell, BandedValue):
        return _banded_value(cell)
    if isinstance(cell, Link):
        return f'<a href="{escape(quote(cell.href))}">{escape(cell.text)}</a>'
    return escape(cell)


def team(report: TeamReport) -> str:
    """The HTML team view: the same sections as the Markdown one, from `team_sections`."""
    parts = [f"<h1>Team practice report</h1><p class='sub'>{escape(report.label)}</p>"]
    kpis = [
        ("attempts", str(report.attempts)),
        ("reps", str(len(report.reps))),
        ("scenarios", str(len(report.scenarios))),
        ("branches", str(report.branches)),
        ("files skipped", str(len(report.skipped))),
    ]
    parts.append(
        '<section class="kpis">'
        + "".join(f'<div class="kpi"><b>{v}</b><span>{k}</span></div>' for k, v in kpis)
        + "</section>"
    )
    if report.filters.describe():
        parts.append(f"<p class='sub'>Filtered: {escape(report.filters.describe())}</p>")
    for warning in report.warnings:
        parts.append(f'<p class="warning">{escape(warning)}</p>')
    if report.skipped:
        parts.append(
            '<section class="card warning"><h2>Skipped files</h2>'
            "<p>These files could not be read as transcripts and were left out:</p><ul>"
        )
        for skipped in report.skipped:
            parts.append(f"<li>{escape(skipped.reason)}</li>")
        parts.append("</ul></section>")
    for section in team_sections(report):
        parts.append(f'<section class="card" id="{section.key}"><h2>{escape(section.title)}</h2>')
        if section.note:
            parts.append(f"<p class='sub'>{escape(section.note)}</p>")
        if not section.rows:
            parts.append(f"<p>{escape(section.empty)}</p></section>")
            continue
        rows = [[_cell(cell) for cell in row] for row in section.rows]
        parts.append(_table(section.headers, rows, section.numeric) + "</section>")
    return _page("Team practice report", "\n".join(parts), "team")


__all__ = ["score_chart", "team", "transcript", "trend_text"]

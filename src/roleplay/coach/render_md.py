"""Markdown reports: the same content as the HTML ones, as text a coach can paste anywhere."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from roleplay.coach.report import TranscriptReport, chart_points
from roleplay.coach.scores import override_summary
from roleplay.coach.team import BandedValue, Link, TeamReport, team_sections
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS
from roleplay.standing import BandMark, band_of, fmt_score
from roleplay.transcript import CoachNote

BARS = "▁▂▃▄▅▆▇█"


def spark(values: list[float]) -> str:
    """A text sparkline of values from 0 to 1."""
    return "".join(BARS[min(len(BARS) - 1, max(0, int(v * len(BARS))))] for v in values) or "–"


def _inert(markdown: str) -> str:
    """The report with no raw HTML or link a viewer would act on.

    Every `<` in a report comes from the user's text (turns, notes, titles, names), since the
    report's own markup never uses one, so escaping it leaves no tag, comment or autolink;
    escaping `[` leaves no inline link (`[x](javascript:...)`). Viewers show both as typed.
    """
    return markdown.replace("<", "&lt;").replace("[", "\\[")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "–"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def _note(note: CoachNote) -> str:
    line = f"- **Coach note** ({note.author}, {_when(note.time)})"
    if note.text:
        line += f": {note.text}"
    if note.override is not None:
        line += f"\n  - {override_summary(note)}"
    return line


def _banded(value: float | None, band: BandMark | None) -> str:
    return "–" if value is None or band is None else f"{fmt_score(value)} {band.label}"


def _bar(value: float, width: int = 10) -> str:
    filled = round(value * width)
    return "█" * filled + "·" * (width - filled)


def transcript(report: TranscriptReport) -> str:
    """The Markdown report on one conversation."""
    tr = report.transcript
    scenario = report.scenario
    out = [f"# {report.title}", ""]
    meta = [f"Practised {_when(tr.started_at)}"]
    if tr.ended_by:
        meta.append(f"ended by {tr.ended_by.replace('_', ' ')}")
    meta += [f"buyer model {tr.models.buyer}", f"rubric {tr.rubric_id}", f"transcript {tr.id}"]
    out.append(" · ".join(meta))
    if scenario is not None:
        b = scenario.buyer
        out += ["", f"Buyer: {b.name}, {b.title} at {b.company} ({b.industry})"]
    if tr.branch_of is not None:
        out += [
            "",
            f"> A branch of transcript {tr.branch_of.transcript_id} ({tr.branch_of.transcript}), "
            f"taking another line from turn {tr.branch_of.turn_index + 1}.",
        ]
    for warning in report.warnings:
        out += ["", f"> **Warning:** {warning}"]

    standing = report.standing
    out += [
        "",
        "## Summary",
        "",
        "Scores out of 100, banded by the rubric; coach overrides counted.",
        "",
        "| Score | With coach overrides | Machine only |",
        "|---|--:|--:|",
        f"| Overall (rubric-weighted) | {_banded(standing.overall, standing.overall_band)} | |",
    ]
    for dim in DIMENSIONS:
        out.append(
            f"| {DIMENSION_LABELS[dim]} | {_banded(standing.means[dim], standing.bands[dim])} "
            f"| {fmt_score(standing.machine_means[dim])} |"
        )
    facts = report.facts_uncovered
    out += ["", f"Hidden facts uncovered: **{facts}**"]
    if standing.outcome is not None:
        verdict = "Success" if standing.outcome.success else "Not yet"
        out += ["", f"**{verdict}**: {standing.outcome.decided_by}."]

    out += ["", "## Scores over the conversation", ""]
    points = chart_points(tr)
    if points:
        out += [
            "| Turn | " + " | ".join(DIMENSION_LABELS[d] for d in DIMENSIONS) + " |",
            "|--:|" + "---|" * len(DIMENSIONS),
        ]
        for number, machine, override in points:
            cells = []
            for dim in DIMENSIONS:
                cell = f"`{_bar(machine[dim])}` {fmt_score(machine[dim])}"
                if override:
                    cell += f" (coach {fmt_score(override[dim])})"
                cells.append(cell)
            out.append(f"| #{number} | " + " | ".join(cells) + " |")
        out += [
            "",
            "Trend: "
            + " · ".join(
                f"{DIMENSION_LABELS[d]} {spark([m[d] for _, m, _ in points])}" for d in DIMENSIONS
            ),
        ]
    else:
        out.append("No scored rep turns.")

    out += ["", "## Conversation metrics", ""]
    if report.metric_rows is None:
        out.append("Not available without the scenario file.")
    else:
        out += ["| Metric | This call | Reference | Verdict |", "|---|--:|---|---|"]
        out += [
            f"| {_cell(r.label)} | {_cell(r.value)} | {_cell(r.reference)} | {r.verdict} |"
            for r in report.metric_rows
        ]

    out += ["", "## Hidden facts", "", "### Uncovered", ""]
    out += [f"- `{f.fact_id}` {f.summary} (turn {f.turn_number})" for f in report.uncovered] or [
        "None."
    ]
    if report.missed:
        out += ["", "### Missed", ""]
        out += [
            f"- `{f.fact_id}` {f.summary}\n  - Try: “{f.better_question}”" for f in report.missed
        ]

    out += ["", "## Conversation", ""]
    buyer_name = scenario.buyer.name if scenario is not None else "Buyer"
    for number, turn in enumerate(tr.turns, start=1):
        who = (tr.rep or "Rep") if turn.role == "rep" else buyer_name
        out += [f"### #{number} {who}", "", _quote(turn.text), ""]
        if turn.role == "rep" and turn.score is not None:
            chips = []
            for dim in DIMENSIONS:
                value = getattr(turn.score.scores, dim)
                band = band_of(report.rubric, dim, value).label
                chips.append(f"`{DIMENSION_LABELS[dim]} {fmt_score(value)} · {band}`")
            out.append(" ".join(chips))
            ex = turn.score.explanation
            out += ["", ex.summary]
            if ex.missed:
                out += ["", f"Could have picked up: {'; '.join(ex.missed)}"]
            if ex.alternative:
                out += ["", f"Better: *“{ex.alternative}”*"]
            for rescore in turn.rescores:
                values = ", ".join(
                    f"{DIMENSION_LABELS[d]} {fmt_score(getattr(rescore.scores, d))}"
                    for d in DIMENSIONS
                )
                out += ["", f"Rescored by {rescore.rubric_id}: {values}"]
        elif turn.role == "buyer":
            chips = [f"`revealed: {f}`" for f in turn.revealed]
            chips += [f"`objection: {o}`" for o in turn.objections]
            if turn.patience is not None:
                chips.append(f"`patience {turn.patience}`")
            if turn.trust is not None:
                chips.append(f"`trust {turn.trust}`")
            if chips:
                out.append(" ".join(chips))
        if turn.notes:
            out += ["", *(_note(n) for n in turn.notes)]
        out.append("")

    out += ["## Coach notes", ""]
    if report.notes:
        out += ["| Turn | Coach | Note | Override |", "|--:|---|---|---|"]
        for line in report.notes:
            note = line.note
            given = override_summary(note)
            out.append(
                f"| #{line.turn_number} | {_cell(note.author)} | {_cell(note.text)} "
                f"| {_cell(given)} |"
            )
    else:
        out.append("No coach notes yet.")
    return _inert("\n".join(out).rstrip() + "\n")


def team(report: TeamReport) -> str:
    """The Markdown team view: the same sections as the HTML one, from `team_sections`."""
    links = _Links()
    out = [
        "# Team practice report",
        "",
        f"{report.label}: {report.attempts} attempts by {len(report.reps)} reps on "
        f"{len(report.scenarios)} scenarios; {report.branches} branches; "
        f"{len(report.skipped)} files skipped.",
    ]
    if report.filters.describe():
        out += ["", f"Filtered: {report.filters.describe()}"]
    for warning in report.warnings:
        out += ["", f"> **Warning:** {warning}"]
    if report.skipped:
        out += ["", "## Skipped files", ""]
        out += [f"- {s.reason}" for s in report.skipped]
    for section in team_sections(report):
        out += ["", f"## {section.title}", ""]
        if section.note:
            out += [section.note, ""]
        if not section.rows:
            out.append(section.empty)
            continue
        out.append("| " + " | ".join(_cell(h) for h in section.headers) + " |")
        out.append(
            "|"
            + "".join(
                "--:|" if i in section.numeric else "---|" for i in range(len(section.headers))
            )
        )
        for row in section.rows:
            cells = [
                _banded(c.value, c.band)
                if isinstance(c, BandedValue)
                else links.add(c)
                if isinstance(c, Link)
                else _cell(c)
                for c in row
            ]
            out.append("| " + " | ".join(cells) + " |")
    return links.restore(_inert("\n".join(out) + "\n"))


class _Links:
    """The report's own links, kept out of `_inert` (which disarms every link in the text) by a
    placeholder, and put back after it. A placeholder typed in the user's text can only bring
    back one of these links."""

    def __init__(self) -> None:
        self.links: list[str] = []

    def add(self, link: Link) -> str:
        self.links.append(f"[{_inert(_cell(link.text))}]({quote(link.href)})")
        return f"\x00link{len(self.links) - 1}\x00"

    def restore(self, text: str) -> str:
        for index, markup in enumerate(self.links):
            text = text.replace(f"\x00link{index}\x00", markup)
        return text

"""Markdown reports: the same content as the HTML ones, as text a coach can paste anywhere."""

from __future__ import annotations

from datetime import datetime

from roleplay.coach.report import RepScenario, TeamReport, TranscriptReport, chart_points
from roleplay.coach.scores import fmt_score
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS
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
        scores = ", ".join(
            f"{DIMENSION_LABELS[d]} {getattr(note.override, d):.2f}" for d in DIMENSIONS
        )
        line += f"\n  - Override: {scores} — because {note.reason or ''}"
    return line


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

    out += ["", "## Summary", "", "| Dimension | Mean | With coach overrides |", "|---|--:|--:|"]
    for dim in DIMENSIONS:
        out.append(
            f"| {DIMENSION_LABELS[dim]} | {fmt_score(report.means[dim])} "
            f"| {fmt_score(report.means_with_overrides[dim])} |"
        )
    facts = report.facts_uncovered
    out += ["", f"Hidden facts uncovered: **{facts}**"]

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
                cell = f"`{_bar(machine[dim])}` {machine[dim]:.2f}"
                if override:
                    cell += f" (coach {override[dim]:.2f})"
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
                band = turn.score.bands.get(dim, "").replace("_", " ")
                value = getattr(turn.score.scores, dim)
                chips.append(f"`{DIMENSION_LABELS[dim]} {value:.2f}{' · ' + band if band else ''}`")
            out.append(" ".join(chips))
            ex = turn.score.explanation
            out += ["", ex.summary]
            if ex.missed:
                out += ["", f"Could have picked up: {'; '.join(ex.missed)}"]
            if ex.alternative:
                out += ["", f"Better: *“{ex.alternative}”*"]
            for rescore in turn.rescores:
                values = ", ".join(
                    f"{DIMENSION_LABELS[d]} {getattr(rescore.scores, d):.2f}" for d in DIMENSIONS
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
            given = ""
            if note.override is not None:
                given = ", ".join(f"{getattr(note.override, d):.2f}" for d in DIMENSIONS)
                given += f" — {note.reason or ''}"
            out.append(
                f"| #{line.turn_number} | {_cell(note.author)} | {_cell(note.text)} "
                f"| {_cell(given)} |"
            )
    else:
        out.append("No coach notes yet.")
    return _inert("\n".join(out).rstrip() + "\n")


def _change(group: RepScenario, dim: str) -> str:
    change = group.change(dim)
    trend = spark(group.trend(dim))
    return trend if change is None else f"{trend} {change:+.2f}"


def team(report: TeamReport) -> str:
    """The Markdown team view over a folder of transcripts."""
    out = [
        "# Team practice report",
        "",
        f"{report.folder}: {report.attempts} attempts by {len(report.reps)} reps on "
        f"{len(report.scenarios)} scenarios; {report.branches} branches; "
        f"{len(report.skipped)} files skipped.",
    ]
    for warning in report.warnings:
        out += ["", f"> **Warning:** {warning}"]
    if report.skipped:
        out += ["", "## Skipped files", ""]
        out += [f"- {s.reason}" for s in report.skipped]
    out += [
        "",
        "## Per rep and scenario",
        "",
        "Scores are means over each attempt's rep turns; a coach's override counts over the "
        "machine's score. Overall is the mean of the three; trends run oldest to latest.",
        "",
        "| Rep | Scenario | Attempts | Best | Latest | Facts (latest) | "
        + " | ".join(f"{DIMENSION_LABELS[d]} trend" for d in DIMENSIONS)
        + " |",
        "|---|---|--:|--:|--:|---|" + "---|" * len(DIMENSIONS),
    ]
    for group in report.groups:
        best = group.best
        latest = group.latest
        facts = (
            f"{latest.uncovered} of {latest.facts_total}"
            if latest.facts_total is not None
            else str(latest.uncovered)
        )
        out.append(
            f"| {_cell(group.rep)} | {group.scenario_id} | {len(group.attempts)} "
            f"| {fmt_score(best.overall if best else None)} | {fmt_score(latest.overall)} "
            f"| {facts} | " + " | ".join(_change(group, d) for d in DIMENSIONS) + " |"
        )
    out += [
        "",
        "## Per scenario",
        "",
        "| Scenario | Attempts | Reps | Mean overall |",
        "|---|--:|--:|--:|",
    ]
    out += [
        f"| {_cell(s.title)} (`{s.scenario_id}`) | {s.attempts} | {len(s.reps)} "
        f"| {fmt_score(s.mean_overall)} |"
        for s in report.scenarios
    ]
    out += ["", "## Most often missed facts", ""]
    if report.missed_facts:
        out += ["| Fact | Scenario | Missed | A question that earns it |", "|---|---|--:|---|"]
        out += [
            f"| {_cell(f.summary)} (`{f.fact_id}`) | {f.scenario_id} | {f.missed} of "
            f"{f.attempts} | “{_cell(f.better_question)}” |"
            for f in report.missed_facts
        ]
    else:
        out.append("No missed facts counted.")
    return _inert("\n".join(out) + "\n")

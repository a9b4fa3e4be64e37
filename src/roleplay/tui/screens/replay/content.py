"""What the replay screen shows, built as Textual `Content`: a row per turn in the list, one
turn's details, and the whole conversation's figures."""

from __future__ import annotations

from datetime import UTC

from textual.content import Content

from roleplay.coach.lookup import metrics_for
from roleplay.coach.scores import override_summary
from roleplay.errors import RoleplayError
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scenario import HiddenFact, Objection, Scenario
from roleplay.standing import fmt_score, standing_of
from roleplay.transcript import Transcript, Turn
from roleplay.tui.widgets import score_chips
from roleplay.tui.widgets.bands import VERDICT_COLOURS, colour_of


def _speaker(transcript: Transcript, scenario: Scenario | None, turn: Turn) -> str:
    if turn.role == "rep":
        return transcript.rep or "Rep"
    return scenario.buyer.name if scenario is not None else "Buyer"


def _described(ids: list[str], known: list[HiddenFact] | list[Objection]) -> list[str]:
    """Each id with its summary from the scenario ("id: summary"), or alone when the scenario
    no longer has it."""
    summaries = {item.id: item.summary for item in known}
    return [f"{i}: {summaries[i]}" if i in summaries else i for i in ids]


def turn_detail(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None, index: int
) -> Content:
    """Everything about one turn: scores, bands and explanation, or revealed facts and
    objections; then the coach's notes."""
    turn = transcript.turns[index]
    lines: list[Content] = [
        Content.from_markup(
            "[b]Turn $n of $total[/] · $who",
            n=str(index + 1),
            total=str(len(transcript.turns)),
            who=_speaker(transcript, scenario, turn),
        ),
        Content(turn.text),
        Content(""),
    ]
    if turn.role == "rep" and turn.score is not None:
        for dim in DIMENSIONS:
            value = getattr(turn.score.scores, dim)
            band = turn.score.bands.get(dim, "")
            if rubric is not None:
                band = rubric.dimension(dim).band_for(value).label
            cue = turn.score.explanation.cues.get(dim, "")
            lines.append(
                Content.from_markup(
                    "[b]$label[/] $value  $band  [dim]$cue[/]",
                    label=f"{DIMENSION_LABELS[dim]:<16}",
                    value=fmt_score(value),
                    band=band.replace("_", " "),
                    cue=cue,
                )
            )
        ex = turn.score.explanation
        lines += [Content(""), Content.from_markup("[b]Why:[/] $s", s=ex.summary)]
        if ex.missed:
            lines.append(Content.from_markup("[b]Missed:[/] $s", s="; ".join(ex.missed)))
        if ex.alternative:
            lines.append(Content.from_markup("[b]Better:[/] [i]$s[/]", s=ex.alternative))
        for rescore in turn.rescores:
            values = "  ".join(fmt_score(getattr(rescore.scores, d)) for d in DIMENSIONS)
            lines.append(
                Content.from_markup("[dim]Rescored by $r: $v[/]", r=rescore.rubric_id, v=values)
            )
    elif turn.role == "buyer":
        facts = _described(turn.revealed, scenario.hidden_facts if scenario else [])
        objections = _described(turn.objections, scenario.objections if scenario else [])
        lines.append(
            Content.from_markup("[b]Revealed:[/] $s", s="; ".join(facts) if facts else "nothing")
        )
        lines.append(
            Content.from_markup(
                "[b]Objections:[/] $s", s="; ".join(objections) if objections else "none"
            )
        )
        state = []
        if turn.patience is not None:
            state.append(f"patience {turn.patience}")
        if turn.trust is not None:
            state.append(f"trust {turn.trust}")
        if turn.source is not None:
            state.append(f"reply {turn.source}")
        if state:
            lines.append(Content.from_markup("[dim]$s[/]", s=" · ".join(state)))
    if turn.notes:
        lines += [Content(""), Content.from_markup("[b]Coach notes[/]")]
        for note in turn.notes:
            when = note.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            text = f"{note.author}, {when}: {note.text}" if note.text else f"{note.author}, {when}"
            lines.append(Content.from_markup("• $t", t=text))
            if note.override is not None:
                lines.append(Content.from_markup("  [b]$o[/]", o=override_summary(note)))
    return Content("\n").join(lines)


def metrics_content(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None
) -> Content:
    """The whole conversation's figures: the overall and mean scores with their bands (coach
    overrides counted), the outcome, metrics against their references, and the facts missed."""
    lines = [Content.from_markup("[b]The whole conversation[/] [dim](out of 100)[/]")]
    if rubric is not None:
        standing = standing_of(transcript, rubric, scenario)
        rows = [("Overall (rubric-weighted)", standing.overall, standing.overall_band)]
        rows += [(DIMENSION_LABELS[d], standing.means[d], standing.bands[d]) for d in DIMENSIONS]
        for label, value, band in rows:
            colour = colour_of(band) if band is not None else "$text-muted"
            lines.append(
                Content.from_markup(
                    f"$label $value [{colour}]$band[/]",
                    label=f"{label:<28}",
                    value=fmt_score(value),
                    band=band.label if band is not None else "",
                )
            )
        if standing.outcome is not None:
            verdict = "Success" if standing.outcome.success else "Not yet"
            lines.append(
                Content.from_markup("[b]$v[/]: $d", v=verdict, d=standing.outcome.decided_by)
            )
    try:
        metrics = metrics_for(transcript, scenario)
    except RoleplayError as exc:
        metrics = None
        lines.append(Content(f"Metrics unavailable: {exc.message}"))
    if metrics is None:
        lines.append(Content("Metrics need the scenario file (--scenario PATH)."))
    else:
        for row in metrics.rows():
            lines.append(
                Content.from_markup(
                    f"$label $value [{VERDICT_COLOURS.get(row.verdict, '$text-muted')}]$verdict[/] "
                    "[dim]ref $ref[/]",
                    label=f"{row.label:<28}",
                    value=row.value,
                    verdict=row.verdict,
                    ref=row.reference,
                )
            )
    if scenario is not None:
        found = set(transcript.revealed)
        missed = [f for f in scenario.hidden_facts if f.id not in found]
        for fact in missed:
            lines.append(Content.from_markup("[dim]missed[/] $id: $s", id=fact.id, s=fact.summary))
    return Content("\n").join(lines)


def turn_row(
    transcript: Transcript, scenario: Scenario | None, rubric: Rubric | None, index: int
) -> Content:
    """One line in the turn list: number, speaker, the start of the text, and chips."""
    turn = transcript.turns[index]
    text = turn.text if len(turn.text) <= 70 else turn.text[:69] + "…"
    marks = ""
    if turn.notes:
        marks += " ✎"
    if turn.revealed:
        marks += " ★"
    if turn.objections:
        marks += " !"
    head = Content.from_markup(
        "[b]#$n $who[/]$marks\n$text",
        n=str(index + 1),
        who=_speaker(transcript, scenario, turn),
        marks=marks,
        text=text,
    )
    if turn.role == "rep" and rubric is not None and turn.scores is not None:
        return Content("\n").join([head, score_chips(turn, rubric)])
    return head

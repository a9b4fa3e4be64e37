"""A transcript as plain text: `roleplay replay --print`."""

from __future__ import annotations

import textwrap

from roleplay.coach.lookup import metrics_for, rubric_for
from roleplay.coach.scores import override_summary
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS
from roleplay.scenario import Scenario
from roleplay.standing import BandMark, fmt_score, standing_of
from roleplay.transcript import CoachNote, Transcript, Turn


def _wrap(text: str, indent: str = "      ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def note_lines(note: CoachNote) -> list[str]:
    """A coach note as text lines."""
    head = f"note by {note.author}, {note.time:%Y-%m-%d %H:%M}"
    lines = [f"{head}: {note.text}" if note.text else head]
    if note.override is not None:
        lines.append(override_summary(note))
    return lines


def turn_lines(number: int, turn: Turn, speaker: str) -> list[str]:
    """One turn with its scores, band and explanation, or what it revealed and objected to."""
    lines = [f"[{number}] {speaker}:", _wrap(turn.text)]
    if turn.score is not None:
        chips = "  ".join(
            f"{DIMENSION_LABELS[d]} {fmt_score(getattr(turn.score.scores, d))}"
            + (f" ({turn.score.bands[d].replace('_', ' ')})" if d in turn.score.bands else "")
            for d in DIMENSIONS
        )
        lines.append(f"      scores: {chips}")
        ex = turn.score.explanation
        if ex.summary:
            lines.append(_wrap(f"why: {ex.summary}"))
        if ex.alternative:
            lines.append(_wrap(f"better: {ex.alternative}"))
    for rescore in turn.rescores:
        values = "  ".join(fmt_score(getattr(rescore.scores, d)) for d in DIMENSIONS)
        lines.append(f"      rescored by {rescore.rubric_id} ({rescore.rubric_hash}): {values}")
    if turn.revealed:
        lines.append(f"      revealed: {', '.join(turn.revealed)}")
    if turn.objections:
        lines.append(f"      objection: {', '.join(turn.objections)}")
    for note in turn.notes:
        lines.extend(_wrap(line) for line in note_lines(note))
    return lines


def format_transcript(
    transcript: Transcript,
    scenario: Scenario | None,
    explanations: dict[int, list[str]] | None = None,
) -> str:
    """The whole conversation, scores, notes and metrics as plain text; with `explanations`
    (lines per rep turn number), the director's reading under each rep turn."""
    title = scenario.title if scenario is not None else transcript.scenario_id
    buyer = scenario.buyer.name if scenario is not None else "Buyer"
    rep = transcript.rep or "Rep"
    out = [
        f"{title}",
        f"transcript {transcript.id} · rep {rep} · {transcript.started_at:%Y-%m-%d %H:%M} UTC · "
        f"ended by {transcript.ended_by or '(not ended)'} · buyer {transcript.models.buyer}",
    ]
    if transcript.branch_of is not None:
        origin = transcript.branch_of
        out.append(
            f"branch of {origin.transcript_id} ({origin.transcript}) from turn "
            f"{origin.turn_index + 1}"
        )
    out.append("")
    for number, turn in enumerate(transcript.turns, start=1):
        out += turn_lines(number, turn, rep if turn.role == "rep" else buyer)
        out += [f"    | {line}" for line in (explanations or {}).get(number, [])]
        out.append("")
    standing = standing_of(transcript, rubric_for(transcript), scenario)

    def banded(value: float | None, band: BandMark | None) -> str:
        return fmt_score(value) + (f" ({band.label})" if band else "")

    out.append(
        f"Overall {banded(standing.overall, standing.overall_band)} of 100 (rubric-weighted, "
        "coach overrides counted)"
    )
    out.append(
        "Means: "
        + "  ".join(
            f"{DIMENSION_LABELS[d]} {banded(standing.means[d], standing.bands[d])}"
            for d in DIMENSIONS
        )
    )
    if standing.outcome is not None:
        verdict = "Success" if standing.outcome.success else "Not yet"
        out.append(f"{verdict}: {standing.outcome.decided_by}.")
    metrics = metrics_for(transcript, scenario)
    if metrics is not None:
        out.append("")
        out.append("Metrics:")
        rows = metrics.rows()
        width = max((len(r.label) for r in rows), default=0)
        for row in rows:
            out.append(
                f"  {row.label:<{width}}  {row.value:>8}  "
                f"({row.verdict}; reference {row.reference})"
            )
    else:
        out.append("Metrics: not available without the scenario file.")
    if scenario is not None:
        found = set(transcript.revealed)
        missed = [f for f in scenario.hidden_facts if f.id not in found]
        out.append("")
        out.append(f"Facts uncovered: {len(found)} of {len(scenario.hidden_facts)}")
        for fact in missed:
            out.append(f"  missed {fact.id}: {fact.summary}")
    return "\n".join(out) + "\n"

"""Where an attempt stands: bands, the overall score and the outcome of a call.

One module owns these rules so the app, replay, `compare`, the reports and the debrief can
never disagree about the same attempt:

- **Bands** come from the rubric file and nowhere else. A dimension's score is banded by that
  dimension's bands; the overall score by the weight-averaged starts of the dimensions' bands.
- **Scores that count** for a turn are the latest coach override, else the machine's.
- **The overall score** of an attempt is the rubric-weighted mean of its dimension means,
  overrides counted.
- **The outcome** of a call says whether it met the scenario's success criteria and which
  condition decided it, naming the required facts still missing.
- **One scale**: scores are shown as whole numbers out of 100 everywhere.

Plain Python (no Textual), cheap to import: the rubric's models (pydantic) load on first use,
so the app's first screen can import this module without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from roleplay.rubric import Rubric
    from roleplay.scenario import Ending, Scenario
    from roleplay.transcript import CoachNote, Scores, Transcript, Turn

Tone = Literal["low", "mid", "high"]
"""How a band reads: the first band is low, the last high, any between mid."""


@dataclass(frozen=True)
class BandMark:
    """A score's band, as every view shows it."""

    id: str
    """The band's machine name from the rubric, e.g. `developing`."""
    label: str
    """What the reader sees, e.g. `Developing`."""
    tone: Tone
    """Low, mid or high: the colour family every view uses for it."""


# --- bands ---------------------------------------------------------------------------------


def _tone(index: int, count: int) -> Tone:
    if index == 0:
        return "low"
    if index == count - 1:
        return "high"
    return "mid"


def band_of(rubric: Rubric, dimension: str, score: float) -> BandMark:
    """The band of a dimension's score, from the rubric's bands for that dimension."""
    dim = rubric.dimension(dimension)
    band = dim.band_for(score)
    return BandMark(band.id, band.label, _tone(dim.bands.index(band), len(dim.bands)))


def overall_band_starts(rubric: Rubric) -> list[tuple[float, str, str]]:
    """Where each overall band starts, with its id and label.

    The overall score is a weighted mean of the dimensions, so its band starts are the same
    weighted mean of the dimensions' band starts (with the default rubric: 0, 0.3, 0.7). When the
    dimensions' bands differ in number or ids, the first dimension's bands are used.
    """
    from roleplay.rubric import DIMENSIONS

    dims = [rubric.dimension(name) for name in DIMENSIONS]
    first = dims[0].bands
    ids = [b.id for b in first]
    if any([b.id for b in d.bands] != ids for d in dims):
        return [(b.min_score, b.id, b.label) for b in first]
    total = sum(d.weight for d in dims)
    return [
        (sum(d.bands[i].min_score * d.weight for d in dims) / total, band.id, band.label)
        for i, band in enumerate(first)
    ]


def overall_band(
    rubric: Rubric, score: float, starts: Sequence[tuple[float, str, str]] | None = None
) -> BandMark:
    """The band of an overall score (see `overall_band_starts`; pass them as `starts` when
    banding many scores by one rubric)."""
    starts = starts if starts is not None else overall_band_starts(rubric)
    chosen = 0
    for index, (start, _, _) in enumerate(starts):
        if score >= start - 1e-9:
            chosen = index
    _, band_id, label = starts[chosen]
    return BandMark(band_id, label, _tone(chosen, len(starts)))


def guide_lines(rubric: Rubric) -> list[float]:
    """Where the overall bands start above 0: the guide lines a chart draws."""
    return [start for start, _, _ in overall_band_starts(rubric)[1:]]


# --- scores that count ---------------------------------------------------------------------


def latest_override(turn: Turn) -> CoachNote | None:
    """The most recent coach note on the turn that overrides its scores, if any."""
    overrides = [n for n in turn.notes if n.override is not None]
    return max(overrides, key=lambda n: n.time) if overrides else None


def effective_scores(turn: Turn) -> Scores | None:
    """The scores that count for a turn: the latest coach override, else the machine's."""
    override = latest_override(turn)
    if override is not None and override.override is not None:
        return override.override
    return turn.scores


def dimension_means(
    transcript: Transcript, *, with_overrides: bool = True
) -> dict[str, float | None]:
    """Mean score per dimension over the scored rep turns (None when no turn is scored).

    Coach overrides count unless `with_overrides` is False (the machine's own means).
    """
    from roleplay.rubric import DIMENSIONS

    scored = [
        s
        for s in (effective_scores(t) if with_overrides else t.scores for t in transcript.rep_turns)
        if s is not None
    ]
    return {
        dim: (sum(getattr(s, dim) for s in scored) / len(scored) if scored else None)
        for dim in DIMENSIONS
    }


def overall_of(means: dict[str, float | None], rubric: Rubric) -> float | None:
    """The rubric-weighted mean of the dimension means: one number to rank attempts by."""
    from roleplay.rubric import DIMENSIONS

    present = [
        (rubric.dimension(d).weight, v) for d in DIMENSIONS if (v := means.get(d)) is not None
    ]
    if not present:
        return None
    return sum(w * v for w, v in present) / sum(w for w, _ in present)


def overall_score(transcript: Transcript, rubric: Rubric) -> float | None:
    """The overall score of an attempt: rubric-weighted, coach overrides counted."""
    return overall_of(dimension_means(transcript), rubric)


# --- outcome -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Whether a call met the scenario's success criteria, and why."""

    uncovered: list[str]
    """Hidden facts of the scenario the rep uncovered, in the order they came out."""
    missed: list[str]
    """Hidden facts of the scenario never uncovered, in the scenario's order."""
    needed: int
    """How many facts success needs."""
    required_missing: list[str]
    """Facts the scenario requires for success that were not uncovered."""
    success: bool
    """Whether the call met the success criteria."""

    @property
    def decided_by(self) -> str:
        """The condition that decided the outcome, in one sentence naming what was missing."""
        found = f"{len(self.uncovered)} hidden fact{'' if len(self.uncovered) == 1 else 's'}"
        if self.success:
            return f"{found} uncovered, {self.needed} needed, and every required one found"
        short = len(self.uncovered) < self.needed
        if short and self.required_missing:
            return (
                f"{found} uncovered of {self.needed} needed, and the required "
                f"{_facts(self.required_missing)} still missing"
            )
        if short:
            return f"{found} uncovered of {self.needed} needed"
        return (
            f"{found} uncovered ({self.needed} needed), but the required "
            f"{_facts(self.required_missing)} still missing"
        )


def _facts(ids: Sequence[str]) -> str:
    names = ", ".join(f"'{f}'" for f in ids)
    return f"fact {names} is" if len(ids) == 1 else f"facts {names} are"


def succeeded(uncovered: Sequence[str], ending: Ending) -> bool:
    """Whether the uncovered facts meet a scenario's success criteria."""
    return len(uncovered) >= ending.success_facts and all(
        f in uncovered for f in ending.required_facts
    )


def outcome_of(revealed: Sequence[str], scenario: Scenario) -> Outcome:
    """The outcome of a call that revealed `revealed` (fact ids, in order) on `scenario`."""
    known = {h.id for h in scenario.hidden_facts}
    uncovered = [f for f in dict.fromkeys(revealed) if f in known]
    missed = [h.id for h in scenario.hidden_facts if h.id not in uncovered]
    ending = scenario.ending
    return Outcome(
        uncovered=uncovered,
        missed=missed,
        needed=ending.success_facts,
        required_missing=[f for f in ending.required_facts if f not in uncovered],
        success=succeeded(uncovered, ending),
    )


# --- the whole standing of an attempt ------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Everything every view says about one attempt's scores and outcome."""

    means: dict[str, float | None]
    """Mean per dimension, coach overrides counted."""
    machine_means: dict[str, float | None]
    """Mean per dimension of the machine's scores alone."""
    overall: float | None
    """Rubric-weighted overall score, overrides counted (None when no turn is scored)."""
    overall_band: BandMark | None
    """The overall score's band."""
    bands: dict[str, BandMark | None]
    """Each dimension mean's band."""
    outcome: Outcome | None
    """The call's outcome (None without the scenario to judge it by)."""
    overridden: bool
    """Whether any coach override changes a score."""


def standing_of(transcript: Transcript, rubric: Rubric, scenario: Scenario | None) -> Standing:
    """Where an attempt stands: means, overall, bands and outcome, all by one set of rules."""
    means = dimension_means(transcript)
    machine = dimension_means(transcript, with_overrides=False)
    overall = overall_of(means, rubric)
    return Standing(
        means=means,
        machine_means=machine,
        overall=overall,
        overall_band=overall_band(rubric, overall) if overall is not None else None,
        bands={d: band_of(rubric, d, v) if (v := means[d]) is not None else None for d in means},
        outcome=outcome_of(transcript.revealed, scenario) if scenario is not None else None,
        overridden=any(latest_override(t) is not None for t in transcript.rep_turns),
    )


# --- one scale -----------------------------------------------------------------------------


def points(score: float) -> int:
    """A score from 0 to 1 as a whole number out of 100, the one scale every view shows."""
    return round(score * 100)


def fmt_score(score: float | None) -> str:
    """A score for display out of 100, or an en dash when there is none."""
    return "–" if score is None else str(points(score))

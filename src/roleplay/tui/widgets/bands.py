"""Colours and short labels for scores, shared by the widgets and screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.rubric import Rubric

SHORT_LABELS: dict[str, str] = {
    "listening": "Listen",
    "context_seeking": "Context",
    "problem_focus": "Problem",
}
"""Chip labels: short enough for three chips on one line at 80 columns."""


def band_level(rubric: Rubric, dimension: str, score: float) -> tuple[str, str]:
    """The band label for `score` and the theme colour variable that marks it.

    The first band is an error colour, the last a success colour, any between a warning.
    """
    dim = rubric.dimension(dimension)
    band = dim.band_for(score)
    index = dim.bands.index(band)
    if index == 0:
        colour = "$error"
    elif index == len(dim.bands) - 1:
        colour = "$success"
    else:
        colour = "$warning"
    return band.label, colour


def overall_level(score: float) -> str:
    """The colour variable for an overall score (same thresholds as the default bands)."""
    if score >= 0.65:
        return "$success"
    if score >= 0.35:
        return "$warning"
    return "$error"


def percent(score: float) -> str:
    """A score from 0 to 1 as a whole number out of 100."""
    return f"{round(score * 100):d}"


def dimension_label(dimension: str) -> str:
    """The long display label of a dimension."""
    from roleplay.rubric import DIMENSION_LABELS

    return DIMENSION_LABELS.get(dimension, dimension)

"""Theme colours and short labels for scores; which band a score is in is `roleplay.standing`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roleplay.standing import BandMark, Tone, band_of, overall_band, points

if TYPE_CHECKING:
    from roleplay.rubric import Rubric

SHORT_LABELS: dict[str, str] = {
    "listening": "Listen",
    "context_seeking": "Context",
    "problem_focus": "Problem",
}
"""Chip labels: short enough for three chips on one line at 80 columns."""

TONE_COLOURS: dict[Tone, str] = {
    "low": "$text-error",
    "mid": "$text-warning",
    "high": "$text-success",
}
"""The theme colour a band's text is written in: the `text-` variants, which keep 4.5:1
contrast on the app's backgrounds (`roleplay.tui.theme`)."""

TONE_BACKGROUNDS: dict[Tone, str] = {"low": "$error", "mid": "$warning", "high": "$success"}
"""The theme colour behind a band's score chip (at `CHIP_OPACITY`, under `$text`)."""

CHIP_OPACITY = 50
"""How strongly (in percent) a chip's band colour is laid over the background: at 50 the
chip text keeps 4.5:1 in both themes (`roleplay.tui.theme.text_pairs`)."""

VERDICT_COLOURS: dict[str, str] = {
    "good": "$text-success",
    "fair": "$text-warning",
    "poor": "$text-error",
    "n/a": "$text-muted",
}
"""The colour a conversation metric's verdict is written in."""


def colour_of(mark: BandMark) -> str:
    """The theme colour variable that marks a band."""
    return TONE_COLOURS[mark.tone]


def chip_background(rubric: Rubric, dimension: str, score: float) -> str:
    """The theme colour variable behind the score chip of a dimension's `score`."""
    return TONE_BACKGROUNDS[band_of(rubric, dimension, score).tone]


def band_level(rubric: Rubric, dimension: str, score: float) -> tuple[str, str]:
    """The band label for a dimension's `score` and the theme colour variable that marks it."""
    mark = band_of(rubric, dimension, score)
    return mark.label, colour_of(mark)


def overall_level(rubric: Rubric, score: float) -> tuple[str, str]:
    """The band label for an overall score and the theme colour variable that marks it."""
    mark = overall_band(rubric, score)
    return mark.label, colour_of(mark)


def percent(score: float) -> str:
    """A score from 0 to 1 as a whole number out of 100."""
    return str(points(score))


def dimension_label(dimension: str) -> str:
    """The long display label of a dimension."""
    from roleplay.rubric import DIMENSION_LABELS

    return DIMENSION_LABELS.get(dimension, dimension)

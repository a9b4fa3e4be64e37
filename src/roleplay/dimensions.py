"""The three behaviours every rep turn is scored on, by name.

Plain Python, so a command can offer them as choices without loading the rubric's models
(`roleplay.rubric` re-exports them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar

DimensionName = Literal["listening", "context_seeking", "problem_focus"]
DIMENSIONS: tuple[DimensionName, ...] = ("listening", "context_seeking", "problem_focus")
"""The scored behaviours, in display order."""

DIMENSION_LABELS: dict[str, str] = {
    "listening": "Listening",
    "context_seeking": "Context-seeking",
    "problem_focus": "Problem focus",
}
"""What the rep sees for each behaviour."""


_Name = TypeVar("_Name", bound=str)


def weakest(scores: Mapping[_Name, float]) -> _Name:
    """The behaviour scored lowest in `scores` (the first of equals, in the mapping's order):
    what a better turn coaches, a debrief's first point, a rep's greatest need."""
    return min(scores, key=lambda name: scores[name])

"""Rubric files: the three behaviours every rep turn is scored on, their bands and examples."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from roleplay.dimensions import DIMENSION_LABELS as DIMENSION_LABELS
from roleplay.dimensions import DIMENSIONS as DIMENSIONS
from roleplay.dimensions import DimensionName as DimensionName
from roleplay.errors import InvalidFileError, Problem
from roleplay.model_base import StrictModel
from roleplay.scenario import Identifier, Line
from roleplay.yamlio import load_model


class Band(StrictModel):
    """A score range with a name and a coaching tip."""

    id: Identifier
    """Machine name, e.g. `needs_work`, `developing`, `strong`."""
    label: Line
    """What the rep sees, e.g. `Needs work`."""
    min_score: float = Field(ge=0.0, le=1.0)
    """The band covers scores from this value up to the next band's `min_score`."""
    tip: Line
    """Coaching tip for a turn in this band."""


class LabelledTurn(StrictModel):
    """A rep turn with an expert's judgement of one behaviour."""

    turn: Line
    """What the rep said."""
    previous: Annotated[str, StringConstraints(strip_whitespace=True, max_length=600)] = ""
    """The buyer's line just before the turn (empty at the start of a call)."""
    label: Literal["positive", "negative"]
    """`positive` if the turn shows the behaviour, `negative` if it does not."""
    note: Line | None = None
    """Why, for authors and coaches."""


class Dimension(StrictModel):
    """One scored behaviour."""

    description: Line
    """What the behaviour is, in a sentence a rep understands."""
    weight: float = Field(default=1.0, gt=0.0, le=10.0)
    """Relative weight in the overall score."""
    bands: list[Band] = Field(min_length=2, max_length=6)
    """Score bands from lowest to highest; the first starts at 0."""
    examples: list[LabelledTurn] = Field(default_factory=list)
    """Labelled example turns; they are part of the scorer's training and test data."""

    def band_for(self, score: float) -> Band:
        """The band a score falls in."""
        chosen = self.bands[0]
        for band in self.bands:
            if score >= band.min_score:
                chosen = band
        return chosen


class Dimensions(StrictModel):
    """The three scored behaviours."""

    listening: Dimension
    """The turn shows the rep heard and used what the buyer just said."""
    context_seeking: Dimension
    """The turn asks about the buyer's business, role, process or pressures."""
    problem_focus: Dimension
    """The turn centres the buyer's problem and outcomes, not the product or the close."""


class Rubric(StrictModel):
    """How rep turns are scored."""

    id: Identifier
    """Unique rubric id, recorded in transcripts."""
    title: Line
    """A short title."""
    version: Line = "1"
    """The rubric's version; change it when bands or parameters change."""
    dimensions: Dimensions
    """Listening, context-seeking and problem focus, each with bands and examples."""
    parameters: Line | None = None
    """Fitted scorer parameters, relative to this file (default: the scorer's shipped ones)."""

    def dimension(self, name: str) -> Dimension:
        """The dimension called `name`."""
        value = getattr(self.dimensions, name, None)
        if not isinstance(value, Dimension):
            raise KeyError(name)
        return value

    @property
    def source_path(self) -> Path | None:
        """The file this rubric was read from, if any."""
        return self._source.path if self._source is not None else None

    def parameters_path(self) -> Path | None:
        """Absolute path of the fitted parameters this rubric names, if any."""
        if self.parameters is None:
            return None
        base = self.source_path.parent if self.source_path is not None else Path.cwd()
        return base / self.parameters


def check_rubric(rubric: Rubric) -> list[Problem]:
    """Problems a schema cannot see: band order and a first band that does not start at 0."""
    loaded = rubric._source
    name = str(loaded.path) if loaded is not None else rubric.id
    problems: list[Problem] = []
    for dim_name in DIMENSIONS:
        bands = rubric.dimension(dim_name).bands
        path: tuple[str | int, ...] = ("dimensions", dim_name, "bands")
        line, col = loaded.locate(path) if loaded is not None else (1, 1)
        where = ".".join(map(str, path))
        if bands[0].min_score != 0.0:
            problems.append(Problem(name, line, col, where, "the first band must start at 0"))
        mins = [b.min_score for b in bands]
        if mins != sorted(set(mins)):
            problems.append(Problem(name, line, col, where, "bands must go from lowest to highest"))
        ids = [b.id for b in bands]
        if len(set(ids)) != len(ids):
            problems.append(Problem(name, line, col, where, "band ids must be unique"))
    if rubric.parameters is not None:
        params = rubric.parameters_path()
        if params is None or not params.exists():
            line, col = loaded.locate(("parameters",)) if loaded is not None else (1, 1)
            problems.append(
                Problem(name, line, col, "parameters", f"file not found: {rubric.parameters}")
            )
    return problems


def load_rubric(path: Path) -> Rubric:
    """Read and validate one rubric file.

    Raises:
        InvalidFileError: with every problem found, each located in the file.
    """
    rubric: Rubric = load_model(Path(path), Rubric)
    problems = check_rubric(rubric)
    if problems:
        raise InvalidFileError(problems)
    return rubric

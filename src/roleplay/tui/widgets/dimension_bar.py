"""A dimension's running average as a bar, with a sparkline of every turn's score."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from roleplay.rubric import Rubric
from roleplay.tui.widgets.bands import band_level, dimension_label, percent

BAR_CELLS = "▏▎▍▌▋▊▉█"
SPARK_CELLS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int) -> str:
    """One block per turn on an absolute 0-1 scale, the latest `width` turns."""
    shown = list(values)[-width:]
    return "".join(
        SPARK_CELLS[min(len(SPARK_CELLS) - 1, int(max(0.0, v) * len(SPARK_CELLS)))] for v in shown
    )


def bar(fraction: float, width: int) -> str:
    """A horizontal bar `width` cells wide filled to `fraction`, with eighth-cell precision."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (BAR_CELLS[rest - 1] if rest else "")
    return text.ljust(width, " ")


class DimensionBar(Widget):
    """Label, running average bar and a sparkline of the per-turn scores of one dimension."""

    DEFAULT_CSS = """
    DimensionBar {
        height: 3;
        width: 1fr;
    }
    DimensionBar .dimension--label {
        height: 1;
    }
    DimensionBar .dimension--bar {
        height: 1;
    }
    DimensionBar .dimension--spark {
        height: 1;
    }
    """

    BAR_WIDTH = 12
    SPARK_WIDTH = 16

    def __init__(self, dimension: str, rubric: Rubric, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.dimension = dimension
        self.rubric = rubric
        self.scores: list[float] = []

    def compose(self) -> ComposeResult:
        yield Static(Content(dimension_label(self.dimension)), classes="dimension--label")
        yield Static(self._bar_content(), classes="dimension--bar")
        yield Static(self._spark_content(), classes="dimension--spark")

    def set_scores(self, scores: Sequence[float]) -> None:
        """Show these per-turn scores (oldest first)."""
        self.scores = list(scores)
        self.query_one(".dimension--bar", Static).update(self._bar_content())
        self.query_one(".dimension--spark", Static).update(self._spark_content())

    @property
    def average(self) -> float | None:
        """The mean of the scores so far."""
        return sum(self.scores) / len(self.scores) if self.scores else None

    def _spark_content(self) -> Content:
        if not self.scores:
            return Content.from_markup("[dim]per turn: none yet[/]")
        parts = [Content.from_markup("[dim]per turn [/]")]
        for value in self.scores[-(self.SPARK_WIDTH) :]:
            _, colour = band_level(self.rubric, self.dimension, value)
            parts.append(Content.from_markup(f"[{colour}]$c[/]", c=sparkline([value], 1)))
        return Content("").join(parts)

    def _bar_content(self) -> Content:
        average = self.average
        if average is None:
            return Content.from_markup(f"[dim]{'·' * self.BAR_WIDTH}  --[/]")
        _, colour = band_level(self.rubric, self.dimension, average)
        return Content.from_markup(
            f"[{colour}]{bar(average, self.BAR_WIDTH)}[/] [bold]{percent(average):>3}[/]"
        )

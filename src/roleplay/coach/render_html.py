"""Self-contained HTML reports: inline CSS and inline SVG, no script, no external asset.

The view model (`roleplay.coach.view`) says what a report shows; the Jinja2 templates in
`coach/templates/` lay it out, with autoescape on, so nothing a rep, buyer or coach typed can
become markup. The chart's geometry is computed here and drawn by `chart.svg`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2

from roleplay.coach.report import TranscriptReport
from roleplay.coach.team import TeamReport
from roleplay.coach.view import TranscriptView, team_view, transcript_view
from roleplay.standing import fmt_score

COLOURS = {"listening": "#2563eb", "context_seeking": "#c2410c", "problem_focus": "#047857"}
"""One colour per dimension, used by the chart lines and the legend."""


@cache
def environment() -> jinja2.Environment:
    """The templates, read once from the package, with autoescape on."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("roleplay.coach", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# --- the chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guide:
    """A horizontal line at a band start (dashed) or at 0 and 100."""

    y: str
    """Its height."""
    label_y: str
    """Where its label sits."""
    label: str
    """The score it marks, out of 100."""
    dashed: bool
    """Whether it is a band start (dashed)."""


@dataclass(frozen=True)
class Override:
    """A coach override: a hollow diamond."""

    path: str
    """The diamond's outline."""
    score: str
    """The coach's score, out of 100."""


@dataclass(frozen=True)
class Dot:
    """The machine's score of one turn, and the coach's override if any."""

    turn: int
    """The turn's number in the conversation."""
    x: str
    """The dot's centre, across."""
    y: str
    """The dot's centre, down."""
    score: str
    """The machine's score, out of 100."""
    override: Override | None
    """The coach's override of it, if any."""


@dataclass(frozen=True)
class Tick:
    """A turn number under the plot."""

    turn: int
    """The turn's number in the conversation."""
    x: str
    """Where it sits, across."""


@dataclass(frozen=True)
class Series:
    """One behaviour's line."""

    key: str
    """The behaviour's key, e.g. `listening`."""
    label: str
    """Its name."""
    colour: str
    """Its line's colour (`COLOURS`)."""
    points: str
    """The line through the machine's scores."""
    dots: list[Dot]
    """A dot per scored turn."""


@dataclass(frozen=True)
class ChartGeometry:
    """Where everything of the chart goes, in pixels, formatted for SVG."""

    width: int
    """The whole chart's width."""
    height: int
    """The whole chart's height."""
    left: int
    """Where the plot starts, across (room for the score labels)."""
    top: int
    """Where the plot starts, down."""
    plot_width: int
    """The plot's width."""
    plot_height: int
    """The plot's height."""
    right: int
    """Where the plot ends, across."""
    middle_x: str
    """The plot's centre, across (for "no scored rep turns")."""
    middle_y: str
    """The plot's centre, down."""
    guides: list[Guide]
    """The lines at 0, at each band start and at 100."""
    ticks: list[Tick]
    """The turn numbers under the plot."""
    series: list[Series]
    """A line per behaviour (none without scored turns)."""


def chart_geometry(view: TranscriptView, width: int = 900, height: int = 260) -> ChartGeometry:
    """The chart of the three scores over the rep's turns, laid out in a `width` × `height`
    box with room for the axis labels."""
    left, right, top, bottom = 44, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(view.chart)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(count, 1))

    def y(v: float) -> float:
        return top + plot_h * (1.0 - v)

    guides = [
        Guide(f"{y(v):.1f}", f"{y(v) + 4:.1f}", fmt_score(v), v in view.guides)
        for v in (0.0, *view.guides, 1.0)
    ]
    series = []
    for key, label in view.labels.items() if view.chart else ():
        dots = []
        for i, point in enumerate(view.chart):
            override = None
            if point.override:
                cx, cy = x(i), y(point.override[key])
                override = Override(
                    f"M{cx:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy:.1f} L{cx:.1f},{cy + 6:.1f} "
                    f"L{cx - 6:.1f},{cy:.1f} Z",
                    fmt_score(point.override[key]),
                )
            dots.append(
                Dot(
                    point.turn,
                    f"{x(i):.1f}",
                    f"{y(point.machine[key]):.1f}",
                    fmt_score(point.machine[key]),
                    override,
                )
            )
        series.append(
            Series(key, label, COLOURS[key], " ".join(f"{d.x},{d.y}" for d in dots), dots)
        )
    return ChartGeometry(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        right=left + plot_w,
        middle_x=str(left + plot_w / 2),
        middle_y=str(top + plot_h / 2),
        guides=guides,
        ticks=[Tick(p.turn, f"{x(i):.1f}") for i, p in enumerate(view.chart)],
        series=series,
    )


# --- the reports ----------------------------------------------------------------------------


def transcript(report: TranscriptReport) -> str:
    """The HTML report on one conversation."""
    view = transcript_view(report)
    return (
        environment()
        .get_template("transcript.html")
        .render(v=view, chart=chart_geometry(view), colours=COLOURS)
    )


def team(report: TeamReport) -> str:
    """The HTML team view: the same sections as the Markdown one."""
    return environment().get_template("team.html").render(v=team_view(report))


__all__ = ["chart_geometry", "team", "transcript"]

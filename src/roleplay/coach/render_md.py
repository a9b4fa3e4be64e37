"""Markdown reports: the same content as the HTML ones, as text a coach can paste anywhere.

The view model (`roleplay.coach.view`) says what a report shows; the Jinja2 templates in
`coach/templates/` lay it out. Markdown has no autoescape, so the environment escapes every
value a template prints (`text`), the way HTML autoescape does: what a rep, buyer or coach
typed shows as typed, and can neither break a table, start a heading or list, nor become raw
HTML or a link. The few values that are Markdown on purpose (a quote, a code span, a chip, a
link) are built here and marked `Markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import quote as url_quote

import jinja2

from roleplay.coach.report import TranscriptReport
from roleplay.coach.team import TeamReport
from roleplay.coach.view import Banded, Cell, TurnView, team_view, transcript_view
from roleplay.standing import fmt_score

BARS = "▁▂▃▄▅▆▇█"


class Markdown(str):
    """Text that is Markdown already: printed by a template as it is."""

    __slots__ = ()


_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPECIAL = re.compile(
    r"[\\`*~\[|$]"  # emphasis, code, strikethrough, links, table cells, maths
    r"|(?<![^\W_])_|_(?![^\W_])"  # `_` that could open or close emphasis (not inside a word)
)
_PLAIN = re.compile(r"[^\\`*~\[|$_&<\r\n]*")
"""Text with none of the characters `text` escapes (most cells: names, numbers, dates)."""
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_BLOCK_START = re.compile(r"^(\s*)(?:(>)|(#{1,6}|[-+]|\d{1,9}[.)])(?=\s))")
"""A quote, heading, list item or numbered item at the start of a line."""
_LINE_MARK = re.compile(r"^(\s*)(?:(>)|(#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)|([-=])(?=[-=\s]*$))")
"""The same, and also an empty item or a line of `-` or `=` (a rule, or a heading underline
that would turn the line above into a heading): where a line of a quote could start one."""


def text(value: object) -> Markdown:
    """A value as Markdown text that shows exactly as typed, on one line.

    Line breaks become spaces (a table row or list item is one line); Markdown's punctuation is
    backslash-escaped; `<` becomes `&lt;` (no tag, comment or autolink) and `&` that would
    start an entity `&amp;`; a quote, heading or list marker at the start is escaped too, so the
    text starts no block of its own where it starts a line.
    """
    if isinstance(value, Markdown):
        return value
    if value is None:
        return Markdown("")
    line = str(value)
    if _PLAIN.fullmatch(line) and not _BLOCK_START.match(line):
        return Markdown(line)
    line = _NEWLINE.sub(" ", line)
    line = _SPECIAL.sub(lambda m: "\\" + m.group(0), line)
    line = _ENTITY.sub("&amp;", line).replace("<", "&lt;")
    line = _BLOCK_START.sub(_escape_mark, line, count=1)
    return Markdown(line)


def _escape_mark(match: re.Match[str]) -> str:
    """The marker matched by `_BLOCK_START` or `_LINE_MARK`, backslash-escaped."""
    indent, mark = match.group(1), next(g for g in match.groups()[1:] if g is not None)
    if mark[-1] in ".)":
        return f"{indent}{mark[:-1]}\\{mark[-1]}"
    return f"{indent}\\{mark}"


def quote(value: str) -> Markdown:
    """Text as a block quote, line by line, each line escaped (`text`)."""
    lines = value.splitlines() or [""]
    return Markdown(
        "\n".join(f"> {_LINE_MARK.sub(_escape_mark, text(line.lstrip()))}" for line in lines)
    )


def code(value: str) -> Markdown:
    """Text as an inline code span, fenced by more backticks than it holds in a row."""
    line = _NEWLINE.sub(" ", value)
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    if line.startswith("`") or line.endswith("`"):
        line = f" {line} "
    return Markdown(f"{fence}{line}{fence}")


def spark(values: Iterable[float]) -> Markdown:
    """A text sparkline of values from 0 to 1."""
    bars = "".join(BARS[min(len(BARS) - 1, max(0, int(v * len(BARS))))] for v in values)
    return Markdown(bars or "–")


def bar(value: float, width: int = 10) -> Markdown:
    """A score from 0 to 1 as a bar of `width` cells in a code span."""
    filled = round(value * width)
    return Markdown("`" + "█" * filled + "·" * (width - filled) + "`")


def banded(item: Banded | None) -> Markdown:
    """A score with its band's label, or a dash."""
    return text("–" if item is None else f"{item.score} {item.band}")


def score_chips(turn: TurnView) -> Markdown:
    """A rep turn's score per behaviour, as code spans."""
    return Markdown(" ".join(code(f"{c.label} {c.score} · {c.band}") for c in turn.chips))


def buyer_chips(turn: TurnView) -> Markdown:
    """What a buyer turn revealed and objected to and the buyer's state, as code spans."""
    chips = [code(f"revealed: {f}") for f in turn.revealed]
    chips += [code(f"objection: {o}") for o in turn.objections]
    if turn.patience is not None:
        chips.append(code(f"patience {turn.patience}"))
    if turn.trust is not None:
        chips.append(code(f"trust {turn.trust}"))
    return Markdown(" ".join(chips))


def cell(value: str | Cell) -> Markdown:
    """A team table's cell: text, a banded score, or a link to another report."""
    if isinstance(value, str):
        return text(value)
    if value.banded is not None:
        return banded(value.banded)
    label = text(value.text).replace("]", "\\]")  # a `]` would end the link's text
    return Markdown(f"[{label}]({url_quote(value.href or '')})")


def _finalize(value: Any) -> Markdown:
    return text(value)


@cache
def environment() -> jinja2.Environment:
    """The templates, read once from the package, escaping every printed value (`text`)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("roleplay.coach", "templates"),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(quote=quote, code=code, spark=spark, bar=bar, score=fmt_score, cell=cell)
    env.globals.update(banded=banded, score_chips=score_chips, buyer_chips=buyer_chips)
    return env


def transcript(report: TranscriptReport) -> str:
    """The Markdown report on one conversation."""
    page = environment().get_template("transcript.md").render(v=transcript_view(report))
    return page.rstrip() + "\n"


def team(report: TeamReport) -> str:
    """The Markdown team view: the same sections as the HTML one."""
    return environment().get_template("team.md").render(v=team_view(report))

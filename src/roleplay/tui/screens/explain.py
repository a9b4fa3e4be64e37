"""Why a rep turn scored as it did, and a better alternative."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.transcript import Turn
from roleplay.tui.widgets.bands import band_level, dimension_label, percent


def explanation_content(turn: Turn, rubric: Rubric) -> Content:
    """A scored rep turn explained: scores, cues, what was missed, and a better turn."""
    assert turn.score is not None
    score = turn.score
    lines: list[Content] = [Content.from_markup("[b]You said[/b]"), Content(turn.text), Content("")]
    for name in DIMENSIONS:
        value = getattr(score.scores, name)
        label, colour = band_level(rubric, name, value)
        cue = score.explanation.cues.get(name, "")
        lines.append(
            Content.from_markup(
                f"[b]$dim[/b] [{colour}]$value $band[/]  [dim]$cue[/]",
                dim=f"{dimension_label(name):<16}",
                value=percent(value),
                band=label,
                cue=cue,
            )
        )
    lines.append(Content(""))
    if score.explanation.summary:
        lines.append(Content(score.explanation.summary))
    if score.explanation.picked_up:
        lines.append(
            Content.from_markup(
                "[b]You picked up:[/b] $words", words=", ".join(score.explanation.picked_up)
            )
        )
    if score.explanation.missed:
        lines.append(
            Content.from_markup(
                "[b]You could have picked up:[/b] $words", words=", ".join(score.explanation.missed)
            )
        )
    if score.explanation.alternative:
        lines.append(Content(""))
        lines.append(Content.from_markup("[b $text-success]A better turn[/]"))
        lines.append(Content(score.explanation.alternative))
    return Content("\n").join(lines)


class ExplainScreen(ModalScreen[None]):
    """A dialog explaining one rep turn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2,q", "close", "Close", show=True),
    ]

    def __init__(self, turn: Turn, rubric: Rubric, number: int) -> None:
        """`number` is the turn's 1-based place in the whole conversation, buyer turns
        included, as the debrief, replay and reports number turns."""
        super().__init__()
        self.turn = turn
        self.rubric = rubric
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-dialog", classes="dialog"):
            yield Static(Content(f"Turn #{self.number}"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(explanation_content(self.turn, self.rubric), id="explain-text")
            yield Static(Content.from_markup("[dim]Escape to close[/]"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

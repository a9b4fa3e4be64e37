"""The whole conversation as saved, with the file it is saved in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from roleplay.scenario import Scenario
from roleplay.transcript import Transcript
from roleplay.tui.widgets.bands import SHORT_LABELS, percent


def transcript_content(scenario: Scenario, transcript: Transcript) -> Content:
    """Every turn with who said it and, for the rep's turns, the three scores."""
    lines: list[Content] = []
    for turn in transcript.turns:
        speaker = "You" if turn.role == "rep" else scenario.buyer.name
        scores = ""
        if turn.scores is not None:
            scores = "  " + " ".join(
                f"{SHORT_LABELS[name]} {percent(getattr(turn.scores, name))}"
                for name in SHORT_LABELS
            )
        lines.append(Content.from_markup("[b]$who[/][dim]$scores[/]", who=speaker, scores=scores))
        lines.append(Content(turn.text))
        lines.append(Content(""))
    return Content("\n").join(lines)


class TranscriptScreen(ModalScreen[None]):
    """A dialog with the saved transcript."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,o", "close", "Close", show=True)]

    def __init__(self, scenario: Scenario, transcript: Transcript, path: Path | None) -> None:
        super().__init__()
        self.scenario = scenario
        self.transcript = transcript
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="transcript-dialog", classes="dialog"):
            yield Static(Content("Transcript"), classes="dialog-title")
            where = f"Saved in {self.path}" if self.path else "Not saved"
            yield Static(Content(where), id="transcript-path")
            with VerticalScroll(classes="dialog-body"):
                yield Static(transcript_content(self.scenario, self.transcript))
            yield Static(
                Content.from_markup(
                    "[dim]Escape to close · `roleplay replay <file>` replays it with a coach[/]"
                ),
                classes="dialog-hint",
            )

    def action_close(self) -> None:
        self.dismiss(None)

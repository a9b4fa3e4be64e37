"""One turn of the conversation: who spoke, what they said, and the rep turn's score chips."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.transcript import Turn
from roleplay.tui.widgets.bands import CHIP_OPACITY, SHORT_LABELS, chip_background, percent


def score_chips(turn: Turn, rubric: Rubric) -> Content:
    """Compact colour-coded chips for a scored rep turn, e.g. ` Listen 72 ` ` Context 40 `."""
    scores = turn.scores
    if scores is None:
        return Content.from_markup("[dim]scoring…[/]")
    parts: list[Content] = []
    for name in DIMENSIONS:
        value = getattr(scores, name)
        colour = chip_background(rubric, name, value)
        label = SHORT_LABELS[name]
        parts.append(
            Content.from_markup(
                f"[bold $text on {colour} {CHIP_OPACITY}%] {label} {percent(value)} [/]",
            )
        )
    return Content(" ").join(parts)


class TurnBubble(Widget, can_focus=False):
    """A speech bubble. Buyer bubbles can grow while the reply streams."""

    DEFAULT_CSS = """
    TurnBubble {
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        border-left: thick $secondary;
    }
    TurnBubble.-rep {
        border-left: thick $primary;
        margin-left: 4;
    }
    TurnBubble.-selected {
        background: $boost;
        border-left: thick $accent;
    }
    TurnBubble .bubble--speaker {
        text-style: bold;
        color: $text-muted;
    }
    TurnBubble .bubble--text {
        width: 1fr;
    }
    TurnBubble .bubble--chips {
        margin-top: 0;
    }
    TurnBubble .bubble--note {
        color: $text-warning;
        text-style: italic;
    }
    """

    selected: reactive[bool] = reactive(False)
    """Whether this is the turn the explain key acts on."""

    def __init__(
        self,
        speaker: str,
        turn: Turn | None,
        rubric: Rubric,
        *,
        number: int | None = None,
        text: str = "",
    ) -> None:
        """`number` is the turn's 1-based place in the whole call, both sides counted: the
        numbering of the explain dialog, debrief, replay, reports and `branch --turn`."""
        role = turn.role if turn is not None else "buyer"
        super().__init__(classes=f"-{role}")
        self.speaker = speaker
        self.turn = turn
        self.rubric = rubric
        self.number = number
        self._text = turn.text if turn is not None else text
        self._waiting = turn is None and not text
        self._text_widget = Static(
            Content.from_markup("[dim]…[/]") if self._waiting else Content(self._text),
            classes="bubble--text",
        )
        self._chips = (
            Static(score_chips(turn, rubric), classes="bubble--chips")
            if turn is not None and turn.role == "rep"
            else None
        )
        self._note = Static(Content(self._note_for(turn)), classes="bubble--note")
        self._note.display = bool(self._note_for(turn))

    @property
    def text(self) -> str:
        """What the bubble says so far."""
        return self._text

    @property
    def is_rep(self) -> bool:
        """Whether the rep said this."""
        return self.turn is not None and self.turn.role == "rep"

    def compose(self) -> ComposeResult:
        label = self.speaker if self.number is None else f"#{self.number} {self.speaker}"
        yield Static(Content(label), classes="bubble--speaker")
        yield self._text_widget
        if self._chips is not None:
            yield self._chips
        yield self._note

    def append(self, chunk: str) -> None:
        """Add streamed text to a buyer bubble."""
        self._waiting = False
        self._text += chunk
        self._text_widget.update(Content(self._text))

    def finish(self, turn: Turn | None, note: str = "") -> None:
        """Replace the streamed text with the recorded turn and show a note, if any."""
        if turn is not None:
            self.turn = turn
            self._text = turn.text
            self._text_widget.update(Content(self._text))
        self._show_note(note or self._note_for(turn))

    def set_scored(self, turn: Turn) -> None:
        """Show the chips of a rep turn that has just been scored."""
        self.turn = turn
        if self._chips is not None:
            self._chips.update(score_chips(turn, self.rubric))

    def _show_note(self, note: str) -> None:
        self._note.update(Content(note))
        self._note.display = bool(note)

    @staticmethod
    def _note_for(turn: Turn | None) -> str:
        if turn is not None and turn.source == "interrupted":
            return "(interrupted)" if turn.text.strip() else "(interrupted before speaking)"
        return ""

    def watch_selected(self, selected: bool) -> None:
        self.set_class(selected, "-selected")

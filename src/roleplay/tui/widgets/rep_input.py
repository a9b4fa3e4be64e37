"""The rep's input line: pasted text keeps all its lines and loses its control characters."""

from __future__ import annotations

import re

from textual import events
from textual.widgets import Input

from roleplay.limits import printable

_SPACES = re.compile(r"[ \t\r\n]+")


def clean_text(text: str) -> str:
    """Text without terminal escape sequences and control characters, whitespace runs (newlines
    too) made one space."""
    return _SPACES.sub(" ", printable(text)).strip()


class RepInput(Input):
    """An `Input` whose paste joins the lines of the pasted text instead of dropping all but one."""

    def _on_paste(self, event: events.Paste) -> None:
        if event.text:
            text = clean_text(event.text)
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.stop()
        event.prevent_default()  # the base Input's paste handler would insert the text again

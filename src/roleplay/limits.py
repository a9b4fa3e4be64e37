"""Limits on what roleplay accepts from a user, kept in one place so every reader agrees."""

from __future__ import annotations

import re

MAX_TURN_CHARS = 2000
"""The longest turn accepted anywhere (the app, `simulate`, `branch`, `score-turns`, saved
transcripts): a longer rep turn is a paste, not something said in a meeting, and the scorer's
patterns must never see megabytes (a 5 MB turn took over a minute)."""


_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
"""Terminal escape sequences (colours, titles, cursor moves) a paste may carry."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
"""Control and invisible characters; newline and tab are kept for the caller to decide."""


def printable(text: str) -> str:
    """`text` with terminal escape sequences removed and every other control or invisible
    character made a space (so "a\x00b" stays two words); newlines and tabs are kept.

    The one rule for what of a rep's text is kept: the app's input (a paste) and the session
    (every turn, from the app, `simulate` or `branch`) both clean with it.
    """
    return _CONTROL.sub(" ", _ESCAPES.sub("", text.replace("\r\n", "\n")))

"""Limits on what roleplay accepts from a user, kept in one place so every reader agrees."""

from __future__ import annotations

MAX_TURN_CHARS = 2000
"""The longest turn accepted anywhere (the app, `simulate`, `branch`, `score-turns`, saved
transcripts): a longer rep turn is a paste, not something said in a meeting, and the scorer's
patterns must never see megabytes (a 5 MB turn took over a minute)."""

"""The app's screens, in the order a rep meets them: picker, briefing, conversation, debrief,
then the replay of a saved conversation.

Each screen lives in its own module and is imported where it is first shown, so start-up only
pays for the picker.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "PickerScreen": "picker",
    "BriefingScreen": "briefing",
    "ConversationScreen": "conversation",
    "DebriefScreen": "debrief",
    "HelpScreen": "help",
    "ConfirmScreen": "confirm",
    "ExplainScreen": "explain",
    "TranscriptScreen": "transcript_view",
    "SavedTranscriptsScreen": "saved",
    "ReplayScreen": "replay",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    """Import a screen's module on first use (`from roleplay.tui.screens import X` works)."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"roleplay.tui.screens.{module}"), name)

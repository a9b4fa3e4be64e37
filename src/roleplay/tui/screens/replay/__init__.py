"""The replay of a saved conversation: a coach steps through it, turn by turn, with the scores
and reasons, and adds notes, override scores and "what if" branches.

Everything is saved into the transcript file at once (notes beside the machine's scores).
The screen works on its own (`ReplayApp`, used by `roleplay replay`) or pushed by the
practice app. One module per role:

- `screen`: `ReplayScreen` and the branch worker;
- `dialogs`: the note, override and branch forms;
- `content`: what the screen shows (turn rows, a turn's details, the whole call's figures);
- `messages`: what the branch worker posts;
- `app`: `ReplayApp`.
"""

from __future__ import annotations

from roleplay.tui.screens.replay.app import ReplayApp
from roleplay.tui.screens.replay.content import metrics_content, turn_detail, turn_row
from roleplay.tui.screens.replay.dialogs import BranchDialog, NoteDialog, OverrideDialog
from roleplay.tui.screens.replay.messages import BranchFailed, BranchFinished
from roleplay.tui.screens.replay.screen import BranchLoader, ReplayOptions, ReplayScreen

__all__ = [
    "BranchDialog",
    "BranchFailed",
    "BranchFinished",
    "BranchLoader",
    "NoteDialog",
    "OverrideDialog",
    "ReplayApp",
    "ReplayOptions",
    "ReplayScreen",
    "metrics_content",
    "turn_detail",
    "turn_row",
]

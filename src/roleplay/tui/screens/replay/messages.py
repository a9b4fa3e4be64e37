"""What the replay screen's branch worker posts when it is done, named for what happened."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from roleplay.transcript import Transcript


class BranchFinished(Message):
    """A branch was played out and saved."""

    def __init__(self, path: Path, transcript: Transcript) -> None:
        super().__init__()
        self.path = path
        self.transcript = transcript


class BranchFailed(Message):
    """A branch could not be made; `error` says why."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error

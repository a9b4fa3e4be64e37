"""`roleplay replay`: the replay screen as an app of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from textual.app import App

from roleplay.tui.screens.replay.screen import ReplayOptions, ReplayScreen


class ReplayApp(App[None]):
    """`roleplay replay`: the replay screen on its own."""

    TITLE = "roleplay replay"

    def __init__(self, path: Path, **options: Unpack[ReplayOptions]) -> None:
        super().__init__()
        self.replay = ReplayScreen(path, **options)

    def get_default_screen(self) -> ReplayScreen:
        """The replay is the app's base screen: closing it quits."""
        return self.replay

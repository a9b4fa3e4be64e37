"""Steps a rep takes, for Pilot tests: each waits for the app's workers, never a fixed sleep."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Button, Input

from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens import BriefingScreen, ConversationScreen
from roleplay.tui.widgets import RepInput


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool], limit: int = 2000) -> None:
    """Process events until `condition()` holds (a worker reached a point), or fail."""
    for _ in range(limit):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never reached the expected state")


async def pick(pilot: Pilot[None], query: str) -> None:
    """Filter the picker by `query` and open the first match's briefing."""
    app = pilot.app
    filter_input = app.screen.query_one("#filter", Input)
    filter_input.value = query
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, BriefingScreen))


async def start_call(pilot: Pilot[None]) -> ConversationScreen:
    """Wait for the models on the briefing, then start the call."""
    app = pilot.app
    assert isinstance(app, RoleplayApp)
    await until(pilot, lambda: not app.screen.query_one("#start", Button).disabled)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ConversationScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ConversationScreen)
    return screen


async def end_call(pilot: Pilot[None]) -> None:
    """Press F3, answer yes when asked, and wait for the debrief."""
    from roleplay.tui.screens import ConfirmScreen, DebriefScreen

    app = pilot.app
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, DebriefScreen))


async def call_then_debrief(pilot: Pilot[None], *turns: str) -> None:
    """Start the call, say each turn (waiting for each reply), end it and reach the debrief."""
    await start_call(pilot)
    for turn in turns:
        await say(pilot, turn)
    await end_call(pilot)
    await settle(pilot)


async def type_turn(pilot: Pilot[None], text: str) -> None:
    """Put `text` in the rep's input and press Enter (does not wait for the reply)."""
    pilot.app.screen.query_one("#rep-input", RepInput).value = text
    await pilot.press("enter")


async def say(pilot: Pilot[None], text: str) -> None:
    """Send a rep turn and wait until the buyer has replied."""
    await type_turn(pilot, text)
    await settle(pilot)


def screen_text(app: RoleplayApp) -> str:
    """Everything on the screen as plain text."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        record=True,
        color_system=None,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()

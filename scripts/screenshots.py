"""Export SVG screenshots of every screen of the practice app for the README.

Runs the real app headless on the deterministic buyer (fixed seed) and the real scorer, and
saves each screen with `App.save_screenshot` into `docs/screenshots/`:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LIGHT_THEME = "roleplay-light"
"""`roleplay.tui.theme.LIGHT_THEME`; roleplay is imported only inside `main_async`."""
SEED = 7
TURNS = (
    "How long does your month-end close take today, start to finish?",
    "CloseLoop automates reconciliations. Can we book a demo next week?",
    "Twelve days is a lot. What is the board asking of you this year?",
)


async def _until(pilot, condition: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3000):
        if condition():
            return
        await pilot.pause(0.01)
    raise RuntimeError("the app never reached the expected screen")


async def _steady(pilot) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def capture(
    out: Path,
    name: str,
    size: tuple[int, int],
    steps: Callable[..., Awaitable[None]],
    **options: object,
) -> Path:
    """Run the app at `size`, take `steps`, and save the screen as `out/name.svg`."""
    from roleplay.buyer import load_backend
    from roleplay.tui.app import make_app

    app = make_app(
        buyer_factory=lambda scenario: load_backend("deterministic", scenario),
        scorer_factory=lambda rubric: SCORER[0],
        scenarios_dir=PROJECT_ROOT / "scenarios",
        rubric_path=PROJECT_ROOT / "rubrics" / "default.yaml",
        seed=SEED,
        **options,  # type: ignore[arg-type]
    )
    async with app.run_test(size=size) as pilot:
        await _steady(pilot)
        await steps(pilot)
        await _steady(pilot)
        app.title = "roleplay"
        path = app.save_screenshot(f"{name}.svg", str(out))
    return Path(path)


SCORER: list[object] = []


async def _nothing(pilot) -> None:  # type: ignore[no-untyped-def]
    return None


async def _briefing(pilot) -> None:  # type: ignore[no-untyped-def]
    from roleplay.tui.screens import BriefingScreen

    pilot.app.screen.query_one("#filter").value = "logistics"
    await pilot.pause()
    await pilot.press("enter")
    await _until(pilot, lambda: isinstance(pilot.app.screen, BriefingScreen))
    await _until(pilot, lambda: not pilot.app.screen.query_one("#start").disabled)


async def _conversation(pilot) -> None:  # type: ignore[no-untyped-def]
    from roleplay.tui.screens import ConversationScreen

    await _until(pilot, lambda: not pilot.app.screen.query_one("#start").disabled)
    await pilot.press("enter")
    await _until(pilot, lambda: isinstance(pilot.app.screen, ConversationScreen))
    for turn in TURNS:
        pilot.app.screen.query_one("#rep-input").value = turn
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _explain(pilot) -> None:  # type: ignore[no-untyped-def]
    await _conversation(pilot)
    await pilot.press("f2")


async def _debrief(pilot) -> None:  # type: ignore[no-untyped-def]
    from roleplay.tui.screens import DebriefScreen

    await _conversation(pilot)
    await pilot.press("f3", "y")  # F3 asks before it ends the call
    await _until(pilot, lambda: isinstance(pilot.app.screen, DebriefScreen))


async def _help(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f1")


SHOTS: list[tuple[str, tuple[int, int], Callable[..., Awaitable[None]], dict[str, object]]] = [
    ("picker", (100, 30), _nothing, {}),
    ("briefing", (100, 30), _briefing, {}),
    ("conversation", (100, 30), _conversation, {"scenario": "cfo-logistics-close"}),
    ("conversation-80x24", (80, 24), _conversation, {"scenario": "cfo-logistics-close"}),
    (
        "conversation-light",
        (100, 30),
        _conversation,
        {"scenario": "cfo-logistics-close", "theme": LIGHT_THEME},
    ),
    ("explain", (100, 30), _explain, {"scenario": "cfo-logistics-close"}),
    ("debrief", (100, 40), _debrief, {"scenario": "cfo-logistics-close"}),
    ("help", (100, 30), _help, {}),
]


async def main_async(out: Path) -> list[Path]:
    from roleplay.rubric import load_rubric
    from roleplay.scoring import TurnScorer

    SCORER.append(TurnScorer.load(load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml")))
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, size, steps, options in SHOTS:
        saved.append(await capture(out, name, size, steps, **options))
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as home:
        os.environ["ROLEPLAY_HOME"] = home  # no best scores or unfinished sessions of your own
        for path in asyncio.run(main_async(args.out)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The app's first screen imports only what it shows: Textual and the app's own light modules.

Model libraries (numpy, torch, transformers, sentence-transformers, ONNX Runtime) load in the
models' preload, which starts once the picker lists the scenarios; pydantic and YAML load in the
worker that reads the scenario files, after
the picker is on screen, which on a second start already lists the scenarios from the scenario
index (`roleplay.scenario_index`). Checked on the set of imported modules rather than with a
clock, since timings on a shared machine are noise (the clock is `benchmarks/bench_app.py`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.functional  # the program in a subprocess

ALLOWED_AT_IMPORT = {"textual", "rich", "platformdirs", "typing_extensions"}
"""Third-party packages `import roleplay.tui.app` may load: Textual and what Textual imports."""

MODEL_LIBRARIES = {
    "numpy",
    "torch",
    "transformers",
    "sentence_transformers",
    "onnxruntime",
    "tokenizers",
    "huggingface_hub",
    "safetensors",
    "scipy",
    "sklearn",
    "regex",
}
"""Heavy libraries the scorer and the buyer load; none belongs on the first screen."""

LATER_ROLEPLAY_MODULES = {"roleplay.scoring", "roleplay.buyer", "roleplay.session"}
"""The app's own modules that pull in the model libraries."""

FIRST_SCREEN = r"""
import asyncio, sys
from roleplay.tui.app import RoleplayApp, make_app

preloads = []
RoleplayApp.preload_models = lambda app: preloads.append(
    (app.screen.query_one("#scenarios").option_count, sorted(sys.modules))
)  # instead of loading the models: what the picker shows and what is loaded when it would

async def main():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        while not preloads:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        listed, modules = preloads[0]
        print(listed)
        print(*modules)

asyncio.run(main())
"""


SECOND_START = r"""
import asyncio, sys, threading
from roleplay.tui.app import RoleplayApp, make_app

release = threading.Event()
read_library = RoleplayApp._read_library

def held(app):
    release.wait(60)
    return read_library(app)

RoleplayApp._read_library = held  # the scenario files are read only once the list is counted

async def main():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(app.catalog_loaded, app.screen.query_one("#scenarios").option_count)
        print(*sorted(sys.modules))
        release.set()

asyncio.run(main())
"""


def modules_after(code: str, env: dict[str, str] | None = None) -> tuple[list[str], set[str]]:
    """The lines a fresh interpreter printed running `code`, the last split into modules."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    lines = result.stdout.strip().splitlines()
    return lines[:-1], set(lines[-1].split())


def third_party(modules: set[str]) -> set[str]:
    """Top-level packages outside the standard library and roleplay."""
    tops = {m.split(".")[0] for m in modules}
    return {m for m in tops - set(sys.stdlib_module_names) - {"roleplay"} if not m.startswith("_")}


def test_importing_the_app_loads_only_textual() -> None:
    _, loaded = modules_after("import sys, roleplay.tui.app; print(*sorted(sys.modules))")
    extra = third_party(loaded) - ALLOWED_AT_IMPORT
    assert not extra, f"imported at start-up, before the first screen: {sorted(extra)}"
    assert not LATER_ROLEPLAY_MODULES & loaded


@pytest.mark.parametrize("line", [[], ["--model", "deterministic", "--light"]])
def test_the_command_line_that_opens_the_app_loads_no_file_format_library(
    line: list[str],
) -> None:
    # `roleplay` alone parses its command line with the app's command only: no other
    # command's module (nor what they import) loads before the first screen.
    code = (
        f"import sys, roleplay.cli; roleplay.cli.parse_args({line!r}); print(*sorted(sys.modules))"
    )
    _, loaded = modules_after(code)
    assert not {"pydantic", "pydantic_core", "yaml", "textual"} & third_party(loaded)
    assert not LATER_ROLEPLAY_MODULES & loaded
    commands = {m for m in loaded if m.startswith("roleplay.commands.")}
    assert commands == {"roleplay.commands.app"}


def test_help_still_lists_every_command() -> None:
    code = "import sys, roleplay.cli; roleplay.cli.parse_args(['--help'])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("validate", "simulate", "report", "app"))


def test_the_picker_lists_its_scenarios_before_the_models_preload() -> None:
    printed, loaded = modules_after(FIRST_SCREEN)
    assert int(printed[-1]) > 0, "the picker listed no scenarios"
    assert not MODEL_LIBRARIES & third_party(loaded)
    assert not LATER_ROLEPLAY_MODULES & loaded


FIRST_FRAME = r"""
import asyncio
from textual import events
from roleplay.tui.app import make_app

async def main():
    resumed = []
    def hook(message):
        if isinstance(message, events.ScreenResume):
            resumed.append(message)
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        print(*[type(screen).__name__ for screen in app.screen_stack])
        print(len(resumed))

asyncio.run(main())
"""


def test_the_picker_is_the_first_screen_styled_and_painted() -> None:
    # The first screen is the base of the screen stack, not pushed over Textual's empty
    # default screen, which would be styled, laid out and painted first.
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, check=True, timeout=120
    )
    stack, screens_resumed = result.stdout.split("\n")[:2]
    assert stack.split() == ["PickerScreen"]
    assert screens_resumed == "1"


def test_a_second_start_lists_the_scenarios_before_loading_pydantic_or_yaml(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "ROLEPLAY_CACHE": str(tmp_path)}  # a scenario index of its own
    modules_after(FIRST_SCREEN, env)  # reads every file, and writes the index
    printed, loaded = modules_after(SECOND_START, env)
    catalog_loaded, listed = printed[-1].split()
    assert catalog_loaded == "False" and int(listed) >= 6
    assert not {"pydantic", "pydantic_core", "yaml"} & third_party(loaded)
    assert not MODEL_LIBRARIES & third_party(loaded)

"""The core runs headless: nothing outside roleplay.tui imports Textual or heavy model code."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "roleplay.cli",
    "roleplay.scenario",
    "roleplay.rubric",
    "roleplay.transcript",
    "roleplay.session",
    "roleplay.scoring",
    "roleplay.buyer",
    "roleplay.coach",
]


def imported_after(module: str) -> set[str]:
    code = f"import sys, importlib; importlib.import_module({module!r}); print(*sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(result.stdout.split())


def test_the_core_never_imports_textual() -> None:
    for module in CORE_MODULES:
        loaded = imported_after(module)
        assert "textual" not in loaded, f"{module} imports textual"


def test_the_cli_and_core_do_not_import_model_libraries_at_start() -> None:
    loaded = imported_after("roleplay.cli") | imported_after("roleplay.session")
    for heavy in ("torch", "transformers", "sentence_transformers"):
        assert heavy not in loaded, f"{heavy} imported on the start-up path"

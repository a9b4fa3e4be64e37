"""The layers stay in order: the buyer below the session, the session below what drives it.

`roleplay.buyer` voices and directs the buyer; `roleplay.session` runs one call with it;
`roleplay.rehearsal`, the coach, the commands and the app drive sessions. A lower layer that
imports a higher one makes a cycle, so each module's imports are read from its source,
including the ones made inside a function or only for type checking.
"""

from __future__ import annotations

import ast
from pathlib import Path

import roleplay

SOURCE = Path(roleplay.__file__).parent

ABOVE_THE_SESSION = (
    "roleplay.rehearsal",
    "roleplay.coach",
    "roleplay.commands",
    "roleplay.tui",
    "roleplay.cli",
)
"""Packages that drive a session; nothing the session is built from may import them."""


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name a source file imports, wherever the import statement is."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def offending(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{path.relative_to(SOURCE)} imports {name}"
        for path in files
        for name in imported_modules(path)
        if within(name, forbidden)
    )


def test_the_buyer_imports_nothing_from_the_session_or_above() -> None:
    files = sorted((SOURCE / "buyer").rglob("*.py"))
    assert files
    assert offending(files, ("roleplay.session", *ABOVE_THE_SESSION)) == []


def test_the_session_imports_nothing_that_drives_it() -> None:
    assert offending([SOURCE / "session.py"], ABOVE_THE_SESSION) == []


def test_the_reader_finds_imports_inside_functions_and_type_checking_blocks(
    tmp_path: Path,
) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from roleplay.session import PracticeSession\n"
        "def play() -> None:\n"
        "    import roleplay.rehearsal.simulation\n"
        "    from . import sibling\n",
        encoding="utf-8",
    )
    names = imported_modules(module)
    assert "roleplay.session" in names
    assert "roleplay.rehearsal.simulation" in names
    assert not any(name.endswith("sibling") for name in names)


def test_the_director_reads_a_turn_and_keeps_its_state_below_its_decisions() -> None:
    package = SOURCE / "buyer" / "director"
    decision = ("roleplay.buyer.director.decision",)
    assert offending([package / "state.py"], ("roleplay.buyer.director.reading", *decision)) == []
    assert offending([package / "reading.py"], decision) == []
    for path in (package / "state.py", package / "reading.py", package / "decision.py"):
        assert "roleplay.buyer.director" not in imported_modules(path), path.name

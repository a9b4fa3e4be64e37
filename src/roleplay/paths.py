"""Where roleplay finds its shipped files and keeps its own."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout roleplay runs from (it is installed in editable mode by the Makefile)."""


SHIPPED = "shipped"
"""The origin of the scenarios that come with roleplay."""


@dataclass(frozen=True)
class ScenarioFolder:
    """A folder scenarios are read from, and where it comes from (for `roleplay list`)."""

    path: Path
    origin: str
    """`shipped`, `$ROLEPLAY_SCENARIOS` or `~/.roleplay/scenarios`."""


def shipped_scenarios_dir() -> Path:
    """The scenarios that come with roleplay, and their rep scripts in `scripts/`."""
    return PROJECT_ROOT / "scenarios"


def user_scenarios_dirs() -> list[ScenarioFolder]:
    """The author's own scenario folders: each folder in `$ROLEPLAY_SCENARIOS` (separated by
    `os.pathsep`), else `scenarios/` under `$ROLEPLAY_HOME` (`~/.roleplay`)."""
    env = os.environ.get("ROLEPLAY_SCENARIOS")
    if env:
        return [
            ScenarioFolder(Path(part), "$ROLEPLAY_SCENARIOS")
            for part in env.split(os.pathsep)
            if part
        ]
    return [ScenarioFolder(data_dir() / "scenarios", "~/.roleplay/scenarios")]


def scenario_folders() -> list[ScenarioFolder]:
    """Where scenario ids are looked up, in order: the author's folders, then the shipped ones.

    The same from any working folder: a `scenarios/` folder in the current directory is not
    read unless it is named in `$ROLEPLAY_SCENARIOS`. A user folder that does not exist is
    left out, unless `$ROLEPLAY_SCENARIOS` names it (then loading it reports it missing).
    """
    shipped = shipped_scenarios_dir()
    folders = [
        folder
        for folder in user_scenarios_dirs()
        if folder.path.is_dir() or folder.origin == "$ROLEPLAY_SCENARIOS"
    ]
    seen = {_same(folder.path) for folder in folders}
    if _same(shipped) not in seen:
        folders.append(ScenarioFolder(shipped, SHIPPED))
    return folders


BLIND_SETS = ("report", "dev")
"""The blind rep scripts: `report` is measured on, `dev` is the only set the director is tuned
on (`scenarios/scripts/blind/README.md` says how they were written)."""


def blind_scripts(name: str) -> Path:
    """The folder of one blind set of rep scripts (one of `BLIND_SETS`)."""
    return shipped_scenarios_dir() / "scripts" / "blind" / name


def new_scenarios_dir() -> Path:
    """Where `roleplay new` writes a scenario: the first of the author's own folders."""
    return user_scenarios_dirs()[0].path


def _same(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def rubrics_dir() -> Path:
    """Rubric files, chosen like `scenarios_dir`."""
    return _pick("ROLEPLAY_RUBRICS", "rubrics")


def models_dir() -> Path:
    """Model cards, chosen like `scenarios_dir`."""
    return _pick("ROLEPLAY_MODELS", "models")


def default_rubric() -> Path:
    """The rubric used when none is named."""
    return rubrics_dir() / "default.yaml"


def cache_dir() -> Path:
    """Converted model weights: `$ROLEPLAY_CACHE`, else `models/.cache` in the project."""
    env = os.environ.get("ROLEPLAY_CACHE")
    return Path(env) if env else PROJECT_ROOT / "models" / ".cache"


def data_dir() -> Path:
    """The rep's own files (transcripts, config): `$ROLEPLAY_HOME`, else `~/.roleplay`."""
    env = os.environ.get("ROLEPLAY_HOME")
    return Path(env) if env else Path.home() / ".roleplay"


def transcripts_dir() -> Path:
    """Where practice transcripts are saved."""
    return data_dir() / "transcripts"


def _pick(env_name: str, folder: str) -> Path:
    env = os.environ.get(env_name)
    if env:
        return Path(env)
    local = Path.cwd() / folder
    if local.is_dir():
        return local
    return PROJECT_ROOT / folder

"""Where roleplay finds its shipped files and keeps its own.

The rep's files and roleplay's caches go where the platform keeps an application's data and
caches (platformdirs): on Linux `~/.local/share/roleplay` and `~/.cache/roleplay`. Folders an
older version made are still found where they are, and never moved: `~/.roleplay` for the
rep's files, `models/.cache` in the checkout for converted weights (several checkouts or
processes may share it through `$ROLEPLAY_CACHE`, so moving it under them would break them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout roleplay runs from (it is installed in editable mode by the Makefile)."""

APP_NAME = "roleplay"
"""The folder name under the platform's data and cache folders."""

LEGACY_CACHE = PROJECT_ROOT / "models" / ".cache"
"""Where converted weights were kept before they moved to the platform's cache folder."""

LEGACY_HOME = Path("~/.roleplay")
"""Where the rep's files were kept before they moved to the platform's data folder."""


SHIPPED = "shipped"
"""The origin of the scenarios that come with roleplay."""


@dataclass(frozen=True)
class ScenarioFolder:
    """A folder scenarios are read from, and where it comes from (for `roleplay list`)."""

    path: Path
    origin: str
    """`shipped`, `$ROLEPLAY_SCENARIOS`, or the rep's own folder as a path to show
    (`~/.local/share/roleplay/scenarios`, `$ROLEPLAY_HOME/scenarios`)."""


def shipped_scenarios_dir() -> Path:
    """The scenarios that come with roleplay, and their rep scripts in `scripts/`."""
    return PROJECT_ROOT / "scenarios"


def user_scenarios_dirs() -> list[ScenarioFolder]:
    """The author's own scenario folders: each folder in `$ROLEPLAY_SCENARIOS` (separated by
    `os.pathsep`), else `scenarios/` in the rep's data folder (`data_dir`)."""
    env = os.environ.get("ROLEPLAY_SCENARIOS")
    if env:
        return [
            ScenarioFolder(Path(part), "$ROLEPLAY_SCENARIOS")
            for part in env.split(os.pathsep)
            if part
        ]
    return [ScenarioFolder(data_dir() / "scenarios", f"{data_dir_label()}/scenarios")]


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
    """Converted model weights and exported models: `$ROLEPLAY_CACHE`, else `models/.cache` in
    the checkout if an older version left one there (so nothing is converted again), else the
    platform's cache folder for roleplay (`~/.cache/roleplay` on Linux)."""
    env = os.environ.get("ROLEPLAY_CACHE")
    if env:
        return Path(env)
    if _has_entries(LEGACY_CACHE):
        return LEGACY_CACHE
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """The rep's own files (transcripts, scenarios, `config.yaml`): `$ROLEPLAY_HOME`, else
    `~/.roleplay` if an older version made it, else the platform's data folder for roleplay
    (`~/.local/share/roleplay` on Linux)."""
    env = os.environ.get("ROLEPLAY_HOME")
    if env:
        return Path(env)
    legacy = LEGACY_HOME.expanduser()
    if legacy.is_dir():
        return legacy
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def data_dir_label() -> str:
    """`data_dir` as messages and help show it: `$ROLEPLAY_HOME`, or the path with `~`."""
    if os.environ.get("ROLEPLAY_HOME"):
        return "$ROLEPLAY_HOME"
    return tilde(data_dir())


def tilde(path: Path) -> str:
    """`path` with the home folder written `~`, as a person would type it."""
    home = Path.home()
    try:
        return str(Path("~") / path.relative_to(home))
    except ValueError:
        return str(path)


def _has_entries(folder: Path) -> bool:
    try:
        return any(folder.iterdir())
    except OSError:  # missing, or not a folder
        return False


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

"""Where roleplay finds its shipped files and keeps its own."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The checkout roleplay runs from (it is installed in editable mode by the Makefile)."""


def scenarios_dir() -> Path:
    """Scenario files: `$ROLEPLAY_SCENARIOS`, else `scenarios/` in the working directory if
    present, else the project's own."""
    return _pick("ROLEPLAY_SCENARIOS", "scenarios")


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

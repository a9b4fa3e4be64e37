"""The rep's settings file: `~/.roleplay/config.yaml` (under `$ROLEPLAY_HOME` if set).

It holds two optional settings, each overridden by a command-line option:

```yaml
default_model: smollm2-135m   # the buyer model card (after --model and $ROLEPLAY_MODEL)
rep_name: Sam Rivera          # the name recorded in your transcripts (after --rep)
```
"""

from __future__ import annotations

import getpass
from pathlib import Path

from roleplay import paths
from roleplay.errors import InvalidFileError
from roleplay.yamlio import load_yaml


def config_path() -> Path:
    """The rep's config file: `~/.roleplay/config.yaml` (or under `$ROLEPLAY_HOME`)."""
    return paths.data_dir() / "config.yaml"


def setting(key: str, meaning: str) -> str | None:
    """The text setting `key` from the config file, or None if the file or the key is absent.

    Args:
        key: The setting's name, e.g. `rep_name`.
        meaning: What the value must be, for the error message ("a model card name").

    Raises:
        InvalidFileError: the file is not a mapping, or the value is not text; located.
    """
    path = config_path()
    if not path.exists():
        return None
    loaded = load_yaml(path)
    if loaded.data is None:
        return None
    if not isinstance(loaded.data, dict):
        raise InvalidFileError.single(path, "expected a mapping of settings at the top")
    value = loaded.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        line, col = loaded.locate((key,))
        raise InvalidFileError.single(path, f"must be {meaning}", line, col, key)
    return value.strip() or None


def configured_model() -> str | None:
    """`default_model` from the config file, if set."""
    return setting("default_model", "a model card name")


def configured_rep() -> str | None:
    """`rep_name` from the config file, if set."""
    return setting("rep_name", "the rep's name, as text")


def rep_name(explicit: str | None = None) -> str:
    """The rep's name for transcripts: `explicit` (`--rep`), else `rep_name` in the config
    file, else the login name; "" if none can be found.

    Raises:
        InvalidFileError: the config file is damaged.
    """
    if explicit and explicit.strip():
        return explicit.strip()
    configured = configured_rep()
    if configured:
        return configured
    try:
        return getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no login name (some containers, services)
        return ""

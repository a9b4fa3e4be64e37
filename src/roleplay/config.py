"""The rep's settings: `config.yaml` in roleplay's data folder (`paths.data_dir`).

It holds two optional settings, each overridden by a command-line option:

```yaml
default_model: smollm2-135m   # the buyer model card (after --model and $ROLEPLAY_MODEL)
rep_name: Sam Rivera          # the name recorded in your transcripts (after --rep)
```

The settings are a pydantic-settings model (`roleplay.settings`) whose one source is the file,
read through `yamlio` so that a wrong value or an unknown key is reported as
`FILE:LINE:COL: field: message`.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from roleplay import paths


def config_path() -> Path:
    """The rep's config file: `config.yaml` in roleplay's data folder."""
    return paths.data_dir() / "config.yaml"


def _setting(name: str) -> str | None:
    if not config_path().exists():  # the usual case, without importing pydantic-settings
        return None
    from roleplay.settings import load_settings

    value = getattr(load_settings(), name)
    return value if isinstance(value, str) else None


def configured_model() -> str | None:
    """`default_model` from the config file, if set."""
    return _setting("default_model")


def configured_rep() -> str | None:
    """`rep_name` from the config file, if set."""
    return _setting("rep_name")


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

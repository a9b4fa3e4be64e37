"""Nothing roleplay runs may reach a model hub: the one place the offline settings are made."""

from __future__ import annotations

import os

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
"""Hugging Face libraries load only local files, and tokenizers fork no threads of their own."""


def use_offline_models() -> None:
    """Set the offline environment for this process (a user's own settings win)."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def offline_environment() -> dict[str, str]:
    """This process's environment with the offline settings, for a child process."""
    return {**os.environ, **{k: os.environ.get(k, v) for k, v in OFFLINE_ENVIRONMENT.items()}}

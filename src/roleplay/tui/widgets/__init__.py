"""Reusable widgets of the practice app, each imported on first use."""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "DimensionBar": "dimension_bar",
    "MetricsPanel": "metrics_panel",
    "PatienceMeter": "patience_meter",
    "RepInput": "rep_input",
    "TurnBubble": "turn_bubble",
    "score_chips": "turn_bubble",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    """Import a widget's module on first use (`from roleplay.tui.widgets import X` works)."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"roleplay.tui.widgets.{module}"), name)

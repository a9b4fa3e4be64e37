"""Reusable widgets of the practice app."""

from roleplay.tui.widgets.dimension_bar import DimensionBar
from roleplay.tui.widgets.metrics_panel import MetricsPanel
from roleplay.tui.widgets.patience_meter import PatienceMeter
from roleplay.tui.widgets.rep_input import RepInput
from roleplay.tui.widgets.turn_bubble import TurnBubble, score_chips

__all__ = ["DimensionBar", "MetricsPanel", "PatienceMeter", "RepInput", "TurnBubble", "score_chips"]

"""The app's screens, in the order a rep meets them."""

from roleplay.tui.screens.briefing import BriefingScreen
from roleplay.tui.screens.conversation import ConversationScreen
from roleplay.tui.screens.debrief import DebriefScreen
from roleplay.tui.screens.help import HelpScreen
from roleplay.tui.screens.picker import PickerScreen

__all__ = ["BriefingScreen", "ConversationScreen", "DebriefScreen", "HelpScreen", "PickerScreen"]

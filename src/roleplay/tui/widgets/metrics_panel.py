"""The running conversation figures: talk share, questions asked, facts uncovered, turns left."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from roleplay.tui.messages import SessionSnapshot

TALK_SHARE_TARGET = 0.43
"""Top performers talk about 43% of the time in recorded B2B calls."""


class MetricsPanel(Static):
    """A few lines of running figures; hidden facts are a count only until the debrief."""

    DEFAULT_CSS = """
    MetricsPanel {
        height: auto;
    }
    """

    def show(self, snapshot: SessionSnapshot) -> None:
        """Show the figures of this snapshot."""
        lines: list[Content] = []
        if snapshot.talk_share is None:
            lines.append(Content.from_markup("Talk share  [dim]--[/]"))
        else:
            share = snapshot.talk_share
            colour = (
                "$text-success"
                if share <= 0.5
                else "$text-warning"
                if share <= 0.65
                else "$text-error"
            )
            lines.append(
                Content.from_markup(
                    f"Talk share  [{colour}]{round(share * 100)}%[/] [dim]aim 43%[/]"
                )
            )
        questions = "--" if snapshot.question_count is None else str(snapshot.question_count)
        lines.append(Content.from_markup(f"Questions   [bold]{questions}[/]"))
        lines.append(
            Content.from_markup(
                f"Facts found [bold]{snapshot.uncovered}[/] of {snapshot.facts_total}"
            )
        )
        if snapshot.turns_left is not None:
            # A count of the rep's own turns (the limit), not a turn number.
            lines.append(Content.from_markup(f"Your turns  [bold]{snapshot.turns_left}[/] left"))
        self.update(Content("\n").join(lines))

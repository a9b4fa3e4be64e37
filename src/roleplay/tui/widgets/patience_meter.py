"""How much patience the buyer has left."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class PatienceMeter(Static):
    """`Patience ●●●○` coloured by how close the buyer is to ending the call."""

    DEFAULT_CSS = """
    PatienceMeter {
        height: 1;
    }
    """

    def __init__(self, patience: int, max_patience: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.patience = patience
        self.max_patience = max_patience

    def on_mount(self) -> None:
        self.show(self.patience, self.max_patience)

    def show(self, patience: int, max_patience: int) -> None:
        """Show the buyer's patience now."""
        self.patience = max(0, patience)
        self.max_patience = max(1, max_patience)
        share = self.patience / self.max_patience
        colour = (
            "$text-success" if share > 0.5 else "$text-warning" if share > 0.25 else "$text-error"
        )
        filled = "●" * self.patience
        empty = "○" * max(0, self.max_patience - self.patience)
        self.update(
            Content.from_markup(
                f"Patience  [{colour}]{filled}[/][dim]{empty}[/] "
                f"{self.patience}/{self.max_patience}"
            )
        )

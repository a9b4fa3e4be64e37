"""A read-only table that fits its container: wide columns wrap instead of being cut off."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.content import Content
from textual.theme import Theme
from textual.widgets import DataTable

MIN_WRAP_WIDTH = 12
"""A wrapping column is never made narrower than this, so a long word still reads whole."""


def column_widths(natural: Sequence[int], floors: Sequence[int], available: int) -> list[int]:
    """Content widths for columns whose widest cells are `natural`, in `available` cells.

    Columns keep their natural width when everything fits. Otherwise the widest column gives
    up one cell at a time (its text wraps) until the table fits or every column is at its
    floor: its header and longest word, so numbers and labels are never cut.
    """
    widths = list(natural)
    while sum(widths) > available:
        shrinkable = [i for i, width in enumerate(widths) if width > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _longest_word(cell: Content) -> int:
    return max((len(word) for word in cell.plain.split()), default=0)


class FittedTable(DataTable[Text]):
    """Rows of `Content` shown whole: column widths are worked out again whenever the table's
    width (or the theme) changes, and rows grow taller to wrap the text of narrowed columns.

    Cells are handed to the `DataTable` as Rich text with the theme's colours filled in: it
    wraps Rich text in tall rows, but draws `Content` on one line without its `$` colours.
    """

    DEFAULT_CSS = """
    FittedTable {
        height: auto;
        overflow: hidden hidden;  /* it is as tall as its rows: no scrollbar takes width */
    }
    """

    def __init__(self, headers: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True, show_cursor=False)
        self.can_focus = False  # read-only: the screen around it scrolls
        self.headers = list(headers)
        self.rows_shown: list[list[Content]] = []
        self._laid_out_for = -1

    def set_rows(self, rows: Sequence[Sequence[Content]]) -> None:
        """Show these rows (each one cell per header)."""
        self.rows_shown = [list(row) for row in rows]
        self._lay_out(self.size.width)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self._lay_out(event.size.width)

    def _theme_changed(self, theme: Theme) -> None:
        self._lay_out(self.size.width)

    def _text(self, cell: Content) -> Text:
        return Text.assemble(
            *(
                (text, style.rich_style)
                for text, style in cell.render(end="", parse_style=self.app.stylesheet.parse_style)
            ),
            end="",
        )

    def _lay_out(self, width: int) -> None:
        if width <= 0:
            return
        self._laid_out_for = width
        padding = 2 * self.cell_padding
        natural = [
            max([len(header), *(row[i].cell_length for row in self.rows_shown)])
            for i, header in enumerate(self.headers)
        ]
        floors = [
            min(
                natural[i],
                max(
                    len(header),
                    *(_longest_word(row[i]) for row in self.rows_shown),
                    min(natural[i], MIN_WRAP_WIDTH),
                ),
            )
            for i, header in enumerate(self.headers)
        ]
        widths = column_widths(natural, floors, width - padding * len(self.headers))
        self.clear(columns=True)
        for header, column_width in zip(self.headers, widths, strict=True):
            self.add_column(header, width=column_width)
        for row in self.rows_shown:
            self.add_row(*(self._text(cell) for cell in row), height=None)

"""Progress of a slow step (a model loading or converting) on the command line, with rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from roleplay.buyer.base import Progress


@contextmanager
def progress_bar(out: TextIO) -> Iterator[Progress]:
    """A progress callback that draws a `rich.progress` bar on `out` while the block runs.

    On a terminal the bar redraws in place. Written to a file or a pipe, rich would show only
    the bar's final state, so there each new step is printed once, on its own line, and a log
    of the run keeps every step.
    """
    from rich.console import Console
    from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    console = Console(file=out, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        last = {"message": ""}

        def report_line(message: str, fraction: float | None) -> None:
            if message != last["message"]:
                percent = f" {fraction:.0%}" if fraction is not None else ""
                console.print(f"{message}{percent}", markup=False)
            last["message"] = message

        yield report_line
        return
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Bar(*columns, console=console) as bar:
        task = bar.add_task("", total=None)

        def report(message: str, fraction: float | None) -> None:
            if fraction is None:
                bar.update(task, description=message)
            else:
                bar.update(task, description=message, total=1.0, completed=fraction)

        yield report

"""The command line's progress bar: drawn by rich on a terminal, one line a step in a log."""

from __future__ import annotations

import io

from roleplay.commands.progress import progress_bar


class Terminal(io.StringIO):
    """Captured output that says it is a terminal, as the rep's would."""

    def isatty(self) -> bool:
        return True


def test_a_log_gets_each_step_once_on_its_own_line() -> None:
    out = io.StringIO()
    with progress_bar(out) as progress:
        progress("converting SmolLM2 [first run only]", 0.0)
        progress("converting SmolLM2 [first run only]", 0.4)
        progress("building the ONNX model", None)
        progress("ready", 1.0)
    assert out.getvalue().splitlines() == [
        "converting SmolLM2 [first run only] 0%",
        "building the ONNX model",
        "ready 100%",
    ]


def test_a_terminal_gets_a_bar_that_ends_complete() -> None:
    out = Terminal()
    with progress_bar(out) as progress:
        progress("connecting to http://localhost:11434/v1", None)
        progress("converting [first run only]", 0.5)
        progress("buyer ready [int8]", 1.0)
    drawn = out.getvalue()
    assert "\x1b[" in drawn  # drawn in place with terminal controls
    final = drawn.rsplit("\r", 1)[-1]
    assert "buyer ready [int8]" in final  # markup in a message is printed as is
    assert "100%" in final

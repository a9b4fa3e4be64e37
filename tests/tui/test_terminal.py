"""The real app in a real terminal: tmux runs `roleplay app` on the embedded buyer model; the
test types like a rep, reads the pane, and checks the saved transcript."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from roleplay.transcript import Transcript, load_transcript

pytestmark = [pytest.mark.terminal, pytest.mark.models]

TURNS = (
    "How long does your month-end close take today, start to finish?",
    "What is the board asking of finance this year?",
)


class Tmux:
    """One detached tmux session running a command."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.name = f"roleplay-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        shell = f"cd {cwd} && env {exports} {' '.join(command)}; sleep 30"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", shell],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys]
        subprocess.run(args, check=True)

    def wait_for(self, text: str, timeout: float) -> str:
        """Read the pane until `text` shows up (the app's own pace, bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.25)
        raise AssertionError(f"{text!r} never appeared; the pane shows:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def wait_for_reply(home: Path, rep_turns: int, timeout: float) -> Transcript:
    """Read the saved transcript until the buyer has answered the rep's `rep_turns`-th turn."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list((home / "transcripts").glob("*.json"))
        if files:
            saved = load_transcript(files[0])
            if len(saved.rep_turns) == rep_turns and saved.turns[-1].role == "buyer":
                return saved
        time.sleep(0.25)
    raise AssertionError(f"the buyer never answered rep turn {rep_turns}")


@pytest.fixture
def tmux_app(tmp_path: Path, project_root: Path):  # type: ignore[no-untyped-def]
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux)")
    home = tmp_path / "home"
    env = {
        "ROLEPLAY_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    if "ROLEPLAY_CACHE" in os.environ:
        env["ROLEPLAY_CACHE"] = os.environ["ROLEPLAY_CACHE"]
    roleplay = Path(sys.executable).parent / "roleplay"
    command = [str(roleplay), "app", "--scenario", "cfo-logistics-close", "--seed", "7"]
    session = Tmux(command, env, project_root)
    try:
        yield session, home
    finally:
        session.close()


def test_one_full_conversation_in_a_real_terminal(tmux_app) -> None:  # type: ignore[no-untyped-def]
    tmux, home = tmux_app
    tmux.wait_for("Briefing", timeout=30)
    # First run converts the model; later runs load it from the cache.
    screen = tmux.wait_for("Ready. Press Enter", timeout=600)
    assert "Dana Whitfield" in screen
    tmux.keys("Enter")
    tmux.wait_for("Your turn", timeout=30)
    for number, turn in enumerate(TURNS, start=1):
        tmux.keys(turn, literal=True)
        tmux.keys("Enter")
        saved = wait_for_reply(home, number, timeout=180)
        assert saved.turns[-1].text.strip()
        assert saved.models.buyer != "deterministic:authored-lines"
        screen = tmux.wait_for("Your turn", timeout=30)  # the input is unlocked again
        assert re.search(r"Listen \d+ +Context \d+ +Problem \d+", screen)  # score chips
    tmux.keys("F3")
    tmux.wait_for("End the call?", timeout=30)  # asked once
    tmux.keys("y")
    screen = tmux.wait_for("Coaching points", timeout=60)
    assert "Overall" in screen and "You ended the call after 2 turns" in screen
    tmux.keys("C-q")
    saved = load_transcript(next((home / "transcripts").glob("*.json")))
    assert saved.ended_by == "rep" and len(saved.rep_turns) == 2

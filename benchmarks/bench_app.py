"""The practice app: time to the first screen, and key latency while the buyer streams.

`startup_tmux_*` (the headline figure: what a rep sees): `roleplay` started in a real terminal
(tmux, 100x30) until the scenario list is on screen ("CFO, third-party" in the pane, read with
capture-pane every 20 ms), from before tmux starts the process. The first run is left out: it
warms the file cache and writes the scenario index and Python's bytecode cache
(`second_start_env`), so the runs measured are a rep's second start, whose list comes from the
index while the files are validated in a worker.

`startup_*` (headless, secondary): a fresh process builds the app with its default (real)
factories, runs it under Textual's Pilot and types a key into the scenario filter at once
(posted as the terminal's driver posts it); the clock stops when the key has landed. The models
start loading behind the picker meanwhile (`RoleplayApp.preload_models`); the Pilot's own
`press` would wait for the process to go idle, which those loads keep busy for a second or two,
so it is not used. Measured from before the
process is spawned, so interpreter start-up counts; `startup_cpu_median_s` is the CPU time the
process used by then, less disturbed by other work on a shared machine.
`heavy_modules_at_start` lists torch / transformers / sentence_transformers if any was imported
by then (it should be none).

`*_after_enter_*`: on the embedded buyer model (loaded first), seconds from pressing Enter to
the turn's score chips and to the first chunk of the buyer's reply on screen. The session
releases the reply a sentence at a time once its guard has passed it.

`key_latency_*`: while the buyer streams its reply to a turn, the rep types the next turn into
the input; each key is timed from the press until the character is in the input. The buyer is
a slow one (`_SlowBuyer`: one word every 20 ms, like the embedded model on CPU) that the session
asks for words on every reply, as it asks a real model: the rest of the authored line, then a
sentence of its own.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]

STARTUP_SCRIPT = r"""
import asyncio, sys, time
from textual import events
from roleplay.tui.app import make_app

async def main():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # The key is posted as the terminal's driver posts it: the Pilot's `press` would also
        # wait for the app to go idle, which the models loading behind the picker keep busy.
        app.post_message(events.Key("c", "c"))
        while app.screen.query_one("#filter").value != "c":
            await asyncio.sleep(0.0005)
        heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
        cpu = time.process_time()
        print("READY", cpu, ",".join(heavy) or "none", flush=True)
        import os
        os._exit(0)  # do not wait for the models that start loading after the first screen

asyncio.run(main())
"""


def second_start_env(pycache: Path) -> dict[str, str]:
    """The environment of a rep's second start: Python's bytecode cache on, in `pycache`
    (`bench_startup_in_tmux` sets the same two variables in its command).

    The first start compiles the modules and writes the cache, as `roleplay` does for a rep
    (pip compiles an installed package; an editable checkout compiles on its first run).
    `PYTHONDONTWRITEBYTECODE`, which some shells and CI machines set, would have every start
    compile the app's own modules again; the cache lives in a temporary folder
    (`PYTHONPYCACHEPREFIX`), so no `__pycache__` is left in the checkout.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _startup_once(home: Path) -> tuple[float, float, str]:
    env = dict(second_start_env(home / "pycache"), ROLEPLAY_HOME=str(home), HF_HUB_OFFLINE="1")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", STARTUP_SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            _, cpu, heavy = line.split()
            proc.wait(timeout=30)
            return elapsed, float(cpu), heavy
    proc.wait(timeout=30)
    raise RuntimeError("the app did not reach its first screen")


def bench_startup(runs: int = 5) -> dict[str, float | str]:
    import tempfile

    times: list[float] = []
    cpu_times: list[float] = []
    heavy = "none"
    with tempfile.TemporaryDirectory() as home:
        _startup_once(Path(home))  # warm the file cache and .pyc files
        for _ in range(runs):
            elapsed, cpu, found = _startup_once(Path(home))
            times.append(elapsed)
            cpu_times.append(cpu)
            if found != "none":
                heavy = found
    return {
        "startup_median_s": round(statistics.median(times), 3),
        "startup_max_s": round(max(times), 3),
        "startup_cpu_median_s": round(statistics.median(cpu_times), 3),
        "heavy_modules_at_start": heavy,
    }


def bench_startup_in_tmux(runs: int = 3) -> dict[str, float | str]:
    """`roleplay` in a real terminal (tmux): seconds until the scenario list is on screen."""
    import shutil
    import tempfile

    if shutil.which("tmux") is None:
        return {"startup_tmux": "skipped: tmux is not installed"}
    # `python -m roleplay` rather than the venv's `roleplay` script, which imports the checkout
    # it was installed from: with PYTHONPATH passed through, this checkout's code is measured.
    roleplay = f"{shlex.quote(sys.executable)} -m roleplay"
    pythonpath = shlex.quote(os.environ.get("PYTHONPATH", ""))
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as sockets:
        # A tmux server of its own (other tmux users on the machine cannot stop it mid-run; its
        # socket goes with the folder), started before the clock by a session that holds it.
        tmux = ["tmux", "-S", str(Path(sockets) / "tmux")]
        subprocess.run([*tmux, "new-session", "-d", "-s", "hold", "sleep 600"], check=True)
        try:
            for run in range(runs + 1):
                name = f"run{run}"
                command = (
                    f"cd {shlex.quote(str(PROJECT_ROOT))} && env -u PYTHONDONTWRITEBYTECODE "
                    f"PYTHONPYCACHEPREFIX={home}/pycache ROLEPLAY_HOME={home} "
                    f"PYTHONPATH={pythonpath} {roleplay}; sleep 5"
                )
                start = time.perf_counter()
                subprocess.run(
                    [*tmux, "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command],
                    check=True,
                )
                try:
                    while time.perf_counter() - start < 60:
                        pane = subprocess.run(
                            [*tmux, "capture-pane", "-p", "-t", name],
                            capture_output=True,
                            text=True,
                        ).stdout
                        if "CFO, third-party" in pane:
                            times.append(time.perf_counter() - start)
                            break
                        time.sleep(0.02)
                finally:
                    subprocess.run([*tmux, "kill-session", "-t", name], capture_output=True)
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
    times = times[1:]  # the first run warms the file cache and writes the scenario index
    if not times:
        return {"startup_tmux": "failed: the scenario list never appeared"}
    return {
        "startup_tmux_median_s": round(statistics.median(times), 3),
        "startup_tmux_max_s": round(max(times), 3),
    }


class _SlowBuyer:
    """A buyer that writes like the embedded model on CPU: one word every 20 ms (about 50
    tokens a second, `python -m benchmarks buyer`).

    Like the embedded backends it continues a reply the session has started
    (`continues_final_message`), so the session asks it for words on every voiced beat, as in
    a real call: the rest of the authored line (what the deterministic buyer says), then a
    sentence of its own. After a line said whole (a fact or a figure) that sentence is the
    framing the session lets a model add; the guard checks it as it would a model's.
    """

    OWN_SENTENCE = (
        "Honestly, that is the part of the month my team and I would most like to change, "
        "because we feel it every single time the close comes around."
    )
    """What the slow buyer adds after the authored line (a long sentence: about 0.5 s)."""

    WORD_SECONDS = 0.02
    """How long the slow buyer takes to write each word."""

    def __init__(self, scenario: object) -> None:
        from roleplay.buyer.deterministic import DeterministicBackend

        self.inner = DeterministicBackend(scenario)  # type: ignore[arg-type]
        self.model_id = "bench:slow-deterministic"
        self.continues_final_message = True
        self.generation = self.inner.generation

    def load(self, progress: object = None) -> None:
        return None

    def stream(self, request: Any, **kwargs: Any) -> Iterator[str]:
        should_stop = kwargs.get("should_stop", lambda: False)
        rest_of_line = list(self.inner.stream(request))
        own = re.findall(r"\s*\S+\s*", " " + self.OWN_SENTENCE)
        for index, word in enumerate([*rest_of_line, *own]):
            if should_stop() or index >= request.max_new_tokens:
                return
            time.sleep(self.WORD_SECONDS)
            yield word


KEY_LATENCY_TURNS = (
    "How long does your close take?",
    "What does the board expect?",
    "Who else feels it when the close runs late?",
    "What happens in your team during those twelve days?",
    "How do the carrier invoices reach your team today?",
    "What have you tried so far to shorten it?",
    "What would a five-day close change for you?",
    "Who would need to agree before anything changes?",
)
"""The rep's turns, sent in order until enough keys are timed (each reply gives ~0.5 s)."""


TYPING_INTERVAL_S = 0.06
"""A key every 60 ms: a quick typist."""


async def _key_latency(presses: int) -> list[float]:
    """Type the next turn into the input while the buyer streams its reply; time each key.

    Keys are posted to the app as the terminal's driver posts them, and each is timed until
    its character is in the input (the Pilot's `press` would add its own waits for the
    process to go idle, which a streaming buyer keeps busy).
    """
    from textual import events

    from roleplay.rubric import load_rubric
    from roleplay.scoring import TurnScorer
    from roleplay.tui.app import make_app
    from roleplay.tui.screens import ConversationScreen

    scorer = TurnScorer.load(load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml"))
    app = make_app(
        buyer_factory=_SlowBuyer,
        scorer_factory=lambda rubric: scorer,
        scenario="cfo-logistics-close",
        scenarios_dir=PROJECT_ROOT / "scenarios",
        seed=1,
    )
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        while app.screen.query_one("#start").disabled:
            await pilot.pause(0.01)
        await pilot.press("enter")
        while not isinstance(app.screen, ConversationScreen) or not app.screen.query("#rep-input"):
            await pilot.pause(0.01)
        screen = app.screen
        rep_input = screen.query_one("#rep-input")
        turns = list(KEY_LATENCY_TURNS)
        rep_input.value = turns.pop(0)
        while turns and len(latencies) < presses and not screen.session.ended:
            await pilot.press("enter")
            upcoming = turns.pop(0)
            # The rep types the next turn's words while the buyer speaks.
            keys = [c for c in upcoming if c.isalnum() or c == " "]
            while screen.buyer_speaking and keys and len(latencies) < presses:
                character = keys.pop(0)
                before = rep_input.value
                start = time.perf_counter()
                app.post_message(events.Key("space" if character == " " else character, character))
                while rep_input.value == before and time.perf_counter() - start < 5:
                    await asyncio.sleep(0.0005)
                latencies.append(time.perf_counter() - start)
                await asyncio.sleep(max(0.0, start + TYPING_INTERVAL_S - time.perf_counter()))
            while screen.buyer_speaking:
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            rep_input.value = upcoming
    if len(latencies) < presses:
        raise RuntimeError(
            f"only {len(latencies)} of {presses} keys were pressed while the buyer streamed"
        )
    return latencies


def bench_key_latency(presses: int = 40) -> dict[str, float | str]:
    latencies = asyncio.run(_key_latency(presses))
    ms = sorted(x * 1000 for x in latencies)
    return {
        "key_latency_while_streaming_median_ms": round(statistics.median(ms), 1),
        "key_latency_while_streaming_p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "key_latency_presses": float(len(ms)),
    }


async def _first_chunk(turns: tuple[str, ...]) -> tuple[list[float], list[float]]:
    """Per rep turn on the embedded model: seconds from Enter to the scores, and to the
    first chunk of the buyer's reply on screen."""
    from roleplay.rubric import load_rubric
    from roleplay.scoring import TurnScorer
    from roleplay.tui.app import make_app
    from roleplay.tui.messages import BuyerReplyStreamed, TurnScored
    from roleplay.tui.screens import ConversationScreen

    scorer = TurnScorer.load(load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml"))
    app = make_app(
        scorer_factory=lambda rubric: scorer,
        scenario="cfo-logistics-close",
        scenarios_dir=PROJECT_ROOT / "scenarios",
        seed=1,
    )
    arrivals: dict[str, float] = {}

    def hook(message: object) -> None:
        for kind in (TurnScored, BuyerReplyStreamed):
            if isinstance(message, kind) and kind.__name__ not in arrivals:
                arrivals[kind.__name__] = time.perf_counter()

    scored: list[float] = []
    first: list[float] = []
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        while app.screen.query_one("#start").disabled:
            await pilot.pause(0.05)
        await pilot.press("enter")
        while not isinstance(app.screen, ConversationScreen):
            await pilot.pause(0.01)
        for text in turns:
            app.screen.query_one("#rep-input").value = text
            arrivals.clear()
            start = time.perf_counter()
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if "TurnScored" in arrivals:
                scored.append(arrivals["TurnScored"] - start)
            if "BuyerReplyStreamed" in arrivals:
                first.append(arrivals["BuyerReplyStreamed"] - start)
    return scored, first


def bench_embedded_reply() -> dict[str, float | str]:
    turns = (
        "How long does your month-end close take today?",
        "What is the board asking of finance this year?",
        "Who else feels it when the close runs late?",
        "What happens when the lender sees a late close?",
        "So twelve days against five. What does that gap cost you?",
        "Where do the twelve days actually go?",
    )
    scored, first = asyncio.run(_first_chunk(turns))
    return {
        "scores_shown_after_enter_median_s": round(statistics.median(scored), 3),
        "scores_shown_after_enter_max_s": round(max(scored), 3),
        "first_reply_chunk_after_enter_median_s": round(statistics.median(first), 3),
        "first_reply_chunk_after_enter_max_s": round(max(first), 3),
    }


def run() -> dict[str, float | str]:
    """Start-up and key latency figures of the practice app (timings on a shared CPU are noisy)."""
    results: dict[str, float | str] = {}
    results.update(bench_startup_in_tmux())
    results.update(bench_startup())
    try:
        results.update(bench_key_latency())
    except Exception as exc:  # the scorer may be unavailable; start-up figures still stand
        results["key_latency_error"] = f"{type(exc).__name__}: {exc}"
    try:
        results.update(bench_embedded_reply())
    except Exception as exc:
        results["embedded_reply_error"] = f"{type(exc).__name__}: {exc}"
    return results


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")

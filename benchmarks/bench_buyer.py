"""Embedded buyer speed, every runtime in one run: the transformers reference and the ONNX
backend at each precision (and llama.cpp on the same GGUF, if llama-cpp-python is importable).

For each: warm load (from the converted cache), whether torch was imported, first token and
decoding speed on the director's 232-token reveal prompt (greedy, and sampled with the card's
settings), and resident memory after loading and after generating. The first token is timed
on a prompt the backend has not seen, then on the same prompt again: the ONNX backend keeps its
KV cache between replies and runs only what is new (a guard retry; the next turn shares the
persona and the conversation so far). For the default card also
the memory with the scorer loaded beside it.

The same prompt is also timed the way the app meets it: the app has the buyer read the
scenario's persona and the user turn's header (the prompt's first 171 tokens) while the rep
reads the briefing, and the rep's first turn as it is typed, at each pause
(`roleplay.buyer.read_ahead`), so the first reply runs only the director's request after it
(`*_first_reply_ttft_s`, against `*_ttft_s` for the prompt cold; `*_tokens_read_ahead` says how
much of the prompt was read before).

And the app itself, fresh, from its first screen (the picker listing the scenarios): seconds
from opening a briefing at once to its Ready (`app_briefing_ready_s`, the worst case: the app
preloads the buyer and the scorer from the first screen on, side by side, and the briefing is
opened before they can have got far; `_cpu_s` is the app's CPU time meanwhile, less disturbed
by a busy machine), and whether torch or transformers was imported by then. Then as a rep
meets it: three seconds on the picker reading the list, then the briefing
(`app_briefing_ready_after_picker_s`), and the longest the app's event loop went unanswered on
the picker meanwhile (`app_picker_longest_stall_s`, the most a key press waited there): ONNX
Runtime GenAI holds the GIL while it builds the buyer's model and tokenizer.

First, in an empty cache folder, the cold conversions: the GGUF to safetensors, then each ONNX
build.

Every load runs in a fresh interpreter. Figures are wall-clock on a shared 2-core machine; the
load average when the run started and ended is printed with them, so compare within one run.
Reading speed is about 5 tokens/s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

NEW_TOKENS = 48
READING_TOKENS_PER_SECOND = 5.0
DEFAULT_CARD = "smollm2-135m"
REFERENCE_CARD = "smollm2-135m-transformers"
PRECISIONS = ("fp32", "int8", "int4")
FIRST_TURN = "Walk me through how your month-end close works today, and where it gets stuck."
"""The rep's first turn in the timed prompt."""


def _prompt() -> list[Any]:
    """The prompt the director builds for a reveal beat in the CFO scenario."""
    from roleplay import paths
    from roleplay.buyer.director import BuyerDirector
    from roleplay.scenario import load_scenario
    from roleplay.transcript import Turn

    scenario = load_scenario(paths.shipped_scenarios_dir() / "cfo-logistics-close.yaml")
    director = BuyerDirector(scenario, None, seed=1)
    beat = director.decide(FIRST_TURN, None, director.initial_state(), 0)
    history = [Turn(role="buyer", text=scenario.opening_line), Turn(role="rep", text=FIRST_TURN)]
    return director.messages(beat, history, [])


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _time_stream(backend: Any, messages: Any, temperature: float) -> dict[str, float]:
    from roleplay.buyer import BuyerRequest

    request = BuyerRequest(
        tuple(messages), max_new_tokens=NEW_TOKENS, temperature=temperature, seed=1
    )
    started = time.perf_counter()
    first = None
    text = ""
    for chunk in backend.stream(request):
        if first is None:
            first = time.perf_counter() - started
        text += chunk
    total = time.perf_counter() - started
    tokens = backend.token_count(text)
    decode = max(total - (first or 0.0), 1e-9)
    return {
        "ttft_s": round(first or total, 3),
        "tokens": tokens,
        "tokens_per_s": round(max(tokens - 1, 0) / decode, 1),
    }


def _child(card_name: str, precision: str, cache: str, speed: bool) -> None:
    """Load one buyer (converting if the cache lacks it) and time it; print JSON."""
    from roleplay.buyer import ChatMessage
    from roleplay.buyer.cards import find_card
    from roleplay.buyer.onnx_backend import OnnxBackend
    from roleplay.buyer.transformers_backend import TransformersBackend

    card = find_card(card_name)
    backend: OnnxBackend | TransformersBackend
    if card.backend == "onnx":
        card = card.model_copy(update={"precision": precision})
        backend = OnnxBackend(card, Path(cache))
    else:
        backend = TransformersBackend(card, Path(cache))
    started = time.perf_counter()
    backend.load()
    loaded = time.perf_counter()
    read_tokenizer = getattr(backend, "read_tokenizer", None)
    if read_tokenizer is not None:  # read after Ready, by the app's loading thread
        read_tokenizer()
    out: dict[str, Any] = {
        "load_s": round(loaded - started, 2),
        "tokenizer_after_load_s": round(time.perf_counter() - loaded, 2),
        "converted": backend.converted,
        "torch_imported": "torch" in sys.modules,
        "rss_after_load_mb": round(_rss_mb()),
    }
    if speed:
        messages = _prompt()
        out["prompt_tokens"] = int(backend.prompt_ids(messages).shape[-1])
        # Warm up on another prompt, so the ONNX backend's KV cache holds none of this one.
        _time_stream(backend, [ChatMessage("user", "Good morning.")], temperature=0.0)
        out["greedy"] = _time_stream(backend, messages, temperature=0.0)
        out["greedy_again"] = _time_stream(backend, messages, temperature=0.0)
        out["sampled"] = _time_stream(backend, messages, temperature=card.generation.temperature)
        out["rss_after_generation_mb"] = round(_rss_mb())
        if card_name == DEFAULT_CARD and precision == card.precision:
            from roleplay import paths
            from roleplay.rubric import load_rubric
            from roleplay.scoring import TurnScorer

            TurnScorer.load(load_rubric(paths.default_rubric()))
            out["rss_with_scorer_mb"] = round(_rss_mb())
        if isinstance(backend, OnnxBackend):
            out["first_reply"] = _time_first_reply(OnnxBackend(card, Path(cache)), messages)
    print("RESULT " + json.dumps(out))


def _time_first_reply(backend: Any, messages: Any) -> dict[str, float]:
    """The first reply as the app meets it: the persona read while the rep reads the briefing,
    the first turn while the rep types it (read again at each pause, a word at a time here)."""
    from roleplay import paths
    from roleplay.buyer import read_ahead
    from roleplay.scenario import load_scenario

    backend.load()
    scenario = load_scenario(paths.shipped_scenarios_dir() / "cfo-logistics-close.yaml")
    started = time.perf_counter()
    read_ahead(backend, scenario)
    read = time.perf_counter() - started
    words = FIRST_TURN.split(" ")
    for typed in range(1, len(words) + 1):
        read_ahead(backend, scenario, " ".join(words[:typed]))
    timed = _time_stream(backend, messages, temperature=0.0)
    return {**timed, "read_ahead_s": round(read, 3), "reused_tokens": backend.reused_tokens}


APP_READY_SCRIPT = r"""
import asyncio, json, os, sys, time
from roleplay.tui.app import make_app

ON_PICKER_S = 0.0 if sys.argv[1] == "briefing" else 3.0

async def main():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.catalog_loaded:  # the picker lists the scenarios: the first screen is up
            await pilot.pause(0.005)
        # The rep reads the list for ON_PICKER_S seconds while the models preload.
        picker_started = last = time.perf_counter()
        stall = 0.0
        while time.perf_counter() - picker_started < ON_PICKER_S:
            await pilot.pause(0.005)
            now = time.perf_counter()
            stall, last = max(stall, now - last), now
        started, cpu = time.perf_counter(), time.process_time()
        app.open_briefing(app.catalog.find("cfo-logistics-close"))
        loaded = {}
        while True:
            await pilot.pause(0.005)
            state, now = app.load_state, time.perf_counter() - started
            if state.buyers:
                loaded.setdefault("buyer_s", round(now, 3))
            if state.scorer is not None:
                loaded.setdefault("scorer_s", round(now, 3))
            start = app.screen.query("#start")
            if start and not start.first().disabled:
                break
            if state.buyer_errors or state.scorer_error or now > 120:
                print("RESULT " + json.dumps({"error": str(state)}))
                os._exit(1)
        heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
        result = {"ready_s": round(now, 3), "cpu_s": round(time.process_time() - cpu, 3)}
        result.update(loaded, heavy=",".join(heavy) or "none")
        result["picker_longest_stall_s"] = round(stall, 3)
        print("RESULT " + json.dumps(result))
        os._exit(0)

asyncio.run(main())
"""


def _app_ready(where: str = "briefing", runs: int = 3) -> Any:
    """A fresh app, from its first screen (the picker listing the scenarios), until a
    briefing's Ready: with `where` "briefing", the briefing opened at once (the worst case);
    with "picker", after three seconds on the picker (a rep reading the list while the models
    preload), with the longest the app's event loop went unanswered on the picker meanwhile
    (the picker's worst delay in answering a key).

    Measured as a rep's second start (`second_start_env`: the bytecode cache on, as `make
    bench`'s start-up figures are): one start to write the cache, then the median of `runs`.
    """
    from benchmarks.bench_app import second_start_env

    results = []
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-home-") as home:
        env = dict(second_start_env(Path(home) / "pycache"), ROLEPLAY_HOME=home)
        for _ in range(runs + 1):
            done = subprocess.run(
                [sys.executable, "-c", APP_READY_SCRIPT, where],
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
            )
            lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
            if not lines:
                last = done.stderr.strip().splitlines()[-1] if done.stderr else "no result"
                raise RuntimeError(last)
            results.append(json.loads(lines[-1][len("RESULT ") :]))
    measured = sorted(results[1:], key=lambda r: float(r["ready_s"]))
    return measured[len(measured) // 2]


def _llama_cpp_child() -> None:
    """The same prompt through llama-cpp-python on the card's GGUF, one thread."""
    from llama_cpp import Llama

    from roleplay.buyer.cards import find_card
    from roleplay.buyer.onnx_backend import OnnxBackend

    card = find_card(DEFAULT_CARD)
    onnx = OnnxBackend(card)
    onnx.load()
    prompt_text = onnx.prompt_text(_prompt())
    started = time.perf_counter()
    llm = Llama(model_path=str(onnx.source.gguf_path()), n_threads=1, n_ctx=1024, verbose=False)
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 2)}
    ids = llm.tokenize(prompt_text.encode(), add_bos=False, special=True)
    started = time.perf_counter()
    first = None
    tokens = 0
    for _ in llm.generate(ids, temp=0.0):
        tokens += 1
        if first is None:
            first = time.perf_counter() - started
        if tokens >= NEW_TOKENS:
            break
    total = time.perf_counter() - started
    out["greedy"] = {
        "ttft_s": round(first or total, 3),
        "tokens": tokens,
        "tokens_per_s": round(max(tokens - 1, 0) / max(total - (first or 0.0), 1e-9), 1),
    }
    print("RESULT " + json.dumps(out))


def _run(code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); " + code],
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "no result")
    return json.loads(lines[-1][len("RESULT ") :])


def _run_child(card: str, precision: str, cache: str, speed: bool) -> Any:
    return _run(
        f"from benchmarks.bench_buyer import _child; "
        f"_child({card!r}, {precision!r}, {cache!r}, {speed})"
    )


def run() -> dict[str, float | str]:
    """Cold conversions, then each runtime warm, each in a fresh interpreter."""
    from roleplay.buyer.cards import find_card

    figures: dict[str, float | str] = {"load_average_at_start": _load_average()}
    default_precision = find_card(DEFAULT_CARD).precision
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-cache-") as cache:
        cold = _run_child(REFERENCE_CARD, "", cache, speed=False)
        figures["cold_gguf_to_safetensors_s"] = cold["load_s"]
        for precision in PRECISIONS:
            built = _run_child(DEFAULT_CARD, precision, cache, speed=False)
            figures[f"cold_onnx_{precision}_build_s"] = built["load_s"]
        runs = {"transformers_fp32": _run_child(REFERENCE_CARD, "", cache, speed=True)}
        for precision in PRECISIONS:
            runs[f"onnx_{precision}"] = _run_child(DEFAULT_CARD, precision, cache, speed=True)
    figures["prompt_tokens"] = runs["onnx_int4"]["prompt_tokens"]
    for name, result in runs.items():
        figures[f"{name}_warm_load_s"] = result["load_s"]
        if result["tokenizer_after_load_s"]:
            figures[f"{name}_tokenizer_after_load_s"] = result["tokenizer_after_load_s"]
        figures[f"{name}_torch_imported"] = str(result["torch_imported"])
        figures[f"{name}_ttft_s"] = result["greedy"]["ttft_s"]
        figures[f"{name}_ttft_same_prompt_again_s"] = result["greedy_again"]["ttft_s"]
        figures[f"{name}_tokens_per_s"] = result["greedy"]["tokens_per_s"]
        figures[f"{name}_tokens_per_s_sampled"] = result["sampled"]["tokens_per_s"]
        figures[f"{name}_rss_after_load_mb"] = result["rss_after_load_mb"]
        figures[f"{name}_rss_after_generation_mb"] = result["rss_after_generation_mb"]
        if "first_reply" in result:
            figures[f"{name}_first_reply_ttft_s"] = result["first_reply"]["ttft_s"]
            figures[f"{name}_first_reply_tokens_read_ahead"] = result["first_reply"][
                "reused_tokens"
            ]
            figures[f"{name}_read_ahead_s"] = result["first_reply"]["read_ahead_s"]
    default = runs[f"onnx_{default_precision}"]
    figures["default_card"] = f"{DEFAULT_CARD} (onnx {default_precision})"
    figures["default_rss_with_scorer_mb"] = default["rss_with_scorer_mb"]
    figures["default_times_reading_speed"] = round(
        default["greedy"]["tokens_per_s"] / READING_TOKENS_PER_SECOND, 1
    )
    figures["default_speedup_over_transformers"] = round(
        default["greedy"]["tokens_per_s"] / runs["transformers_fp32"]["greedy"]["tokens_per_s"], 1
    )
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        figures["llama_cpp"] = "llama-cpp-python not importable; no comparison"
    else:
        llama = _run("from benchmarks.bench_buyer import _llama_cpp_child; _llama_cpp_child()")
        figures["llama_cpp_load_s"] = llama["load_s"]
        figures["llama_cpp_ttft_s"] = llama["greedy"]["ttft_s"]
        figures["llama_cpp_tokens_per_s"] = llama["greedy"]["tokens_per_s"]
        figures["default_vs_llama_cpp"] = round(
            default["greedy"]["tokens_per_s"] / llama["greedy"]["tokens_per_s"], 2
        )
    ready = _app_ready("briefing")
    figures["app_briefing_ready_s"] = ready["ready_s"]
    figures["app_briefing_ready_cpu_s"] = ready["cpu_s"]
    figures["app_briefing_buyer_loaded_s"] = ready["buyer_s"]
    figures["app_briefing_scorer_loaded_s"] = ready["scorer_s"]
    figures["app_heavy_modules_at_ready"] = ready["heavy"]
    on_picker = _app_ready("picker")
    figures["app_briefing_ready_after_picker_s"] = on_picker["ready_s"]
    figures["app_picker_longest_stall_s"] = on_picker["picker_longest_stall_s"]
    figures["load_average_at_end"] = _load_average()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<40} {value}")

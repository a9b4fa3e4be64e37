"""Embedded buyer speed: cold (conversion) and warm (cache) load, time to first token, tokens
per second and resident memory, for the default path and the variants tried.

Every load runs in a fresh interpreter with its own cache folder, so "cold" really converts the
GGUF. Figures are wall-clock on a shared 2-core machine; read them as rough. Reading speed is
about 5 tokens/s. llama.cpp is not installed here (building it takes about 6 minutes), so there
is no llama.cpp comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

NEW_TOKENS = 48
READING_TOKENS_PER_SECOND = 5.0


def _prompt() -> list[Any]:
    """The prompt the director builds for a reveal beat in the CFO scenario."""
    from roleplay import paths
    from roleplay.buyer.director import BuyerDirector
    from roleplay.scenario import load_scenario
    from roleplay.transcript import Turn

    scenario = load_scenario(paths.shipped_scenarios_dir() / "cfo-logistics-close.yaml")
    director = BuyerDirector(scenario, None, seed=1)
    rep = "Walk me through how your month-end close works today, and where it gets stuck."
    beat = director.decide(rep, None, director.initial_state(), 0)
    history = [Turn(role="buyer", text=scenario.opening_line), Turn(role="rep", text=rep)]
    return director.messages(beat, history, [])


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _time_stream(backend: Any, messages: Any, **kwargs: Any) -> dict[str, float]:
    started = time.perf_counter()
    first = None
    text = ""
    for chunk in backend.stream(messages, max_new_tokens=NEW_TOKENS, seed=1, **kwargs):
        if first is None:
            first = time.perf_counter() - started
        text += chunk
    total = time.perf_counter() - started
    tokens = len(backend.tokenizer.encode(text, add_special_tokens=False))
    decode = max(total - (first or 0.0), 1e-9)
    return {
        "ttft_s": round(first or total, 3),
        "tokens": tokens,
        "tokens_per_s": round(max(tokens - 1, 0) / decode, 1),
        "total_s": round(total, 2),
    }


def _time_generate(backend: Any, messages: Any) -> dict[str, float]:
    """The same prompt through transformers' generate() with a TextIteratorStreamer."""
    import threading

    import torch
    from transformers import TextIteratorStreamer

    ids = backend.prompt_ids(messages)
    streamer = TextIteratorStreamer(backend.tokenizer, skip_prompt=True, skip_special_tokens=True)
    kwargs = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "max_new_tokens": NEW_TOKENS,
        "do_sample": False,
        "streamer": streamer,
    }
    started = time.perf_counter()
    thread = threading.Thread(target=lambda: backend.model.generate(**kwargs))
    thread.start()
    first = None
    text = ""
    for chunk in streamer:
        if chunk and first is None:
            first = time.perf_counter() - started
        text += chunk
    thread.join()
    total = time.perf_counter() - started
    tokens = len(backend.tokenizer.encode(text, add_special_tokens=False))
    return {
        "ttft_s": round(first or total, 3),
        "tokens": tokens,
        "tokens_per_s": round(max(tokens - 1, 0) / max(total - (first or 0.0), 1e-9), 1),
    }


def _child(cache: str, dtype: str, threads: int, variants: bool) -> None:
    """Load the embedded buyer (converting if the cache is empty) and time it; print JSON."""
    from roleplay.buyer.cards import find_card
    from roleplay.buyer.transformers_backend import TransformersBackend

    started = time.perf_counter()
    import torch  # noqa: F401 - timed apart from the weights
    import transformers  # noqa: F401

    imports = time.perf_counter() - started
    card = find_card("smollm2-135m")
    card = card.model_copy(update={"dtype": dtype, "threads": threads or card.threads})
    backend = TransformersBackend(card, cache_root=__import__("pathlib").Path(cache))
    started = time.perf_counter()
    backend.load()
    out: dict[str, Any] = {
        "imports_s": round(imports, 2),
        "load_s": round(time.perf_counter() - started, 2),
        "converted": backend.converted,
        "rss_after_load_mb": round(_rss_mb()),
    }
    if variants:
        messages = _prompt()
        out["prompt_tokens"] = int(backend.prompt_ids(messages).shape[1])
        _time_stream(backend, messages, temperature=0.0)  # warm-up
        out["greedy"] = _time_stream(backend, messages, temperature=0.0)
        out["sampled"] = _time_stream(backend, messages, temperature=0.6)
        out["generate_api"] = _time_generate(backend, messages)
        out["rss_after_generation_mb"] = round(_rss_mb())
    print("RESULT " + json.dumps(out))


def _run_child(cache: str, dtype: str = "float32", threads: int = 0, variants: bool = False) -> Any:
    """Time the buyer in a fresh interpreter (`threads` 0: the card's)."""
    code = (
        "import sys; sys.path.insert(0, '.'); from benchmarks.bench_buyer import _child; "
        f"_child({cache!r}, {dtype!r}, {threads}, {variants})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=900
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def run() -> dict[str, float | str]:
    """Cold and warm load, then speed of the default path and of the variants tried."""
    figures: dict[str, float | str] = {}
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-cache-") as cache:
        cold = _run_child(cache)
        figures["import_torch_transformers_s"] = cold["imports_s"]
        figures["cold_load_with_conversion_s"] = cold["load_s"]
        warm = _run_child(cache, variants=True)
        figures["warm_load_from_cache_s"] = warm["load_s"]
        figures["prompt_tokens"] = warm["prompt_tokens"]
        figures["ttft_s"] = warm["greedy"]["ttft_s"]
        figures["tokens_per_s"] = warm["greedy"]["tokens_per_s"]
        figures["tokens_per_s_sampled"] = warm["sampled"]["tokens_per_s"]
        figures["times_reading_speed"] = round(
            warm["greedy"]["tokens_per_s"] / READING_TOKENS_PER_SECOND, 1
        )
        figures["rss_after_load_mb"] = warm["rss_after_load_mb"]
        figures["rss_after_generation_mb"] = warm["rss_after_generation_mb"]
        figures["generate_api_ttft_s"] = warm["generate_api"]["ttft_s"]
        figures["generate_api_tokens_per_s"] = warm["generate_api"]["tokens_per_s"]
        two_threads = _run_child(cache, threads=2, variants=True)
        figures["threads2_tokens_per_s"] = two_threads["greedy"]["tokens_per_s"]
        bf16 = _run_child(cache, dtype="bfloat16", variants=True)
        figures["bf16_ttft_s"] = bf16["greedy"]["ttft_s"]
        figures["bf16_tokens_per_s"] = bf16["greedy"]["tokens_per_s"]
        figures["bf16_rss_after_load_mb"] = bf16["rss_after_load_mb"]
    figures["llama_cpp"] = "not installed (its build takes ~6 min); no comparison"
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<32} {value}")

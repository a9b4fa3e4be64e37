"""How close a quantized ONNX build of the buyer stays to float32, in about a CPU minute a build.

    python -m benchmarks.precision_agreement REFERENCE_FOLDER FOLDER [FOLDER...]

Each FOLDER is an ONNX model folder (one the backend built into `models/.cache`, or one built by
hand with the model builder and other options). The REFERENCE_FOLDER (the float32 build) reads
the director's prompts, three rep turns in each shipped scenario, and replies greedily for 40
tokens; each FOLDER then reads the same prompts and the reference's replies token by token. For
each it prints how often its likeliest next token is the reference's ("same token") and the
mean Kullback-Leibler divergence of its next-token distribution from the reference's, with the
CPU seconds it took. `roleplay eval --buyer` measures what a rep meets (facts, guard,
non-answers) but takes most of an hour on a busy machine; this measures the weights alone, so
it tells builds apart quickly and without the sampling's noise. The model card's comment
(`models/smollm2-135m.yaml`) holds the figures for the builds tried.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REP_TURNS = (
    "Walk me through how your month-end close works today, and where it gets stuck.",
    "What happens when that goes wrong? Who feels it first?",
    "We have a platform that fixes this. Can I show you a quick demo?",
)
"""The rep's first turn in each prompt: discovery, its follow-up, and a pitch."""

REPLY_TOKENS = 40


def _prompts() -> list[Any]:
    """The director's messages for each rep turn, in every shipped scenario."""
    from roleplay import paths
    from roleplay.buyer.director import BuyerDirector
    from roleplay.scenario import load_scenario
    from roleplay.transcript import Turn

    prompts = []
    for file in sorted(paths.shipped_scenarios_dir().glob("*.yaml")):
        scenario = load_scenario(file)
        for turn in REP_TURNS:
            director = BuyerDirector(scenario, None, seed=1)
            beat = director.decide(turn, None, director.initial_state(), 0)
            history = [Turn(role="buyer", text=scenario.opening_line), Turn(role="rep", text=turn)]
            prompts.append(director.messages(beat, history, []))
    return prompts


def _log_softmax(logits: Any) -> Any:
    shifted = np.asarray(logits, dtype=np.float64) - np.max(logits)
    return shifted - np.log(np.exp(shifted).sum())


def next_token_log_probs(folder: Path, forced: list[list[int]] | None) -> tuple[Any, Any]:
    """The build's next-token log-probabilities over each prompt's reply (prompts x tokens x
    vocabulary) and the reply's tokens: its own greedy reply, or the `forced` one."""
    import onnxruntime_genai as og

    from roleplay.buyer.cards import find_card
    from roleplay.buyer.onnx_backend import OnnxBackend, _read_model

    model, tokenizer, _, _ = _read_model(folder, threads=1)
    backend = OnnxBackend(find_card("smollm2-135m"))
    backend.tokenizer = tokenizer  # renders the chat template; the model is the folder's
    replies, log_probs = [], []
    for number, messages in enumerate(_prompts()):
        prompt = backend.prompt_ids(messages)
        params = og.GeneratorParams(model)
        params.set_search_options(max_length=len(prompt) + REPLY_TOKENS + 2, do_sample=False)
        generator = og.Generator(model, params)
        generator.append_tokens(prompt)
        reply, steps = [], []
        for step in range(REPLY_TOKENS):
            scores = _log_softmax(generator.get_logits()[0, -1])
            steps.append(scores.astype(np.float32))
            token = int(np.argmax(scores)) if forced is None else forced[number][step]
            reply.append(token)
            generator.append_tokens(np.array([token], np.int32))
        replies.append(reply)
        log_probs.append(np.stack(steps))
    return np.stack(log_probs), replies


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    reference, replies = next_token_log_probs(Path(argv[0]), forced=None)
    print(f"reference {argv[0]}: {reference.shape[0]} prompts x {REPLY_TOKENS} tokens")
    for folder in argv[1:]:
        started = time.process_time()
        ours, _ = next_token_log_probs(Path(folder), forced=replies)
        same = float((ours.argmax(-1) == reference.argmax(-1)).mean())
        divergence = (np.exp(reference) * (reference - ours)).sum(-1)
        figures = {
            "same_token": round(same, 3),
            "kl_mean": round(float(divergence.mean()), 4),
            "kl_p90": round(float(np.quantile(divergence, 0.9)), 4),
            "cpu_s": round(time.process_time() - started, 1),
        }
        print(f"{folder}: {json.dumps(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

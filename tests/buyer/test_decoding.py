"""The decode rules both embedded backends share, and the ONNX backend's text helpers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from roleplay.buyer.decoding import (
    TOP_K,
    Sampling,
    StreamedText,
    choose_token,
    decode_reply,
    penalize,
)
from roleplay.buyer.onnx_backend import (
    _special_token_ids,
    builder_progress,
    continue_final_message,
)
from roleplay.errors import BackendError

RENDERED = (
    "<|im_start|>system\nYou are Dana.<|im_end|>\n<|im_start|>user\nHow is the close?<|im_end|>\n"
    "<|im_start|>assistant\nHonestly, it drags<|im_end|>\n"
)


def test_a_started_reply_is_cut_after_its_first_words() -> None:
    cut = continue_final_message(RENDERED, "Honestly, it drags")
    assert cut.endswith("<|im_start|>assistant\nHonestly, it drags")


def test_trailing_space_the_template_kept_is_kept() -> None:
    rendered = RENDERED.replace("it drags<|im_end|>", "it drags <|im_end|>")
    assert continue_final_message(rendered, "Honestly, it drags ").endswith("it drags ")
    assert continue_final_message(RENDERED, "Honestly, it drags ").endswith("it drags")


def test_a_template_that_drops_the_reply_is_an_error() -> None:
    with pytest.raises(BackendError, match="dropped"):
        continue_final_message(RENDERED, "Something else entirely")


def test_builder_progress_follows_its_layers_in_order() -> None:
    lines = [
        "GroupQueryAttention (GQA) is used in this model.",
        "Reading embedding layer",
        *(f"Reading layer {i}" for i in range(30)),
        "Reading final norm",
        "Saving ONNX model in /tmp/x",
        "Saving GenAI config in /tmp/x",
    ]
    steps = [s for s in (builder_progress(line, 30) for line in lines) if s is not None]
    fractions = [f for _, f in steps]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] < 1
    assert len(steps) == 33
    assert builder_progress("Reading layer 14", 30) == ("converting layers to ONNX", 0.35)


def test_a_k_quant_build_reports_its_search_between_saving_and_the_settings() -> None:
    """The k-quant search takes most of such a build; it prints a bar with its percentage."""
    lines = [
        "Saving ONNX model in /tmp/x",
        "Progress: [                    ] 0.66%2026-12-01 14:50:26,045 neural_compressor [INFO]",
        "Progress: [##########          ] 50.00%",
        "Progress: [####################] 100.00%",
        "Saving GenAI config in /tmp/x",
    ]
    fractions = [step[1] for step in map(lambda line: builder_progress(line, 30), lines) if step]
    assert len(fractions) == 5 and fractions == sorted(fractions)
    assert 0.7 < fractions[1] < fractions[2] < fractions[3] < 0.95


def test_greedy_takes_the_best_score() -> None:
    logits = np.array([0.1, 3.0, -2.0, 2.9], dtype=np.float32)
    assert choose_token(logits, 0.0, 0.9, np.random.default_rng(0)) == 1


def test_sampling_stays_within_the_nucleus_and_repeats_with_its_seed() -> None:
    logits = np.full(1000, -10.0, dtype=np.float32)
    logits[[5, 6, 7]] = [5.0, 4.0, 4.0]
    picks = [choose_token(logits, 1.0, 0.5, np.random.default_rng(s)) for s in range(40)]
    assert set(picks) == {5}  # token 5 alone reaches half the probability
    wide = [choose_token(logits, 1.0, 1.0, np.random.default_rng(s)) for s in range(200)]
    assert set(wide) == {5, 6, 7}  # the rest are e^-14 times less likely
    again = [choose_token(logits, 1.0, 1.0, np.random.default_rng(s)) for s in range(200)]
    assert wide == again


def test_sampling_considers_only_the_likeliest_tokens() -> None:
    logits = np.linspace(0.0, 0.01, 1000, dtype=np.float32)  # all but equally likely
    picks = {choose_token(logits, 1.0, 1.0, np.random.default_rng(s)) for s in range(300)}
    assert picks <= set(range(1000 - TOP_K, 1000))


def test_repetition_penalty_lowers_tokens_already_said() -> None:
    logits = np.array([2.0, -2.0, 1.0], dtype=np.float32)
    penalize(logits, [0, 1, 0], 2.0)
    assert logits.tolist() == [1.0, -4.0, 1.0]


def test_text_is_held_back_until_a_character_is_complete() -> None:
    pieces = {1: "Hel", 2: "lo", 3: "\ufffd", 4: "é"}

    def decode(ids: object) -> str:
        text = "".join(pieces[i] for i in ids)  # type: ignore[attr-defined]
        return text.replace("\ufffdé", "é")

    stream = StreamedText(decode)
    assert [stream.add(t) for t in (1, 2, 3, 4)] == ["Hel", "lo", "", "é"]


def test_a_reply_ends_at_a_stop_token_or_when_asked() -> None:
    script = iter([1, 2, 9, 3])

    def step(token: int | None) -> np.ndarray:
        logits = np.zeros(10, dtype=np.float32)
        logits[next(script)] = 1.0
        return logits

    greedy = Sampling(temperature=0.0, top_p=1.0, repetition_penalty=1.0, seed=None)
    words = {1: "a", 2: "b", 3: "c"}
    decode = lambda ids: "".join(words[i] for i in ids)  # noqa: E731
    assert list(decode_reply(step, decode, {9}, greedy, 10, lambda: False)) == ["a", "b"]
    script = iter([1, 2, 3])
    asked = iter([False, True])
    assert list(decode_reply(step, decode, {9}, greedy, 10, lambda: next(asked))) == ["a"]


def test_the_special_tokens_are_read_from_the_tokenizer_file(tmp_path: Path) -> None:
    added = [
        {"id": 0, "content": "<|endoftext|>", "special": True},
        {"id": 7, "content": "[not special]", "special": False},
        {"id": 2, "content": "<|im_end|>", "special": True},
    ]
    tokenizer = {"version": "1.0", "added_tokens": added, "model": {"vocab": {"[": 5}}}
    file = tmp_path / "tokenizer.json"
    file.write_text(json.dumps(tokenizer, indent=2))
    assert _special_token_ids(file) == {0, 2}
    file.write_text(json.dumps({"model": {"note": '"added_tokens" is not here'}}))
    assert _special_token_ids(file) == set()
    assert _special_token_ids(tmp_path / "missing.json") == set()

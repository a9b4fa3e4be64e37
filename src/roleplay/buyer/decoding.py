"""One decode loop for the embedded buyer backends: how the next token is chosen, when a reply
stops, and how tokens become streamed text.

The transformers backend and the ONNX backend differ only in how they run the model (a `Step`);
everything after the logits lives here, so both backends sample, penalize, stop and stream by
the same rule, and the same seed gives the same reply on the same logits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TOP_K = 64
"""Sampling considers only this many of the likeliest tokens (sorting the whole 49k vocabulary
every step cost more than the model's last layer)."""

STOP_TOKENS = ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>", "</s>")
"""End-of-turn tokens of the chat templates the embedded models use; any one ends a reply."""

Logits = npt.NDArray[np.float32]
"""The next-token scores over the vocabulary, one dimension."""

Step = Callable[[int | None], Logits]
"""Runs the model: on None, over the prompt; on a token, over that one token after everything
so far. Returns the logits for the next position."""


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen."""

    temperature: float
    """0 means greedy; otherwise the softmax temperature."""
    top_p: float
    """Nucleus sampling over the `TOP_K` likeliest tokens."""
    repetition_penalty: float
    """Divides positive (multiplies negative) scores of tokens already in the reply; 1 is none."""
    seed: int | None
    """Makes sampling reproducible; None draws fresh entropy."""


def penalize(logits: Logits, produced: Sequence[int], penalty: float) -> None:
    """Lower, in place, the scores of tokens the reply already holds (the prompt is exempt)."""
    if penalty == 1.0 or not produced:
        return
    seen = np.fromiter(sorted(set(produced)), dtype=np.int64)
    picked = logits[seen]
    logits[seen] = np.where(picked > 0, picked / penalty, picked * penalty)


def choose_token(logits: Logits, temperature: float, top_p: float, rng: np.random.Generator) -> int:
    """Greedy at temperature 0; else temperature and top-p sampling over the likeliest tokens."""
    if temperature <= 0.0:
        return int(np.argmax(logits))
    candidates = np.argpartition(logits, -TOP_K)[-TOP_K:]
    candidates = candidates[np.argsort(logits[candidates])[::-1]]
    scaled = logits[candidates].astype(np.float64) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    if top_p < 1.0:
        probs = probs * (np.cumsum(probs) - probs < top_p)
        probs /= probs.sum()
    return int(candidates[rng.choice(len(candidates), p=probs)])


class StreamedText:
    """Turns the reply's tokens into text chunks as they arrive.

    Decoding the whole reply each time (rather than token by token) keeps the spaces a
    tokenizer merges across tokens; a trailing U+FFFD is half of a multi-byte character, held
    back until the rest comes.
    """

    def __init__(self, decode: Callable[[Sequence[int]], str]) -> None:
        self._decode = decode
        self.tokens: list[int] = []
        """The reply's tokens so far."""
        self._emitted = ""

    def add(self, token: int) -> str:
        """Append a token; return the new text it completes (possibly empty)."""
        self.tokens.append(token)
        text = self._decode(self.tokens)
        if text.endswith("\ufffd") or len(text) <= len(self._emitted):
            return ""
        if not text.startswith(self._emitted):
            return ""
        chunk, self._emitted = text[len(self._emitted) :], text
        return chunk


def decode_reply(
    step: Step,
    decode: Callable[[Sequence[int]], str],
    stop_ids: set[int],
    sampling: Sampling,
    max_new_tokens: int,
    should_stop: Callable[[], bool],
) -> Iterator[str]:
    """Yield the reply's text as it is decoded, one token a step.

    Stops at a stop token, after `max_new_tokens`, or when `should_stop()` (checked before
    each step).
    """
    rng = np.random.default_rng(sampling.seed)
    text = StreamedText(decode)
    token: int | None = None
    for _ in range(max_new_tokens):
        if should_stop():
            return
        logits = step(token)
        penalize(logits, text.tokens, sampling.repetition_penalty)
        token = choose_token(logits, sampling.temperature, sampling.top_p, rng)
        if token in stop_ids:
            return
        chunk = text.add(token)
        if chunk:
            yield chunk

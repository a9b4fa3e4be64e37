"""The ONNX embedder gives real sales turns the vectors the scorer's heads were fitted on,
however it splits the work: in one batch over several threads, one text at a time, or from
two callers at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from roleplay.scoring.model import FloatArray, OnnxEmbedder, TransformersEmbedder

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    """Every twelfth labelled sales turn and the buyer's line before it: short and long."""
    path = PROJECT_ROOT / "rubrics" / "data" / "sales_turns.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()][::12]
    texts = [row["turn"] for row in rows] + [row["previous"] for row in rows if row.get("previous")]
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="module")
def parallel() -> OnnxEmbedder:
    """The ONNX embedder on two worker threads, whatever this machine's core count."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEPLAY_EMBED_THREADS", "2")
        return OnnxEmbedder()


def cosines(a: FloatArray, b: FloatArray) -> FloatArray:
    """Row-wise cosine of two sets of L2-normalised rows."""
    return np.asarray(np.sum(a * b, axis=1), dtype=np.float32)


def test_a_batch_of_real_turns_matches_the_transformers_reference(
    parallel: OnnxEmbedder, real_texts: list[str]
) -> None:
    assert parallel.threads == 2 and len(real_texts) > 100
    batch = parallel.embed(real_texts)
    reference = TransformersEmbedder().embed(real_texts)
    assert batch.shape == (len(real_texts), 384) and batch.dtype == np.float32
    assert cosines(batch, reference).min() >= 1 - 1e-5


def test_each_real_turn_alone_gets_the_row_it_gets_in_a_batch(
    parallel: OnnxEmbedder, real_texts: list[str]
) -> None:
    batch = parallel.embed(real_texts)
    alone = np.stack([parallel.embed([text])[0] for text in real_texts])
    assert cosines(alone, batch).min() >= 1 - 1e-5
    pairs = np.concatenate(
        [parallel.embed(real_texts[i : i + 2]) for i in range(0, len(real_texts), 2)]
    )
    assert cosines(pairs, batch).min() >= 1 - 1e-5
    shuffled = list(reversed(real_texts))
    assert cosines(parallel.embed(shuffled)[::-1], batch).min() >= 1 - 1e-5


def test_two_callers_at_once_each_get_their_own_rows(
    parallel: OnnxEmbedder, real_texts: list[str]
) -> None:
    halves = [real_texts[::2], real_texts[1::2]]
    expected = [parallel.embed(half) for half in halves]
    found: list[FloatArray | None] = [None, None]

    def embed(index: int) -> None:
        found[index] = parallel.embed(halves[index])

    callers = [threading.Thread(target=embed, args=(i,)) for i in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    for rows, wanted in zip(found, expected, strict=True):
        assert rows is not None
        assert cosines(rows, wanted).min() >= 1 - 1e-5

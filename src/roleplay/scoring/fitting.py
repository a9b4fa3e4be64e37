"""Fitting the scorer's heads on labelled turns (needs scikit-learn; never used at run time).

`scripts/fit_scorer.py` builds the shipped parameters with `fit_heads`; `roleplay eval
--standing` refits with the same function inside every cross-validation fold, so the figures
it reports come from data the heads never saw.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from roleplay.errors import InvalidFileError, ScoringError
from roleplay.paths import PROJECT_ROOT, cache_dir
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scoring.features import CUE_NAMES
from roleplay.scoring.model import (
    EMBEDDING_DIM,
    Embedder,
    FloatArray,
    Head,
    Heads,
)

SALES_PATH = PROJECT_ROOT / "rubrics" / "data" / "sales_turns.jsonl"
"""The project's labelled B2B sales turns (train and test splits)."""


def shared_data_dir() -> Path:
    """Where the corpora kept outside the repository live: `$ROLEPLAY_SHARED_DATA`, else the
    first `shared/data` beside the project or beside its parent (a git worktree)."""
    configured = os.environ.get("ROLEPLAY_SHARED_DATA", "").strip()
    if configured:
        return Path(configured)
    for base in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return PROJECT_ROOT.parent / "shared" / "data"


ANNOMI_PATH = shared_data_dir() / "annomi_dev.jsonl"
"""Expert-labelled counselling turns, when present beside the project (never copied in)."""

P4G_PATH = shared_data_dir() / "p4g_dev.jsonl"
"""PersuasionForGood persuader sentences (Apache-2.0): fitted on, grouped by dialog."""

ESCONV_PATH = shared_data_dir() / "esconv_dev.jsonl"
"""ESConv supporter turns (CC BY-NC 4.0): measured on only, never fitted on."""

P4G_INQUIRY = frozenset({"personal-related-inquiry", "task-related-inquiry"})
"""P4G strategies that ask about the other person: context-seeking, centred on them."""

P4G_PITCH = frozenset(
    {
        "logical-appeal",
        "provide-org-facts",
        "propose-donation",
        "example-donation",
        "provide-donation-procedure",
        "emotion-appeal",
        "ask-donation-amount",
        "ask-donate-more",
        "foot-in-the-door",
    }
)
"""P4G strategies that pitch the charity or ask for money: not the listener's problem."""

SEED = 20261123

DEFAULT_C = {"listening": 0.003, "context_seeking": 0.003, "problem_focus": 0.003}
"""Inverse regularisation strength per head when none is chosen (`choose_c` chooses one)."""

C_GRID = (0.001, 0.003, 0.01)
"""The inverse regularisation strengths `choose_c` tries for each head."""

INNER_FOLDS = 3
"""Folds of the grouped cross-validation that chooses C inside whatever data a fit is given."""

FEATURE_BLOCKS = {"listening": "all", "context_seeking": "all", "problem_focus": "turn+cues"}
"""Per head, the design-matrix columns it reads (see `block_columns`). Problem focus is about
the turn itself; without the buyer-line blocks it overfits less (grouped CV on sales train)."""

ANNOMI_SHARE = {"listening": 1.0, "context_seeking": 0.5, "problem_focus": 0.3}
"""Per head, AnnoMI's total sample weight relative to the sales turns' total weight. Chosen
earlier by grouped CV on the sales train split and AnnoMI (not nested) and now held fixed;
`choose` does not revisit it. Reflections in counselling teach listening well; for problem
focus AnnoMI's mapping (any question counts) disagrees with the sales rule that neutral
situation questions are not problem focus, so it weighs little."""

CUE_WEIGHT = {"listening": 1.0, "context_seeking": 1.0, "problem_focus": 1.0}
"""Per head, how much larger the standardised cue columns are made before fitting, so the
L2 penalty weighs less on a few explainable cues than on the 1,153 embedding columns (1: the
same penalty). Stored in the head's `scale`, so scoring is unchanged."""

P4G_SHARE = {"listening": 0.0, "context_seeking": 0.3, "problem_focus": 0.5}
"""Per head, P4G's total sample weight relative to the sales turns' (it carries no listening
labels). Set before any P4G figure was measured and not tuned on one."""


@dataclass
class LabelledTurns:
    """Rep turns with the buyer's previous line, labels per dimension and provenance."""

    turns: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    labels: dict[str, list[float]] = field(
        default_factory=lambda: {name: [] for name in DIMENSIONS}
    )
    """Per dimension, 1.0 / 0.0, or NaN where the turn carries no label for it."""
    groups: list[str] = field(default_factory=list)
    """Conversation or transcript id, so cross-validation never splits one conversation."""
    source: list[str] = field(default_factory=list)
    """`sales`, `rubric`, `annomi`, `p4g` or `esconv`."""
    history: list[tuple[tuple[str, str], ...]] = field(default_factory=list)
    """Per turn, the conversation before it, oldest first, as `(role, text)` (may be empty)."""
    meta: list[dict[str, Any]] = field(default_factory=list)
    """The original record's other fields (kind, behaviour, ...)."""

    def __len__(self) -> int:
        return len(self.turns)

    def add(
        self,
        turn: str,
        previous: str,
        labels: dict[str, float],
        group: str,
        source: str,
        meta: dict[str, Any] | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Append one turn; dimensions missing from `labels` are unlabelled (NaN)."""
        self.history.append(tuple(history))
        self.turns.append(turn)
        self.previous.append(previous)
        for name in DIMENSIONS:
            self.labels[name].append(float(labels.get(name, math.nan)))
        self.groups.append(group)
        self.source.append(source)
        self.meta.append(meta or {})

    def subset(self, index: Sequence[int] | npt.NDArray[np.int64]) -> LabelledTurns:
        """The turns at these positions."""
        out = LabelledTurns()
        for i in index:
            out.add(
                self.turns[i],
                self.previous[i],
                {n: self.labels[n][i] for n in DIMENSIONS},
                self.groups[i],
                self.source[i],
                self.meta[i],
                self.history[i],
            )
        return out

    def extend(self, other: LabelledTurns) -> LabelledTurns:
        """This set followed by `other`, as a new set."""
        out = self.subset(range(len(self)))
        for i in range(len(other)):
            out.add(
                other.turns[i],
                other.previous[i],
                {n: other.labels[n][i] for n in DIMENSIONS},
                other.groups[i],
                other.source[i],
                other.meta[i],
                other.history[i],
            )
        return out

    def label_array(self, name: str) -> npt.NDArray[np.float64]:
        """Labels of one dimension as floats (NaN: unlabelled)."""
        return np.array(self.labels[name], dtype=np.float64)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ScoringError(f"{path}:{number}: not JSON: {exc.msg}") from None
    return rows


def load_sales(path: Path = SALES_PATH, split: str | None = "train") -> LabelledTurns:
    """The labelled sales turns of one split (`train`, `test`, or None for both)."""
    out = LabelledTurns()
    if not path.exists():
        return out
    for row in _read_jsonl(path):
        if split is not None and row.get("split") != split:
            continue
        labels: dict[str, float] = {n: float(row[n]) for n in DIMENSIONS if row.get(n) is not None}
        out.add(
            str(row["turn"]),
            str(row.get("previous") or ""),
            labels,
            f"sales:{row.get('group', row['id'])}",
            "sales",
            {
                "id": row["id"],
                "kind": row.get("kind", ""),
                "split": row.get("split", ""),
                "writer": row.get("writer", "team"),
            },
            [(str(h["role"]), str(h["text"])) for h in row.get("history") or []],
        )
    return out


def load_rubric_examples(rubric: Rubric) -> LabelledTurns:
    """The rubric file's labelled example turns, each labelled on its own dimension only."""
    out = LabelledTurns()
    for name in DIMENSIONS:
        for index, example in enumerate(rubric.dimension(name).examples):
            out.add(
                example.turn,
                example.previous,
                {name: 1.0 if example.label == "positive" else 0.0},
                f"rubric:{name}:{index}",
                "rubric",
                {"note": example.note or ""},
            )
    return out


def annomi_labels(row: dict[str, Any]) -> dict[str, float]:
    """AnnoMI's expert codes mapped onto the rubric.

    A reflection is listening; a question is context-seeking; therapist input (information,
    advice, options) is telling rather than asking, so it is negative problem focus, while
    reflections and questions about the client's situation are positive. `other` turns
    (greetings, fillers, structuring) carry no problem-focus label.
    """
    behaviour = row.get("behaviour")
    labels = {
        "listening": 1.0 if behaviour == "reflection" else 0.0,
        "context_seeking": 1.0 if behaviour == "question" else 0.0,
    }
    if behaviour == "therapist_input":
        labels["problem_focus"] = 0.0
    elif behaviour in ("reflection", "question"):
        labels["problem_focus"] = 1.0
    return labels


def load_annomi(path: Path = ANNOMI_PATH) -> LabelledTurns:
    """AnnoMI counsellor turns, grouped by transcript (empty when the file is absent)."""
    out = LabelledTurns()
    if not path.exists():
        return out
    for row in _read_jsonl(path):
        transcript = str(row["id"]).split("-")[1]
        out.add(
            str(row["turn"]),
            str(row.get("previous") or ""),
            annomi_labels(row),
            f"annomi:{transcript}",
            "annomi",
            {"behaviour": row.get("behaviour"), "id": row["id"]},
        )
    return out


CUE_CODE = (
    PROJECT_ROOT / "src" / "roleplay" / "language.py",
    PROJECT_ROOT / "src" / "roleplay" / "scoring" / "features.py",
)
"""The code that turns text into cues: the heads are only valid for the cues they were fitted
on, so `params.json` records its hash."""


def file_hash(paths: Sequence[Path]) -> str:
    """`sha256:` of the files' bytes, in order (missing files hash as empty)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"sha256:{digest.hexdigest()}"


def row_key(turn: str, previous: str) -> str:
    """A short, stable key of one `(turn, previous)` row, to recognise rows fitted on."""
    text = " ".join(turn.split()) + "\x1f" + " ".join(previous.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def data_hash(data: LabelledTurns) -> str:
    """`sha256:` of a labelled set's rows, labels and sources, in order."""
    digest = hashlib.sha256()
    for i in range(len(data)):
        labels = ",".join(f"{data.labels[n][i]:g}" for n in DIMENSIONS)
        digest.update(
            f"{data.source[i]}|{row_key(data.turns[i], data.previous[i])}|{labels}\n".encode()
        )
    return f"sha256:{digest.hexdigest()}"


def fitted_rows(info: dict[str, Any]) -> frozenset[str]:
    """The row keys a set of heads was fitted on, from its `params.json`."""
    return frozenset(str(k) for k in info.get("fitted_row_keys", []))


def p4g_labels(label: str) -> dict[str, float]:
    """P4G strategies mapped onto the rubric: an inquiry about the listener is context-seeking
    and centred on them; a pitch or a money ask is neither; other strategies (greetings,
    thanks, acknowledgements) ask nothing and carry no problem-focus label."""
    if label in P4G_INQUIRY:
        return {"context_seeking": 1.0, "problem_focus": 1.0}
    if label in P4G_PITCH:
        return {"context_seeking": 0.0, "problem_focus": 0.0}
    return {"context_seeking": 0.0}


def load_p4g(path: Path | None = None) -> LabelledTurns:
    """P4G persuader sentences, grouped by dialog (empty when the file is absent)."""
    path = path or P4G_PATH
    out = LabelledTurns()
    if not path.exists():
        return out
    for row in _read_jsonl(path):
        dialog = str(row["id"]).rsplit("-", 2)[0]
        previous = str(row.get("previous") or "")
        out.add(
            str(row["turn"]),
            "" if previous == "<Start>" else previous,
            p4g_labels(str(row["label"])),
            f"p4g:{dialog}",
            "p4g",
            {"label": row["label"], "id": row["id"]},
        )
    return out


ESCONV_LISTENING = frozenset({"Restatement or Paraphrasing", "Reflection of feelings"})
"""ESConv strategies that show the supporter heard the seeker."""


def load_esconv(path: Path | None = None) -> LabelledTurns:
    """ESConv supporter turns, for measuring only (empty when the file is absent)."""
    path = path or ESCONV_PATH
    out = LabelledTurns()
    if not path.exists():
        return out
    for row in _read_jsonl(path):
        label = str(row["label"])
        out.add(
            str(row["turn"]),
            str(row.get("previous") or ""),
            {
                "listening": float(label in ESCONV_LISTENING),
                "context_seeking": float(label == "Questions"),
            },
            f"esconv:{row['id']}",
            "esconv",
            {"label": label, "id": row["id"]},
        )
    return out


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by text, for repeated fitting runs."""

    def __init__(self, inner: Embedder, path: Path | None = None) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.path = path or cache_dir() / "scoring-embeddings.npz"
        self._table: dict[str, FloatArray] = {}
        self._dirty = False
        if self.path.exists():
            try:
                data = np.load(self.path, allow_pickle=False)
                for key, row in zip(data["keys"], data["rows"], strict=True):
                    self._table[str(key)] = row
            except (OSError, ValueError, KeyError):
                self._table = {}

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Embeddings, computing only texts not seen before."""
        keys = [self._key(t) for t in texts]
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._table}.items()
        )
        if todo:
            rows = self.inner.embed([t for _, t in todo])
            for (key, _), row in zip(todo, rows, strict=True):
                self._table[key] = row
            self._dirty = True
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([self._table[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        """Write the cache if it grew."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._table))
        rows = np.stack(list(self._table.values())).astype(np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, rows=rows)
        tmp.replace(self.path)
        self._dirty = False


def featurise(embedder: Embedder, data: LabelledTurns) -> FloatArray:
    """The heads' design matrix for a labelled set (no scenario: training data has none)."""
    from roleplay.scoring.model import featurise_turns

    items = list(zip(data.turns, data.previous, strict=True))
    x, _ = featurise_turns(embedder, items, data.history)
    return x


def sample_weights(
    data: LabelledTurns, annomi_share: float = 0.5, p4g_share: float = 0.0
) -> FloatArray:
    """Per-turn weights: each corpus gets a fixed share of the total, so no corpus dominates.

    Sales turns (and the rubric's examples) together weigh 1; AnnoMI weighs `annomi_share` and
    P4G `p4g_share` of that. ESConv is never fitted on: its rows weigh 0.
    """
    source = np.array(data.source)
    weights = np.ones(len(data), dtype=np.float64)
    own = np.isin(source, ["sales", "rubric"])
    weights[source == "esconv"] = 0.0
    if own.any():
        weights[own] = 1.0 / own.sum()
        for name, share in (("annomi", annomi_share), ("p4g", p4g_share)):
            rows = source == name
            if rows.any():
                weights[rows] = share / rows.sum()
        weights *= len(data) / max(weights.sum(), 1e-12)
    return weights.astype(np.float32)


def block_columns(block: str, width: int) -> npt.NDArray[np.int64]:
    """Columns of the design matrix a head reads: `all`, or `turn+cues` (the turn's embedding,
    the cosine with the buyer's line and the cues, without the buyer-line blocks)."""
    if block == "all":
        return np.arange(width)
    if block == "turn+cues":
        return np.concatenate([np.arange(EMBEDDING_DIM), np.arange(3 * EMBEDDING_DIM, width)])
    raise ValueError(f"unknown feature block {block!r}")


def fit_head_path(
    x: FloatArray,
    y: npt.NDArray[np.float64],
    weights: FloatArray,
    grid: Sequence[float],
    block: str = "all",
    seed: int = SEED,
    cue_weight: float = 1.0,
) -> list[Head]:
    """Standardised L2 logistic regressions on the labelled rows of `x`, one per C in `grid`
    (in that order), each warm-started from the one before.

    Columns outside `block` get weight 0, so every head reads the same design matrix.
    """
    from sklearn.linear_model import LogisticRegression

    mask = ~np.isnan(y) & (weights > 0)
    if mask.sum() < 4 or len(set(y[mask].tolist())) < 2:
        raise ScoringError("not enough labelled turns of both kinds to fit a head")
    columns = block_columns(block, x.shape[1])
    xs = x[mask][:, columns].astype(np.float64)
    mean = xs.mean(axis=0)
    scale = xs.std(axis=0)
    scale[scale < 1e-6] = 1.0
    scale[columns >= x.shape[1] - len(CUE_NAMES)] /= cue_weight
    standardised = (xs - mean) / scale
    labels = y[mask].astype(int)
    model = LogisticRegression(max_iter=2000, random_state=seed, warm_start=True)
    heads: list[Head] = []
    for c in grid:
        model.set_params(C=c)
        model.fit(standardised, labels, sample_weight=weights[mask])
        full_mean = np.zeros(x.shape[1], dtype=np.float32)
        full_scale = np.ones(x.shape[1], dtype=np.float32)
        full_weights = np.zeros(x.shape[1], dtype=np.float32)
        full_mean[columns] = mean
        full_scale[columns] = scale
        full_weights[columns] = model.coef_[0]
        heads.append(
            Head(
                mean=full_mean,
                scale=full_scale,
                weights=full_weights,
                bias=float(model.intercept_[0]),
            )
        )
    return heads


def fit_head(
    x: FloatArray,
    y: npt.NDArray[np.float64],
    weights: FloatArray,
    c: float,
    block: str = "all",
    seed: int = SEED,
    cue_weight: float = 1.0,
) -> Head:
    """One standardised L2 logistic regression on the labelled rows of `x` (`fit_head_path`
    with one C)."""
    return fit_head_path(x, y, weights, [c], block, seed, cue_weight)[0]


def fit_heads(
    x: FloatArray,
    data: LabelledTurns,
    c: dict[str, float] | None = None,
    annomi_share: dict[str, float] | None = None,
    cue_weight: dict[str, float] | None = None,
    blocks: dict[str, str] | None = None,
) -> Heads:
    """The three heads fitted on `data` (whose design matrix is `x`); C, cue weight and
    feature block per head default to `DEFAULT_C`, `CUE_WEIGHT` and `FEATURE_BLOCKS`."""
    c = {**DEFAULT_C, **(c or {})}
    share = {**ANNOMI_SHARE, **(annomi_share or {})}
    weight = {**CUE_WEIGHT, **(cue_weight or {})}
    block = {**FEATURE_BLOCKS, **(blocks or {})}
    heads: dict[str, Head] = {
        name: fit_head(
            x,
            data.label_array(name),
            sample_weights(data, share[name], P4G_SHARE[name]),
            c[name],
            block[name],
            cue_weight=weight[name],
        )
        for name in DIMENSIONS
    }
    return Heads(heads, CUE_NAMES, {})


def _head_inputs(data: LabelledTurns, name: str) -> tuple[npt.NDArray[np.float64], FloatArray]:
    """One head's labels and sample weights on `data`."""
    return data.label_array(name), sample_weights(data, ANNOMI_SHARE[name], P4G_SHARE[name])


def source_auc(data: LabelledTurns, name: str, scores: npt.NDArray[np.float64]) -> dict[str, float]:
    """AUC of one head's scores per source of `data` (`sales` with the rubric's examples,
    `annomi`, `p4g`), for the sources labelled with both classes on that dimension."""
    source = np.array(["sales" if s == "rubric" else s for s in data.source])
    labels = data.label_array(name)
    out: dict[str, float] = {}
    for corpus in dict.fromkeys(source.tolist()):
        rows = source == corpus
        value = auc(labels[rows], scores[rows])
        if not math.isnan(value):
            out[corpus] = value
    return out


TRANSFER_DESIGNS: dict[str, tuple[tuple[str, float], ...]] = {
    "listening": (("all", 1.0), ("all", 3.0), ("turn+cues", 1.0), ("turn+cues", 3.0)),
}
"""Per head, the (feature block, cue weight) designs `choose` decides between by how well a
head fitted on one corpus ranks the other (sales turns and AnnoMI, both ways). Listening is
the behaviour whose wording differs most between settings (a reflection in counselling, in a
sales call, in peer support), so it is chosen for transfer rather than for fit within one
setting."""


@dataclass(frozen=True)
class Choice:
    """Per head, the hyperparameters chosen on data, and the figures that chose them."""

    c: dict[str, float]
    """Inverse regularisation strength per head."""
    cue_weight: dict[str, float]
    """How much larger the cue columns are made before the L2 penalty, per head."""
    block: dict[str, str]
    """The design-matrix columns each head reads (`block_columns`)."""
    table: dict[str, dict[str, float]]
    """Per head, per setting tried, the figure it was chosen by."""

    def fit(self, x: FloatArray, data: LabelledTurns) -> Heads:
        """The heads fitted on `data` with these hyperparameters."""
        return fit_heads(x, data, c=self.c, cue_weight=self.cue_weight, blocks=self.block)


def _transfer(
    x: FloatArray,
    data: LabelledTurns,
    name: str,
    block: str,
    cue_weight: float,
    grid: Sequence[float],
) -> list[float] | None:
    """Per C in `grid`, the mean AUC of a head fitted on the sales turns scoring AnnoMI and
    fitted on AnnoMI scoring the sales turns (None unless both are labelled on `name`)."""
    source = np.array(["sales" if s == "rubric" else s for s in data.source])
    labels = data.label_array(name)
    both = [s for s in ("sales", "annomi") if bool(((source == s) & ~np.isnan(labels)).any())]
    if len(both) < 2:
        return None
    total = np.zeros(len(grid))
    for fit_on, score_on in ((both[0], both[1]), (both[1], both[0])):
        rows, test = source == fit_on, source == score_on
        heads = fit_head_path(
            x[rows],
            labels[rows],
            np.ones(int(rows.sum()), dtype=np.float32),
            grid,
            block,
            cue_weight=cue_weight,
        )
        total += [auc(labels[test], head.predict(x[test])) for head in heads]
    return list(total / 2)


def choose(
    x: FloatArray,
    data: LabelledTurns,
    names: Sequence[str] = DIMENSIONS,
    grid: Sequence[float] = C_GRID,
    n_folds: int = INNER_FOLDS,
) -> Choice:
    """Per head in `names`, hyperparameters chosen on `data` alone (the others keep their
    defaults).

    A head in `TRANSFER_DESIGNS` gets the design and C whose heads transfer best between the
    sales turns and AnnoMI (`_transfer`). Any other head gets the C in `grid` with the best
    grouped cross-validated AUC on `data`, scored as the mean over the sources labelled on that
    dimension (sales, AnnoMI, P4G), so no corpus outvotes the sales turns by its size. ESConv is
    never in `data`. `roleplay eval --standing` calls this inside every outer fold, so the
    figures it reports are nested: nothing is chosen on the rows a figure is measured on.
    """
    c = dict(DEFAULT_C)
    weight = dict(CUE_WEIGHT)
    block = dict(FEATURE_BLOCKS)
    table: dict[str, dict[str, float]] = {}
    by_cv: list[str] = []
    for name in names:
        tried: dict[tuple[str, float, float], float] = {}
        for design_block, design_weight in TRANSFER_DESIGNS.get(name, ()):
            scores = _transfer(x, data, name, design_block, design_weight, grid)
            if scores is None:
                break
            for value, score in zip(grid, scores, strict=True):
                tried[(design_block, design_weight, value)] = score
        if not tried:
            by_cv.append(name)
            continue
        best = max(tried, key=lambda key: tried[key])
        block[name], weight[name], c[name] = best
        table[name] = {
            f"transfer block={b} cue_weight={w:g} C={v:g}": round(score, 4)
            for (b, w, v), score in tried.items()
        }
    if by_cv:
        folds = grouped_folds(data.groups, n_folds)
        oof = {name: np.full((len(grid), len(data)), np.nan) for name in by_cv}
        for test in folds:
            train = np.setdiff1d(np.arange(len(data)), test)
            inner = data.subset(train)
            for name in by_cv:
                labels, weights = _head_inputs(inner, name)
                heads = fit_head_path(
                    x[train], labels, weights, grid, block[name], cue_weight=weight[name]
                )
                for row, head in enumerate(heads):
                    oof[name][row, test] = head.predict(x[test])
        for name in by_cv:
            means = [
                float(np.mean(list(source_auc(data, name, oof[name][row]).values())))
                for row in range(len(grid))
            ]
            table[name] = {
                f"grouped CV C={v:g}": round(m, 4) for v, m in zip(grid, means, strict=True)
            }
            c[name] = float(grid[int(np.argmax(means))])
    return Choice(c, weight, block, table)


def fit_heads_nested(
    x: FloatArray, data: LabelledTurns, names: Sequence[str] = DIMENSIONS
) -> Heads:
    """The heads fitted on `data` with hyperparameters chosen by `choose` on `data` alone
    (for the heads in `names`; the others keep their defaults)."""
    return choose(x, data, names).fit(x, data)


def platt(
    labels: npt.NDArray[np.float64], probabilities: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """Slope and offset mapping a head's logit to a calibrated one (Platt scaling).

    Fitted on out-of-fold scores of the sales train split, so a score of 0.8 means about
    eight in ten such sales turns were labelled positive. Platt scaling is a one-feature
    logistic regression on the logit, fitted here by scikit-learn's; `CalibratedClassifierCV`
    would need the heads as scikit-learn estimators, and they ship as weights.
    """
    from sklearn.linear_model import LogisticRegression

    mask = ~np.isnan(labels)
    p = np.clip(probabilities[mask], 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p)).reshape(-1, 1)
    model = LogisticRegression(C=100.0, max_iter=1000).fit(logit, labels[mask].astype(int))
    return float(model.coef_[0][0]), float(model.intercept_[0])


BAND_STARTS = (0.3, 0.7)
"""Where `developing` and `strong` start on Platt-calibrated scores: a calibrated score is the
chance an expert labels the turn positive, so `strong` means at least 7 in 10 and
`needs_work` at most 3 in 10."""


def band_agreement(
    labels: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
    starts: tuple[float, float] = BAND_STARTS,
) -> dict[str, dict[str, float]]:
    """Per band, how many labelled turns fall in it and the share labelled positive."""
    mask = ~np.isnan(labels)
    y, s = labels[mask], scores[mask]
    edges = {"needs_work": (0.0, starts[0]), "developing": starts, "strong": (starts[1], 1.01)}
    out: dict[str, dict[str, float]] = {}
    for band, (low, high) in edges.items():
        inside = (s >= low) & (s < high)
        share = float(y[inside].mean()) if inside.any() else math.nan
        out[band] = {"turns": int(inside.sum()), "positive_share": round(share, 3)}
    return out


def write_bands(rubric_path: Path, bands: dict[str, tuple[float, float]]) -> None:
    """Set `min_score` of each dimension's `developing` and `strong` bands in a rubric file,
    keeping its comments and layout (`yamlio.edit_yaml`).

    Raises:
        InvalidFileError: the file is not YAML, or a dimension in `bands` lacks a
            `developing` or `strong` band; located.
    """
    from roleplay.yamlio import edit_yaml

    with edit_yaml(rubric_path) as rubric:
        dimensions = rubric.get("dimensions") if isinstance(rubric, dict) else None
        for dimension, (developing, strong) in bands.items():
            starts = {"developing": developing, "strong": strong}
            entry = dimensions.get(dimension) if isinstance(dimensions, dict) else None
            listed = entry.get("bands") if isinstance(entry, dict) else None
            found = [
                band
                for band in (listed if isinstance(listed, list) else [])
                if isinstance(band, dict) and band.get("id") in starts
            ]
            if len(found) != len(starts):
                line, column = _line_of(dimensions, dimension)
                raise InvalidFileError.single(
                    rubric_path,
                    "needs a `developing` and a `strong` band to write their starts into",
                    line,
                    column,
                    f"dimensions.{dimension}.bands",
                )
            for band in found:
                band["min_score"] = starts[band["id"]]


def _line_of(mapping: Any, key: str) -> tuple[int, int]:
    """Where `key` stands in a round-trip mapping (1-based), or (1, 1) when it is not there."""
    try:
        line, column = mapping.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return (1, 1)
    return (int(line) + 1, int(column) + 1)


def kind_prototypes(
    x: FloatArray, data: LabelledTurns, min_count: int = 5
) -> dict[str, FloatArray]:
    """Normalised mean turn embedding per `kind` of sales turn (kinds with enough turns)."""
    by_kind: dict[str, list[int]] = {}
    for i, meta in enumerate(data.meta):
        kind = str(meta.get("kind") or "")
        if data.source[i] == "sales" and kind:
            by_kind.setdefault(kind, []).append(i)
    out: dict[str, FloatArray] = {}
    for kind, rows in sorted(by_kind.items()):
        if len(rows) < min_count:
            continue
        centroid = x[rows, :EMBEDDING_DIM].mean(axis=0)
        out[kind] = (centroid / max(float(np.linalg.norm(centroid)), 1e-9)).astype(np.float32)
    return out


def auc(
    labels: Sequence[float] | npt.NDArray[np.float64],
    scores: Sequence[float] | npt.NDArray[np.float64],
) -> float:
    """Area under the ROC curve (scikit-learn's), skipping unlabelled (NaN) turns; NaN when one
    class is missing."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(labels, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    mask = ~np.isnan(y) & ~np.isnan(s)
    if len(set(y[mask].tolist())) < 2:
        return math.nan
    return float(roc_auc_score(y[mask].astype(int), s[mask]))


def grouped_folds(
    groups: Sequence[str], n_folds: int, seed: int = SEED
) -> list[npt.NDArray[np.int64]]:
    """Positions of each test fold; every group (conversation, transcript) stays in one fold
    (scikit-learn's shuffled `GroupKFold`)."""
    from sklearn.model_selection import GroupKFold

    n_folds = max(2, min(n_folds, len(set(groups))))
    splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    index = np.arange(len(groups))
    return [test for _, test in splitter.split(index, groups=list(groups))]

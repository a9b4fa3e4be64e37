"""The project's standing evaluations of the turn scorer, each on data the heads never saw.

- Held-out sales turns (`split=test` of `rubrics/data/sales_turns.jsonl`), scored by the
  shipped heads, which were fitted without them.
- AnnoMI (when `../shared/data/annomi_dev.jsonl` is present), transcript-grouped
  cross-validation: in every fold the heads are refitted with the same code as
  `scripts/fit_scorer.py` on everything except the fold's transcripts, then scored on them.
- Out-of-domain checks: heads fitted on sales turns only, scored on AnnoMI, and heads fitted
  without AnnoMI scored on the sales test split, so neither corpus flatters the other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scoring import fitting
from roleplay.scoring.features import SMALL_TALK_CAP, extract_cues, small_talk_only
from roleplay.scoring.model import Embedder, FloatArray, Heads

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Figure:
    """One measured figure of one check."""

    corpus: str
    """Which data (`sales test`, `AnnoMI`)."""
    check: str
    """What is ranked against what."""
    dimension: str
    """The scored dimension."""
    method: str
    """How the heads were fitted and the data held out."""
    n: int
    """Labelled turns measured."""
    positives: int
    """Of which positive."""
    auc: float
    """Area under the ROC curve."""
    precision: float
    """Precision at the rubric's threshold."""
    recall: float
    """Recall at the rubric's threshold."""
    threshold: float
    """The threshold: the `min_score` of the dimension's top band."""
    target: float | None = None
    """The AUC the issue asks for, if any."""


def precision_recall(labels: Array, scores: Array, threshold: float) -> tuple[float, float]:
    """Precision and recall of `score >= threshold` against 0/1 labels (NaN labels skipped)."""
    mask = ~np.isnan(labels)
    y, s = labels[mask] == 1, scores[mask] >= threshold
    tp = float(np.sum(y & s))
    precision = tp / float(np.sum(s)) if np.sum(s) else math.nan
    recall = tp / float(np.sum(y)) if np.sum(y) else math.nan
    return precision, recall


def top_threshold(rubric: Rubric, dimension: str) -> float:
    """The score from which a turn counts as showing the behaviour: the top band's start."""
    return rubric.dimension(dimension).bands[-1].min_score


def figure(
    corpus: str,
    check: str,
    dimension: str,
    method: str,
    labels: Array,
    scores: Array,
    rubric: Rubric,
    target: float | None = None,
) -> Figure:
    """Measure one check."""
    threshold = top_threshold(rubric, dimension)
    precision, recall = precision_recall(labels, scores, threshold)
    mask = ~np.isnan(labels)
    return Figure(
        corpus,
        check,
        dimension,
        method,
        int(mask.sum()),
        int(np.sum(labels[mask] == 1)),
        fitting.auc(labels, scores),
        precision,
        recall,
        threshold,
        target,
    )


SALES_TARGETS = {"listening": 0.85, "context_seeking": 0.90, "problem_focus": 0.90}
ANNOMI_TARGETS = {"listening": 0.85, "context_seeking": 0.85, "problem_focus": None}
ANNOMI_CHECKS = {
    "listening": "reflection vs other counsellor turns",
    "context_seeking": "question vs the rest",
    "problem_focus": "therapist input (negative) vs the rest",
}


def annomi_eval_labels(data: fitting.LabelledTurns) -> dict[str, Array]:
    """AnnoMI labels for measuring: every turn labelled on every check (`other` included)."""
    behaviour = [m.get("behaviour") for m in data.meta]
    return {
        "listening": np.array([b == "reflection" for b in behaviour], dtype=np.float64),
        "context_seeking": np.array([b == "question" for b in behaviour], dtype=np.float64),
        "problem_focus": np.array([b != "therapist_input" for b in behaviour], dtype=np.float64),
    }


def annomi_checks(data: fitting.LabelledTurns) -> list[tuple[str, str, Array, float | None]]:
    """Every AnnoMI check: (dimension, what is ranked against what, labels, target AUC)."""
    labels = annomi_eval_labels(data)
    behaviour = [m.get("behaviour") for m in data.meta]
    asking = np.array(
        [
            1.0 if b in ("reflection", "question") else 0.0 if b == "therapist_input" else np.nan
            for b in behaviour
        ]
    )
    checks: list[tuple[str, str, Array, float | None]] = [
        (name, ANNOMI_CHECKS[name], labels[name], ANNOMI_TARGETS[name]) for name in DIMENSIONS
    ]
    checks.append(("problem_focus", "reflection+question vs therapist input", asking, None))
    return checks


def apply_rules(scores: dict[str, Array], data: fitting.LabelledTurns) -> dict[str, Array]:
    """The scorer's rules on top of the heads (the small-talk cap), as `TurnScorer` applies them."""
    capped = {name: values.copy() for name, values in scores.items()}
    for i, (turn, previous) in enumerate(zip(data.turns, data.previous, strict=True)):
        if small_talk_only(extract_cues(turn, previous)):
            for name in ("context_seeking", "problem_focus"):
                capped[name][i] = min(capped[name][i], SMALL_TALK_CAP)
    return capped


def cross_validate_annomi(
    x_annomi: FloatArray,
    annomi: fitting.LabelledTurns,
    x_extra: FloatArray,
    extra: fitting.LabelledTurns,
    n_folds: int = 5,
    fit: Callable[[FloatArray, fitting.LabelledTurns], Heads] = fitting.fit_heads,
) -> dict[str, Array]:
    """Out-of-fold AnnoMI scores: each fold's transcripts scored by heads fitted without them.

    `extra` (the sales train split and the rubric's examples) is in every fold's training data,
    exactly as in `scripts/fit_scorer.py`.
    """
    out: dict[str, Array] = {name: np.full(len(annomi), np.nan) for name in DIMENSIONS}
    for test_index in fitting.grouped_folds(annomi.groups, n_folds):
        train_mask = np.ones(len(annomi), dtype=bool)
        train_mask[test_index] = False
        train_index = np.flatnonzero(train_mask)
        data = extra.extend(annomi.subset(train_index))
        x = np.concatenate([x_extra, x_annomi[train_index]], axis=0)
        heads = fit(x, data)
        scores = heads.predict(x_annomi[test_index])
        for name in DIMENSIONS:
            out[name][test_index] = scores[name]
    return out


def cross_validate_sales(
    x: FloatArray,
    data: fitting.LabelledTurns,
    x_extra: FloatArray | None = None,
    extra: fitting.LabelledTurns | None = None,
    n_folds: int = 5,
    fit: Callable[[FloatArray, fitting.LabelledTurns], Heads] = fitting.fit_heads,
) -> dict[str, Array]:
    """Out-of-fold scores on the sales train split, grouped by conversation (for tuning)."""
    out: dict[str, Array] = {name: np.full(len(data), np.nan) for name in DIMENSIONS}
    for test_index in fitting.grouped_folds(data.groups, n_folds):
        mask = np.ones(len(data), dtype=bool)
        mask[test_index] = False
        train_index = np.flatnonzero(mask)
        train = data.subset(train_index)
        xs = x[train_index]
        if extra is not None and x_extra is not None:
            train = train.extend(extra)
            xs = np.concatenate([xs, x_extra], axis=0)
        heads = fit(xs, train)
        scores = heads.predict(x[test_index])
        for name in DIMENSIONS:
            out[name][test_index] = scores[name]
    return out


def standing_figures(
    rubric: Rubric,
    embedder: Embedder,
    heads: Heads,
    progress: Callable[[str], None] = lambda _: None,
    n_folds: int = 5,
) -> list[Figure]:
    """Every standing figure: sales test split, AnnoMI grouped CV, and out-of-domain checks."""
    figures: list[Figure] = []
    sales_train = fitting.load_sales(split="train")
    sales_test = fitting.load_sales(split="test")
    examples = fitting.load_rubric_examples(rubric)
    annomi = fitting.load_annomi()
    own = sales_train.extend(examples)

    progress("embedding labelled turns")
    x_own = fitting.featurise(embedder, own)
    x_test = fitting.featurise(embedder, sales_test) if len(sales_test) else None
    x_annomi = fitting.featurise(embedder, annomi) if len(annomi) else None

    if x_test is not None:
        progress("scoring the sales test split with the shipped heads")
        scores = apply_rules(heads.predict(x_test), sales_test)
        for name in DIMENSIONS:
            figures.append(
                figure(
                    "sales test",
                    "labelled turn vs the rest",
                    name,
                    "shipped heads (fitted without the test split)",
                    sales_test.label_array(name),
                    scores[name],
                    rubric,
                    SALES_TARGETS[name],
                )
            )
        progress("scoring the sales test split with heads fitted without AnnoMI")
        own_only = fitting.fit_heads(x_own, own)
        scores = apply_rules(own_only.predict(x_test), sales_test)
        for name in DIMENSIONS:
            figures.append(
                figure(
                    "sales test",
                    "labelled turn vs the rest",
                    name,
                    "heads fitted on sales train + rubric examples only",
                    sales_test.label_array(name),
                    scores[name],
                    rubric,
                )
            )
    if x_annomi is not None:
        checks = annomi_checks(annomi)
        progress(f"AnnoMI: {n_folds}-fold cross-validation grouped by transcript")
        oof = apply_rules(
            cross_validate_annomi(x_annomi, annomi, x_own, own, n_folds=n_folds), annomi
        )
        for dim, check, labels, target in checks:
            figures.append(
                figure(
                    "AnnoMI",
                    check,
                    dim,
                    f"{n_folds}-fold CV grouped by transcript, refitted per fold",
                    labels,
                    oof[dim],
                    rubric,
                    target,
                )
            )
        progress("AnnoMI: heads fitted on sales turns only (out of domain)")
        own_only = fitting.fit_heads(x_own, own)
        scores = apply_rules(own_only.predict(x_annomi), annomi)
        for dim, check, labels, _ in checks:
            figures.append(
                figure(
                    "AnnoMI",
                    check,
                    dim,
                    "heads fitted on sales train + rubric examples only",
                    labels,
                    scores[dim],
                    rubric,
                )
            )
    return figures


def format_table(figures: Sequence[Figure]) -> str:
    """The figures as a plain-text table, one corpus after another."""
    header = (
        f"{'dimension':<16} {'check':<40} {'n':>5} {'pos':>5} {'AUC':>6} {'target':>7} "
        f"{'thr':>5} {'prec':>6} {'recall':>6}  method"
    )

    def fmt(value: float | None, digits: int = 3) -> str:
        if value is None:
            return "-"
        return "nan" if math.isnan(value) else f"{value:.{digits}f}"

    lines: list[str] = []
    for corpus in dict.fromkeys(f.corpus for f in figures):
        lines.append(f"== {corpus} ==")
        lines.append(header)
        for f in figures:
            if f.corpus != corpus:
                continue
            met = ""
            if f.target is not None:
                met = " ok" if f.auc >= f.target else " BELOW"
            lines.append(
                f"{f.dimension:<16} {f.check[:40]:<40} {f.n:>5} {f.positives:>5} "
                f"{fmt(f.auc):>6} {fmt(f.target, 2) + met:>7} {fmt(f.threshold, 2):>5} "
                f"{fmt(f.precision):>6} {fmt(f.recall):>6}  {f.method}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

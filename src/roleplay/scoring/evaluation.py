"""The project's standing evaluations of the turn scorer, each on data the heads never saw.

- Held-out sales turns (`split=test` of `rubrics/data/sales_turns.jsonl`), scored by the
  shipped heads, which were fitted without them.
- AnnoMI and P4G (when `../shared/data/` holds them), nested cross-validation grouped by
  transcript or dialog: in every outer fold the heads are refitted with the same code as
  `scripts/fit_scorer.py` on everything except the fold's groups, their C chosen by an inner
  grouped cross-validation of that training data alone, then scored on the fold.
- ESConv, scored by the shipped heads, which were never fitted on it and chose nothing by it.
- An out-of-domain check: heads fitted without AnnoMI or P4G, scored on the sales test split,
  so the other corpora cannot flatter the sales figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from pydantic import ConfigDict

from roleplay.dimensions import weakest
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scoring import fitting
from roleplay.scoring.features import extract_cues, score_caps
from roleplay.scoring.model import Embedder, FloatArray, Heads, listening_against_history

if TYPE_CHECKING:
    from roleplay.scoring import TurnScorer

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Figure:
    """One measured figure of one check."""

    __pydantic_config__ = ConfigDict(extra="forbid")

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
    """Precision and recall of `score >= threshold` against 0/1 labels (NaN labels skipped;
    NaN when nothing is flagged or nothing is positive), by scikit-learn."""
    from sklearn.metrics import precision_score, recall_score

    mask = ~np.isnan(labels)
    y, s = (labels[mask] == 1).astype(int), (scores[mask] >= threshold).astype(int)
    precision = float(precision_score(y, s, zero_division=np.nan))
    recall = float(recall_score(y, s, zero_division=np.nan))
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
    """The scorer's rules on top of the heads (`features.score_caps`), as `TurnScorer` applies
    them."""
    capped = {name: values.copy() for name, values in scores.items()}
    for i, (turn, previous) in enumerate(zip(data.turns, data.previous, strict=True)):
        cues = extract_cues(turn, previous, None, data.history[i])
        for name, (value, _) in score_caps(cues).items():
            capped[name][i] = min(capped[name][i], value)
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


def cross_validate_corpus(
    x_corpus: FloatArray,
    corpus: fitting.LabelledTurns,
    x_extra: FloatArray,
    extra: fitting.LabelledTurns,
    n_folds: int = 5,
    names: Sequence[str] = DIMENSIONS,
) -> dict[str, Array]:
    """Out-of-fold scores of a corpus the shipped heads were fitted on (AnnoMI, P4G), by
    nested cross-validation: each fold's groups are scored by heads refitted, exactly as
    `scripts/fit_scorer.py` fits, on `extra` and the other folds, with C chosen for the heads
    in `names` by an inner grouped cross-validation of that training data alone
    (`fitting.choose_c`)."""

    def nested(x: FloatArray, data: fitting.LabelledTurns) -> Heads:
        return fitting.fit_heads_nested(x, data, names)

    return cross_validate_annomi(x_corpus, corpus, x_extra, extra, n_folds, nested)


ADVERSARIAL_KINDS = (
    "product_name_pitch",
    "generic_industry_pain",
    "money_ask_question",
    "product_question",
    "timeline_pivot",
    "customer_story",
    "content_free",
)
"""Kinds of held-out sales turns written to game the scorer; each should score low on every
dimension its labels say it fails."""

ADVERSARIAL_TARGET = 0.3
"""The highest mean score such a kind may get on a dimension it fails."""

HISTORY_KINDS = ("earlier_reflection", "call_summary", "summary")
"""Held-out sales turns that reflect or sum up more than the buyer's last line."""


@dataclass(frozen=True)
class KindFigure:
    """The mean score of one kind of held-out turn on one dimension."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    kind: str
    """The kind of turn."""
    dimension: str
    """The dimension it should fail (or show, for history cases)."""
    n: int
    """Turns measured."""
    mean: float
    """Their mean score."""
    target: float
    """The limit: at most this (adversarial) or at least this (history cases)."""
    at_most: bool = True
    """Whether `target` is an upper limit."""

    @property
    def met(self) -> bool:
        """Whether the mean is on the right side of the target."""
        return self.mean <= self.target if self.at_most else self.mean >= self.target


def kind_figures(data: fitting.LabelledTurns, scores: dict[str, Array]) -> list[KindFigure]:
    """Adversarial kinds on the dimensions they fail, and history cases on listening."""
    kinds = np.array([str(m.get("kind", "")) for m in data.meta])
    out: list[KindFigure] = []
    for kind in ADVERSARIAL_KINDS:
        for name in DIMENSIONS:
            rows = np.flatnonzero((kinds == kind) & (data.label_array(name) == 0))
            if len(rows):
                mean = float(np.mean(scores[name][rows]))
                out.append(KindFigure(kind, name, len(rows), mean, ADVERSARIAL_TARGET))
    for kind in HISTORY_KINDS:
        rows = np.flatnonzero((kinds == kind) & (data.label_array("listening") == 1))
        if len(rows):
            mean = float(np.mean(scores["listening"][rows]))
            out.append(KindFigure(kind, "listening", len(rows), mean, 0.7, at_most=False))
    return out


def format_kinds(figures: Sequence[KindFigure], title: str) -> str:
    """Kind figures as a plain-text table."""
    lines = [f"== {title} ==", f"{'kind':<24} {'dimension':<16} {'n':>4} {'mean':>6}  target"]
    for f in figures:
        sign = "<=" if f.at_most else ">="
        lines.append(
            f"{f.kind:<24} {f.dimension:<16} {f.n:>4} {f.mean:>6.3f}  {sign} {f.target:.2f}"
            f" {'ok' if f.met else 'BELOW'}"
        )
    return "\n".join(lines) + "\n"


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


@dataclass(frozen=True)
class StandingReport:
    """Everything `roleplay eval --standing` measured; `--figures FILE` saves it as JSON
    (`to_json`), from which `scripts/readme_scorer.py` writes the README's figures."""

    figures: list[Figure]
    """AUC checks, corpus by corpus."""
    kinds: list[KindFigure]
    """Adversarial kinds and history cases on the sales test split."""
    notes: list[str]
    """What was measured on what, and any rows left out."""
    suggestions: SuggestionFigure | None = None
    """How the better turns the scorer suggests score (None when not measured)."""
    heads_date: str = ""
    """When the shipped heads were fitted (the `date` in `params.json`)."""
    command: str = ""
    """The command line that measured these figures, so anyone can measure them again."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    def to_json(self) -> str:
        """The report as JSON text (a figure that could not be measured is `NaN`)."""
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, raw: str, source: str) -> StandingReport:
        """Read back what `to_json` wrote.

        Raises:
            InvalidFileError: `raw` is not JSON or not a standing report, located in `source`.
        """
        from pydantic import TypeAdapter, ValidationError

        from roleplay.errors import InvalidFileError, Problem
        from roleplay.files import json_location, loads_json

        try:
            data = loads_json(raw)
        except json.JSONDecodeError as exc:
            raise InvalidFileError.single(
                source, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno
            ) from None
        try:
            return TypeAdapter(cls).validate_python(data)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                loc = tuple(error["loc"])
                line, column = json_location(raw, loc)
                field = ".".join(str(part) for part in loc)
                problems.append(Problem(source, line, column, field, str(error["msg"])))
            raise InvalidFileError(problems) from None


def held_out_rows(data: fitting.LabelledTurns, info: dict[str, object]) -> npt.NDArray[np.int64]:
    """Positions of the rows the heads described by `info` were not fitted on."""
    fitted = fitting.fitted_rows(dict(info))
    keep = [
        i
        for i, (turn, previous) in enumerate(zip(data.turns, data.previous, strict=True))
        if fitting.row_key(turn, previous) not in fitted
    ]
    return np.array(keep, dtype=np.int64)


def standing_figures(
    rubric: Rubric,
    embedder: Embedder,
    heads: Heads,
    progress: Callable[[str], None] = lambda _: None,
    n_folds: int = 5,
) -> StandingReport:
    """Every standing figure: the sales test split (all of it, by writer, with and without the
    conversation's history), AnnoMI and P4G by grouped cross-validation, ESConv by the shipped
    heads, and the adversarial and history kinds."""
    figures: list[Figure] = []
    notes: list[str] = []
    sales_train = fitting.load_sales(split="train")
    sales_test = fitting.load_sales(split="test")
    examples = fitting.load_rubric_examples(rubric)
    annomi = fitting.load_annomi()
    p4g = fitting.load_p4g()
    esconv = fitting.load_esconv()
    own = sales_train.extend(examples)
    keep = held_out_rows(sales_test, heads.info)
    if len(keep) < len(sales_test):
        notes.append(
            f"warning: {len(sales_test) - len(keep)} sales test rows were fitted on by the "
            "shipped heads and are left out"
        )
        sales_test = sales_test.subset(keep)

    progress("embedding labelled turns")
    x_own = fitting.featurise(embedder, own)
    x_test = fitting.featurise(embedder, sales_test) if len(sales_test) else None
    x_annomi = fitting.featurise(embedder, annomi) if len(annomi) else None
    x_p4g = fitting.featurise(embedder, p4g) if len(p4g) else None
    x_esconv = fitting.featurise(embedder, esconv) if len(esconv) else None
    kinds: list[KindFigure] = []

    if x_test is not None:
        progress("scoring the sales test split with the shipped heads")
        raw = heads.predict(x_test)
        items = list(zip(sales_test.turns, sales_test.previous, strict=True))
        listening_against_history(
            heads, embedder, items, sales_test.history, None, raw["listening"]
        )
        scores = apply_rules(raw, sales_test)
        method = "shipped heads (fitted without the test split)"
        for name in DIMENSIONS:
            figures.append(
                figure(
                    "sales test",
                    "labelled turn vs the rest",
                    name,
                    method,
                    sales_test.label_array(name),
                    scores[name],
                    rubric,
                    SALES_TARGETS[name],
                )
            )
        writers = np.array([str(m.get("writer", "team")) for m in sales_test.meta])
        fitted = sorted({str(m.get("writer", "team")) for m in fitting.load_sales().meta})
        for label, rows in (
            ("writers never fitted on", ~np.isin(writers, fitted)),
            ("unseen talks, fitted writers", np.isin(writers, fitted)),
        ):
            if rows.any():
                for name in DIMENSIONS:
                    figures.append(
                        figure(
                            "sales test by writer",
                            label,
                            name,
                            method,
                            sales_test.label_array(name)[rows],
                            scores[name][rows],
                            rubric,
                            SALES_TARGETS[name],
                        )
                    )
        kinds = kind_figures(sales_test, scores)
        progress("scoring the sales test split without its history")
        bare = replace(sales_test, history=[() for _ in sales_test.turns])
        x_bare = fitting.featurise(embedder, bare)
        bare_scores = apply_rules(heads.predict(x_bare), bare)
        history_kind = np.array([m.get("kind") in HISTORY_KINDS for m in sales_test.meta])
        negatives = sales_test.label_array("listening") == 0
        rows = history_kind | negatives
        labels = np.where(history_kind, 1.0, 0.0)[rows]
        for method_name, values in (
            ("with the conversation's history", scores["listening"]),
            ("previous line only", bare_scores["listening"]),
        ):
            figures.append(
                figure(
                    "sales test history cases",
                    "earlier reflection/summary vs not listening",
                    "listening",
                    method_name,
                    labels,
                    values[rows],
                    rubric,
                )
            )
        progress("scoring the sales test split with heads fitted without AnnoMI or P4G")
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
        progress(f"AnnoMI: {n_folds}-fold nested cross-validation grouped by transcript")
        extra = own.extend(p4g)
        x_extra = np.concatenate([x_own, x_p4g]) if x_p4g is not None else x_own
        oof = apply_rules(cross_validate_corpus(x_annomi, annomi, x_extra, extra, n_folds), annomi)
        for dim, check, labels, target in checks:
            figures.append(
                figure(
                    "AnnoMI",
                    check,
                    dim,
                    f"{n_folds}-fold CV grouped by transcript, refitted per fold, C by "
                    f"inner {fitting.INNER_FOLDS}-fold CV (nested)",
                    labels,
                    oof[dim],
                    rubric,
                    target,
                )
            )
    if x_p4g is not None:
        progress(f"P4G: {n_folds}-fold nested cross-validation grouped by dialog")
        extra = own.extend(annomi)
        x_extra = np.concatenate([x_own, x_annomi]) if x_annomi is not None else x_own
        reported = ("context_seeking", "problem_focus")
        oof = apply_rules(cross_validate_corpus(x_p4g, p4g, x_extra, extra, n_folds, reported), p4g)
        for dim, check, labels in p4g_checks(p4g):
            figures.append(
                figure(
                    "P4G dev",
                    check,
                    dim,
                    f"{n_folds}-fold CV grouped by dialog, refitted per fold, C by inner "
                    f"{fitting.INNER_FOLDS}-fold CV (nested)",
                    labels,
                    oof[dim],
                    rubric,
                    0.85,
                )
            )
    if x_esconv is not None:
        progress("ESConv: the shipped heads (never fitted on it)")
        scores = apply_rules(heads.predict(x_esconv), esconv)
        for dim, check, target in (
            ("listening", "restatement/reflection vs other turns", 0.80),
            ("context_seeking", "question vs other turns", 0.85),
        ):
            figures.append(
                figure(
                    "ESConv dev",
                    check,
                    dim,
                    "shipped heads (never fitted on ESConv)",
                    esconv.label_array(dim),
                    scores[dim],
                    rubric,
                    target,
                )
            )
    return StandingReport(figures, kinds, notes)


def p4g_checks(data: fitting.LabelledTurns) -> list[tuple[str, str, Array]]:
    """P4G checks: inquiries vs everything else (context), inquiries vs pitches (problem)."""
    label = [str(m.get("label")) for m in data.meta]
    inquiry = np.array([x in fitting.P4G_INQUIRY for x in label], dtype=np.float64)
    problem = np.array(
        [
            1.0 if x in fitting.P4G_INQUIRY else 0.0 if x in fitting.P4G_PITCH else np.nan
            for x in label
        ]
    )
    return [
        ("context_seeking", "inquiry vs every other persuader turn", inquiry),
        ("problem_focus", "inquiry vs pitch", problem),
    ]


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


@dataclass(frozen=True)
class SuggestionFigure:
    """How the better turns the scorer suggests score on the dimension they coach."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    n: int
    """Suggestions measured."""
    strong: int
    """Of which scored at least `target` on the dimension they coach."""
    mean: float
    """Their mean score on that dimension."""
    target: float = 0.7
    """The score a suggestion should reach."""
    worst: tuple[str, str, float] = ("", "", 0.0)
    """The lowest-scoring suggestion: (text, dimension, score)."""


def scored_suggestions(
    scorer: TurnScorer, data: fitting.LabelledTurns, batch: int = 256
) -> Iterator[tuple[int, str, str, float]]:
    """Score every turn of `data` with its history, then score each suggested better turn in
    the same place of the conversation, on the dimension the original turn scored lowest:
    `(row, suggestion, dimension, score)` for each row."""
    for start in range(0, len(data), batch):
        rows = range(start, min(start + batch, len(data)))
        items = [(data.turns[i], data.previous[i]) for i in rows]
        histories = [data.history[i] for i in rows]
        results = scorer.score_many(items, None, histories)
        suggestions = [r.explanation.alternative for r in results]
        again = scorer.score_many(
            [(text, previous) for text, (_, previous) in zip(suggestions, items, strict=True)],
            None,
            histories,
        )
        for row, result, suggestion, scored in zip(rows, results, suggestions, again, strict=True):
            coached = weakest({name: getattr(result.scores, name) for name in DIMENSIONS})
            yield row, suggestion, coached, float(getattr(scored.scores, coached))


def suggestion_figure(
    scorer: TurnScorer, data: fitting.LabelledTurns, batch: int = 256
) -> SuggestionFigure:
    """How the better turns suggested for the turns of `data` score (`scored_suggestions`)."""
    values: list[float] = []
    worst = ("", "", 1.0)
    for _, suggestion, coached, value in scored_suggestions(scorer, data, batch):
        values.append(value)
        if value < worst[2]:
            worst = (suggestion, coached, value)
    array = np.array(values)
    return SuggestionFigure(
        len(values),
        int(np.sum(array >= 0.7)),
        float(array.mean()) if values else math.nan,
        worst=worst,
    )

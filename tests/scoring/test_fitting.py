"""The fitting and evaluation helpers behind `scripts/fit_scorer.py` and `roleplay eval`."""

from __future__ import annotations

import numpy as np
import pytest

from roleplay.scoring import fitting
from roleplay.scoring.evaluation import precision_recall


def test_auc_matches_scikit_learn_with_ties() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200).astype(float)
    scores = np.round(rng.random(200) + labels * 0.3, 1)  # rounding makes ties
    assert fitting.auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))


def test_auc_skips_unlabelled_turns_and_needs_both_classes() -> None:
    assert fitting.auc([1.0, 0.0, np.nan], [0.9, 0.1, 0.0]) == 1.0
    assert np.isnan(fitting.auc([1.0, 1.0], [0.2, 0.3]))


def test_grouped_folds_never_split_a_conversation() -> None:
    groups = [f"g{i // 3}" for i in range(60)]
    folds = fitting.grouped_folds(groups, 5)
    assert sorted(np.concatenate(folds).tolist()) == list(range(60))
    for fold in folds:
        inside = {groups[i] for i in fold}
        outside = {groups[i] for other in folds if other is not fold for i in other}
        assert not inside & outside


def test_band_agreement_counts_turns_and_positive_share() -> None:
    labels = np.array([0, 0, 1, 1, 1, 0], dtype=float)
    scores = np.array([0.1, 0.2, 0.5, 0.8, 0.9, 0.75])
    bands = fitting.band_agreement(labels, scores, (0.3, 0.7))
    assert bands["needs_work"] == {"turns": 2, "positive_share": 0.0}
    assert bands["developing"] == {"turns": 1, "positive_share": 1.0}
    assert bands["strong"]["turns"] == 3
    assert bands["strong"]["positive_share"] == pytest.approx(0.667)


def test_precision_recall_at_threshold() -> None:
    labels = np.array([1, 1, 0, 0], dtype=float)
    scores = np.array([0.9, 0.4, 0.8, 0.1])
    assert precision_recall(labels, scores, 0.7) == (0.5, 0.5)


def test_fitted_head_ranks_and_ignores_columns_outside_its_block() -> None:
    rng = np.random.default_rng(1)
    width = 3 * 384 + 1 + 5
    x = rng.normal(size=(120, width)).astype(np.float32)
    y = (x[:, 0] + 0.1 * rng.normal(size=120) > 0).astype(float)
    head = fitting.fit_head(x, y, np.ones(120, dtype=np.float32), c=1.0, block="turn+cues")
    assert np.all(head.weights[384 : 3 * 384] == 0)
    assert fitting.auc(y, head.predict(x)) > 0.9

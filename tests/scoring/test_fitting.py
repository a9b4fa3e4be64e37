"""The fitting and evaluation helpers behind `scripts/fit_scorer.py` and `roleplay eval`."""

from __future__ import annotations

import numpy as np
import pytest

from roleplay.rubric import DIMENSIONS
from roleplay.scoring import fitting
from roleplay.scoring.evaluation import precision_recall
from roleplay.scoring.features import CUE_NAMES
from roleplay.scoring.model import Heads


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


def test_rows_fitted_on_are_recognised_whatever_the_spacing() -> None:
    info = {"fitted_row_keys": [fitting.row_key("How long is the close?", "Twelve days.")]}
    fitted = fitting.fitted_rows(info)
    assert fitting.row_key("How long is  the close?", " Twelve days.") in fitted
    assert fitting.row_key("How long is the close?", "Ten days.") not in fitted


def test_esconv_is_never_fitted_on_and_p4g_has_its_share() -> None:
    data = fitting.LabelledTurns()
    for source in ("sales", "sales", "p4g", "esconv"):
        data.add("t", "p", {"problem_focus": 1.0}, source, source)
    weights = fitting.sample_weights(data, annomi_share=1.0, p4g_share=0.5)
    assert weights[3] == 0
    assert weights[2] == pytest.approx(weights[0])  # half the sales total, over one row


def test_p4g_inquiries_are_problem_focus_and_pitches_are_not() -> None:
    assert fitting.p4g_labels("personal-related-inquiry")["problem_focus"] == 1.0
    assert fitting.p4g_labels("propose-donation")["problem_focus"] == 0.0
    assert "problem_focus" not in fitting.p4g_labels("greeting")


def test_the_shipped_heads_were_fitted_on_the_shipped_cue_code_and_data() -> None:
    from roleplay.scoring.model import load_heads

    info = load_heads().info
    assert info["cue_code_hash"] == fitting.file_hash(fitting.CUE_CODE), (
        "the cue code changed since the heads were fitted: run scripts/fit_scorer.py"
    )
    assert info["sales_file_hash"] == fitting.file_hash([fitting.SALES_PATH])
    test = fitting.load_sales(split="test")
    fitted = fitting.fitted_rows(info)
    pairs = zip(test.turns, test.previous, strict=True)
    assert not any(fitting.row_key(t, p) in fitted for t, p in pairs)


def _synthetic(n_groups: int = 30, per_group: int = 6) -> tuple[np.ndarray, fitting.LabelledTurns]:
    """Turns whose labels follow their first column, in groups of a few turns each."""
    rng = np.random.default_rng(7)
    width = 3 * 384 + 1 + len(CUE_NAMES)
    x = rng.normal(size=(n_groups * per_group, width)).astype(np.float32)
    data = fitting.LabelledTurns()
    for i in range(len(x)):
        label = float(x[i, 0] + 0.5 * rng.normal() > 0)
        source = "sales" if i % 2 else "annomi"
        labels: dict[str, float] = {name: label for name in DIMENSIONS}
        data.add(f"turn {i}", "", labels, f"{source}:{i // per_group}", source)
    return x, data


def test_c_is_chosen_from_the_grid_by_inner_grouped_cross_validation() -> None:
    x, data = _synthetic()
    choice = fitting.choose(x, data, names=("context_seeking",), grid=(0.001, 0.1))
    assert choice.c["context_seeking"] in (0.001, 0.1)
    assert set(choice.table["context_seeking"]) == {"grouped CV C=0.001", "grouped CV C=0.1"}
    best = max(choice.table["context_seeking"], key=lambda c: choice.table["context_seeking"][c])
    assert choice.c["context_seeking"] == float(best.rsplit("=", 1)[1])


def test_a_warm_started_path_matches_separate_fits() -> None:
    x, data = _synthetic()
    y = data.label_array("listening")
    weights = np.ones(len(y), dtype=np.float32)
    path = fitting.fit_head_path(x, y, weights, (0.001, 0.01))
    alone = fitting.fit_head(x, y, weights, 0.01)
    assert np.allclose(path[1].predict(x), alone.predict(x), atol=5e-3)  # solver tolerance


def test_nested_cross_validation_never_fits_or_chooses_on_the_fold_it_scores() -> None:
    from roleplay.scoring.evaluation import cross_validate_annomi

    x, data = _synthetic()
    seen: list[set[str]] = []

    def fit(xs: np.ndarray, train: fitting.LabelledTurns) -> Heads:
        seen.append(set(train.groups))
        return fitting.fit_heads_nested(xs, train, ("listening",))

    extra = fitting.LabelledTurns()
    oof = cross_validate_annomi(x, data, x[:0], extra, n_folds=3, fit=fit)
    assert not np.isnan(oof["listening"]).any()
    folds = fitting.grouped_folds(data.groups, 3)
    for trained_on, fold in zip(seen, folds, strict=True):
        assert not trained_on & {data.groups[i] for i in fold}


def test_listening_is_chosen_for_transfer_between_the_sales_turns_and_annomi() -> None:
    x, data = _synthetic()
    choice = fitting.choose(x, data, names=("listening",), grid=(0.01,))
    designs = fitting.TRANSFER_DESIGNS["listening"]
    assert (choice.block["listening"], choice.cue_weight["listening"]) in designs
    assert len(choice.table["listening"]) == len(designs)
    assert all(key.startswith("transfer ") for key in choice.table["listening"])

"""Rebuild the scorer's fitted heads: `src/roleplay/scoring/params.npz` and `params.json`.

Fits one logistic head per dimension on the MiniLM embeddings of the turn and the buyer's
previous line plus surface cues, using the train split of `rubrics/data/sales_turns.jsonl`,
the labelled examples of `rubrics/default.yaml`, and `../shared/data/annomi_dev.jsonl` when it
is present (its text is never copied into the repository; only the fitted weights ship).
The sales test split is never read here.

    .venv/bin/python scripts/fit_scorer.py [--no-annomi] [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from roleplay.paths import PROJECT_ROOT
from roleplay.rubric import DIMENSIONS, load_rubric
from roleplay.scoring import fitting
from roleplay.scoring.model import PARAMS_PATH, FloatArray, Heads, load_embedder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-annomi", action="store_true", help="fit on sales turns only")
    parser.add_argument("--out", type=Path, default=PARAMS_PATH)
    parser.add_argument(
        "--write-bands", action="store_true", help="write the calibrated bands into the rubric"
    )
    parser.add_argument("--rubric", type=Path, default=PROJECT_ROOT / "rubrics" / "default.yaml")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rubric = load_rubric(args.rubric)
    sales = fitting.load_sales(split="train")
    examples = fitting.load_rubric_examples(rubric)
    annomi = fitting.LabelledTurns() if args.no_annomi else fitting.load_annomi()
    p4g = fitting.load_p4g()
    data = sales.extend(examples).extend(annomi).extend(p4g)
    if len(sales) == 0:
        print("warning: no sales train turns found", file=sys.stderr)

    embedder = fitting.CachedEmbedder(load_embedder())
    x = fitting.featurise(embedder, data)
    embedder.save()
    # C per head by grouped cross-validation of everything fitted on (never the sales test
    # split or ESConv); `roleplay eval --standing` repeats the choice inside every outer fold.
    choice = fitting.choose(x, data)
    print("hyperparameters chosen:", choice.c, choice.cue_weight, choice.block)
    heads = choice.fit(x, data)
    # Out-of-fold scores of the sales train split (grouped by conversation) calibrate the bands.
    from roleplay.scoring.evaluation import cross_validate_sales

    def fit_chosen(xs: FloatArray, train: fitting.LabelledTurns) -> Heads:
        return choice.fit(xs, train)

    n_sales = len(sales)
    oof = cross_validate_sales(
        x[:n_sales], sales, x[n_sales:], examples.extend(annomi).extend(p4g), fit=fit_chosen
    )
    calibration = {name: fitting.platt(sales.label_array(name), oof[name]) for name in DIMENSIONS}
    for name, (slope, offset) in calibration.items():
        head = heads.heads[name]
        heads.heads[name] = fitting.Head(
            head.mean, head.scale, head.weights * slope, head.bias * slope + offset
        )
        p = np.clip(oof[name], 1e-6, 1 - 1e-6)
        oof[name] = 1 / (1 + np.exp(-(np.log(p / (1 - p)) * slope + offset)))
    bands = {name: fitting.BAND_STARTS for name in DIMENSIONS}
    agreement = {
        name: fitting.band_agreement(sales.label_array(name), oof[name]) for name in DIMENSIONS
    }
    cv_auc = {
        name: round(fitting.auc(sales.label_array(name), oof[name]), 4) for name in DIMENSIONS
    }
    print("sales train grouped 5-fold CV AUC:", cv_auc)
    print("band starts (developing, strong):", fitting.BAND_STARTS)
    print("sales train out-of-fold turns and positive share per band:", agreement)
    if args.write_bands:
        fitting.write_bands(args.rubric, bands)
        print(f"wrote band starts into {args.rubric}")
    heads.prototypes.update(fitting.kind_prototypes(x, data))
    counts = {
        "sales_train": len(sales),
        "rubric_examples": len(examples),
        "annomi": len(annomi),
        "p4g": len(p4g),
    }
    positives = {
        name: {
            source: int(
                sum(
                    1
                    for s, v in zip(data.source, data.labels[name], strict=True)
                    if s == source and v == 1.0
                )
            )
            for source in ("sales", "rubric", "annomi", "p4g")
        }
        for name in DIMENSIONS
    }
    info = {
        "made_by": "scripts/fit_scorer.py",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedder": embedder.model_id,
        "seed": fitting.SEED,
        "C": choice.c,
        "C_grid": list(fitting.C_GRID),
        "choice": "chosen on the fitting data alone (fitting.choose): listening's feature block, "
        "cue weight and C by transfer between the sales turns and AnnoMI (a head fitted on one "
        "scoring the other, both ways); the other heads' C by the best mean per-source AUC in "
        f"{fitting.INNER_FOLDS}-fold grouped CV; choice_table holds every figure",
        "choice_table": choice.table,
        "cue_weight": choice.cue_weight,
        "annomi_share": fitting.ANNOMI_SHARE,
        "feature_blocks": choice.block,
        "counts": counts,
        "sales_train_cv_auc": cv_auc,
        "platt_calibration": {n: [round(a, 4), round(b, 4)] for n, (a, b) in calibration.items()},
        "band_starts": list(fitting.BAND_STARTS),
        "band_agreement_sales_train_oof": agreement,
        "band_rule": "scores are Platt-calibrated on out-of-fold scores of the sales train split "
        "(grouped 5-fold CV), so a score is the chance an expert labels the turn positive; "
        "strong starts at 0.7, developing at 0.3",
        "positives": positives,
        "features": "turn emb (384), previous emb (384), product (384), cosine, cues",
        "cue_names": list(heads.cue_names),
        "sales_file": "rubrics/data/sales_turns.jsonl (split=train only)",
        "annomi_file": "../shared/data/annomi_dev.jsonl" if len(annomi) else None,
        "p4g_file": "../shared/data/p4g_dev.jsonl" if len(p4g) else None,
        "p4g_provenance": "PersuasionForGood (Wang et al., ACL 2019), "
        "github.com/ohyj1002/persuasionforgood, Apache-2.0; the dev half of its annotated "
        "dialogs; only fitted weights ship, no text",
        "p4g_share": fitting.P4G_SHARE,
        "not_fitted_on": "the sales test split (writers excfo and nonnative entirely, a quarter "
        "of the other writers' conversations) and ESConv (licence: measure only)",
        "training_data_hash": fitting.data_hash(data),
        "sales_file_hash": fitting.file_hash([fitting.SALES_PATH]),
        "cue_code_hash": fitting.file_hash(fitting.CUE_CODE),
        "fitted_row_keys": sorted(
            {fitting.row_key(t, p) for t, p in zip(data.turns, data.previous, strict=True)}
        ),
    }
    heads.save(args.out, info)
    took = time.perf_counter() - started
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) in {took:.1f} s")
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`roleplay eval`: how well the scorer ranks labelled turns (AUC, precision and recall), and
with `--buyer` how faithfully the buyer plays the shipped scenarios."""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from roleplay import paths
from roleplay.dimensions import DIMENSIONS
from roleplay.errors import InvalidFileError, Problem, UsageError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="measure the scorer against labelled turns, or the buyer's fidelity",
        description=(
            "Score the turns of a JSON Lines file (each with 'turn' and optional 'previous') "
            "and measure one dimension against a label: AUC, and precision and recall at each "
            "of the rubric's band thresholds. With --standing, run the project's standing "
            "evaluations instead: held-out sales turns (by writer, with and without history), "
            "adversarial kinds, suggested better turns, and, when ../shared/data holds them, "
            "AnnoMI and P4G dev by grouped cross-validation and ESConv dev (measured only). "
            "Turns the shipped heads were fitted on are always left out, with a warning. "
            "With --buyer, measure the buyer instead: play the blind rep scripts against every "
            "shipped scenario and report the facts a rep uncovers, objections, non-answers, "
            "figures or names the scenario does not support, role leaks and the model's share "
            "of the buyer's words."
        ),
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="JSON Lines file")
    parser.add_argument("--dimension", choices=DIMENSIONS, help="the dimension to measure")
    parser.add_argument(
        "--label",
        metavar="FIELD=VALUE[,VALUE...]",
        help="a turn is positive when FIELD has one of the VALUEs, e.g. behaviour=reflection",
    )
    parser.add_argument(
        "--where",
        metavar="FIELD=VALUE[,VALUE...]",
        help="measure only the lines where FIELD has one of the VALUEs, e.g. split=test",
    )
    parser.add_argument(
        "--rubric", type=Path, metavar="PATH", help="rubric file (default: rubrics/default.yaml)"
    )
    parser.add_argument(
        "--scenario", type=Path, metavar="PATH", help="scenario whose product vocabulary to use"
    )
    parser.add_argument(
        "--standing", action="store_true", help="run the project's standing evaluations"
    )
    parser.add_argument(
        "--folds", type=int, default=5, help="cross-validation folds for --standing (default 5)"
    )
    parser.add_argument(
        "--figures",
        type=Path,
        metavar="FILE",
        help=(
            "with --standing or --buyer, also write the figures as JSON to FILE "
            "(make eval writes the README's figures from these files)"
        ),
    )
    buyer = parser.add_argument_group("the buyer's fidelity (with --buyer)")
    buyer.add_argument(
        "--buyer",
        action="store_true",
        help="measure how faithfully the buyer plays the shipped scenarios (make eval)",
    )
    buyer.add_argument(
        "--model", metavar="NAME", help="model card to play the buyer (default: the selected one)"
    )
    buyer.add_argument(
        "--set",
        choices=paths.BLIND_SETS,
        help="the blind rep scripts to play (default: report; dev is the set tuned on)",
    )
    buyer.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="play only scripts whose names match (repeatable), e.g. '*.spin' or 'generic-*'",
    )
    buyer.add_argument("--seed", type=int, help=f"buyer seed (default {BUYER_SEED})")
    buyer.add_argument("--max-turns", type=int, metavar="N", help="play N lines of each script")
    buyer.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="play the runs in N processes, each with its own models (default: one per core; "
        "the figures are the same for any N)",
    )
    buyer.add_argument("--details", action="store_true", help="list non-answers and findings")
    buyer.add_argument("--save", type=Path, metavar="DIR", help="save every transcript in DIR")
    buyer.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(run=run)


BUYER_SEED = 7
"""The buyer's seed for `--buyer` unless `--seed` says otherwise (the README's figures)."""

SCORER_ONLY = ("file", "dimension", "label", "where", "scenario", "standing")
"""Options that measure the scorer, so they make no sense with `--buyer`."""

BUYER_ONLY = (
    "model",
    "set",
    "only",
    "seed",
    "max_turns",
    "workers",
    "details",
    "save",
    "json",
)
"""Options that only `--buyer` reads."""


def parse_label(spec: str) -> tuple[str, set[str]]:
    """`FIELD=VALUE[,VALUE...]` as (field, values)."""
    field, sep, values = spec.partition("=")
    chosen = {v.strip() for v in values.split(",") if v.strip()}
    if not sep or not field.strip() or not chosen:
        raise UsageError(f"--label and --where want FIELD=VALUE[,VALUE...], got '{spec}'")
    return field.strip(), chosen


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_labelled(
    path: Path, field: str, values: set[str], where: tuple[str, set[str]] | None = None
) -> tuple[list[tuple[str, str]], list[int], list[list[tuple[str, str]]]]:
    """The (turn, previous) pairs of a JSON Lines file, their 0/1 labels and histories
    (each line's optional `history`, as `score-turns` reads it).

    Raises:
        InvalidFileError: every bad line, with its number.
    """
    from roleplay.files import MAX_JSON_BYTES, loads_json, read_text

    lines = read_text(path, MAX_JSON_BYTES).splitlines()
    problems: list[Problem] = []
    items: list[tuple[str, str]] = []
    labels: list[int] = []
    histories: list[list[tuple[str, str]]] = []
    seen_field = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = loads_json(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(str(path), number, exc.colno, "", f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(str(path), number, 1, "", "expected a JSON object"))
            continue
        turn, previous = data.get("turn"), data.get("previous") or ""
        if not isinstance(turn, str) or not turn.strip() or not isinstance(previous, str):
            problems.append(
                Problem(str(path), number, 1, "turn", "needs a non-empty 'turn' string")
            )
            continue
        if where is not None and _as_text(data.get(where[0])) not in where[1]:
            continue
        seen_field = seen_field or field in data
        raw_history = data.get("history") or []
        histories.append(
            [
                (str(h.get("role")), str(h.get("text")))
                for h in raw_history
                if isinstance(h, dict) and h.get("role") in ("buyer", "rep")
            ]
            if isinstance(raw_history, list)
            else []
        )
        items.append((turn, previous))
        raw = data.get(field)
        labels.append(int(raw is not None and _as_text(raw) in values))
    if problems:
        raise InvalidFileError(problems)
    if not items:
        raise InvalidFileError.single(
            path, "holds no turns" + (" that match --where" if where else "")
        )
    if not seen_field:
        raise UsageError(f"{path}: no line has the field '{field}'")
    return items, labels, histories


def _fmt(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.3f}"


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> list[str]:
    """The options among `names` the command line gave, as the user spelled them."""
    given = [name for name in names if getattr(args, name) not in (None, False, [])]
    return [name if name == "file" else "--" + name.replace("_", "-") for name in given]


def run(args: argparse.Namespace) -> int:
    from roleplay.rubric import load_rubric

    if args.buyer:
        if wrong := _given(args, SCORER_ONLY):
            raise UsageError(f"{', '.join(wrong)}: measure the scorer; leave them out with --buyer")
    elif wrong := _given(args, BUYER_ONLY):
        raise UsageError(f"{', '.join(wrong)}: only with --buyer")
    rubric = load_rubric(args.rubric or paths.default_rubric())
    if args.buyer:
        return run_buyer(args, rubric)
    if args.standing:
        return run_standing(rubric, args.folds, args.figures, standing_command(args))
    if args.figures is not None:
        raise UsageError("--figures: only with --standing or --buyer")
    if args.file is None or args.dimension is None or args.label is None:
        raise UsageError("roleplay eval needs FILE, --dimension and --label (or --standing)")
    field, values = parse_label(args.label)
    where = parse_label(args.where) if args.where else None
    items, labels, histories = read_labelled(args.file, field, values, where)

    import numpy as np

    from roleplay.scenario import load_scenario
    from roleplay.scoring import TurnScorer
    from roleplay.scoring.evaluation import precision_recall
    from roleplay.scoring.fitting import auc, fitted_rows, row_key

    scenario = load_scenario(args.scenario) if args.scenario else None
    scorer = TurnScorer.load(rubric)
    fitted = fitted_rows(scorer.heads.info)
    seen = [i for i, (turn, previous) in enumerate(items) if row_key(turn, previous) in fitted]
    if seen:
        print(
            f"warning: {len(seen)} of {len(items)} turns were fitted on by the shipped heads; "
            "they are left out (use a held-out split, e.g. --where split=test)",
            file=sys.stderr,
        )
        keep = sorted(set(range(len(items))) - set(seen))
        if not keep:
            raise UsageError(f"{args.file}: every turn was fitted on; nothing left to measure")
        items = [items[i] for i in keep]
        labels = [labels[i] for i in keep]
        histories = [histories[i] for i in keep]
    probabilities, _, _ = scorer.predict(items, scenario, histories)
    scores = probabilities[args.dimension]
    y = np.array(labels, dtype=np.float64)
    positives = int(y.sum())
    selection = f" (lines where {args.where})" if args.where else ""
    print(
        f"{args.file}{selection}: {args.dimension} against "
        f"{field} in {{{', '.join(sorted(values))}}}"
    )
    print(f"turns {len(items)}, positive {positives}, negative {len(items) - positives}")
    print(f"AUC {_fmt(auc(y, scores))}")
    print()
    print(f"{'band from':<22} {'threshold':>9} {'flagged':>8} {'precision':>9} {'recall':>7}")
    for band in rubric.dimension(args.dimension).bands[1:]:
        precision, recall = precision_recall(y, scores, band.min_score)
        flagged = int(np.sum(scores >= band.min_score))
        print(
            f"{band.label:<22} {band.min_score:>9.2f} {flagged:>8} "
            f"{_fmt(precision):>9} {_fmt(recall):>7}"
        )
    return 0


def standing_command(args: argparse.Namespace) -> str:
    """The `roleplay eval --standing` command line these arguments stand for."""
    words = ["roleplay", "eval", "--standing"]
    if args.rubric is not None:
        words += ["--rubric", str(args.rubric)]
    if args.folds != 5:
        words += ["--folds", str(args.folds)]
    if args.figures is not None:
        words += ["--figures", str(args.figures)]
    return shlex.join(words)


def run_standing(rubric: Any, folds: int, figures: Path | None = None, command: str = "") -> int:
    """Every standing evaluation, printed corpus by corpus (and saved as JSON to `figures`)."""
    from dataclasses import replace

    from roleplay.files import write_atomic
    from roleplay.scoring import TurnScorer, evaluation, fitting
    from roleplay.scoring.model import load_embedder

    def progress(message: str) -> None:
        print(f"... {message}", file=sys.stderr, flush=True)

    if folds < 2:
        raise UsageError("--folds must be at least 2")
    if figures is not None and not figures.parent.is_dir():
        # Said before the minutes of measuring, not after.
        raise UsageError(f"--figures {figures}: the folder {figures.parent} does not exist")
    progress("loading the embedder")
    embedder = fitting.CachedEmbedder(load_embedder())
    scorer = TurnScorer.load(rubric, embedder=embedder)
    if not fitting.SALES_PATH.exists():
        progress(f"no sales turns at {fitting.SALES_PATH}")
    if not fitting.ANNOMI_PATH.exists():
        progress(f"AnnoMI not found at {fitting.ANNOMI_PATH}; its checks are skipped")
    report = evaluation.standing_figures(rubric, embedder, scorer.heads, progress, folds)
    progress("scoring every better turn the scorer suggests on the sales test split")
    test = fitting.load_sales(split="test")
    suggestions = evaluation.suggestion_figure(
        scorer, test.subset(evaluation.held_out_rows(test, scorer.heads.info))
    )
    embedder.save()
    info = scorer.heads.info
    report = replace(
        report, suggestions=suggestions, heads_date=str(info.get("date", "")), command=command
    )
    if figures is not None:
        write_atomic(figures, report.to_json())
    print(
        f"rubric {rubric.id} v{rubric.version}; heads made {info.get('date', '?')} from "
        f"{info.get('counts', {})}"
    )
    for note in report.notes:
        print(note)
    print(evaluation.format_table(report.figures))
    print(evaluation.format_kinds(report.kinds, "sales test kinds (mean score)"))
    print("== suggested better turns (sales test split, scored where they would be said) ==")
    print(
        f"{suggestions.strong} of {suggestions.n} score >= {suggestions.target} on the dimension"
        f" they coach; mean {suggestions.mean:.3f}; lowest {suggestions.worst[2]:.3f} "
        f"({suggestions.worst[1]}): {suggestions.worst[0]}"
    )
    return 0


def buyer_command(args: argparse.Namespace) -> str:
    """The `roleplay eval --buyer` command line these arguments stand for, written down with
    the figures so anyone can measure them again."""
    words = ["roleplay", "eval", "--buyer"]
    if args.rubric is not None:
        words += ["--rubric", str(args.rubric)]
    for option in ("model", "set", "seed", "max_turns"):
        value = getattr(args, option)
        if value is not None:
            words += ["--" + option.replace("_", "-"), str(value)]
    for pattern in args.only:
        words += ["--only", pattern]
    for flag in ("details", "json"):
        if getattr(args, flag):
            words.append("--" + flag)
    for option in ("save", "figures"):
        value = getattr(args, option)
        if value is not None:
            words += ["--" + option, str(value)]
    return shlex.join(words)


def run_buyer(args: argparse.Namespace, rubric: Any) -> int:
    """Play the blind rep scripts against every shipped scenario and print the fidelity
    figures (JSON with --json), then with --details each non-answer and finding."""
    from roleplay.buyer import load_backend
    from roleplay.files import write_atomic
    from roleplay.rehearsal.fidelity import (
        evaluate,
        evaluate_in_pool,
        evaluation_scorer,
        planned_runs,
    )
    from roleplay.scenario import load_scenarios

    scenarios, problems = load_scenarios([paths.shipped_scenarios_dir()])
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
    folder = paths.blind_scripts(args.set or "report")
    seed = BUYER_SEED if args.seed is None else args.seed
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers > 1:
        report = evaluate_in_pool(
            planned_runs(scenarios, folder, args.only),
            rubric,
            args.model,
            workers,
            seed=seed,
            max_turns=args.max_turns,
            save_to=args.save,
        )
    else:
        buyer = load_backend(args.model)
        buyer.load()
        report = evaluate(
            scenarios,
            rubric,
            buyer,
            evaluation_scorer(rubric),
            scripts_dir=folder,
            seed=seed,
            max_turns=args.max_turns,
            save_to=args.save,
            only=args.only,
        )
    figures = report.figures()
    if args.figures is not None:
        measured = {"command": buyer_command(args)}
        write_atomic(args.figures, json.dumps({**measured, **figures}, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    if args.details:
        for title, items in (
            ("non-answer", report.non_answers),
            ("unsupported", report.unsupported_sentences),
            ("uncredited", report.uncredited_reveals),
        ):
            for item in items:
                print(f"{title}: {item}")
    for leak in report.role_leaks:
        print(f"leak: {leak}")
    return 0

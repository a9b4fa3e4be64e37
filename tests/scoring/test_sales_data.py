"""The labelled sales turns the scorer is fitted and tested on are well formed and balanced."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

LABELS = ("listening", "context_seeking", "problem_focus")
FIELDS = {
    "id",
    "group",
    "industry",
    "buyer_role",
    "previous",
    "turn",
    *LABELS,
    "kind",
    "split",
    "writer",
    "history",
}


@pytest.fixture(scope="module")
def sales_turns(project_root: Path) -> list[dict[str, Any]]:
    path = project_root / "rubrics" / "data" / "sales_turns.jsonl"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"line {number} is blank"
        rows.append(json.loads(line))
    return rows


def test_every_row_has_exactly_the_documented_fields(sales_turns: list[dict[str, Any]]) -> None:
    for row in sales_turns:
        assert set(row) == FIELDS, row.get("id")


def test_every_field_has_a_valid_value(sales_turns: list[dict[str, Any]]) -> None:
    for row in sales_turns:
        for name in ("id", "group", "industry", "buyer_role", "turn", "kind"):
            assert isinstance(row[name], str) and row[name].strip(), (row["id"], name)
        assert isinstance(row["previous"], str), row["id"]
        assert row["split"] in {"train", "test"}, row["id"]
        for label in LABELS:
            assert row[label] in (0, 1) and isinstance(row[label], int), (row["id"], label)
        assert row["id"].startswith("s-") and row["id"][2:].isdigit(), row["id"]


def test_several_writers_and_the_test_split_holds_writers_never_fitted_on(
    sales_turns: list[dict[str, Any]],
) -> None:
    writers = {row["writer"] for row in sales_turns}
    assert len(writers) >= 6
    train = {row["writer"] for row in sales_turns if row["split"] == "train"}
    test = {row["writer"] for row in sales_turns if row["split"] == "test"}
    assert len(test - train) >= 2
    assert len(test & train) >= 3, "the test split also holds unseen talks of fitted writers"


def test_history_is_the_conversation_before_the_turn(sales_turns: list[dict[str, Any]]) -> None:
    for row in sales_turns:
        history = row["history"]
        assert history and history[-1] == {"role": "buyer", "text": row["previous"]}, row["id"]
        assert all(h["role"] in ("buyer", "rep") for h in history)


def test_ids_are_unique(sales_turns: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in sales_turns]
    assert len(ids) == len(set(ids))


def test_no_conversation_is_split_across_train_and_test(
    sales_turns: list[dict[str, Any]],
) -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for row in sales_turns:
        splits[row["group"]].add(row["split"])
    assert all(len(found) == 1 for found in splits.values())


def test_test_industries_are_held_out_of_train(sales_turns: list[dict[str, Any]]) -> None:
    train = {row["industry"] for row in sales_turns if row["split"] == "train"}
    test = {row["industry"] for row in sales_turns if row["split"] == "test"}
    assert len(test - train) >= 6


@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("label", LABELS)
def test_labels_are_balanced_in_each_split(
    sales_turns: list[dict[str, Any]], split: str, label: str
) -> None:
    rows = [row for row in sales_turns if row["split"] == split]
    share = sum(row[label] for row in rows) / len(rows)
    assert 0.25 <= share <= 0.70, f"{label} in {split}: {share:.2f}"


def test_size_and_coverage(sales_turns: list[dict[str, Any]]) -> None:
    assert len(sales_turns) >= 600
    assert len({row["industry"] for row in sales_turns}) >= 20
    assert len({row["buyer_role"] for row in sales_turns}) >= 15


def test_test_split_is_a_meaningful_share(sales_turns: list[dict[str, Any]]) -> None:
    groups = {row["group"]: row["split"] for row in sales_turns}
    test_share = sum(split == "test" for split in groups.values()) / len(groups)
    # Every conversation of a held-out writer is test (five writers), so the share is higher
    # than a plain split's; training still keeps more than half.
    assert 0.2 <= test_share <= 0.5


def test_test_roles_include_roles_never_seen_in_train(sales_turns: list[dict[str, Any]]) -> None:
    train = {row["buyer_role"] for row in sales_turns if row["split"] == "train"}
    test = {row["buyer_role"] for row in sales_turns if row["split"] == "test"}
    assert len(test - train) >= 5


def test_shipped_file_matches_its_sources(
    project_root: Path, sales_turns: list[dict[str, Any]]
) -> None:
    """The JSONL was regenerated after the last edit to rubrics/data/source/."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "write_sales_turns", project_root / "scripts" / "write_sales_turns.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records = []
    for path in sorted((project_root / "rubrics" / "data" / "source").glob("*.txt")):
        records.extend(module.parse(path))
    assert [{k: v for k, v in row.items() if k != "id"} for row in sales_turns] == records
    readme = (project_root / "rubrics" / "data" / "README.md").read_text(encoding="utf-8")
    assert module.counts_markdown(records) in readme

"""Build rubrics/data/sales_turns.jsonl from the hand-written conversation sources.

The labelled B2B sales turns are written as short conversations in plain-text files under
rubrics/data/source/ (one file per writing batch), because that is far easier to read and
review than JSON. This script parses them, checks every field, numbers the turns and writes the
JSON Lines file the turn scorer is fitted and tested on. It also rewrites the counts table in
rubrics/data/README.md so the README never drifts from the data.

Source format::

    # a comment
    == <group id> | <train|test> | <industry> | <buyer role>
    B: <the buyer's line before the next rep turn; may be empty>
    R <LCP> <kind>: <the rep's turn>

`<LCP>` is three binary digits: listening, context_seeking, problem_focus. Every `R` line must
follow a `B` line. Every turn records the conversation before it (`history`).

Who wrote a file is part of its name: `writer_<name>.txt` was written by `<name>`, every other
file by the project's first writer, `team`. In a writer's file the split may be left out of a
header; the script then decides it (`split_for`): every conversation of a writer in
`HELD_OUT_WRITERS` is test, so the test part has writers never fitted on, and of the other
writers a quarter of the conversations are test, so it has their unseen conversations too.

Run: `.venv/bin/python scripts/write_sales_turns.py`.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "rubrics" / "data"
SOURCE_DIR = DATA_DIR / "source"
OUTPUT = DATA_DIR / "sales_turns.jsonl"
README = DATA_DIR / "README.md"
LABELS = ("listening", "context_seeking", "problem_focus")
SPLITS = ("train", "test")

HEADER = re.compile(
    r"^==\s*(?P<group>[a-z0-9][a-z0-9-]*)\s*\|(?:\s*(?P<split>train|test)\s*\|)?"
    r"\s*(?P<industry>[^|]+?)\s*\|\s*(?P<role>[^|]+?)\s*$"
)
HELD_OUT_WRITERS = ("excfo", "nonnative", "se", "kam", "closer")
"""Writers whose every conversation is test: the scorer is never fitted on their voice."""
TEST_SHARE_EVERY = 4
"""Of the other writers' conversations without a split, every fourth (in file order) is test."""
REP = re.compile(r"^R\s+(?P<labels>[01]{3})\s+(?P<kind>[a-z_]+):\s?(?P<turn>.*)$")
COUNTS_START = "<!-- counts:start -->"
COUNTS_END = "<!-- counts:end -->"


class Conversation(NamedTuple):
    group: str
    split: str
    industry: str
    role: str


def writer_of(path: Path) -> str:
    """Who wrote a source file: `writer_<name>.txt` is `<name>`'s, the rest the team's."""
    return path.stem.removeprefix("writer_") if path.stem.startswith("writer_") else "team"


def split_for(writer: str, index: int) -> str:
    """The split of a writer's `index`-th conversation whose header names none."""
    if writer in HELD_OUT_WRITERS:
        return "test"
    return "test" if index % TEST_SHARE_EVERY == TEST_SHARE_EVERY - 1 else "train"


def parse(path: Path) -> list[dict[str, object]]:
    """Parse one source file into turn records (without ids)."""
    records: list[dict[str, object]] = []
    conversation: Conversation | None = None
    previous: str | None = None
    history: list[dict[str, str]] = []
    writer = writer_of(path)
    conversations = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        where = f"{path.name}:{number}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("=="):
            match = HEADER.match(line)
            if not match:
                raise SystemExit(f"{where}: bad conversation header: {line!r}")
            split = match["split"] or split_for(writer, conversations)
            if not match["split"] and writer == "team":
                raise SystemExit(f"{where}: the header needs a split (train or test)")
            conversations += 1
            conversation = Conversation(match["group"], split, match["industry"], match["role"])
            previous = None
            history = []
        elif line.startswith("B:"):
            if conversation is None:
                raise SystemExit(f"{where}: buyer line before any conversation header")
            previous = line[2:].strip()
            history.append({"role": "buyer", "text": previous})
        elif line.startswith("R "):
            match = REP.match(line)
            if not match or conversation is None or previous is None:
                raise SystemExit(f"{where}: bad rep line or no buyer line before it: {line!r}")
            turn = match["turn"].strip()
            if not turn:
                raise SystemExit(f"{where}: empty rep turn")
            bits = [int(bit) for bit in match["labels"]]
            records.append(
                {
                    "group": conversation.group,
                    "industry": conversation.industry,
                    "buyer_role": conversation.role,
                    "previous": previous,
                    "turn": turn,
                    **dict(zip(LABELS, bits, strict=True)),
                    "kind": match["kind"],
                    "split": conversation.split,
                    "writer": writer,
                    "history": list(history),
                }
            )
            history.append({"role": "rep", "text": turn})
            previous = None
        else:
            raise SystemExit(f"{where}: unrecognised line: {line!r}")
    return records


def counts_markdown(records: list[dict[str, object]]) -> str:
    """A markdown table of turns, groups and positive labels per split."""
    rows = [
        "| split | conversations | turns | industries | roles | "
        + " | ".join(f"{label} = 1" for label in LABELS)
        + " |",
        "|---|---|---|---|---|" + "---|" * len(LABELS),
    ]
    for split in (*SPLITS, "all"):
        chosen = [r for r in records if split == "all" or r["split"] == split]
        total = len(chosen)
        cells = [
            split,
            str(len({r["group"] for r in chosen})),
            str(total),
            str(len({r["industry"] for r in chosen})),
            str(len({r["buyer_role"] for r in chosen})),
        ]
        for label in LABELS:
            positive = sum(int(r[label]) for r in chosen)  # type: ignore[call-overload]
            cells.append(f"{positive} ({100 * positive / max(total, 1):.0f}%)")
        rows.append("| " + " | ".join(cells) + " |")
    kinds = Counter(str(r["kind"]) for r in records)
    writers = Counter((str(r["writer"]), str(r["split"])) for r in records)
    rows.append("")
    rows.append(
        "Turns per writer and split: "
        + ", ".join(f"{w} {s} {n}" for (w, s), n in sorted(writers.items()))
        + "."
    )
    rows.append("")
    rows.append("Turns per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ".")
    return "\n".join(rows)


def update_readme(table: str) -> None:
    """Replace the counts block in the README, if the README has the markers."""
    if not README.exists():
        return
    text = README.read_text(encoding="utf-8")
    if COUNTS_START not in text or COUNTS_END not in text:
        return
    head, rest = text.split(COUNTS_START, 1)
    _, tail = rest.split(COUNTS_END, 1)
    README.write_text(f"{head}{COUNTS_START}\n{table}\n{COUNTS_END}{tail}", encoding="utf-8")


def main() -> int:
    records: list[dict[str, object]] = []
    for path in sorted(SOURCE_DIR.glob("*.txt")):
        records.extend(parse(path))
    split_of: dict[str, str] = {}
    for record in records:
        group, split = str(record["group"]), str(record["split"])
        if split_of.setdefault(group, split) != split:
            raise SystemExit(f"group {group} appears in both splits")
    seen_turns: set[tuple[str, str]] = set()
    for record in records:
        key = (str(record["previous"]), str(record["turn"]))
        if key in seen_turns:
            raise SystemExit(f"duplicate turn: {key}")
        seen_turns.add(key)
    with OUTPUT.open("w", encoding="utf-8") as out:
        for index, record in enumerate(records, start=1):
            out.write(json.dumps({"id": f"s-{index:04d}", **record}, ensure_ascii=False) + "\n")
    table = counts_markdown(records)
    update_readme(table)
    print(table)
    print(f"wrote {len(records)} turns to {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

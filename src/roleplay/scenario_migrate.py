"""Upgrading scenario files written before facts had layers, in place, keeping every comment.

An older file marks sensitive facts `needs_trust: true` and has no `layer` or `topics`. It still
loads as it is (`needs_trust` reads as `layer: trusted`); `roleplay migrate` writes the new
fields into the file so the author can see and tune them.

The edits are made to the file's lines, at the places the YAML loader located, rather than by
loading and dumping the document (even a round-trip dumper such as ruamel.yaml re-indents and
re-wraps some scalars): every line the migration does not touch stays byte for byte, comments
included. A fact written in flow style (`{id: x, needs_trust: true}`) is left for the author,
with a note.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roleplay.errors import InvalidFileError
from roleplay.scenario import load_scenario
from roleplay.topics import Topic, keyword_topics
from roleplay.yamlio import load_yaml

MAX_TOPICS = 4
"""Topics written for a fact: the ones its summary and `earned_by` examples are most about."""

_NEEDS_TRUST_LINE = re.compile(r"^(?P<indent>\s*)needs_trust:\s*(?P<value>\S+)(?P<rest>\s*(#.*)?)$")


@dataclass
class Migration:
    """What upgrading one file changes, and what is left for the author."""

    path: Path
    text: str
    """The upgraded file's text (the same as before when nothing changed)."""
    changes: list[str] = field(default_factory=list)
    """One line per edit, e.g. `carrier_accruals: layer: earned, topics: [cause, impact]`."""
    notes: list[str] = field(default_factory=list)
    """What the migration cannot decide for the author (the surface fact, threads, context)."""

    @property
    def changed(self) -> bool:
        """Whether the file needs writing."""
        return bool(self.changes)


def inferred_topics(fact: dict[str, Any]) -> list[Topic]:
    """The topics a fact's summary and example questions use the words of, most used first."""
    texts = [str(fact.get("summary", "")), *map(str, fact.get("earned_by") or [])]
    counts: Counter[Topic] = Counter()
    for text in texts:
        counts.update(topic for topic, hit in keyword_topics(text).items() if hit)
    order = list(Topic)
    ranked = sorted(counts, key=lambda topic: (-counts[topic], order.index(topic)))
    return ranked[:MAX_TOPICS]


def migrate_scenario(path: Path) -> Migration:
    """The upgraded text of an older scenario file, checked to load and to keep every fact's
    trust as it was.

    Raises:
        InvalidFileError: the file is not a scenario that loads, or the upgrade would not load.
    """
    path = Path(path)
    before = load_scenario(path)
    loaded = load_yaml(path)
    lines = loaded.text.splitlines(keepends=True)
    migration = Migration(path, loaded.text)
    facts = loaded.data.get("hidden_facts") or []
    inserts: dict[int, list[str]] = {}
    replaced: dict[int, str] = {}
    for index, fact in enumerate(facts):
        fact_id = fact.get("id", f"hidden_facts.{index}")
        new_fields: list[tuple[str, str]] = []
        if "layer" not in fact:
            layer = "trusted" if fact.get("needs_trust") is True else "earned"
            new_fields.append(("layer", layer))
        if "topics" not in fact:
            topics = inferred_topics(fact)
            if topics:
                new_fields.append(("topics", "[" + ", ".join(topics) + "]"))
        if not new_fields:
            continue
        id_line, id_col = loaded.locate(("hidden_facts", index, "id"))
        if not lines[id_line - 1][id_col - 1 :].startswith("id:"):
            migration.notes.append(f"{fact_id}: written in flow style; add its layer by hand")
            continue
        indent = " " * (id_col - 1)
        added = [f"{indent}{name}: {value}\n" for name, value in new_fields]
        if "needs_trust" in fact and "layer" not in fact:
            line_no, _ = loaded.locate(("hidden_facts", index, "needs_trust"))
            match = _NEEDS_TRUST_LINE.match(lines[line_no - 1].rstrip("\n"))
            if match is None:
                migration.notes.append(f"{fact_id}: needs_trust shares a line; edit it by hand")
                continue
            replaced[line_no - 1] = added[0].rstrip("\n") + match["rest"] + "\n"
            inserts.setdefault(line_no - 1, []).extend(added[1:])
        else:  # after the `id` line, which is one line however long the fact's texts are
            inserts.setdefault(id_line - 1, []).extend(added)
        summary = ", ".join(f"{name}: {value}" for name, value in new_fields)
        migration.changes.append(f"{fact_id}: {summary}")
    out: list[str] = []
    for number, line in enumerate(lines):
        out.append(replaced.get(number, line))
        out.extend(inserts.get(number, []))
    migration.text = "".join(out)
    if not migration.text.endswith("\n") and inserts.get(len(lines) - 1):
        migration.text += "\n"
    _check_upgrade(migration, before.hidden_facts)
    _add_notes(migration, loaded.data)
    return migration


def _check_upgrade(migration: Migration, facts_before: list[Any]) -> None:
    """Refuse an upgrade that does not load, or that changes which facts need trust."""
    if not migration.changed:
        return
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / migration.path.name
        trial.write_text(migration.text, encoding="utf-8")
        try:
            after = load_scenario(trial)
        except InvalidFileError as exc:
            detail = "; ".join(p.message for p in exc.problems)
            raise InvalidFileError.single(
                migration.path, f"could not be upgraded in place ({detail}); edit it by hand"
            ) from None
    for old, new in zip(facts_before, after.hidden_facts, strict=True):
        if old.trusted != new.trusted or old.lines != new.lines:
            raise InvalidFileError.single(
                migration.path, f"{old.id}: the upgrade would change the fact; edit it by hand"
            )


def _add_notes(migration: Migration, data: dict[str, Any]) -> None:
    facts = data.get("hidden_facts") or []
    if not any(isinstance(f, dict) and f.get("layer") == "surface" for f in facts):
        migration.notes.append(
            "no fact is on the surface: mark the headline problem `layer: surface`"
        )
    if not any(isinstance(f, dict) and f.get("leads_to") for f in facts):
        migration.notes.append(
            "no leads_to threads: add what a follow-up on each fact earns (docs/authoring.md)"
        )
    if not data.get("context"):
        migration.notes.append(
            "no public context: add 5-8 `context` lines for ordinary situation questions"
        )
    if migration.changes:
        migration.notes.append(
            "check the topics written for each fact; they were read from its words"
        )

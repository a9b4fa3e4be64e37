"""Scenario files: who the buyer is, what they keep to themselves, and what a pitch provokes.

A scenario is written by an enablement author in YAML (`scenarios/*.yaml`) and decides what
the buyer knows and reveals; the language model only voices it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from roleplay.errors import InvalidFileError, Problem
from roleplay.model_base import StrictModel
from roleplay.yamlio import iter_yaml_files, load_model

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_\-]*$", min_length=2, max_length=64)
]
"""Lower-case id: letters, digits, `_` and `-`, starting with a letter."""

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
"""One line of speech or text."""


class Difficulty(StrEnum):
    """How hard the buyer makes discovery."""

    INTRO = "intro"
    STANDARD = "standard"
    HARD = "hard"


class Buyer(StrictModel):
    """The executive the rep meets, as the model should play them."""

    name: Line
    """The buyer's full name, e.g. `Dana Whitfield`."""
    title: Line
    """Job title, e.g. `Chief Financial Officer`."""
    company: Line
    """The buyer's company."""
    industry: Line
    """The company's industry, e.g. `Third-party logistics`."""
    company_size: Line
    """Size in the buyer's own terms, e.g. `1,800 employees, $420M revenue`."""
    personality: Line
    """A sentence or two on temperament, e.g. `Measured, sceptical of vendors, dry humour`."""
    communication_style: Line
    """How they talk: length of answers, formality, what annoys them."""
    priorities: list[Line] = Field(min_length=1)
    """What they care about this year, as they would say it in public."""
    patience: int = Field(default=4, ge=1, le=10)
    """How many premature pitches or closes they sit through before ending the meeting."""
    trust_to_share: int = Field(default=2, ge=0, le=10)
    """How many turns of good listening earn enough trust for facts marked `needs_trust`."""


class Product(StrictModel):
    """What the rep sells, so the scorer and the director can recognise product talk."""

    name: Line
    """The product's name as a rep would say it."""
    vendor: Line
    """The rep's company."""
    summary: Line
    """One sentence on what the product does."""
    features: list[Line] = Field(min_length=1)
    """Features and claims a rep might pitch, in a rep's words."""


class Vocabulary(StrictModel):
    """Words of this scenario's world, so ordinary industry words are not mistaken for selling.

    By default a turn counts as product talk when it uses the product's name, its vendor or
    the words of its features, and as a close or price talk by roleplay's built-in word lists.
    In some industries those words are the buyer's own: a broker's `quote`, a climate
    `commitment`, a facilities `pilot`. List them here.
    """

    buyer_terms: list[Line] = Field(default_factory=list)
    """Words or phrases of the buyer's world that are never product talk, a close or price talk
    in this scenario (`quote`, `pilot`, `commitment`, `next steps for the chiller`)."""
    seller_terms: list[Line] = Field(default_factory=list)
    """Extra words or phrases that mark the seller's pitch in this scenario, beyond the product
    and vendor names and feature words (a flagship module's name, a slogan)."""


class HiddenFact(StrictModel):
    """A pressure or piece of context the buyer keeps to themselves until it is earned."""

    id: Identifier
    """Unique id within the scenario, used in transcripts (`revealed`) and triggers."""
    summary: Line
    """What the fact is, for the author and the debrief. Never shown to the model unearned."""
    lines: list[Line] = Field(min_length=1)
    """What the buyer may say once the fact is earned; the model voices one of these."""
    earned_by: list[Line] = Field(min_length=1)
    """Example rep questions or topics that earn the fact."""
    needs_trust: bool = False
    """If true, the fact is shared only after the rep has built trust by listening."""
    better_question: Line | None = None
    """A question to suggest in the debrief when the fact was missed (default: first example)."""


ObjectionKind = Literal["pitch", "close", "price", "phrase"]


class ObjectionTrigger(StrictModel):
    """What provokes an objection."""

    when: ObjectionKind
    """`pitch`: the rep talks product features; `close`: asks for a commitment, demo or next
    step; `price`: raises price or discounts; `phrase`: the turn resembles `examples`."""
    while_hidden: list[Identifier] = Field(default_factory=list)
    """Fires only while all these hidden facts are still hidden (empty: regardless)."""
    examples: list[Line] = Field(default_factory=list)
    """Example rep turns that provoke it (needed for `phrase`)."""


class Objection(StrictModel):
    """A push-back the buyer raises when the rep does the wrong thing at the wrong time."""

    id: Identifier
    """Unique id within the scenario, used in transcripts (`objections`)."""
    summary: Line
    """What the objection is about, for the author and the debrief."""
    trigger: ObjectionTrigger
    """What provokes it."""
    lines: list[Line] = Field(min_length=1)
    """What the buyer says when it fires."""
    patience_cost: int = Field(default=1, ge=0, le=10)
    """How much of the buyer's patience the provocation spends."""


class Ending(StrictModel):
    """How the conversation ends and what counts as success."""

    max_turns: int = Field(default=12, ge=2, le=60)
    """Rep turns before the buyer closes the meeting."""
    turn_limit_line: Line = "I have to jump to my next meeting. Send me a short note."
    """What the buyer says when the turn limit is reached."""
    out_of_patience_line: Line = "I don't think this is a good use of our time. Let's stop here."
    """What the buyer says when their patience runs out."""
    success_facts: int = Field(default=3, ge=0)
    """Hidden facts the rep must uncover for the call to count as a success."""
    required_facts: list[Identifier] = Field(default_factory=list)
    """Hidden facts that must be among those uncovered for success."""
    success_line: Line | None = None
    """What the buyer says at the end of a successful call, if anything."""


class Scenario(StrictModel):
    """One buyer situation a rep can practise."""

    id: Identifier
    """Unique id across all scenario files, e.g. `cfo-logistics-cash`."""
    title: Line
    """A short title shown in the scenario picker."""
    difficulty: Difficulty = Difficulty.STANDARD
    """intro, standard or hard."""
    briefing: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20)]
    """What the rep knows before the call (several sentences; Markdown allowed)."""
    goal: Line = "Understand the buyer's business, role and problem before proposing anything."
    """What good looks like for this call, shown with the briefing."""
    buyer: Buyer
    """The executive the rep meets."""
    product: Product
    """What the rep sells."""
    opening_line: Line
    """The buyer's first words when the call starts."""
    hidden_facts: list[HiddenFact] = Field(min_length=1)
    """Pressures and context the rep only learns by asking."""
    objections: list[Objection] = Field(default_factory=list)
    """Push-backs a premature pitch or close provokes."""
    small_talk_lines: list[Line] = Field(default_factory=list)
    """Neutral replies the buyer may use when nothing is earned (deflections, short answers)."""
    ending: Ending = Field(default_factory=Ending)
    """Turn limit, closing lines and success criteria (defaults apply when omitted)."""
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    """Words of the buyer's world that are not selling, and extra words that are."""

    @property
    def source_path(self) -> Path | None:
        """The file this scenario was read from, if any."""
        return self._source.path if self._source is not None else None

    def fact(self, fact_id: str) -> HiddenFact:
        """The hidden fact with this id."""
        for fact in self.hidden_facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def objection(self, objection_id: str) -> Objection:
        """The objection with this id."""
        for objection in self.objections:
            if objection.id == objection_id:
                return objection
        raise KeyError(objection_id)

    @property
    def product_terms(self) -> list[str]:
        """Words and names that mark product talk: product, vendor and feature words.

        The product and vendor names are kept whole, as written (a multi-word name is one
        phrase). Feature words are lower-cased, at least four letters, hyphenated compounds kept
        together (`real-time`), and function words (`with`, `from`, `every`) left out, since
        any turn uses those.
        """
        from roleplay.language import feature_terms

        terms = {name for name in (self.product.name, self.product.vendor) if name.strip()}
        terms |= feature_terms(self.product.features)
        return sorted(terms, key=lambda term: (term.lower(), term))


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Problems a schema cannot see: duplicate ids and references to unknown hidden facts."""
    loaded = scenario._source
    name = str(loaded.path) if loaded is not None else scenario.id
    problems: list[Problem] = []

    def at(path: tuple[str | int, ...], message: str) -> None:
        line, col = loaded.locate(path) if loaded is not None else (1, 1)
        problems.append(Problem(name, line, col, ".".join(map(str, path)), message))

    fact_ids = [f.id for f in scenario.hidden_facts]
    for kind, ids in (
        ("hidden_facts", fact_ids),
        ("objections", [o.id for o in scenario.objections]),
    ):
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                at((kind, index, "id"), f"duplicate id '{item_id}' in {kind}")
            seen.add(item_id)
    known = set(fact_ids)
    for index, objection in enumerate(scenario.objections):
        for ref_index, ref in enumerate(objection.trigger.while_hidden):
            if ref not in known:
                at(
                    ("objections", index, "trigger", "while_hidden", ref_index),
                    f"unknown hidden fact '{ref}' (known: {', '.join(fact_ids)})",
                )
        if objection.trigger.when == "phrase" and not objection.trigger.examples:
            at(("objections", index, "trigger"), "a 'phrase' trigger needs 'examples'")
    for index, ref in enumerate(scenario.ending.required_facts):
        if ref not in known:
            at(("ending", "required_facts", index), f"unknown hidden fact '{ref}'")
    if scenario.ending.success_facts > len(fact_ids):
        at(
            ("ending", "success_facts"),
            f"asks for {scenario.ending.success_facts} facts but the scenario has {len(fact_ids)}",
        )
    return problems


def load_scenario(path: Path) -> Scenario:
    """Read and validate one scenario file, including its cross-references.

    Raises:
        InvalidFileError: with every problem found, each located in the file.
    """
    scenario: Scenario = load_model(Path(path), Scenario)
    problems = check_scenario(scenario)
    if problems:
        raise InvalidFileError(problems)
    return scenario


def load_scenarios(paths: Iterable[Path]) -> tuple[list[Scenario], list[Problem]]:
    """Load every scenario it can; return the good ones and the problems of the rest.

    Directories are expanded to their YAML files. Ids must be unique across files.
    """
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        files = list(iter_yaml_files(path)) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 1, 1, "", "directory holds no scenario files"))
        for file in files:
            try:
                scenarios.append(load_scenario(file))
            except InvalidFileError as exc:
                problems.extend(exc.problems)
    seen: dict[str, Scenario] = {}
    unique: list[Scenario] = []
    for scenario in scenarios:
        first = seen.get(scenario.id)
        if first is not None:
            loaded = scenario._source
            line, col = loaded.locate(("id",)) if loaded is not None else (1, 1)
            problems.append(
                Problem(
                    str(scenario.source_path),
                    line,
                    col,
                    "id",
                    f"duplicate scenario id '{scenario.id}' (also in {first.source_path})",
                )
            )
            continue
        seen[scenario.id] = scenario
        unique.append(scenario)
    return unique, problems

"""Scenario files: who the buyer is, what they keep to themselves, and what a pitch provokes.

A scenario is written by an enablement author in YAML (`scenarios/*.yaml`) and decides what
the buyer knows and reveals; the language model only voices it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from roleplay.errors import InvalidFileError, Problem
from roleplay.model_base import StrictModel
from roleplay.topics import TOPIC_PROTOTYPES, Topic
from roleplay.yamlio import LoadedYaml, PathKey, iter_yaml_files, load_model

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


FactLayer = Literal["surface", "earned", "trusted"]
"""How deep a fact sits: `surface` facts answer any sincere question about the buyer's
priorities or problem; `earned` facts answer a question on their topic or a follow-up on the
thread that leads to them; `trusted` facts also need the trust a rep builds by listening and
staying on the buyer's problem."""


class HiddenFact(StrictModel):
    """A pressure or piece of context the buyer keeps to themselves until it is earned."""

    id: Identifier
    """Unique id within the scenario, used in transcripts (`revealed`) and triggers."""
    summary: Line
    """What the fact is, for the author and the debrief. Never shown to the model unearned."""
    lines: list[Line] = Field(min_length=1)
    """What the buyer says once the fact is earned; one of these is said as written."""
    layer: FactLayer | None = None
    """`surface`, `earned` or `trusted` (default: `trusted` if `needs_trust`, else `earned`)."""
    topics: list[Topic] = Field(default_factory=list)
    """What a question must be about to earn the fact: priorities, situation, problem, cause,
    impact, people, tried, decision, urgency, personal, outcome (default: read from the
    summary and `earned_by`)."""
    leads_to: list[Identifier] = Field(default_factory=list)
    """Facts a follow-up on this one earns ("What's behind that?", "What does that cost?"),
    once this fact is out: the thread of the conversation."""
    earned_by: list[Line] = Field(default_factory=list)
    """Optional example questions that earn the fact, beside its topics (any wording that asks
    about the same thing works; these help when the topic alone is ambiguous)."""
    needs_trust: bool = False
    """Older files: true is the same as `layer: trusted`."""
    better_question: Line | None = None
    """A question to suggest in the debrief when the fact was missed (default: the first
    `earned_by` example, else one built from the fact's topic)."""

    @property
    def depth(self) -> FactLayer:
        """The fact's layer, with older files' `needs_trust` read as `trusted`."""
        if self.layer is not None:
            return self.layer
        return "trusted" if self.needs_trust else "earned"

    @property
    def trusted(self) -> bool:
        """Whether the fact is shared only once the rep has earned trust."""
        return self.depth == "trusted"

    def suggested_question(self) -> str:
        """The question the debrief suggests when the fact was missed."""
        if self.better_question:
            return self.better_question
        if self.earned_by:
            return self.earned_by[0]
        topic = self.topics[0] if self.topics else Topic.PROBLEM
        return TOPIC_PROTOTYPES[topic][0]


class ContextLine(StrictModel):
    """Something the buyer says freely to an ordinary question: the public layer."""

    topics: list[Topic] = Field(min_length=1)
    """What a question must be about to get this answer."""
    line: Line
    """What the buyer says, as written (how the team is organised, who is involved, the
    process); nothing the rep should have to earn."""


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
    context: list[ContextLine] = Field(default_factory=list)
    """Public context: short, real answers to ordinary situation questions (how the team is
    organised, who is involved, the process), so those questions never meet a shrug."""
    small_talk_lines: list[Line] = Field(default_factory=list)
    """Replies to small talk and to a truly vague turn ("Go on.", "What angle?"); the buyer
    uses one at most once a call for a vague turn."""
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
    """Problems a schema cannot see in a scenario already built: see `reference_problems`."""
    loaded = scenario._source
    if loaded is None:
        return reference_problems(scenario.model_dump(mode="json"), scenario.id, lambda _: (1, 1))
    return reference_problems(loaded.data, str(loaded.path), loaded.locate)


def _mappings(value: object) -> list[tuple[int, dict[str, Any]]]:
    """The (index, item) pairs of a list's mapping items; nothing for anything else."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _names(value: object) -> list[tuple[int, str]]:
    """The (index, text) pairs of a list's text items; nothing for anything else."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, str)]


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def reference_problems(
    data: object, name: str, locate: Callable[[PathKey], tuple[int, int]]
) -> list[Problem]:
    """Problems a schema cannot see: duplicate ids, references to unknown hidden facts (with a
    did-you-mean), and a required fact the call is too short to earn.

    Reads the scenario's raw data, so it runs beside the schema check and a file with both
    kinds of mistake gets all of them in one report; parts the schema rejects are skipped.
    """
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []

    def at(path: PathKey, message: str) -> None:
        line, col = locate(path)
        problems.append(Problem(name, line, col, ".".join(map(str, path)), message))

    facts = _mappings(data.get("hidden_facts"))
    objections = _mappings(data.get("objections"))
    fact_ids = [fact["id"] for _, fact in facts if isinstance(fact.get("id"), str)]
    for kind, items in (("hidden_facts", facts), ("objections", objections)):
        seen: set[str] = set()
        for index, item in items:
            item_id = item.get("id")
            if isinstance(item_id, str) and item_id in seen:
                at((kind, index, "id"), f"duplicate id '{item_id}' in {kind}")
            if isinstance(item_id, str):
                seen.add(item_id)
    known = set(fact_ids)

    def check_ref(path: PathKey, ref: str, own_id: object = None) -> None:
        if ref not in known:
            at(path, _unknown_fact(ref, fact_ids))
        elif ref == own_id:
            at(path, "a fact cannot lead to itself")

    for index, objection in objections:
        trigger = _section(objection, "trigger")
        for ref_index, ref in _names(trigger.get("while_hidden")):
            check_ref(("objections", index, "trigger", "while_hidden", ref_index), ref)
        if trigger.get("when") == "phrase" and not trigger.get("examples"):
            at(("objections", index, "trigger"), "a 'phrase' trigger needs 'examples'")
    ending = _section(data, "ending")
    required = _names(ending.get("required_facts"))
    for ref_index, ref in required:
        check_ref(("ending", "required_facts", ref_index), ref)
    for index, fact in facts:
        for ref_index, ref in _names(fact.get("leads_to")):
            check_ref(("hidden_facts", index, "leads_to", ref_index), ref, fact.get("id"))
    success_facts = ending.get("success_facts")
    if type(success_facts) is int and success_facts > len(facts):
        at(
            ("ending", "success_facts"),
            f"asks for {success_facts} facts but the scenario has {len(facts)}",
        )
    trust = _section(data, "buyer").get(
        "trust_to_share", Buyer.model_fields["trust_to_share"].default
    )
    max_turns = ending.get("max_turns", Ending.model_fields["max_turns"].default)
    if type(trust) is int and type(max_turns) is int and trust >= max_turns:
        by_id = {fact.get("id"): fact for _, fact in facts}
        for ref_index, ref in required:
            fact = by_id.get(ref, {})
            if fact.get("layer") == "trusted" or (
                fact.get("needs_trust") is True and "layer" not in fact
            ):
                at(
                    ("ending", "required_facts", ref_index),
                    f"'{ref}' can never be earned: it is a trusted fact, the buyer needs "
                    f"{trust} turns of good listening (buyer.trust_to_share) before sharing it, "
                    f"and the call ends after {max_turns} turns (ending.max_turns)",
                )
    return problems


def _unknown_fact(ref: str, fact_ids: list[str]) -> str:
    """The message for a reference to a hidden fact that does not exist, with a guess."""
    close = difflib.get_close_matches(ref, fact_ids, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown hidden fact '{ref}'{hint} (known: {', '.join(fact_ids)})"


def _check_loaded(loaded: LoadedYaml, name: str) -> list[Problem]:
    return reference_problems(loaded.data, name, loaded.locate)


def load_scenario(path: Path) -> Scenario:
    """Read and validate one scenario file: its YAML, its schema and its cross-references,
    every problem reported at once.

    Raises:
        InvalidFileError: with every problem found, each located in the file.
    """
    scenario: Scenario = load_model(Path(path), Scenario, check=_check_loaded)
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

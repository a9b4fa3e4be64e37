"""How the director reads a rep's turn: what it does (pitch, close, price, small talk, a
question, an attempt to take the buyer out of role) and what it asks about (the discovery
topics, and the nearest hidden facts and public context lines, see `disclosure.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from roleplay import language
from roleplay.buyer.disclosure import Embedder, FactIndex, Match
from roleplay.buyer.text import content_words, overlap, split_sentences
from roleplay.scoring.features import extract_cues, small_talk_only
from roleplay.topics import Topic

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from roleplay.buyer.director.state import BuyerState
    from roleplay.scenario import Objection, Scenario
    from roleplay.transcript import Scores


OUT_OF_ROLE = re.compile(
    r"ignore (all |any |your |the |my )*(previous |prior |above |earlier )*"
    r"(instructions|prompts?|rules|directions|messages)"
    r"|disregard (all |your |the )*(instructions|rules|prompt)"
    r"|system prompt|your (instructions|prompt|programming|rules|script)"
    r"|hidden (facts?|information|info|details)|secret (facts?|information|info)"
    r"|(list|reveal|show|print|repeat|dump|output) (me )?(all |every )?(of )?(your|the) "
    r"(facts|secrets|prompt|instructions|context|scenario)"
    r"|(you are|you're|youre) (now |actually |really )?(the |a |an )?"
    r"(seller|salesperson|sales rep|rep|assistant|ai|a\.i\.|language model|chatbot|bot|llm|"
    r"chatgpt|gpt)\b"
    r"|(are you|you're just|you are just) (an? )?(ai|bot|chatbot|language model|llm|robot)\b"
    r"|pretend (to be|you are|you're)|act as (if|though|an?|the)|role[- ]?play"
    r"|jailbreak|developer mode|\bdan mode|stay out of character|break character"
    r"|scenario (file|yaml)|as an ai|<\|[a-z_]+\|>|\[/?inst\]",
    re.IGNORECASE,
)
"""Turns that try to talk the buyer out of its role rather than talk to it."""


def talks_price(text: str) -> bool:
    """Whether the rep's turn raises the seller's price, a discount or licence costs.

    A question about what the problem costs the buyer is discovery (see
    `roleplay.language.talks_price`, which owns the rule).
    """
    return bool(language.talks_price(text))


@dataclass(frozen=True)
class Reading:
    """What the director read in one rep turn."""

    matches: tuple[Match, ...]
    """Every hidden fact's match to the turn (what it asks about), best first."""
    context_matches: tuple[Match, ...]
    """Every public context line's match to the turn, best first."""
    topics: dict[Topic, float]
    """How much the turn asks about each discovery topic (0-1)."""
    pitch: bool
    """The turn talks product."""
    close: bool
    """The turn asks for a commitment, demo or next step."""
    price: bool
    """The turn raises price."""
    out_of_role: bool
    """The turn tries to take the buyer out of role."""
    context_seeking: float
    """The scorer's context-seeking score of the turn."""
    listening: float
    """The scorer's listening score."""
    problem_focus: float
    """The scorer's problem-focus score."""
    text: str = ""
    """The turn as read."""
    question: bool = False
    """The turn asks something of the buyer (a question or an invitation to talk)."""
    vague: bool = False
    """The turn carries no topic of its own ("Go on.", "Tell me more.", "Why?")."""
    small_talk: bool = False
    """The turn is small talk (weather, travel, the weekend)."""

    @property
    def selling(self) -> bool:
        """Whether the turn pitches, closes or talks price."""
        return self.pitch or self.close or self.price

    @property
    def discovery(self) -> bool:
        """Whether the turn is a sincere question about the buyer's world: it asks, is not
        vague, and the scorer reads it as context-seeking, or it names a discovery topic, or
        it asks squarely about one of the buyer's facts."""
        return (
            not self.selling
            and not self.small_talk
            and self.question
            and not self.vague
            and (
                self.context_seeking >= TurnReader.DISCOVERY_CONTEXT
                or max(self.topics.values(), default=0.0) >= 0.5
                or (bool(self.matches) and self.matches[0].score >= TurnReader.EARN)
            )
        )

    @property
    def probe(self) -> bool:
        """Whether the turn is a short invitation to go on ("Go on.", "Why?", "Tell me more.")."""
        return (
            self.vague
            and len(self.text.split()) <= 4
            and self.context_seeking >= TurnReader.DISCOVERY_CONTEXT
        )


class TurnReader:
    """Reads each rep turn of one scenario for the director: the turn's own words (through
    `roleplay.language.read_turn`, with the scenario's vocabulary), the scorer's scores, and
    how closely it asks about each hidden fact, public context line and objection example.

    Args:
        scenario: The scenario being played.
        embedder: Embeds texts (the turn scorer); None falls back to keywords and word overlap.
    """

    EARN = 0.45
    """The match (`disclosure.Match.score`) at which a question earns the fact it asks about."""
    DISCOVERY_CONTEXT = 0.40
    """The scorer's context-seeking score from which a turn counts as a sincere question."""
    PROBLEM_FOCUS_PITCH = 0.45
    """Below this problem-focus score, product words in a turn count as a pitch."""

    def __init__(self, scenario: Scenario, embedder: Embedder | None = None):
        self.scenario = scenario
        self.embedder = embedder
        self._objection_examples: dict[str, NDArray[np.float32]] = {}
        self._vocabulary = language.vocabulary_for(scenario)
        """The scenario's product and buyer words, read once for every turn."""
        self.index = FactIndex(scenario, embedder)
        """The facts and public context, ready to match against turns."""
        if embedder is not None:
            texts: list[str] = []
            spans: list[tuple[str, int, int]] = []
            for objection in scenario.objections:
                if objection.trigger.examples:
                    start = len(texts)
                    texts.extend(objection.trigger.examples)
                    spans.append((objection.id, start, len(texts)))
            if texts:
                rows = np.asarray(embedder.embed(texts), dtype=np.float32)
                for item_id, start, end in spans:
                    self._objection_examples[item_id] = rows[start:end]

    def read(self, text: str, scores: Scores | None, state: BuyerState | None = None) -> Reading:
        """What the turn does (pitch, close, price, out-of-role, a question) and asks about."""
        turn = language.read_turn(text, self._vocabulary)
        pitch, close, price = self._selling(text, scores, turn)
        pieces = [text, *(s for s in split_sentences(text) if s != text)]
        rows = self.index.embed(pieces)
        topics = self.index.reader.read(pieces, rows)
        thread = state.thread if state is not None else []
        context_seeking = scores.context_seeking if scores is not None else 0.0
        question = turn.question or context_seeking >= self.DISCOVERY_CONTEXT
        vague = max(topics.values()) < 0.5 and len(content_words(text)) <= 1
        # Small talk that touches none of the buyer's concerns: the scorer's rule, which needs
        # the cues only when the reading found small talk at all.
        small_talk = bool(turn.small_talk) and not question and small_talk_only(extract_cues(text))
        return Reading(
            matches=tuple(self.index.facts(pieces, rows, topics, thread)),
            context_matches=tuple(m for m, _ in self.index.context(pieces, rows, topics)),
            topics=topics,
            pitch=pitch,
            close=close,
            price=price,
            out_of_role=bool(OUT_OF_ROLE.search(text)),
            context_seeking=context_seeking,
            listening=scores.listening if scores is not None else 0.0,
            problem_focus=scores.problem_focus if scores is not None else 0.5,
            text=text,
            question=question,
            vague=vague,
            small_talk=small_talk,
        )

    def _selling(
        self, text: str, scores: Scores | None, turn: language.TurnReading
    ) -> tuple[bool, bool, bool]:
        """Whether the turn pitches, closes, and talks price.

        From the one reading of a turn the scorer shares (`roleplay.language.read_turn`), with
        the scenario's vocabulary: its `buyer_terms` are never selling, its `seller_terms` are.
        """
        term_hits = len(turn.product_terms)
        # A bare "our" ("our meeting") centres nothing; any other vendor phrase does.
        vendor = any(p != "our" for p in turn.vendor_phrases)
        problem_focus = scores.problem_focus if scores is not None else 0.5
        low_focus = problem_focus < self.PROBLEM_FOCUS_PITCH
        # Pitch words in a question ("how do your customers...") ask about the buyer's world;
        # in a statement that is not about the buyer's problem, they sell.
        statement = "?" not in text
        pitch = (
            bool(turn.product_named)
            or bool(turn.product_claims)  # "Ledgerly automates ..." with no we/our
            # Told, not asked: "one of our customers cut their close ...", "most firms like
            # yours lose millions ..." (a question about the buyer's own pain is discovery).
            or bool(turn.pain_told)
            or bool(turn.leading)  # "wouldn't it be great if ...?"
            or (vendor and (term_hits > 0 or low_focus))
            or (statement and low_focus and (term_hits >= 2 or bool(turn.pitch_words)))
        )
        close = bool(turn.money_ask) or bool(turn.close_ask)
        return pitch, close, bool(turn.price)

    def phrase_similarity(self, text: str, objection: Objection) -> float:
        """How close the turn comes to one of the objection's example phrases (0-1)."""
        examples = objection.trigger.examples
        if not examples:
            return 0.0
        if self.embedder is None or objection.id not in self._objection_examples:
            return max(overlap(text, example) for example in examples)
        row = np.asarray(self.embedder.embed([text]), dtype=np.float32)[0]
        return float(np.max(self._objection_examples[objection.id] @ row))

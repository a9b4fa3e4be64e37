"""What a rep's turn asks about, and which of the buyer's facts answer it.

The director used to earn a fact by the turn's similarity to the author's example questions,
so a rep who guessed the author's wording was rewarded and one who asked the same thing in
their own words met a shrug. Here a turn is read the way an executive hears it:

- which discovery topics it asks about (priorities, cause, impact, people, what was tried, ...),
  by meaning against `roleplay.topics` prototypes written in many voices, and by keywords;
- how close it comes to each fact's own content (its summary and lines, and any `earned_by`
  examples), so "are the cells breaking down?" finds the downtime fact without its wording;
- whether it follows the thread: a follow-up on what the buyer just said earns the facts that
  fact `leads_to`.

Every number here was chosen on the development scripts (`scenarios/scripts/blind/dev/`),
never on the scripts the fidelity figures report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from roleplay.buyer.text import content_words, overlap
from roleplay.topics import TOPIC_PROTOTYPES, Topic, keyword_topics

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from roleplay.scenario import ContextLine, HiddenFact, Scenario


class Embedder(Protocol):
    """Anything that embeds texts as L2-normalised rows (the turn scorer does)."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit-length row per text."""
        ...


TOPIC_FLOOR = 0.30
"""Cosine to a topic's prototypes below which the turn is not about the topic at all."""
TOPIC_SPAN = 0.40
"""Cosine above `TOPIC_FLOOR` at which the turn is fully about the topic (score 1.0)."""
KEYWORD_TOPIC = 0.55
"""The topic score a keyword alone gives (a turn naming 'cost' is about impact)."""
CONTENT_FLOOR = 0.20
"""Cosine to a fact's own text below which the turn says nothing about its content."""
CONTENT_SPAN = 0.40
"""Cosine above `CONTENT_FLOOR` at which the turn is squarely on the fact's content."""
TOPIC_WEIGHT = 0.5
"""How much the topic counts in a fact's match, against its content (the rest)."""
THREAD_BONUS = 0.15
"""Added to the match of a fact the last fact leads to, for a turn that follows it up."""
SURFACE_BONUS = 0.15
"""Added to a surface fact's match for a turn about the buyer's priorities or problem."""


@dataclass(frozen=True)
class Match:
    """How well one rep turn asks for one fact (or one line of public context)."""

    item_id: str
    """The fact's id, or `context:N` for the N-th public context line."""
    score: float
    """The match used for ranking, 0 to about 1.5."""
    topic: float
    """How much the turn is about one of the item's topics (0-1)."""
    content: float
    """How close the turn comes to the item's own content (0-1)."""
    thread: bool
    """Whether the item is on the thread from the fact the buyer just shared."""


def _scale(value: float, floor: float, span: float) -> float:
    return float(min(1.0, max(0.0, (value - floor) / span)))


class TurnTopics:
    """Reads which discovery topics a turn asks about."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder
        self._topics = list(TOPIC_PROTOTYPES)
        self._prototypes: NDArray[np.float32] | None = None
        self._owner: list[int] = []
        if embedder is not None:
            texts: list[str] = []
            for index, topic in enumerate(self._topics):
                texts.extend(TOPIC_PROTOTYPES[topic])
                self._owner.extend([index] * len(TOPIC_PROTOTYPES[topic]))
            self._prototypes = np.asarray(embedder.embed(texts), dtype=np.float32)

    def read(self, pieces: Sequence[str], rows: NDArray[np.float32] | None) -> dict[Topic, float]:
        """Per topic, how much the turn (any of its pieces) asks about it (0-1)."""
        scores = {topic: 0.0 for topic in self._topics}
        for piece in pieces:
            for topic, hit in keyword_topics(piece).items():
                scores[topic] = max(scores[topic], hit * KEYWORD_TOPIC)
        if rows is not None and self._prototypes is not None:
            sims = self._prototypes @ rows.T  # prototypes x pieces
            best = sims.max(axis=1)
            for row_index, owner in enumerate(self._owner):
                topic = self._topics[owner]
                scores[topic] = max(
                    scores[topic], _scale(float(best[row_index]), TOPIC_FLOOR, TOPIC_SPAN)
                )
        return scores


class FactIndex:
    """The scenario's facts and public context, ready to be matched against rep turns.

    Args:
        scenario: The scenario being played.
        embedder: Embeds texts; None matches by topic keywords and word overlap only.
    """

    def __init__(self, scenario: Scenario, embedder: Embedder | None) -> None:
        self.scenario = scenario
        self.embedder = embedder
        self.reader = TurnTopics(embedder)
        self.fact_topics: dict[str, set[Topic]] = {
            fact.id: set(fact.topics) or self._inferred_topics(fact)
            for fact in scenario.hidden_facts
        }
        self._texts: dict[str, list[str]] = {
            fact.id: [*fact.earned_by, fact.summary, *fact.lines] for fact in scenario.hidden_facts
        }
        for index, context in enumerate(scenario.context):
            self._texts[f"context:{index}"] = [context.line]
        self._words = {item: content_words(" ".join(texts)) for item, texts in self._texts.items()}
        spread: dict[str, int] = {}
        for words in self._words.values():
            for word in words:
                spread[word] = spread.get(word, 0) + 1
        self._distinct = {
            item: {w for w in words if spread[w] <= 2} for item, words in self._words.items()
        }
        """Per item, its words that at most one other item uses: naming one is specific."""
        self._rows: dict[str, NDArray[np.float32]] = {}
        if embedder is not None:
            flat = [text for texts in self._texts.values() for text in texts]
            rows = np.asarray(embedder.embed(flat), dtype=np.float32) if flat else None
            start = 0
            for item_id, texts in self._texts.items():
                if rows is not None:
                    self._rows[item_id] = rows[start : start + len(texts)]
                start += len(texts)

    def context_line(self, item_id: str) -> str:
        """The public context line a `context:N` match is about."""
        return self.scenario.context[int(item_id.removeprefix("context:"))].line

    def _inferred_topics(self, fact: HiddenFact) -> set[Topic]:
        """Topics of a fact whose file names none: those its examples and summary ask about."""
        texts = [*fact.earned_by, fact.summary]
        rows = (
            np.asarray(self.embedder.embed(texts), dtype=np.float32)
            if self.embedder is not None
            else None
        )
        found: set[Topic] = set()
        for index, text in enumerate(texts):
            scores = self.reader.read([text], rows[index : index + 1] if rows is not None else None)
            top = max(scores.values())
            if top > 0:
                found.update(t for t, s in scores.items() if s >= top - 0.05)
        return found or {Topic.PROBLEM}

    def embed(self, pieces: Sequence[str]) -> NDArray[np.float32] | None:
        """The pieces' embeddings (None without an embedder)."""
        if self.embedder is None:
            return None
        return np.asarray(self.embedder.embed(list(pieces)), dtype=np.float32)

    def match(
        self,
        item_id: str,
        topics: set[Topic],
        turn_topics: dict[Topic, float],
        pieces: Sequence[str],
        rows: NDArray[np.float32] | None,
        *,
        thread: bool = False,
        surface: bool = False,
    ) -> Match:
        """How well the turn asks for one item."""
        topic = max((turn_topics.get(t, 0.0) for t in topics), default=0.0)
        if rows is not None and item_id in self._rows:
            cosine = float(np.max(self._rows[item_id] @ rows.T))
            content = _scale(cosine, CONTENT_FLOOR, CONTENT_SPAN)
        else:
            texts = self._texts[item_id]
            content = min(1.0, 2 * max(overlap(p, t) for p in pieces for t in texts))
        # Words of the item's own content named in the turn (the lender, the cells) count.
        named = self._distinct[item_id] & content_words(" ".join(pieces))
        if named:
            content = max(content, min(1.0, 0.35 + 0.15 * len(named)))
        score = TOPIC_WEIGHT * topic + (1 - TOPIC_WEIGHT) * content
        if thread:
            score += THREAD_BONUS
        if surface and max(turn_topics[Topic.PRIORITIES], turn_topics[Topic.PROBLEM]) >= 0.5:
            score += SURFACE_BONUS
        return Match(item_id, score, topic, content, thread)

    def facts(
        self,
        pieces: Sequence[str],
        rows: NDArray[np.float32] | None,
        turn_topics: dict[Topic, float],
        thread: Sequence[str],
    ) -> list[Match]:
        """Every fact's match, best first."""
        matches = [
            self.match(
                fact.id,
                self.fact_topics[fact.id],
                turn_topics,
                pieces,
                rows,
                thread=fact.id in thread,
                surface=fact.depth == "surface",
            )
            for fact in self.scenario.hidden_facts
        ]
        return sorted(matches, key=lambda m: -m.score)

    def context(
        self,
        pieces: Sequence[str],
        rows: NDArray[np.float32] | None,
        turn_topics: dict[Topic, float],
    ) -> list[tuple[Match, ContextLine]]:
        """Every public context line's match, best first."""
        found = [
            (
                self.match(f"context:{index}", set(line.topics), turn_topics, pieces, rows),
                line,
            )
            for index, line in enumerate(self.scenario.context)
        ]
        return sorted(found, key=lambda item: -item[0].score)

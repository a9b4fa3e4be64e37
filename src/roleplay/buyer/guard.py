"""The guard: every model reply is checked before a rep sees it.

A reply must stay in character (no "as an AI", no assistant talk), never speak as the rep or
seller, carry no chat-template tokens, keep to three sentences, not repeat an earlier reply,
carry the beat (an earned fact's content, an objection's point) and reveal no unearned fact.
The session regenerates a failed reply once, then uses the scenario's authored line.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from roleplay.buyer.figures import unsupported
from roleplay.buyer.text import (
    content_words,
    normal_words,
    numbers,
    overlap,
    part_of,
    split_sentences,
)
from roleplay.language import SELLER_TALK

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from roleplay.buyer.director import Beat, BuyerDirector
    from roleplay.buyer.disclosure import Embedder

log = logging.getLogger("roleplay.buyer.guard")

MAX_SENTENCES = 3
"""The most sentences a buyer reply may have."""

TEMPLATE_TOKENS = re.compile(
    r"<\|[^|>]*\|>|<\/?s>|\[/?INST\]|<<\/?SYS>>|</?(start_of_turn|end_of_turn)>|\bim_(start|end)\b",
    re.IGNORECASE,
)
"""Chat-template markers that must never reach a rep."""

OUT_OF_CHARACTER = re.compile(
    r"\bas an ai\b|\b(ai|language) model\b|\bI('m| am) (just )?(an? )?(ai|artificial|assistant|"
    r"chatbot|bot|virtual|computer program)\b|\bopenai\b|\bchatgpt\b|\bsmollm\b|hugging ?face|"
    r"\bmy (instructions|programming|system prompt|training data|prompt)\b|\bhidden facts?\b|"
    r"\bthe scenario\b|\brole[- ]?play|\bin character\b|\bhow (can|may) I (help|assist)\b|"
    r"\bI'?m here to help\b|\bhappy to help\b|\bassist you\b|\bis there anything else\b|"
    r"\bI (cannot|can't|can not) (provide|share|disclose|reveal) (that|this|information)\b|"
    r"\bsure[,!]? here('s| is)\b|\bcertainly[,!] here\b|\bthe rep\b|\byour line\b|"
    r"\bin your own words\b|\banswer as\b|^\s*\(|(^|\n)\s*\d+[.)](\s|$)|\bI'?m sorry, (sir|ma'am)\b"
    r"|\((laughs?|pauses?|sighs?|smiles?|chuckles?|nods?|shrugs?|leans[^)]*|grins?|frowns?)\)",
    re.IGNORECASE,
)
"""Assistant or AI talk: a buyer never says these."""

SPEAKER_LABEL = re.compile(
    r"(^|\n)\s*[\[(*]*\s*(rep|sales ?rep|salesperson|seller|assistant|user|system|buyer|"
    r"customer|me|you|ai|narrator)\s*[\])*]*\s*:",
    re.IGNORECASE,
)
"""A line that starts with a speaker's name: the model is writing a script, not replying."""


@dataclass(frozen=True)
class Verdict:
    """The guard's judgement of a reply or a sentence."""

    ok: bool
    """Whether it passed."""
    reason: str = "ok"
    """Why not: `empty`, `template_tokens`, `out_of_character`, `role_leak`, `echo`,
    `off_topic`, `too_long`, `repeat`, `off_beat`, `unearned_fact` or `invented_figure`."""

    @classmethod
    def fail(cls, reason: str) -> Verdict:
        """A failing verdict."""
        return cls(False, reason)


PASS = Verdict(True)


class BuyerGuard:
    """Checks buyer replies against the character, the beat and what the rep has earned.

    Args:
        director: The director of the conversation (knows the scenario and the facts).
        embedder: Embeds texts for similarity checks; None uses word overlap only.
    """

    ON_BEAT_SIMILARITY = 0.55
    """A reply this similar to the beat's authored line carries the beat."""
    ON_BEAT_OVERLAP = 0.40
    """Or: this share of the authored line's content words appear in the reply."""
    LEAK_SIMILARITY = 0.72
    """A sentence this similar to an unearned fact's line reveals it."""
    REPEAT_SIMILARITY = 0.93
    """A reply this similar to an earlier buyer reply is a repeat."""
    RELEVANCE = 0.50
    """A sentence of the model's own must be this similar to something the buyer could say in
    this scenario (the beat, earned facts, objections, small talk, priorities, endings);
    below it, the model has wandered off (measured on embedded-model transcripts: most
    sentences under 0.5 were non-sequiturs, lists or invented stories)."""
    ECHO_OVERLAP = 0.75
    """A sentence using this share of the content words of a sentence of the rep's turn
    says the rep's words back: the model is speaking the rep's part."""

    def __init__(self, director: BuyerDirector, embedder: Embedder | None = None) -> None:
        self.director = director
        self.scenario = director.scenario
        self.embedder = embedder
        self._cache: dict[str, NDArray[np.float32]] = {}
        self._worlds: dict[tuple[str, ...], list[str]] = {}
        self._known: dict[tuple[str, ...], str] = {}
        self.outcomes: Counter[str] = Counter()
        """How replies ended: `first_try`, `regenerated`, `authored`, `truncated`, plus
        `fail:<reason>` for every failed check and `cut:<reason>` for every reply cut short."""

    # -- checks --------------------------------------------------------------------------

    def check_sentence(self, sentence: str, uncovered: Sequence[str]) -> Verdict:
        """Checks that need only one sentence: character, role, template tokens, leaks."""
        if TEMPLATE_TOKENS.search(sentence):
            return Verdict.fail("template_tokens")
        if OUT_OF_CHARACTER.search(sentence):
            return Verdict.fail("out_of_character")
        if (
            SPEAKER_LABEL.search(sentence)
            or self._speaks_as_seller(sentence)
            or self._addresses_self(sentence)
        ):
            return Verdict.fail("role_leak")
        if self._reveals_unearned(sentence, uncovered):
            return Verdict.fail("unearned_fact")
        return PASS

    def on_beat(self, text: str, beat: Beat) -> bool:
        """Whether the reply carries the beat: the fact or objection it must voice."""
        if beat.kind == "reveal":
            references = list(self.scenario.fact(beat.revealed[0]).lines)
        elif beat.kind == "elaborate":
            references = [beat.anchor]
        elif beat.kind == "objection":
            references = list(self.scenario.objection(beat.objections[0]).lines)
        else:
            return True
        references.append(beat.anchor)
        references += [s for ref in references for s in split_sentences(ref)]
        if max(overlap(text, ref) for ref in references) >= self.ON_BEAT_OVERLAP:
            return True
        return self._similarity(text, references) >= self.ON_BEAT_SIMILARITY

    def is_repeat(self, text: str, earlier: Sequence[str]) -> bool:
        """Whether the reply says again what an earlier buyer reply said."""
        if not earlier:
            return False
        normal = normal_words(text)
        if any(normal == normal_words(e) for e in earlier):
            return True
        if any(overlap(text, e) >= 0.9 and overlap(e, text) >= 0.9 for e in earlier if e.strip()):
            return True
        return self._similarity(text, earlier) >= self.REPEAT_SIMILARITY

    def relevant(self, sentence: str, beat: Beat, uncovered: Sequence[str]) -> bool:
        """Whether the sentence stays in the scenario's world (always, without an embedder)."""
        if self.embedder is None:
            return True
        references = [*self._world(tuple(uncovered)), *split_sentences(beat.anchor)]
        return self._similarity(sentence, references) >= self.RELEVANCE

    def _world(self, uncovered: tuple[str, ...]) -> list[str]:
        """Sentences the buyer may say once `uncovered` facts are earned."""
        from roleplay.buyer.director.decision import (
            DEFLECT_LINES,
            GUARDED_LINES,
            NEUTRAL_LINES,
            PITCHED_LINES,
        )

        cached = self._worlds.get(uncovered)
        if cached is None:
            lines = [
                *self._lines(uncovered),
                *DEFLECT_LINES,
                *GUARDED_LINES,
                *PITCHED_LINES,
                *NEUTRAL_LINES,
            ]
            cached = [piece for line in lines for piece in split_sentences(line)]
            self._worlds[uncovered] = cached
        return cached

    def invents(self, sentence: str, beat: Beat, uncovered: Sequence[str]) -> bool:
        """Whether a sentence of the model's own names a figure or a name the buyer cannot
        know yet: one not in the persona, the briefing, the public context, the beat or the
        facts earned so far."""
        return bool(unsupported(sentence, self.known_text(uncovered) + " " + beat.anchor))

    def _lines(self, uncovered: Sequence[str]) -> list[str]:
        """The scenario's lines the buyer may say once `uncovered` facts are earned."""
        scenario = self.scenario
        ending = scenario.ending
        return [
            scenario.opening_line,
            *scenario.buyer.priorities,
            *scenario.small_talk_lines,
            *(line for objection in scenario.objections for line in objection.lines),
            *(
                line
                for fact in scenario.hidden_facts
                if fact.id in uncovered
                for line in fact.lines
            ),
            ending.turn_limit_line,
            ending.out_of_patience_line,
            ending.success_line or "",
        ]

    def known_text(self, uncovered: Sequence[str]) -> str:
        """Everything the buyer may mention once `uncovered` facts are earned."""
        key = tuple(uncovered)
        cached = self._known.get(key)
        if cached is None:
            scenario = self.scenario
            cached = " ".join(
                [
                    self.director.persona_prompt(uncovered),
                    scenario.briefing,
                    scenario.product.name,
                    scenario.product.vendor,
                    *(context.line for context in scenario.context),
                    *self._lines(uncovered),
                ]
            )
            self._known[key] = cached
        return cached

    def echoes(self, sentence: str, rep_turn: str) -> bool:
        """Whether the sentence says back the rep's own words (a small model's habit)."""
        for said in split_sentences(rep_turn):
            wanted = content_words(said)
            if len(wanted) >= 3 and overlap(sentence, said) >= self.ECHO_OVERLAP:
                return True
        return False

    def repeats_sentence(self, sentence: str, earlier: Sequence[str]) -> bool:
        """Whether one sentence says again a sentence of an earlier buyer reply."""
        if len(content_words(sentence)) < 3:
            return False
        pieces = [s for e in earlier for s in split_sentences(e)]
        return any(
            overlap(sentence, p) >= 0.8 and overlap(p, sentence) >= 0.8 for p in pieces
        ) or self.is_repeat(sentence, pieces)

    def check(
        self, text: str, beat: Beat, earlier: Sequence[str], uncovered: Sequence[str]
    ) -> Verdict:
        """Every check on a whole reply.

        Args:
            text: The reply.
            beat: The beat it should voice.
            earlier: The buyer's earlier replies in the conversation.
            uncovered: Facts the rep has earned, including any this beat reveals.
        """
        if not text.strip():
            return Verdict.fail("empty")
        sentences = split_sentences(text)
        for sentence in sentences:
            verdict = self.check_sentence(sentence, uncovered)
            if not verdict.ok:
                return verdict
        if len(sentences) > MAX_SENTENCES:
            return Verdict.fail("too_long")
        if self.is_repeat(text, earlier) and not part_of(text, beat.anchor):
            return Verdict.fail("repeat")  # (saying the authored line again is the director's call)
        if not self.on_beat(text, beat):
            return Verdict.fail("off_beat")
        return PASS

    # -- bookkeeping ---------------------------------------------------------------------

    def record(self, outcome: str, reason: str | None = None) -> None:
        """Count and log how a reply ended (and why a check failed)."""
        if reason is not None:
            self.outcomes[f"fail:{reason}"] += 1
            log.info("buyer reply failed the guard: %s (%s)", reason, outcome)
        else:
            self.outcomes[outcome] += 1
            log.debug("buyer reply: %s", outcome)

    # -- helpers -------------------------------------------------------------------------

    def _addresses_self(self, sentence: str) -> bool:
        """The reply talks to the buyer by name, as the rep would ("Dana, I'm glad...")."""
        buyer = self.scenario.buyer.name
        names = {buyer.split()[0], buyer.split()[-1], buyer}
        return any(
            re.match(
                rf"\s*(hi|hello|thanks|thank you|well|so|yes|no|sorry)?,?\s*{re.escape(n)}\b[,!.]",
                sentence,
                re.IGNORECASE,
            )
            for n in names
        )

    def _speaks_as_seller(self, sentence: str) -> bool:
        if SELLER_TALK.search(sentence):
            return True
        lowered = sentence.lower()
        product = self.scenario.product
        names = (product.name.lower(), product.vendor.lower())
        return (
            any(n in lowered for n in names)
            and bool(re.search(r"\b(we|our|us)\b", lowered))
            and not re.search(r"\b(your|you)\b", lowered)
        )

    def _reveals_unearned(self, sentence: str, uncovered: Sequence[str]) -> bool:
        lines = self.director.unearned_lines(uncovered)
        if not lines:
            return False
        known_numbers = numbers(
            " ".join(
                [
                    self.scenario.briefing,
                    self.scenario.buyer.company_size,
                    self.scenario.opening_line,
                ]
            )
        )
        for fact_id in uncovered:
            known_numbers |= numbers(" ".join(self.scenario.fact(fact_id).lines))
        hidden_numbers = numbers(" ".join(lines)) - known_numbers
        if numbers(sentence) & hidden_numbers:
            return True
        distinctive = self.director.distinctive_words(uncovered)
        if len(content_words(sentence) & distinctive) >= 2:
            return True
        return self._similarity(sentence, lines) >= self.LEAK_SIMILARITY

    def _similarity(self, text: str, references: Sequence[str]) -> float:
        if self.embedder is None or not references:
            return 0.0
        rows = self._embed([text, *references])
        return float(np.max(rows[1:] @ rows[0]))

    def _embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embeddings, each text embedded once per conversation (authored lines recur)."""
        assert self.embedder is not None
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            rows = np.asarray(self.embedder.embed(missing), dtype=np.float32)
            self._cache.update(zip(missing, rows, strict=True))
        return np.stack([self._cache[t] for t in texts])

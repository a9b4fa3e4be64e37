"""The director: the scenario decides what the buyer does each turn; the model only voices it.

For every rep turn the director reads the turn (its similarity to each hidden fact's
`earned_by` examples, its scores, whether it pitches, closes, talks price or tries to take the
buyer out of role), updates the buyer's patience and trust, and picks one beat: reveal an
earned fact, raise an objection, deflect, make small talk, or end the meeting. A beat carries
the scenario's authored line as an anchor; the model prompt holds only the persona, the facts
already earned and that beat, so a small model cannot leak what the rep has not earned.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from roleplay import language
from roleplay.buyer.base import ChatMessage, anchor_request
from roleplay.buyer.text import content_words, overlap, split_sentences

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from roleplay.scenario import HiddenFact, Objection, Scenario
    from roleplay.transcript import EndedBy, Scores, Transcript, Turn


class Embedder(Protocol):
    """Anything that embeds texts as L2-normalised rows (the turn scorer does)."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit-length row per text."""
        ...


BeatKind = Literal[
    "opening", "reveal", "elaborate", "objection", "deflect", "guarded", "small_talk", "end"
]

DEFLECT_LINES = (
    "I'm not sure what you're getting at. I have about twenty minutes, so what did you want "
    "to ask me?",
    "That's an odd thing to say in a meeting. Let's keep this about my business, shall we?",
    "I don't follow. If you have a question about how we work, ask it.",
)
"""In-character answers to a rep who tries to take the buyer out of role."""

GUARDED_LINES = (
    "That's a longer story, and I don't know you well enough yet to get into it.",
    "Maybe. Let's see where this conversation goes first.",
)
"""What a buyer says when a trust-gated fact is asked about too early."""

NEUTRAL_LINES = (
    "Go on.",
    "I'm not sure that's the question. What do you actually want to know?",
    "Fair enough. What else?",
)
"""Small talk when the scenario has no `small_talk_lines`."""

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


@dataclass
class BuyerState:
    """The buyer's mood and what the rep has earned so far."""

    patience: int
    """Premature pitches and closes the buyer will still sit through; 0 ends the meeting."""
    max_patience: int
    """The buyer's patience at the start."""
    trust: int
    """Turns of good listening so far (capped at 10); unlocks `needs_trust` facts."""
    uncovered: list[str] = field(default_factory=list)
    """Ids of the hidden facts revealed so far, in order."""
    turns_left: int = 12
    """Rep turns left before the turn limit."""
    raised: list[str] = field(default_factory=list)
    """Ids of the objections raised so far, in order (with repeats)."""


@dataclass(frozen=True)
class Reading:
    """What the director read in one rep turn."""

    fact_similarity: dict[str, float]
    """Per hidden fact, the best similarity of the turn to its `earned_by` examples."""
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


@dataclass(frozen=True)
class Beat:
    """What the buyer does in one reply."""

    kind: BeatKind
    """The kind of beat."""
    anchor: str
    """The scenario's authored line for this beat; the model voices it, the guard checks it."""
    instruction: str
    """What the buyer does now, in words for the model's prompt."""
    revealed: tuple[str, ...] = ()
    """Hidden facts this reply reveals."""
    objections: tuple[str, ...] = ()
    """Objections this reply raises."""
    voiced: bool = True
    """Whether a model voices the beat; False means the authored line is used as written."""
    closing: str | None = None
    """A closing line said after the beat, when the meeting ends with this reply."""
    ends: EndedBy | None = None
    """Why the meeting ends with this reply, if it does."""
    state: BuyerState | None = None
    """The buyer's state after this reply."""
    reading: Reading | None = None
    """What the director read in the rep's turn."""


class BuyerDirector:
    """Decides every beat of the buyer from the scenario, the rep's turn and its scores.

    Args:
        scenario: The scenario being played.
        embedder: Embeds texts (the turn scorer); None falls back to word overlap.
        seed: Seeds the choice among a beat's authored lines.
    """

    FACT_SIMILARITY = 0.50
    """A turn this similar to a fact's `earned_by` example earns it if it also seeks context."""
    FACT_SIMILARITY_ALONE = 0.66
    """A turn this similar earns the fact whatever its context-seeking score."""
    CONTEXT_SEEKING = 0.40
    """The context-seeking score that, with `FACT_SIMILARITY`, earns a fact."""
    CONTEXT_BONUS = 0.12
    """How much a turn's context-seeking score adds to its similarity when ranking facts."""
    PHRASE_SIMILARITY = 0.60
    """A turn this similar to an objection's examples fires it."""
    LISTENING_FOR_TRUST = 0.50
    """A listening score this high builds one point of trust."""
    ELABORATE_SIMILARITY = 0.30
    """A strong discovery turn (context-seeking at least `STRONG_CONTEXT`) this similar to a fact
    already shared earns more of it, rather than a shrug."""
    STRONG_CONTEXT = 0.70
    """The context-seeking score of a turn a busy executive would answer with substance."""
    PROBLEM_FOCUS_PITCH = 0.45
    """Below this problem-focus score, product words in a turn count as a pitch."""

    def __init__(
        self, scenario: Scenario, embedder: Embedder | None = None, seed: int | None = None
    ):
        self.scenario = scenario
        self.embedder = embedder
        self.seed = seed
        self._terms = [t.lower() for t in scenario.product_terms]
        self._said: set[str] = set()
        self._distinctive: dict[tuple[str, ...], set[str]] = {}
        self._fact_examples: dict[str, NDArray[np.float32]] = {}
        self._objection_examples: dict[str, NDArray[np.float32]] = {}
        if embedder is not None:
            texts: list[str] = []
            spans: list[tuple[str, str, int, int]] = []
            for fact in scenario.hidden_facts:
                spans.append(("fact", fact.id, len(texts), len(texts) + len(fact.earned_by)))
                texts.extend(fact.earned_by)
            for objection in scenario.objections:
                if objection.trigger.examples:
                    start = len(texts)
                    texts.extend(objection.trigger.examples)
                    spans.append(("objection", objection.id, start, len(texts)))
            rows = np.asarray(embedder.embed(texts), dtype=np.float32)
            for kind, item_id, start, end in spans:
                target = self._fact_examples if kind == "fact" else self._objection_examples
                target[item_id] = rows[start:end]

    # -- state ---------------------------------------------------------------------------

    def initial_state(self) -> BuyerState:
        """The buyer's state before the first rep turn."""
        patience = self.scenario.buyer.patience
        return BuyerState(patience, patience, 0, [], self.scenario.ending.max_turns, [])

    def state_from(self, transcript: Transcript) -> BuyerState:
        """Rebuild the state from a recorded conversation (for resume and branching)."""
        state = self.initial_state()
        rep_turns = 0
        for turn in transcript.turns:
            if turn.role == "rep":
                rep_turns += 1
                continue
            state.uncovered.extend(f for f in turn.revealed if f not in state.uncovered)
            state.raised.extend(turn.objections)
            if turn.patience is not None:
                state.patience = turn.patience
            if turn.trust is not None:
                state.trust = turn.trust
        if transcript.turns and transcript.turns[-1].role == "rep":
            rep_turns -= 1  # not answered yet: the reply will count it
        state.turns_left = max(0, self.scenario.ending.max_turns - rep_turns)
        return state

    # -- reading a turn ------------------------------------------------------------------

    def read(self, text: str, scores: Scores | None) -> Reading:
        """What the turn does: fact similarities, pitch, close, price, out-of-role.

        Pitch, close and price come from the one reading of a turn the scorer shares
        (`roleplay.language.read_turn`), with the scenario's vocabulary.
        """
        similarity = self._fact_similarity(text)
        turn = language.read_turn(text, language.vocabulary_for(self.scenario))
        term_hits = len(turn.product_terms)
        # A bare "our" ("our meeting") centres nothing; any other vendor phrase or pitch word does.
        selling = bool(turn.pitch_words) or any(p != "our" for p in turn.vendor_phrases)
        problem_focus = scores.problem_focus if scores is not None else 0.5
        low_focus = problem_focus < self.PROBLEM_FOCUS_PITCH
        pitch = (
            bool(turn.product_named)
            or (selling and (term_hits > 0 or low_focus))
            or (term_hits >= 2 and low_focus and "?" not in text)
        )
        return Reading(
            fact_similarity=similarity,
            pitch=pitch,
            close=bool(turn.close),
            price=bool(turn.price),
            out_of_role=bool(OUT_OF_ROLE.search(text)),
            context_seeking=scores.context_seeking if scores is not None else 0.0,
            listening=scores.listening if scores is not None else 0.0,
            problem_focus=problem_focus,
        )

    def _fact_similarity(self, text: str) -> dict[str, float]:
        """Per fact, the best similarity of the turn, or of any of its sentences, to the
        fact's examples (a reflection before a question should not dilute the question)."""
        pieces = [text, *(s for s in split_sentences(text) if s != text)]
        if self.embedder is None:
            return {
                fact.id: max(overlap(p, example) for p in pieces for example in fact.earned_by)
                for fact in self.scenario.hidden_facts
            }
        rows = np.asarray(self.embedder.embed(pieces), dtype=np.float32)
        return {
            fact_id: float(np.max(examples @ rows.T))
            for fact_id, examples in self._fact_examples.items()
        }

    def _phrase_similarity(self, text: str, objection: Objection) -> float:
        examples = objection.trigger.examples
        if not examples:
            return 0.0
        if self.embedder is None or objection.id not in self._objection_examples:
            return max(overlap(text, example) for example in examples)
        row = np.asarray(self.embedder.embed([text]), dtype=np.float32)[0]
        return float(np.max(self._objection_examples[objection.id] @ row))

    # -- deciding a beat -----------------------------------------------------------------

    def opening(self) -> Beat:
        """The buyer's first words: the scenario's opening line, as written."""
        return Beat(
            "opening",
            self.scenario.opening_line,
            "Open the meeting.",
            voiced=False,
            state=self.initial_state(),
        )

    def decide(
        self,
        text: str,
        scores: Scores | None,
        state: BuyerState,
        turn_index: int,
        said: Sequence[str] = (),
    ) -> Beat:
        """The beat for the buyer's reply to the rep's turn `text`.

        Args:
            text: The rep's turn.
            scores: The scorer's scores for the turn (None: treat as neutral).
            state: The buyer's state before the turn; not changed.
            turn_index: Index of the rep turn in the conversation (0 for the first), for seeding.
            said: The buyer's earlier lines; authored lines not said yet are preferred.
        """
        self._said = set(said)
        reading = self.read(text, scores)
        new = replace(state, uncovered=list(state.uncovered), raised=list(state.raised))
        new.turns_left = max(0, state.turns_left - 1)
        beat: Beat
        if reading.out_of_role:
            new.patience -= 1
            line = self._pick(DEFLECT_LINES, turn_index, "deflect")
            beat = Beat(
                "deflect", line, "Stay in your role; steer back to your business.", voiced=False
            )
        else:
            if reading.listening >= self.LISTENING_FOR_TRUST:
                new.trust = min(10, new.trust + 1)
            objection = self._objection_for(text, reading, new)
            fact, guarded = self._fact_for(reading, new)
            if objection is not None and fact is None:
                new.patience -= objection.patience_cost
                new.raised.append(objection.id)
                line = self._pick(objection.lines, turn_index, objection.id)
                beat = Beat(
                    "objection",
                    line,
                    f"Push back: {objection.summary}",
                    objections=(objection.id,),
                )
            elif fact is not None:
                new.uncovered.append(fact.id)
                line = self._pick(fact.lines, turn_index, fact.id)
                beat = Beat(
                    "reveal", line, "Answer their question and share this.", revealed=(fact.id,)
                )
            else:
                premature = reading.pitch or reading.close or reading.price
                if premature and len(new.uncovered) < max(1, self.scenario.ending.success_facts):
                    new.patience -= 1
                known = self._known_fact_for(reading, new)
                if guarded:
                    line = self._pick(GUARDED_LINES, turn_index, "guarded")
                    beat = Beat("guarded", line, "Hold back politely; you don't trust them yet.")
                elif known is not None and not premature:
                    line = self._pick(known.lines, turn_index, known.id)
                    beat = Beat(
                        "elaborate", line, "Say a little more about what you already told them."
                    )
                else:
                    pool = self.scenario.small_talk_lines or list(NEUTRAL_LINES)
                    line = self._pick(pool, turn_index, "small-talk")
                    beat = Beat(
                        "small_talk",
                        line,
                        "Answer briefly and share nothing new; let them ask better questions.",
                    )
        new.patience = max(0, new.patience)
        ending = self.scenario.ending
        if new.patience <= 0:
            beat = replace(
                beat,
                kind="end" if beat.kind != "objection" else beat.kind,
                revealed=(),
                voiced=False,
                anchor="",
                closing=ending.out_of_patience_line,
                ends="patience",
            )
            if beat.objections:
                beat = replace(
                    beat,
                    anchor=self._pick(
                        self.scenario.objection(beat.objections[0]).lines, turn_index, "final"
                    ),
                )
        elif new.turns_left <= 0:
            success = self.succeeded(new.uncovered)
            closing = ending.turn_limit_line
            if success and ending.success_line:
                closing = f"{ending.success_line} {ending.turn_limit_line}"
            beat = replace(beat, closing=closing, ends="turn_limit")
        return replace(beat, state=new, reading=reading)

    def succeeded(self, uncovered: Sequence[str]) -> bool:
        """Whether the uncovered facts meet the scenario's success criteria."""
        ending = self.scenario.ending
        return len(uncovered) >= ending.success_facts and all(
            f in uncovered for f in ending.required_facts
        )

    def _fact_for(self, reading: Reading, state: BuyerState) -> tuple[HiddenFact | None, bool]:
        """The best earned, not yet uncovered fact; and whether a trust-gated one was held back."""
        ranked: list[tuple[float, HiddenFact]] = []
        for fact in self.scenario.hidden_facts:
            if fact.id in state.uncovered:
                continue
            similarity = reading.fact_similarity.get(fact.id, 0.0)
            earned = similarity >= self.FACT_SIMILARITY_ALONE or (
                similarity >= self.FACT_SIMILARITY
                and reading.context_seeking >= self.CONTEXT_SEEKING
            )
            if earned:
                ranked.append((similarity + self.CONTEXT_BONUS * reading.context_seeking, fact))
        ranked.sort(key=lambda item: -item[0])
        guarded = False
        for _, fact in ranked:
            if fact.needs_trust and state.trust < self.scenario.buyer.trust_to_share:
                guarded = True
                continue
            return fact, False
        return None, guarded

    def _known_fact_for(self, reading: Reading, state: BuyerState) -> HiddenFact | None:
        """An uncovered fact the turn asks about again, if it has lines not said yet."""
        best: tuple[float, HiddenFact] | None = None
        for fact in self.scenario.hidden_facts:
            if fact.id not in state.uncovered or all(self._was_said(line) for line in fact.lines):
                continue
            similarity = reading.fact_similarity.get(fact.id, 0.0)
            earned = (
                similarity >= self.FACT_SIMILARITY_ALONE
                or (
                    similarity >= self.FACT_SIMILARITY
                    and reading.context_seeking >= self.CONTEXT_SEEKING
                )
                or (
                    similarity >= self.ELABORATE_SIMILARITY
                    and reading.context_seeking >= self.STRONG_CONTEXT
                )
            )
            if earned and (best is None or similarity > best[0]):
                best = (similarity, fact)
        return best[1] if best is not None else None

    def _objection_for(self, text: str, reading: Reading, state: BuyerState) -> Objection | None:
        """The objection the turn provokes, preferring one not raised yet."""
        firing: list[Objection] = []
        for objection in self.scenario.objections:
            trigger = objection.trigger
            if any(f in state.uncovered for f in trigger.while_hidden):
                continue
            fired = {
                "pitch": reading.pitch,
                "close": reading.close,
                "price": reading.price,
                "phrase": False,
            }[trigger.when]
            if not fired and trigger.examples:
                fired = self._phrase_similarity(text, objection) >= self.PHRASE_SIMILARITY
            if fired:
                firing.append(objection)
        if not firing:
            return None
        fresh = [o for o in firing if o.id not in state.raised]
        if fresh:
            return fresh[0]
        return min(firing, key=lambda o: state.raised.count(o.id))

    SAID_OVERLAP = 0.6
    """An authored line counts as said once an earlier reply used this share of its content
    words (a model voices lines in its own words, so exact matches are rare)."""

    SAID_SIMILARITY = 0.72
    """Or: an earlier reply this similar to the line in meaning (authors often write a fact's
    lines as alternatives that say the same thing)."""

    def _was_said(self, line: str) -> bool:
        if line in self._said or any(overlap(t, line) >= self.SAID_OVERLAP for t in self._said):
            return True
        if self.embedder is None or not self._said:
            return False
        rows = np.asarray(self.embedder.embed([line, *sorted(self._said)]), dtype=np.float32)
        return float(np.max(rows[1:] @ rows[0])) >= self.SAID_SIMILARITY

    def _pick(self, lines: Sequence[str], turn_index: int, key: str) -> str:
        """One of `lines`, chosen by seed, preferring lines the buyer has not said yet."""
        fresh = [line for line in lines if not self._was_said(line)] or list(lines)
        rng = random.Random(f"{self.seed}:{turn_index}:{key}")
        return fresh[rng.randrange(len(fresh))]

    # -- the prompt ----------------------------------------------------------------------

    def persona_prompt(self, uncovered: Sequence[str]) -> str:
        """A short system prompt: who the buyer is, and the facts already shared."""
        buyer = self.scenario.buyer
        first = buyer.name.split()[0]
        parts = [
            f"You are {buyer.name}, {buyer.title} at {buyer.company} ({buyer.industry}, "
            f"{buyer.company_size}). A sales rep from {self.scenario.product.vendor} is meeting "
            f"you. {buyer.personality} {buyer.communication_style}",
            f"Speak only as {first}, in the first person, to the rep. Never sell anything. "
            "Reply in one or two short sentences.",
        ]
        shared = [self.scenario.fact(f).summary for f in uncovered if _known(self.scenario, f)]
        if shared:
            parts.append("You have already told the rep: " + " ".join(shared))
        return "\n".join(parts)

    def messages(
        self, beat: Beat, history: Sequence[Turn], uncovered: Sequence[str], keep: int = 4
    ) -> list[ChatMessage]:
        """The chat prompt for voicing `beat` after the recorded turns `history`.

        The persona goes in the system message; the beat's authored line is requested at the
        end of the rep's last turn. Only the last `keep` turns are included (a short prompt
        keeps a small model fast and on topic), and rep turns that tried to take the buyer out
        of role are left out, with the buyer's answers to them.
        """
        messages = [ChatMessage("system", self.persona_prompt(uncovered))]
        recent: list[ChatMessage] = []
        skip_reply = False
        for turn in history:
            if turn.role == "rep":
                skip_reply = bool(OUT_OF_ROLE.search(turn.text))
                if not skip_reply:
                    recent.append(ChatMessage("user", turn.text))
            elif not skip_reply:
                recent.append(ChatMessage("assistant", turn.text))
        recent = recent[-keep:]
        while recent and recent[0].role != "user":
            recent.pop(0)
        first = self.scenario.buyer.name.split()[0]
        request = anchor_request(first, beat.anchor)
        if recent and recent[-1].role == "user":
            recent[-1] = ChatMessage("user", f"{recent[-1].content}\n\n{request}")
        else:
            recent.append(ChatMessage("user", request))
        messages.extend(recent)
        return messages

    def unearned_lines(self, uncovered: Sequence[str]) -> list[str]:
        """The authored lines of every fact not uncovered yet (the guard keeps them out)."""
        return [
            line
            for fact in self.scenario.hidden_facts
            if fact.id not in uncovered
            for line in fact.lines
        ]

    def distinctive_words(self, uncovered: Sequence[str]) -> set[str]:
        """Words that only unearned facts use: not in the persona, the product or earned facts."""
        key = tuple(uncovered)
        cached = self._distinctive.get(key)
        if cached is not None:
            return cached
        known = content_words(
            " ".join(
                [
                    self.persona_prompt(uncovered),
                    self.scenario.briefing,
                    self.scenario.opening_line,
                    *self.scenario.buyer.priorities,
                    *self.scenario.small_talk_lines,
                    *(line for o in self.scenario.objections for line in o.lines),
                    *(
                        line
                        for f in uncovered
                        if _known(self.scenario, f)
                        for line in self.scenario.fact(f).lines
                    ),
                ]
            )
        )
        hidden = content_words(" ".join(self.unearned_lines(uncovered)))
        self._distinctive[key] = hidden - known
        return self._distinctive[key]


def _known(scenario: Scenario, fact_id: str) -> bool:
    return any(f.id == fact_id for f in scenario.hidden_facts)

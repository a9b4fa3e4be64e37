"""How the director decides the buyer's beat for each rep turn, and the prompt that voices it.

From the turn's reading (`reading.py`) and the buyer's state (`state.py`) it updates patience
and trust and picks one beat: reveal a fact whose layer is open, say more of one already
shared, answer from the public context, hold back, raise an objection, deflect, make small
talk, or end the meeting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from roleplay.buyer.base import (
    REQUEST_SEPARATOR,
    ChatMessage,
    anchor_request,
    anchor_request_start,
)
from roleplay.buyer.director.reading import OUT_OF_ROLE, Reading, TurnReader
from roleplay.buyer.director.state import BuyerState, initial_state, state_from
from roleplay.buyer.disclosure import Embedder, Match
from roleplay.buyer.text import content_words, overlap

if TYPE_CHECKING:
    from roleplay.scenario import HiddenFact, Objection, Scenario
    from roleplay.transcript import EndedBy, Scores, Transcript, Turn


BeatKind = Literal[
    "opening",
    "reveal",
    "elaborate",
    "context",
    "objection",
    "deflect",
    "guarded",
    "small_talk",
    "non_answer",
    "end",
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
    "Maybe later. I'd want to know you understand the business before I go into that.",
)
"""What a buyer says when a trust-gated fact is asked about too early."""

PITCHED_LINES = (
    "You've spent more of this meeting on your product than on my business, so I'll keep "
    "that to myself for now.",
    "I'm not going into that with someone who's mostly been selling to me. Ask me about the "
    "business first.",
)
"""What a buyer says to a question after more pushes to sell than good listening turns."""

PREMATURE_LINES: dict[str, tuple[str, ...]] = {
    "pitch": (
        "Hold on. You're telling me about your product before you know what we need.",
        "You haven't asked me much yet, and you're already selling.",
    ),
    "close": (
        "It's far too early for next steps. You don't know my situation yet.",
        "Let's not book anything before you understand the problem.",
    ),
    "price": (
        "I can't judge a price before we agree there's a problem worth solving.",
        "Price is the last thing I want to talk about right now.",
    ),
}
"""Push-back on premature selling in a scenario with no objection of that kind."""

HEARD_OUT_LINES = (
    "Okay. Tell me how that would fit what I've described.",
    "Maybe. I'd want to see how that maps to our situation.",
)
"""What the buyer says to a pitch once the rep has earned enough of the story."""

SAID_ALL_LINES = (
    "I think I've given you the picture on that. What else do you want to know?",
    "That's about all there is to it, honestly. What else?",
)
"""What the buyer says to a sincere question when everything it could earn is already out."""

NEUTRAL_LINES = (
    "Go on.",
    "I'm not sure that's the question. What do you actually want to know?",
    "Fair enough. What else?",
)
"""Small talk when the scenario has no `small_talk_lines`."""


@dataclass(frozen=True)
class Beat:
    """What the buyer does in one reply."""

    kind: BeatKind
    """The kind of beat."""
    anchor: str
    """The scenario's authored line for this beat; the model voices it, the guard checks it."""
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
    why: str = ""
    """Why the director chose this beat, in a sentence (for `simulate --explain`)."""


class BuyerDirector:
    """Decides every beat of the buyer from the scenario, the rep's turn and its scores.

    A turn is read for what it does (pitch, close, price, small talk, a question about the
    buyer's world) and what it asks about (`disclosure`). Selling earns nothing and, when
    premature, costs patience with an objection the rep hears. A question earns the fact it
    asks about, if that fact's layer is open: `surface` facts answer any sincere question about
    the buyer's priorities or problem, `earned` ones a question on their topic or a follow-up
    on the thread, `trusted` ones only once the rep has built trust. An ordinary question with
    no fact behind it gets the scenario's public context, or more of what the buyer already
    said; a shrug is kept for a truly vague turn, once a call.

    Args:
        scenario: The scenario being played.
        embedder: Embeds texts (the turn scorer); None falls back to keywords and word overlap.
        seed: Seeds the choice among a beat's authored lines.
    """

    EARN = TurnReader.EARN
    """The match (`disclosure.Match.score`) at which a question earns the fact it asks about
    (the reader's threshold: such a question is discovery)."""
    ELABORATE = 0.45
    """The match at which a question about a fact already shared gets more of it."""
    CONTEXT = 0.30
    """The match at which a question gets a line of public context."""
    SAME_ASK = 0.10
    """A hidden fact within this of the best match (a fact already shared) is asked about too;
    further below, the turn asks about what was shared and gets more of it."""
    SOME_TOPIC = 0.30
    """A turn this much about some discovery topic may get the buyer's headline problem when
    nothing closer answers it (a question about their tools alone does not)."""
    PHRASE_SIMILARITY = 0.60
    """A turn this similar to an objection's examples fires it."""
    LISTENING_FOR_TRUST = 0.50
    """A listening score this high builds one point of trust."""
    PROBLEM_FOR_TRUST = 0.60
    """Or: a sincere question with a problem-focus score this high (staying on their problem)."""

    def __init__(
        self, scenario: Scenario, embedder: Embedder | None = None, seed: int | None = None
    ):
        self.scenario = scenario
        self.embedder = embedder
        self.seed = seed
        self._said: set[str] = set()
        self._distinctive: dict[tuple[str, ...], set[str]] = {}
        self.reader = TurnReader(scenario, embedder)
        """Reads each rep turn: what it does and what it asks about."""
        self.index = self.reader.index
        """The facts and public context, ready to match against turns."""

    # -- state ---------------------------------------------------------------------------

    def initial_state(self) -> BuyerState:
        """The buyer's state before the first rep turn."""
        return initial_state(self.scenario)

    def state_from(self, transcript: Transcript) -> BuyerState:
        """Rebuild the state from a recorded conversation (for resume and branching)."""
        return state_from(self.scenario, transcript)

    # -- deciding a beat -----------------------------------------------------------------

    def opening(self) -> Beat:
        """The buyer's first words: the scenario's opening line, as written."""
        return Beat(
            "opening",
            self.scenario.opening_line,
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
        reading = self.reader.read(text, scores, state)
        new = replace(
            state,
            uncovered=list(state.uncovered),
            raised=list(state.raised),
            thread=list(state.thread),
        )
        new.turns_left = max(0, state.turns_left - 1)
        beat: Beat
        if reading.out_of_role:
            new.patience -= 1
            line = self._pick(DEFLECT_LINES, turn_index, "deflect")
            beat = Beat(
                "deflect",
                line,
                voiced=False,
                why="the turn tried to take the buyer out of role",
            )
        elif reading.selling:
            beat = self._selling_beat(text, reading, new, turn_index)
        else:
            if reading.listening >= self.LISTENING_FOR_TRUST or (
                reading.discovery and reading.problem_focus >= self.PROBLEM_FOR_TRUST
            ):
                new.trust = min(10, new.trust + 1)
            beat = self._answer_beat(reading, new, turn_index)
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
        from roleplay.standing import succeeded

        return succeeded(uncovered, self.scenario.ending)

    # -- selling -------------------------------------------------------------------------

    def _selling_beat(self, text: str, reading: Reading, new: BuyerState, turn_index: int) -> Beat:
        """A pitch, close or price talk earns nothing; too early, it costs patience aloud."""
        kind = "price" if reading.price else "close" if reading.close else "pitch"
        premature = len(new.uncovered) < max(1, self.scenario.ending.success_facts)
        objection = self._objection_for(text, reading, new)
        if objection is None and premature:
            objection = self._fallback_objection(kind, new)
        if objection is not None:
            new.patience -= (
                objection.patience_cost if not premature else max(1, objection.patience_cost)
            )
            new.raised.append(objection.id)
            line = self._pick(objection.lines, turn_index, objection.id)
            return Beat(
                "objection",
                line,
                objections=(objection.id,),
                why=f"the turn reads as {kind} talk"
                + (" before the buyer's story is out" if premature else ""),
            )
        if premature:
            new.patience -= 1
            line = self._pick(PREMATURE_LINES[kind], turn_index, f"premature-{kind}")
            return Beat(
                "objection",
                line,
                why=f"the turn reads as {kind} talk and the scenario has no objection for it",
            )
        line = self._pick(HEARD_OUT_LINES, turn_index, "heard-out")
        return Beat(
            "small_talk",
            line,
            why=f"the turn reads as {kind} talk after enough discovery: heard out, no cost",
        )

    def _fallback_objection(self, kind: str, state: BuyerState) -> Objection | None:
        """An objection for premature selling when none fires as authored: the same kind
        even though its `while_hidden` facts are out, else any selling objection."""
        for wanted in (kind, None):
            for objection in self.scenario.objections:
                when = objection.trigger.when
                if when == "phrase" or (wanted is not None and when != wanted):
                    continue
                return objection
        return None

    # -- answering -----------------------------------------------------------------------

    def _gate(self, match: Match, state: BuyerState) -> str:
        """Why a fact is or is not shared for this match: `shared`, `earned`, `trust` or
        `match` (the turn did not ask about it closely enough)."""
        if match.item_id in state.uncovered:
            return "shared"
        if match.score < self.EARN:
            return "match"
        fact = self.scenario.fact(match.item_id)
        if fact.trusted and state.trust < self.scenario.buyer.trust_to_share:
            return "trust"
        if fact.depth != "surface" and len(state.raised) > state.trust:
            return "pitched"  # every push to sell needs a turn of real listening to repair
        return "earned"

    def _answer_beat(self, reading: Reading, new: BuyerState, turn_index: int) -> Beat:
        """The reply to a turn that does not sell: a fact, context, more, or a short line."""
        hidden = [m for m in reading.matches if m.item_id not in new.uncovered]
        asked = reading.discovery or reading.probe
        target = hidden[0] if hidden and hidden[0].score >= self.EARN else None
        best = reading.matches[0] if reading.matches else None
        if (
            target is not None
            and best is not None
            and best.item_id in new.uncovered
            and target.score < best.score - self.SAME_ASK
        ):
            # The turn asks about something already shared: more of that, not another fact.
            target = None
        if reading.small_talk:
            return self._short_beat("small_talk", new, turn_index, "the turn is small talk")
        context = next(
            (
                m
                for m in reading.context_matches
                if not self._was_said(self.index.context_line(m.item_id))
            ),
            None,
        )
        if target is not None and context is not None and context.score > target.score:
            target = None  # the public answer fits the question better than any secret
        if target is None and reading.probe and new.thread:
            # "Go on." / "Why?" after a fact: the buyer carries on along the thread.
            target = next((m for m in hidden if m.item_id in new.thread), None)
        if target is None and not asked and reading.listening >= self.LISTENING_FOR_TRUST:
            # A reflection that lands: the buyer goes on with the story.
            target = next((m for m in hidden if m.item_id in new.thread), None)
        if target is not None and (asked or target.thread):
            gate = self._gate(target, new)
            if gate in ("trust", "pitched"):
                pitched = gate == "pitched"
                line = self._pick(
                    PITCHED_LINES if pitched else GUARDED_LINES, turn_index, f"guarded-{gate}"
                )
                why = (
                    f"asked about {target.item_id} (match {target.score:.2f}), but the rep has "
                    f"pushed to sell {len(new.raised)} time(s) against {new.trust} turn(s) of "
                    "trust"
                    if pitched
                    else f"asked about {target.item_id} (match {target.score:.2f}), which needs "
                    f"trust {self.scenario.buyer.trust_to_share} (now {new.trust})"
                )
                return Beat(
                    "guarded",
                    line,
                    why=why,
                )
            return self._reveal(self.scenario.fact(target.item_id), target, new, turn_index)
        if asked or reading.listening >= self.LISTENING_FOR_TRUST:
            more = self._more_beat(reading, new, turn_index)
            if more is not None:
                return more
        if reading.discovery and max(reading.topics.values(), default=0.0) >= self.SOME_TOPIC:
            # A sincere question about their world, with nothing closer to give: the headline.
            surface = next(
                (
                    m
                    for m in hidden
                    if self.scenario.fact(m.item_id).depth == "surface"
                    and self._gate(replace(m, score=self.EARN), new) == "earned"
                ),
                None,
            )
            if surface is not None:
                return self._reveal(self.scenario.fact(surface.item_id), surface, new, turn_index)
        if reading.discovery:
            return self._short_beat(
                "small_talk", new, turn_index, "nothing left to say on that", pool=SAID_ALL_LINES
            )
        if reading.vague and new.non_answers == 0:
            new.non_answers += 1
            return self._short_beat("non_answer", new, turn_index, "the turn was vague")
        return self._short_beat("small_talk", new, turn_index, "the turn asked nothing")

    def _reveal(self, fact: HiddenFact, match: Match, new: BuyerState, turn_index: int) -> Beat:
        new.uncovered.append(fact.id)
        new.thread = [f for f in fact.leads_to if f not in new.uncovered]
        line = self._pick(fact.lines, turn_index, fact.id)
        how = "follows the thread to" if match.thread else "asks about"
        return Beat(
            "reveal",
            line,
            revealed=(fact.id,),
            why=f"the turn {how} {fact.id} (match {match.score:.2f}; topic {match.topic:.2f}, "
            f"content {match.content:.2f}); layer {fact.depth} is open",
        )

    def _more_beat(self, reading: Reading, new: BuyerState, turn_index: int) -> Beat | None:
        """More on a fact already shared, or a line of public context, whichever the turn asks
        about more closely (None: neither is close enough, or all of it was said)."""
        options: list[tuple[float, Beat]] = []
        for match in reading.matches:
            if match.item_id not in new.uncovered or match.score < self.ELABORATE:
                continue
            fact = self.scenario.fact(match.item_id)
            unsaid = [line for line in fact.lines if not self._was_said(line)]
            if unsaid:
                line = self._pick(unsaid, turn_index, fact.id)
                options.append(
                    (
                        match.score,
                        Beat(
                            "elaborate",
                            line,
                            why=f"asked again about {fact.id} (match {match.score:.2f})",
                        ),
                    )
                )
                break
        for match in reading.context_matches:
            if match.score < self.CONTEXT:
                break
            line = self.index.context_line(match.item_id)
            if self._was_said(line):
                continue
            options.append(
                (
                    match.score,
                    Beat(
                        "context",
                        line,
                        why=f"public context answers it (match {match.score:.2f})",
                    ),
                )
            )
            break
        if not options:
            return None
        return max(options, key=lambda item: item[0])[1]

    def _short_beat(
        self,
        kind: Literal["small_talk", "non_answer"],
        new: BuyerState,
        turn_index: int,
        why: str,
        pool: Sequence[str] | None = None,
    ) -> Beat:
        lines = pool or self.scenario.small_talk_lines or list(NEUTRAL_LINES)
        line = self._pick(lines, turn_index, kind)
        return Beat(
            kind,
            line,
            why=why,
        )

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
                fired = self.reader.phrase_similarity(text, objection) >= self.PHRASE_SIMILARITY
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

    @property
    def speaker(self) -> str:
        """What the prompts call the buyer: the first name."""
        return self.scenario.buyer.name.split()[0]

    def request_start(self) -> str:
        """What follows the rep's turn in every prompt, whatever the director decides: the
        separator and the start of the request (`anchor_request_start`). The buyer reads it
        ahead with the turn being typed (`roleplay.buyer.read_ahead`)."""
        return REQUEST_SEPARATOR + anchor_request_start(self.speaker)

    def persona_prompt(self, uncovered: Sequence[str]) -> str:
        """A short system prompt: who the buyer is, and the facts already shared."""
        buyer = self.scenario.buyer
        parts = [
            f"You are {buyer.name}, {buyer.title} at {buyer.company} ({buyer.industry}, "
            f"{buyer.company_size}). A sales rep from {self.scenario.product.vendor} is meeting "
            f"you. {buyer.personality} {buyer.communication_style}",
            f"Speak only as {self.speaker}, in the first person, to the rep. Never sell anything. "
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
        request = anchor_request(self.speaker, beat.anchor)
        if recent and recent[-1].role == "user":
            recent[-1] = ChatMessage("user", f"{recent[-1].content}{REQUEST_SEPARATOR}{request}")
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

"""One practice conversation, with no UI: rep turns in, scored; buyer replies out, guarded.

The app, the simulator and the coaches' tools all drive conversations through
`PracticeSession`. The transcript is saved atomically after every change, so a crash loses at
most the reply being streamed, and `PracticeSession.resume` rebuilds the buyer's state from
the recorded turns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from roleplay.buyer.base import BuyerBackend, BuyerRequest, ChatMessage
from roleplay.buyer.director import Beat, BuyerDirector, BuyerState
from roleplay.buyer.figures import carries
from roleplay.buyer.guard import MAX_SENTENCES, PASS, BuyerGuard, Verdict
from roleplay.buyer.text import complete_sentences, lead_in, part_of, split_sentences
from roleplay.errors import RoleplayError
from roleplay.limits import MAX_TURN_CHARS as MAX_TURN_CHARS
from roleplay.limits import printable
from roleplay.transcript import EndedBy, ModelIds, Span, Transcript, Turn, TurnScore, now

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.scoring.metrics import ConversationMetrics

log = logging.getLogger("roleplay.session")

WHOLE_LINE_BEATS = ("reveal", "elaborate", "context")
"""Beats whose authored line is said word for word: they carry facts and figures."""

Source = Literal["model", "regenerated", "authored", "interrupted"]


class TurnScorerLike(Protocol):
    """What a session needs from the turn scorer (`roleplay.scoring.TurnScorer`)."""

    embedder_id: str

    def score(
        self,
        turn: str,
        previous: str = "",
        scenario: Scenario | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> TurnScore:
        """Score one rep turn given the buyer's line before it and the conversation so far
        (`(role, text)`, oldest first)."""
        ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """L2-normalised embeddings, one row per text."""
        ...


def clean_turn(text: str) -> str:
    """A rep turn with control characters removed and whitespace tidied.

    Raises:
        RoleplayError: the turn is empty after cleaning, or too long.
    """
    text = printable(text).replace("\t", " ")
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise RoleplayError("Say something to the buyer first: the turn is empty.", "Empty turn")
    if len(text) > MAX_TURN_CHARS:
        raise RoleplayError(
            f"That turn is {len(text)} characters; keep it under {MAX_TURN_CHARS}, as you would "
            "in a meeting.",
            "Turn too long",
        )
    return text


class PracticeSession:
    """One conversation between a rep and the buyer of a scenario.

    Args:
        scenario: The buyer situation.
        rubric: The rubric the scorer uses (recorded in the transcript).
        buyer: The buyer backend, already loaded.
        scorer: The turn scorer; its embeddings also drive the director and the guard.
        save_to: Where to save the transcript after every change (None: not saved).
        seed: Seeds the buyer's choices, for reproducible conversations.
        rep: Who is practising.
    """

    def __init__(
        self,
        scenario: Scenario,
        rubric: Rubric,
        buyer: BuyerBackend,
        scorer: TurnScorerLike,
        *,
        save_to: Path | None = None,
        seed: int | None = None,
        rep: str = "",
    ) -> None:
        self.scenario = scenario
        self.rubric = rubric
        self.buyer = buyer
        self.scorer = scorer
        self.save_to = Path(save_to) if save_to is not None else None
        self.seed = seed
        self.director = BuyerDirector(scenario, scorer, seed)
        self.guard = BuyerGuard(self.director, scorer)
        self.transcript = Transcript(
            rep=rep,
            scenario_id=scenario.id,
            scenario_hash=scenario.content_hash(),
            rubric_id=rubric.id,
            rubric_hash=rubric.content_hash(),
            models=ModelIds(buyer=buyer.model_id, embedder=getattr(scorer, "embedder_id", "")),
            seed=seed,
        )
        self.state: BuyerState = self.director.initial_state()
        self.ended = False
        self.ended_by: EndedBy | None = None

    @classmethod
    def resume(
        cls,
        transcript: Transcript,
        scenario: Scenario,
        rubric: Rubric,
        buyer: BuyerBackend,
        scorer: TurnScorerLike,
        *,
        save_to: Path | None = None,
    ) -> PracticeSession:
        """Continue a recorded conversation: the buyer's state is rebuilt from its turns.

        Used to resume after a crash (a transcript cut off, or ended by `crash`) and to branch
        a conversation (pass a transcript truncated before the turn to replace). A rep turn
        without a reply is answered by the next `reply()`.
        """
        session = cls(
            scenario,
            rubric,
            buyer,
            scorer,
            save_to=save_to,
            seed=transcript.seed,
            rep=transcript.rep,
        )
        session.transcript = transcript.model_copy(deep=True)
        session.transcript.models.buyer = buyer.model_id
        if session.transcript.ended_by == "crash":
            session.transcript.ended_by = None
            session.transcript.ended_at = None
        session.state = session.director.state_from(session.transcript)
        session.ended = session.transcript.finished
        session.ended_by = session.transcript.ended_by
        return session

    # -- the conversation ----------------------------------------------------------------

    @property
    def last_turn(self) -> Turn:
        """The most recent turn.

        Raises:
            RoleplayError: nothing has been said yet.
        """
        if not self.transcript.turns:
            raise RoleplayError("The conversation has not started yet.")
        return self.transcript.turns[-1]

    @property
    def awaiting_reply(self) -> bool:
        """Whether the rep has spoken and the buyer has not answered yet."""
        return bool(self.transcript.turns) and self.transcript.turns[-1].role == "rep"

    def open(self) -> Turn:
        """Record and return the buyer's opening line (once; later calls return it again)."""
        if self.transcript.turns:
            return self.transcript.turns[0]
        beat = self.director.opening()
        turn = Turn(
            role="buyer",
            text=beat.anchor,
            source="authored",
            patience=self.state.patience,
            trust=self.state.trust,
        )
        self.transcript.turns.append(turn)
        self._save()
        return turn

    def submit(self, text: str) -> Turn:
        """Record the rep's turn, scored, and return it; the buyer answers in `reply()`.

        Raises:
            RoleplayError: the turn is empty or too long, the meeting has ended, or the buyer
                has not answered the previous turn yet.
        """
        if self.ended:
            raise RoleplayError("The meeting has ended; start a new conversation.", "Meeting over")
        if self.awaiting_reply:
            raise RoleplayError("Wait for the buyer to answer your last turn.", "Buyer is speaking")
        cleaned = clean_turn(text)
        self.open()
        previous = self.transcript.turns[-1].text
        score = self.scorer.score(cleaned, previous, self.scenario, self._said())
        turn = Turn(role="rep", text=cleaned, score=score)
        self.transcript.turns.append(turn)
        self._save()
        return turn

    def reply(
        self,
        should_stop: Callable[[], bool] = lambda: False,
        before_model: Callable[[], None] = lambda: None,
    ) -> Iterator[str]:
        """Stream the buyer's answer to the last rep turn, then record it.

        Chunks are released sentence by sentence once the guard has passed them. When
        `should_stop()` turns true the reply is cut short and recorded as `interrupted`. The
        meeting ends with this reply when patience runs out or the turn limit is reached; the
        closing line is part of the reply.

        `before_model()` is called each time the buyer model is about to read its prompt, after
        what is already known has been yielded (an authored lead-in). The embedded model holds
        the GIL while it reads, so an app lets its screen catch up there first.

        Raises:
            RoleplayError: there is no rep turn to answer.
        """
        if not self.awaiting_reply:
            raise RoleplayError("There is no rep turn to answer.")
        rep_turn = self.transcript.turns[-1]
        rep_index = len(self.transcript.rep_turns) - 1
        said = [t.text for t in self.transcript.turns if t.role == "buyer"]
        beat = self.director.decide(rep_turn.text, rep_turn.scores, self.state, rep_index, said)
        shown: list[str] = []
        source: Source = "authored"
        interrupted = False
        recorded = False

        spans: list[tuple[Literal["authored", "model"], str]] = []

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            self._record_reply(
                beat,
                "".join(shown).strip(),
                "interrupted" if interrupted else source,
                spans,
            )

        try:
            if beat.voiced:
                voiced = self._voice(beat, rep_index, should_stop, before_model)
                spans = voiced.spans
                for chunk in voiced:
                    shown.append(chunk)
                    yield chunk
                source, interrupted = voiced.result
            else:
                for chunk in _words(beat.anchor):
                    if should_stop():
                        interrupted = True
                        break
                    shown.append(chunk)
                    spans.append(("authored", chunk))
                    yield chunk
            if beat.closing and not interrupted:
                # A closing line stands alone: its own paragraph after the reply.
                for chunk in _words(beat.closing, lead="\n\n" if shown else ""):
                    shown.append(chunk)
                    spans.append(("authored", chunk))
                    yield chunk
        except GeneratorExit:
            interrupted = True
            record()
            raise
        record()

    def prepare_next_turn(self) -> None:
        """Ready the scorer for the rep's next turn once the buyer has spoken (see
        `TurnScorer.prepare`): call it from a worker while the rep reads and types. Scorers
        that cannot prepare are left alone; the scores are the same either way."""
        prepare = getattr(self.scorer, "prepare", None)
        last = self.last_turn if self.transcript.turns else None
        if prepare is None or self.ended or last is None or last.role != "buyer":
            return
        prepare(last.text, self.scenario, self._said())

    def end(self, by: EndedBy = "rep") -> None:
        """End the meeting now (the rep leaves, or the app records a crash)."""
        if self.ended:
            return
        self.ended = True
        self.ended_by = by
        self.transcript.ended_at = now()
        self.transcript.ended_by = by
        self._save()

    def metrics(self) -> ConversationMetrics:
        """Conversation-level metrics of the transcript so far."""
        from roleplay.scoring.metrics import conversation_metrics

        return conversation_metrics(self.transcript, self.scenario)

    @property
    def succeeded(self) -> bool:
        """Whether the facts uncovered so far meet the scenario's success criteria."""
        return self.director.succeeded(self.state.uncovered)

    # -- internals -----------------------------------------------------------------------

    def _said(self) -> list[tuple[str, str]]:
        """The conversation so far as the scorer reads it, `(role, text)` oldest first: the
        same for `prepare_next_turn` and the `submit` after it, so what was prepared is used."""
        return [(t.role, t.text) for t in self.transcript.turns]

    def _voice(
        self,
        beat: Beat,
        rep_index: int,
        should_stop: Callable[[], bool],
        before_model: Callable[[], None],
    ) -> _GuardedReply:
        return _GuardedReply(self, beat, rep_index, should_stop, before_model)

    def _record_reply(
        self,
        beat: Beat,
        text: str,
        source: Source,
        spans: Sequence[tuple[Literal["authored", "model"], str]] = (),
    ) -> None:
        assert beat.state is not None
        state = beat.state
        revealed = list(beat.revealed)
        said_fact = not revealed or carries(text, beat.anchor)
        if revealed and (
            not said_fact or (source == "interrupted" and not self.guard.on_beat(text, beat))
        ):
            # A reveal counts only if its key figures reached the rep.
            revealed = []
            state.uncovered = [f for f in state.uncovered if f not in beat.revealed]
        merged: list[Span] = []
        for who, piece in spans:
            if merged and merged[-1].source == who:
                merged[-1].text += piece
            else:
                merged.append(Span(source=who, text=piece))
        for span in merged:
            span.text = span.text.strip()
        merged = [span for span in merged if span.text]
        if source in ("model", "regenerated") and all(s.source == "authored" for s in merged):
            source = "authored"  # nothing the model wrote reached the rep
        objections = list(beat.objections) if text or source != "interrupted" else []
        turn = Turn(
            role="buyer",
            text=text[:MAX_TURN_CHARS],  # the guard's sentence cap keeps replies far shorter
            revealed=revealed,
            objections=objections,
            source=source,
            spans=merged,
            patience=state.patience,
            trust=state.trust,
        )
        self.transcript.turns.append(turn)
        self.state = state
        if beat.ends is not None:
            self.ended = True
            self.ended_by = beat.ends
            self.transcript.ended_at = now()
            self.transcript.ended_by = beat.ends
        self._save()

    def _save(self) -> None:
        if self.save_to is not None:
            self.transcript.save(self.save_to)


class _Attempt:
    """The progress of one generation attempt through the guard."""

    def __init__(self) -> None:
        self.released: list[str] = []
        self.pending: list[str] = []
        self.failure: str | None = None
        self.truncated = False
        self.cut = ""
        """Why the reply was cut short: a guard reason, `token_limit` or `max_sentences`."""
        self.stop_generating = False


class _GuardedReply:
    """Streams one voiced beat through the guard: model, then a regeneration, then authored.

    Sentences are held back until the reply so far carries the beat; after that each sentence
    is released once it passes the sentence checks. A sentence that fails after text has been
    shown ends the reply there (counted as `truncated`).
    """

    def __init__(
        self,
        session: PracticeSession,
        beat: Beat,
        rep_index: int,
        should_stop: Callable[[], bool],
        before_model: Callable[[], None],
    ) -> None:
        self.session = session
        self.beat = beat
        self.rep_index = rep_index
        self.should_stop = should_stop
        self.before_model = before_model
        """Called before each attempt's model run (`PracticeSession.reply`)."""
        self.result: tuple[Source, bool] = ("authored", False)
        self.uncovered = [*session.state.uncovered, *beat.revealed]
        self.earlier = [t.text for t in session.transcript.turns if t.role == "buyer"]
        self.rep_text = session.transcript.turns[-1].text
        continues = session.buyer.continues_final_message
        self.whole_line = beat.kind in WHOLE_LINE_BEATS and bool(beat.anchor.strip())
        """Facts and context are said as authored, word for word (a small model changes
        figures when it paraphrases); the model may only add a short sentence after them."""
        if self.whole_line:
            self.lead = beat.anchor.strip()
        else:
            self.lead = lead_in(beat.anchor) if continues and beat.anchor else ""
            """The anchor's first words, shown before the model speaks (backends that can
            continue a started reply only); every attempt finishes this sentence."""
            if self.lead == beat.anchor.strip():
                self.lead = ""  # a one-word line: nothing would be left for the model to say
        self.continues = continues
        self.spans: list[tuple[Literal["authored", "model"], str]] = []
        """What was shown, piece by piece, with who wrote it."""

    def _unshown(self, text: str, first: bool) -> str:
        """`text` without the lead-in already shown, when it is the reply's first text."""
        if first and self.lead and text.startswith(self.lead):
            return text[len(self.lead) :]
        if first and self.lead:
            return " " + text
        return text

    def __iter__(self) -> Iterator[str]:
        session = self.session
        guard = session.guard
        messages = session.director.messages(
            self.beat, session.transcript.turns, session.state.uncovered
        )
        if self.lead:
            # The rep sees the authored lead-in at once; the model finishes the sentence.
            for chunk in _words(self.lead):
                if self.should_stop():
                    self.result = ("model", True)
                    return
                self.spans.append(("authored", chunk))
                yield chunk
            if self.whole_line and not self.continues:
                self.result = ("authored", False)  # the line is the reply
                return
        sources: tuple[Source, Source] = ("model", "regenerated")
        for attempt_index, source in enumerate(sources):
            attempt = _Attempt()
            yield from self._attempt(messages, attempt, attempt_index)
            if self.should_stop():
                self.result = (source, True)
                return
            if attempt.released:
                guard.record("first_try" if attempt_index == 0 else "regenerated")
                if attempt.truncated:
                    guard.record("truncated")
                    guard.record(f"cut:{attempt.cut}")
                self.result = (source, False)
                return
            guard.record(source, attempt.failure or "empty")
        guard.record("authored")
        for chunk in _words(self._unshown(self.beat.anchor, first=True)):
            if self.should_stop():
                self.result = ("authored", True)
                return
            self.spans.append(("authored", chunk))
            yield chunk
        self.result = ("authored", False)

    def _attempt(
        self, messages: Sequence[ChatMessage], attempt: _Attempt, attempt_index: int
    ) -> Iterator[str]:
        session = self.session
        seed = session.seed
        if seed is not None:
            seed = seed * 1000 + self.rep_index * 2 + attempt_index
        generation = session.buyer.generation
        request = BuyerRequest(
            messages=tuple(messages),
            anchor=self.beat.anchor,
            lead_in=self.lead,
            max_new_tokens=generation.max_new_tokens,
            temperature=generation.temperature,
            seed=seed,
        )
        self.before_model()
        stream = session.buyer.stream(
            request, should_stop=lambda: attempt.stop_generating or self.should_stop()
        )
        buffer = self.lead
        if self.whole_line:
            buffer = ""
            attempt.released = split_sentences(self.lead)
        generated = False
        try:
            for chunk in stream:
                if self.should_stop():
                    return
                buffer += chunk
                generated = generated or bool(chunk.strip())
                done, buffer = complete_sentences(buffer)
                for sentence in done:
                    yield from self._take(sentence, attempt)
                    if attempt.failure or attempt.stop_generating:
                        return
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        if self.should_stop():
            return
        if not generated:
            if not self.whole_line:
                attempt.failure = "empty"  # the lead-in alone is not a reply
            return
        rest = buffer.strip()
        if rest and not attempt.stop_generating:
            if attempt.released and not rest.endswith((".", "!", "?", '"', "'", ")")):
                attempt.truncated = True  # cut off by the token limit mid-sentence: drop it
                attempt.cut = "token_limit"
            else:
                yield from self._take(rest, attempt)
        if attempt.failure is None and not attempt.released:
            text = " ".join(attempt.pending)
            verdict = session.guard.check(text, self.beat, self.earlier, self.uncovered)
            if verdict.ok:
                attempt.released.append(text)
                yield self._unshown(text, first=True)
            else:
                attempt.failure = verdict.reason

    def _take(self, sentence: str, attempt: _Attempt) -> Iterator[str]:
        """Check one finished sentence and yield what may be shown now."""
        guard = self.session.guard
        # A sentence of the authored line itself is the director's choice: it may repeat an
        # earlier line or the rep's words. The model's own sentences get every check.
        if part_of(sentence, self.beat.anchor):
            verdict = PASS
        else:
            verdict = guard.check_sentence(sentence, self.uncovered)
            if verdict.ok and guard.echoes(sentence, self.rep_text):
                verdict = Verdict.fail("echo")
            if verdict.ok and guard.repeats_sentence(sentence, self.earlier):
                verdict = Verdict.fail("repeat")
            if verdict.ok and not guard.relevant(sentence, self.beat, self.uncovered):
                verdict = Verdict.fail("off_topic")
            if verdict.ok and guard.invents(sentence, self.beat, self.uncovered):
                verdict = Verdict.fail("invented_figure")
        if not verdict.ok:
            if attempt.released:
                attempt.truncated = attempt.stop_generating = True
                attempt.cut = verdict.reason
            else:
                attempt.failure = verdict.reason
            return
        if len(attempt.released) + len(attempt.pending) >= MAX_SENTENCES:
            attempt.truncated = attempt.stop_generating = True
            attempt.cut = "max_sentences"
            return
        attempt.pending.append(sentence)
        if len(attempt.released) + len(attempt.pending) >= MAX_SENTENCES or self.whole_line:
            attempt.stop_generating = True  # after a whole line, one sentence of framing
        if not attempt.released:
            joined = " ".join(attempt.pending)
            if not guard.on_beat(joined, self.beat) or guard.is_repeat(joined, self.earlier):
                return
        for shown in attempt.pending:
            chunk = " " + shown if attempt.released else self._unshown(shown, first=True)
            if chunk:
                authored = part_of(shown, self.beat.anchor)
                self.spans.append(("authored" if authored else "model", chunk))
                yield chunk
            attempt.released.append(shown)
        attempt.pending.clear()


def _words(text: str, lead: str = "") -> Iterator[str]:
    """`text` in word-sized chunks, the way a model streams."""
    first = True
    for word in re.findall(r"\s*\S+\s*", text):
        yield (lead if first else "") + word
        first = False

"""Conversation metrics beside the per-turn scores, each judged against a published reference.

References:
- Rep talk share near 43% for top performers, 11-14 questions per discovery call, long rep
  monologues go with lower win rates (large studies of recorded B2B sales calls, Gong Labs).
- Share of open questions: MITI 3.1 thresholds (50% fair, 70% good); reflection-to-question
  ratio: MITI 4 (1:1 fair, 2:1 good). Moyers et al., Motivational Interviewing Treatment
  Integrity coding manual.
- The first pitch should come after the buyer's problem is understood (SPIN selling:
  demonstrating capability before needs are developed lowers success in large sales).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from roleplay.language import ScenarioVocabulary, sentences, words
from roleplay.model_base import StrictModel
from roleplay.scenario import Scenario
from roleplay.scoring.features import extract_cues
from roleplay.standing import outcome_of
from roleplay.transcript import Transcript, Turn

Verdict = Literal["good", "fair", "poor", "n/a"]

REFLECTION_THRESHOLD = 0.5
"""A scored rep turn with a statement part counts as a reflection when its listening score is
at least this."""

PITCH_THRESHOLD = 0.5
"""A scored rep turn counts as a pitch when it carries product, price or close cues and its
problem-focus score is below this."""

TALK_SHARE_REFERENCE = 0.43
"""Rep share of the words spoken by top performers in recorded B2B calls."""

QUESTIONS_REFERENCE = (11, 14)
"""Questions per discovery call that go with the best outcomes."""

SHORT_CALL_TURNS = 3
"""With fewer rep turns than this a call is too short to judge by per-call references."""

MONOLOGUE_WORDS_REFERENCE = 150
"""About a minute of speech; company overviews past two minutes (~300 words) go with lower win
rates, and a typed turn should be far shorter."""


class MetricRow(StrictModel):
    """One metric as shown to a rep or coach."""

    label: str
    """What is measured, e.g. `Rep talk share`."""
    value: str
    """The measured value, formatted for display."""
    reference: str
    """The published reference value it is judged against, formatted for display."""
    verdict: Verdict
    """`good`, `fair`, `poor`, or `n/a` when the conversation is too short to judge."""


class ConversationMetrics(StrictModel):
    """Conversation-level measures of one practice call."""

    rep_turns: int = Field(ge=0)
    """Number of rep turns."""
    rep_words: int = Field(ge=0)
    """Words the rep said."""
    buyer_words: int = Field(ge=0)
    """Words the buyer said."""
    talk_share: float | None = Field(default=None, ge=0.0, le=1.0)
    """Rep share of all words (None before anyone spoke)."""
    question_count: int = Field(ge=0)
    """Questions the rep asked (each question sentence and each invitation counts)."""
    open_question_count: int = Field(ge=0)
    """Of which open (what/how/why, or an invitation such as `walk me through`)."""
    open_question_share: float | None = Field(default=None, ge=0.0, le=1.0)
    """Open questions over all questions (None without questions)."""
    reflection_count: int = Field(ge=0)
    """Rep turns that reflect the buyer's words without asking."""
    reflection_to_question: float | None = Field(default=None, ge=0.0)
    """Reflections per question (None without questions)."""
    longest_monologue_words: int = Field(ge=0)
    """Words in the rep's longest uninterrupted stretch."""
    first_pitch_turn: int | None = None
    """Where the rep first pitched product, price or the close: the turn's 1-based number in
    the whole conversation, buyer turns included, as replay, reports and `branch --turn`
    number turns (the first rep turn after the buyer's opening line is turn 2)."""
    facts_uncovered_before_pitch: int = Field(default=0, ge=0)
    """Hidden facts the buyer had revealed before the first pitch."""
    facts_uncovered: int = Field(ge=0)
    """Hidden facts the rep uncovered."""
    facts_total: int = Field(ge=0)
    """Hidden facts in the scenario."""
    facts_needed: int = Field(ge=0)
    """Hidden facts the scenario asks for a successful call."""
    required_missing: list[str] = Field(default_factory=list)
    """Facts the scenario requires for success that were not uncovered."""
    success: bool = False
    """Whether the call met the success criteria (`roleplay.standing.outcome_of`)."""

    def rows(self) -> list[MetricRow]:
        """The metrics with their references and verdicts, in display order."""
        return [
            _talk_share_row(self),
            _questions_row(self),
            _open_share_row(self),
            _reflection_row(self),
            _monologue_row(self),
            _first_pitch_row(self),
            _facts_row(self),
        ]


def _pct(value: float) -> str:
    return f"{round(value * 100):d}%"


def _talk_share_row(m: ConversationMetrics) -> MetricRow:
    reference = "~43% (top performers)"
    if m.talk_share is None:
        return MetricRow(label="Rep talk share", value="-", reference=reference, verdict="n/a")
    share = m.talk_share
    verdict: Verdict
    if 0.35 <= share <= 0.50:
        verdict = "good"
    elif 0.25 <= share <= 0.60:
        verdict = "fair"
    else:
        verdict = "poor"
    return MetricRow(
        label="Rep talk share", value=_pct(share), reference=reference, verdict=verdict
    )


def _questions_row(m: ConversationMetrics) -> MetricRow:
    low, high = QUESTIONS_REFERENCE
    label = "Questions asked"
    if m.rep_turns < SHORT_CALL_TURNS:
        value = f"{m.question_count} in {m.rep_turns} turn{'' if m.rep_turns == 1 else 's'}"
        reference = f"{low}-{high} per discovery call"
        return MetricRow(
            label=label, value=f"{value}: too short to judge", reference=reference, verdict="n/a"
        )
    verdict: Verdict
    if m.rep_turns >= low:
        reference = f"{low}-{high} per discovery call"
        value = str(m.question_count)
        if low <= m.question_count <= high:
            verdict = "good"
        elif m.question_count > high:
            verdict = "fair" if m.question_count <= high + 4 else "poor"
        else:
            verdict = "fair" if m.question_count >= low * 0.6 else "poor"
    else:
        # A short practice call cannot reach 11 questions: judge its rate per rep turn.
        rate = m.question_count / m.rep_turns
        reference = f"about 1 a turn ({low}-{high} per discovery call)"
        value = f"{m.question_count} in {m.rep_turns} turns ({rate:.1f} a turn)"
        verdict = "good" if rate >= 0.9 else "fair" if rate >= 0.6 else "poor"
    return MetricRow(label=label, value=value, reference=reference, verdict=verdict)


def _open_share_row(m: ConversationMetrics) -> MetricRow:
    reference = "70% good, 50% fair (MITI 3.1)"
    if m.open_question_share is None:
        return MetricRow(label="Open questions", value="-", reference=reference, verdict="n/a")
    share = m.open_question_share
    verdict: Verdict = "good" if share >= 0.7 else "fair" if share >= 0.5 else "poor"
    value = f"{_pct(share)} ({m.open_question_count} of {m.question_count})"
    return MetricRow(label="Open questions", value=value, reference=reference, verdict=verdict)


def _reflection_row(m: ConversationMetrics) -> MetricRow:
    reference = "2:1 good, 1:1 fair (MITI 4)"
    if m.reflection_to_question is None:
        value = f"{m.reflection_count} reflections, no questions"
        return MetricRow(
            label="Reflections per question", value=value, reference=reference, verdict="n/a"
        )
    ratio = m.reflection_to_question
    verdict: Verdict = "good" if ratio >= 2.0 else "fair" if ratio >= 1.0 else "poor"
    return MetricRow(
        label="Reflections per question",
        value=f"{ratio:.1f}:1 ({m.reflection_count} to {m.question_count})",
        reference=reference,
        verdict=verdict,
    )


def _monologue_row(m: ConversationMetrics) -> MetricRow:
    reference = f"under ~{MONOLOGUE_WORDS_REFERENCE} words (about a minute)"
    verdict: Verdict
    if m.rep_turns == 0:
        verdict = "n/a"
    elif m.longest_monologue_words <= 60:
        verdict = "good"
    elif m.longest_monologue_words <= MONOLOGUE_WORDS_REFERENCE:
        verdict = "fair"
    else:
        verdict = "poor"
    return MetricRow(
        label="Longest rep monologue",
        value=f"{m.longest_monologue_words} words",
        reference=reference,
        verdict=verdict,
    )


def _first_pitch_row(m: ConversationMetrics) -> MetricRow:
    reference = "after the buyer's problem is uncovered"
    verdict: Verdict
    if m.rep_turns == 0:
        return MetricRow(label="First pitch", value="-", reference=reference, verdict="n/a")
    if m.first_pitch_turn is None:
        return MetricRow(label="First pitch", value="none", reference=reference, verdict="good")
    needed = max(1, min(m.facts_needed, m.facts_total))
    if m.facts_uncovered_before_pitch >= needed:
        verdict = "good"
    elif m.facts_uncovered_before_pitch >= 1:
        verdict = "fair"
    else:
        verdict = "poor"
    before = m.facts_uncovered_before_pitch
    plural = "" if before == 1 else "s"
    value = f"turn #{m.first_pitch_turn} ({before} fact{plural} uncovered before)"
    return MetricRow(label="First pitch", value=value, reference=reference, verdict=verdict)


def _facts_row(m: ConversationMetrics) -> MetricRow:
    reference = f"{m.facts_needed} needed for success"
    if m.required_missing:
        reference += f"; required, not found: {', '.join(m.required_missing)}"
    verdict: Verdict
    if m.facts_total == 0:
        verdict = "n/a"
    elif m.success:
        verdict = "good"
    elif m.facts_uncovered >= 1:
        verdict = "fair"
    else:
        verdict = "poor"
    return MetricRow(
        label="Hidden facts uncovered",
        value=f"{m.facts_uncovered} of {m.facts_total}",
        reference=reference,
        verdict=verdict,
    )


def _is_reflection(turn: Turn, previous: str) -> bool:
    """A rep turn that restates the buyer: a statement (not a question) that uses their words.

    As in MITI coding, a turn may hold a reflection and a question; the reflection is its
    statement part.
    """
    statements = [
        s
        for s in sentences(turn.text)
        if not s.rstrip().endswith("?") and extract_cues(s).invitation is None
    ]
    if not statements or not previous.strip():
        return False
    if turn.score is not None:
        return turn.score.scores.listening >= REFLECTION_THRESHOLD
    cues = extract_cues(" ".join(statements), previous)
    return cues.reflection_opener is not None or cues.overlap >= 0.3


def _is_pitch(turn: Turn, previous: str, vocab: ScenarioVocabulary) -> bool:
    """A rep turn that pitches product, price or the close."""
    cues = extract_cues(turn.text, previous, vocab)
    if not cues.pitch:
        return False
    if turn.score is not None:
        return turn.score.scores.problem_focus < PITCH_THRESHOLD
    return True


def _questions(text: str) -> tuple[int, int]:
    """(questions, open questions) in one rep turn: question sentences and invitations."""
    total = opened = 0
    for sentence in sentences(text):
        cues = extract_cues(sentence)
        if cues.question_marks or cues.invitation is not None:
            total += 1
            opened += cues.question_form == "open"
    return total, opened


def conversation_metrics(transcript: Transcript, scenario: Scenario) -> ConversationMetrics:
    """Measure one conversation against the published references."""
    vocab = ScenarioVocabulary.from_scenario(scenario)
    rep_words = buyer_words = 0
    questions = open_questions = reflections = 0
    longest = current = 0
    first_pitch: int | None = None
    facts_before_pitch = 0
    revealed: list[str] = []
    previous = ""
    rep_index = 0
    for number, turn in enumerate(transcript.turns, start=1):
        count = len(words(turn.text))
        if turn.role == "buyer":
            buyer_words += count
            current = 0
            previous = turn.text
            revealed.extend(f for f in turn.revealed if f not in revealed)
            continue
        rep_index += 1
        rep_words += count
        current += count
        longest = max(longest, current)
        asked, opened = _questions(turn.text)
        questions += asked
        open_questions += opened
        reflections += _is_reflection(turn, previous)
        if first_pitch is None and _is_pitch(turn, previous, vocab):
            first_pitch = number
            facts_before_pitch = len(revealed)
    total_words = rep_words + buyer_words
    outcome = outcome_of(transcript.revealed, scenario)
    return ConversationMetrics(
        rep_turns=rep_index,
        rep_words=rep_words,
        buyer_words=buyer_words,
        talk_share=rep_words / total_words if total_words else None,
        question_count=questions,
        open_question_count=open_questions,
        open_question_share=open_questions / questions if questions else None,
        reflection_count=reflections,
        reflection_to_question=reflections / questions if questions else None,
        longest_monologue_words=longest,
        first_pitch_turn=first_pitch,
        facts_uncovered_before_pitch=facts_before_pitch,
        facts_uncovered=len(outcome.uncovered),
        facts_total=len(scenario.hidden_facts),
        facts_needed=outcome.needed,
        required_missing=outcome.required_missing,
        success=outcome.success,
    )

"""PracticeSession: turns in, scored; replies out; saved after every turn; resumable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay.buyer import load_backend
from roleplay.buyer.base import BuyerRequest, ChatMessage
from roleplay.buyer.cards import Generation
from roleplay.buyer.figures import unsupported
from roleplay.buyer.text import lead_in, split_sentences
from roleplay.errors import RoleplayError
from roleplay.rehearsal.simulation import read_script
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.scoring import TurnScorer
from roleplay.session import PracticeSession
from roleplay.transcript import load_transcript

from .conftest import SessionFactory, say

SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios" / "scripts"


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: the session's bookkeeping, not score quality: the fake scorer."""
    return fake_scorer


def test_a_conversation_is_recorded_scored_and_saved_after_every_turn(
    cfo: Scenario, make_session: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "t.json"
    session = make_session(cfo, save_to=path)
    opening = session.open()
    assert opening.text == cfo.opening_line
    assert load_transcript(path).turns[0].text == cfo.opening_line
    for line in read_script(SCRIPTS / "cfo-logistics-close.discovery.txt")[:3]:
        rep = session.submit(line)
        assert rep.score is not None and 0.0 <= rep.score.scores.context_seeking <= 1.0
        saved = load_transcript(path)
        assert saved.turns[-1].role == "rep" and saved.turns[-1].text == line
        chunks = list(session.reply())
        assert len(chunks) > 1  # streamed, not delivered whole
        saved = load_transcript(path)
        buyer = saved.turns[-1]
        assert buyer.role == "buyer" and buyer.text == "".join(chunks).strip()
        # The deterministic buyer writes nothing of its own: every word is authored.
        assert buyer.source == "authored"
        assert buyer.spans and all(span.source == "authored" for span in buyer.spans)
        assert buyer.patience is not None and buyer.trust is not None
    assert saved.revealed == session.state.uncovered
    assert saved.revealed  # the discovery opening earns at least one fact
    assert saved.scenario_hash == cfo.content_hash()
    assert saved.models.buyer == "deterministic:authored-lines"
    assert saved.seed == 1


def test_once_the_buyer_has_spoken_the_scorer_is_prepared_for_the_next_turn(
    cfo: Scenario, make_session: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prepare_next_turn` hands the scorer the buyer's last line and the call so far, as
    `submit` will when the rep's turn arrives; after a rep turn, or once the call has
    ended, there is nothing to prepare."""
    session = make_session(cfo)
    asked: list[tuple[str, object, list[tuple[str, str]]]] = []
    monkeypatch.setattr(session.scorer, "prepare", lambda *args: asked.append(args), raising=False)
    session.open()
    session.prepare_next_turn()
    assert asked == [(cfo.opening_line, cfo, [("buyer", cfo.opening_line)])]
    session.submit("How long does your month-end close take?")
    session.prepare_next_turn()
    assert len(asked) == 1  # the buyer has not answered yet
    "".join(session.reply())
    session.prepare_next_turn()
    previous, _, history = asked[-1]
    assert previous == session.last_turn.text
    assert history == [(t.role, t.text) for t in session.transcript.turns]
    session.end()
    session.prepare_next_turn()
    assert len(asked) == 2


def test_empty_and_control_character_turns(cfo: Scenario, make_session: SessionFactory) -> None:
    session = make_session(cfo)
    with pytest.raises(RoleplayError, match="empty"):
        session.submit("  \x00\x07 \t ")
    turn = session.submit("How long\x1b does your close\x00 take?")
    assert turn.text == "How long does your close take?"
    with pytest.raises(RoleplayError, match="Wait"):
        session.submit("And another thing?")


def test_stopping_a_reply_records_it_as_interrupted(
    cfo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(cfo)
    session.open()
    session.submit("Walk me through how your month-end close works today.")
    shown: list[str] = []
    for chunk in session.reply(should_stop=lambda: len(shown) >= 2):
        shown.append(chunk)
    turn = session.last_turn
    assert turn.source == "interrupted"
    assert turn.text == "".join(shown).strip()
    assert not session.awaiting_reply


def test_the_rep_can_end_the_meeting(
    cfo: Scenario, make_session: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "t.json"
    session = make_session(cfo, save_to=path)
    say(session, "How long does your month-end close take?")
    session.end()
    saved = load_transcript(path)
    assert saved.ended_by == "rep" and saved.finished
    assert session.ended


def test_resume_rebuilds_state_and_continues_the_same_way(
    cfo: Scenario,
    make_session: SessionFactory,
    default_rubric,
    scorer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    lines = read_script(SCRIPTS / "cfo-logistics-close.discovery.txt")
    whole = make_session(cfo)
    whole.open()
    for line in lines[:6]:
        say(whole, line)

    path = tmp_path / "crash.json"
    first = make_session(cfo, save_to=path)
    first.open()
    for line in lines[:3]:
        say(first, line)
    first.submit(lines[3])  # the app crashed before the buyer answered
    del first

    saved = load_transcript(path)
    resumed = PracticeSession.resume(saved, cfo, default_rubric, whole.buyer, scorer, save_to=path)
    assert resumed.awaiting_reply
    assert resumed.state.uncovered == saved.revealed
    "".join(resumed.reply())
    for line in lines[4:6]:
        say(resumed, line)
    assert [t.text for t in resumed.transcript.turns] == [t.text for t in whole.transcript.turns]
    assert resumed.state == whole.state
    assert load_transcript(path).turns[-1].text == whole.transcript.turns[-1].text


def test_turn_limit_ends_the_meeting_with_the_closing_line(
    cfo: Scenario, make_session: SessionFactory
) -> None:
    session = make_session(cfo)
    session.open()
    questions = read_script(SCRIPTS / "generic-discovery.txt")
    count = 0
    while not session.ended:
        say(session, questions[count % len(questions)] + f" (part {count})")
        count += 1
        assert count <= cfo.ending.max_turns
    assert session.ended_by == "turn_limit"
    assert count == cfo.ending.max_turns
    assert session.last_turn.text.endswith(cfo.ending.turn_limit_line)
    # The closing line stands alone: its own paragraph, never glued to the reply before it.
    closing = session.last_turn.text.split("\n\n")[-1]
    assert closing in (
        cfo.ending.turn_limit_line,
        f"{cfo.ending.success_line} {cfo.ending.turn_limit_line}",
    )
    assert closing != session.last_turn.text


class ScriptedContinuation:
    """A backend that continues a started reply with fixed text, and records its prompts."""

    continues_final_message = True
    generation = Generation()

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.requests: list[BuyerRequest] = []
        self.model_id = "scripted:continuation"

    @property
    def prompts(self) -> list[list[ChatMessage]]:
        """The prompt of every request, as a model would see it."""
        return [request.prompt for request in self.requests]

    def load(self, progress: object = None) -> None:
        """Nothing to load."""

    def stream(self, request: BuyerRequest, **kwargs: object) -> Iterator[str]:
        self.requests.append(request)
        reply = self.replies.pop(0) if self.replies else ""
        yield from re.findall(r"\s*\S+\s*", reply)


def test_the_lead_in_is_shown_before_the_model_speaks_and_the_model_finishes_it(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    buyer = ScriptedContinuation()
    session = PracticeSession(cfo, default_rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(PITCH)
    stream = session.reply()
    first = next(stream)
    assert not buyer.prompts  # shown before the model was asked for anything
    beat_anchor = "".join([first, *stream])
    prompt = buyer.prompts[0]
    assert prompt[-1].role == "assistant"
    assert lead_in(beat_anchor) == prompt[-1].content == buyer.requests[0].lead_in
    assert buyer.requests[0].anchor == beat_anchor
    assert f'saying: "{beat_anchor}")' in prompt[-2].content  # the model is still asked for it
    assert beat_anchor.startswith(prompt[-1].content)


OFF_THE_RAILS = " As an AI language model, I cannot share that. How can I help you today?"
"""A continuation the guard fails."""


def pitched_twice_off_the_rails(
    cfo: Scenario, rubric: Rubric, scorer: TurnScorer
) -> tuple[PracticeSession, ScriptedContinuation]:
    """A session whose rep has just pitched, on a buyer whose two attempts both fail."""
    buyer = ScriptedContinuation(OFF_THE_RAILS, OFF_THE_RAILS)
    session = PracticeSession(cfo, rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(PITCH)
    return session, buyer


def test_the_app_hears_before_each_model_run_after_the_lead_in_is_out(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    # The embedded model holds the GIL while it reads: the app paints what it has first.
    session, buyer = pitched_twice_off_the_rails(cfo, default_rubric, scorer)
    shown: list[str] = []
    calls: list[tuple[str, int]] = []
    for chunk in session.reply(
        before_model=lambda: calls.append(("".join(shown), len(buyer.requests)))
    ):
        shown.append(chunk)
    lead = buyer.requests[0].lead_in
    assert lead
    # once before each attempt (the model, then its regeneration), never after it was asked
    assert [asked for _, asked in calls] == [0, 1]
    assert all(before.strip() == lead for before, _ in calls)


def test_a_continuation_that_fails_the_guard_falls_back_to_the_rest_of_the_authored_line(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    # Both attempts go off the rails; the rep must see the authored line exactly once.
    session, buyer = pitched_twice_off_the_rails(cfo, default_rubric, scorer)
    reply = "".join(session.reply())
    turn = session.last_turn
    assert turn.source == "authored"
    assert "AI" not in reply
    assert len(buyer.prompts) == 2
    lead = buyer.prompts[0][-1].content
    assert reply.count(lead) == 1 and reply.startswith(lead)
    authored = {line for fact in cfo.hidden_facts for line in fact.lines}
    authored |= {line for o in cfo.objections for line in o.lines}
    authored |= set(cfo.small_talk_lines)
    assert turn.text in authored or turn.text.startswith(lead)


QUESTION = "Walk me through how your month-end close works today, step by step."
PITCH = "Our platform automates reconciliations end to end, with a real-time close dashboard."
"""A premature pitch: the buyer objects, and the model voices the objection from a lead-in."""


def authored_answer(
    scenario: Scenario, rubric: Rubric, scorer: TurnScorer, turn: str = PITCH
) -> tuple[str, PracticeSession]:
    """The deterministic buyer's whole answer to `turn`, and its session."""
    probe = PracticeSession(
        scenario, rubric, load_backend("deterministic", scenario), scorer, seed=1
    )
    probe.open()
    probe.submit(turn)
    return "".join(probe.reply()), probe


def test_a_good_continuation_is_released_as_the_model_said_it(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    anchor, probe = authored_answer(cfo, default_rubric, scorer)
    lead = lead_in(anchor)
    buyer = ScriptedContinuation(anchor[len(lead) :])
    session = PracticeSession(cfo, default_rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(PITCH)
    chunks = list(session.reply())
    assert "".join(chunks) == anchor
    assert session.last_turn.objections == probe.last_turn.objections


def test_a_fact_is_said_as_authored_and_the_model_may_add_one_sentence(
    cfo: Scenario, default_rubric: Rubric, minilm_scorer: TurnScorer
) -> None:
    """The guard keeps the model's sentence because MiniLM finds it on the fact's topic."""
    scorer = minilm_scorer
    anchor, probe = authored_answer(cfo, default_rubric, scorer, QUESTION)
    assert probe.last_turn.revealed
    extra = " It is the part of the month I like least. And another thing entirely."
    buyer = ScriptedContinuation(extra)
    session = PracticeSession(cfo, default_rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(QUESTION)
    reply = "".join(session.reply())
    turn = session.last_turn
    assert reply.startswith(anchor)  # the authored line, word for word, first
    assert reply == anchor + " It is the part of the month I like least."
    assert turn.revealed == probe.last_turn.revealed
    assert [span.source for span in turn.spans] == ["authored", "model"]
    assert turn.spans[1].text == "It is the part of the month I like least."


def test_a_model_sentence_with_a_figure_the_buyer_cannot_know_is_cut(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    anchor, _ = authored_answer(cfo, default_rubric, scorer, QUESTION)
    buyer = ScriptedContinuation(" We pay our contractors ninety-five dollars an hour for it.")
    session = PracticeSession(cfo, default_rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(QUESTION)
    reply = "".join(session.reply())
    assert reply == anchor
    assert session.guard.outcomes["truncated"] == 1
    known = session.guard.known_text(session.state.uncovered)
    assert unsupported("We pay our contractors ninety-five dollars an hour.", known) == ["95"]


@pytest.mark.parametrize(
    ("line", "lead"),
    [
        ("Twelve days, give or take, and most of it is chasing approvals.", "Twelve days,"),
        ("We lost two of our three planners last year.", "We lost two of"),
        ("Look. We tried this before.", "Look."),
        ("Honestly, our DSO has crept to 58 days.", "Honestly, our DSO has"),
        ("", ""),
    ],
)
def test_lead_in_is_the_start_of_the_first_sentence_never_all_of_it(line: str, lead: str) -> None:
    assert lead_in(line) == lead


@pytest.mark.parametrize(
    "wander",
    [
        "Here's the answer: 2015-3-4; Monday, December 4th (Monday).",
        "Sure, it's a little-known company that uses digital forensic technology to boost sales.",
        "Well (laughs) that is a long story.",
    ],
)
def test_a_sentence_that_wanders_off_the_scenario_is_cut(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer, wander: str
) -> None:
    anchor, _ = authored_answer(cfo, default_rubric, scorer)
    question = PITCH
    first = split_sentences(anchor)[0]
    buyer = ScriptedContinuation(f"{first[len(lead_in(anchor)) :]} {wander}")
    session = PracticeSession(cfo, default_rubric, buyer, scorer, seed=1)
    session.open()
    session.submit(question)
    reply = "".join(session.reply())
    assert reply == first
    outcomes = session.guard.outcomes
    assert outcomes["truncated"] == 1
    assert outcomes["cut:off_topic"] + outcomes["cut:out_of_character"] == 1

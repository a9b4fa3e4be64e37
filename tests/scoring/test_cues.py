"""Cues of whose problem a turn centres and of a reflection in new words (`features`)."""

from __future__ import annotations

import pytest

from roleplay.language import read_turn
from roleplay.scoring.features import extract_cues, score_caps, sentence_subject

HEARD = "Honestly the board deadline has me losing sleep, and my team is worn out."


@pytest.mark.parametrize(
    "turn",
    [
        "You sound worn out by all of this.",
        "It seems like you've been carrying the deadline on your own.",
        "I can see you're torn between the board and your team.",
        "You're losing sleep over the deadline?",
        "Your team is running on empty, then.",
    ],
)
def test_saying_back_the_buyers_state_is_a_reflection_form(turn: str) -> None:
    assert extract_cues(turn, HEARD).extra["you_state"] == 1.0


@pytest.mark.parametrize(
    "turn",
    [
        "You should talk to the board about the deadline.",
        "You will be fine, boards always come round.",
        "I understand how you feel.",
        "How do you feel about the deadline?",
        "Are you sleeping at all?",
        "I had the same thing with my last board.",
    ],
)
def test_advice_reassurance_new_questions_and_own_stories_are_not(turn: str) -> None:
    assert extract_cues(turn, HEARD).extra["you_state"] == 0.0


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("How are you handling it?", "you"),
        ("I went through the same thing.", "self"),
        ("They have far less than your family has.", "other"),
        ("Children in those towns go hungry every day.", "other"),
        ("The deadline moved again.", "none"),
    ],
)
def test_whose_sentence_it_is(sentence: str, subject: str) -> None:
    assert sentence_subject(sentence) == subject


def test_other_people_at_the_centre_are_counted() -> None:
    cues = extract_cues("They have nothing, and the children there need people like you.")
    assert cues.extra["other_centred"] == 1.0
    assert cues.extra["third_person_rate"] > 0


@pytest.mark.parametrize(
    "text",
    [
        "Would you like to donate part of your payment today?",
        "How much would you be willing to contribute?",
    ],
)
def test_asking_someone_to_give_is_a_money_ask(text: str) -> None:
    assert read_turn(text).money_ask


def test_asking_whether_someone_gives_is_not() -> None:
    assert not read_turn("Do you donate to any charities yourself?").money_ask


@pytest.mark.parametrize(
    ("text", "close"),
    [
        ("Makes sense. Anyway, when are you looking to choose a returns partner?", True),
        ("Anyway, what's your timeline for picking a forecasting tool?", True),
        ("Why did you pick the current system?", False),
        ("What tool do you use for the close today?", False),
    ],
)
def test_asking_when_the_buyer_will_choose_a_vendor_is_a_close(text: str, close: bool) -> None:
    assert bool(read_turn(text).close) is close


AUDIT = "The auditors flagged our access reviews, and the board wants them fixed by June."


@pytest.mark.parametrize(
    "turn",
    [
        "One of my accounts, a bank in Leeds, had the same access reviews flagged. "
        "They fixed them with our platform before the board met.",
        "Most banks see their access reviews flagged by auditors at some point.",
    ],
)
def test_someone_elses_story_in_the_buyers_words_is_not_listening(turn: str) -> None:
    caps = score_caps(extract_cues(turn, AUDIT))
    assert caps["listening"][0] <= 0.15 and caps["problem_focus"][0] <= 0.15


def test_a_reflection_before_someone_elses_story_still_listens() -> None:
    turn = (
        "So the auditors flagged your access reviews and the board wants them fixed by June. "
        "Most banks see that at some point."
    )
    caps = score_caps(extract_cues(turn, AUDIT))
    assert "listening" not in caps and caps["problem_focus"][0] <= 0.15


def test_a_question_about_the_product_is_not_context_seeking() -> None:
    caps = score_caps(extract_cues("Any questions on our access review module?", AUDIT))
    assert caps["context_seeking"][0] <= 0.15


def test_asking_when_they_will_decide_is_not_problem_focus() -> None:
    caps = score_caps(extract_cues("When are you looking to make a decision?", AUDIT))
    assert caps["problem_focus"][0] <= 0.15 and "context_seeking" not in caps


PAIN = "Our agents spend half the day on tenant calls about repairs, and two of them quit in March."


@pytest.mark.parametrize(
    "turn",
    [
        "RentRail takes that off their plate. Half the day on tenant calls is a lot.",
        "Totally get it! Pulsewave records those calls and flags every repair for you.",
        "A group in Kent had exactly this, and their agents stopped losing half the day.",
    ],
)
def test_a_turn_that_opens_by_selling_is_not_listening_whatever_follows(turn: str) -> None:
    caps = score_caps(extract_cues(turn, PAIN))
    assert caps["listening"][0] <= 0.15 and caps["problem_focus"][0] <= 0.15
    assert caps["listening"][1].startswith("opens by selling")


def test_a_reflection_before_a_pitch_in_the_same_sentence_still_listens() -> None:
    turn = "Half the day on tenant calls - that's exactly what RentRail takes off their plate."
    caps = score_caps(extract_cues(turn, PAIN))
    assert "listening" not in caps and caps["problem_focus"][0] <= 0.15


def test_other_peoples_pain_inside_a_question_about_the_buyer_is_discovery() -> None:
    turn = "Is it even across the team, or are a few sites dragging the average up?"
    caps = score_caps(extract_cues(turn, PAIN))
    assert "problem_focus" not in caps


SISTER = "My sister promised to help with mum's care, but she hasn't come once in three months."


@pytest.mark.parametrize(
    ("turn", "cue"),
    [
        ("You're doing a great job looking after your mum.", "praise"),
        ("That's a wonderful idea.", "praise"),
        ("I'm sure things will get better soon.", "reassuring_future"),
        ("You'll get through this.", "reassuring_future"),
        ("Many families go through this when a parent gets ill.", "generalising"),
        ("It's completely normal to feel that way.", "generalising"),
        ("I went through the same thing with my brother.", "speaker_story"),
        ("That sounds really lonely.", "feeling_named"),
        ("I can tell you're angry with her.", "feeling_named"),
        ("Are you saying she hasn't helped at all?", "checks_understanding"),
        ("So the care has all landed on you, is that right?", "checks_understanding"),
    ],
)
def test_what_a_supporter_says_instead_of_playing_back_has_its_own_cue(turn: str, cue: str) -> None:
    assert extract_cues(turn, SISTER).extra[cue] > 0


@pytest.mark.parametrize(
    "turn",
    [
        "You're doing a great job looking after your mum.",
        "You'll be fine, you always manage.",
        "You're welcome, take care.",
    ],
)
def test_praise_promises_and_courtesies_are_not_a_reflections_form(turn: str) -> None:
    cues = extract_cues(turn, SISTER)
    assert cues.extra["you_state"] == 0.0
    assert cues.extra["you_statement"] == 0.0
    assert cues.reflection_opener is None


@pytest.mark.parametrize(
    ("turn", "reflection_form", "feeling", "checks"),
    [
        ("So your sister said she'd share the care and hasn't come once.", True, False, False),
        ("That's great, so your sister has promised before and not come?", True, False, False),
        ("You feel let down by your sister.", True, True, False),
        ("How long has your sister been like this?", False, False, False),
        ("Are you sleeping at all?", False, False, False),
        ("It sounds like you're exhausted by all of this.", True, True, False),
    ],
)
def test_a_reflection_keeps_its_form_beside_praise_and_a_question_names_no_feeling(
    turn: str, reflection_form: bool, feeling: bool, checks: bool
) -> None:
    cues = extract_cues(turn, SISTER)
    assert (cues.reflection_opener is not None or cues.extra["you_state"] == 1.0) is reflection_form
    assert (cues.extra["feeling_named"] > 0) is feeling
    assert (cues.extra["checks_understanding"] > 0) is checks
    assert cues.extra["generalising"] == cues.extra["speaker_story"] == 0.0


SHORT_STAFFED = (
    "Honestly I'm exhausted. Three people quit in finance this spring and I'm running the "
    "month-end close myself."
)


@pytest.mark.parametrize(
    "turn",
    [
        "So you're running the close yourself since three people left.",
        "You're covering the close on your own since the three left, and it's wearing you down?",
        "Three gone and the close on your shoulders, is that right?",
        "The whole month-end now sits with you.",
    ],
)
def test_saying_the_buyers_content_back_has_a_playback_form(turn: str) -> None:
    assert extract_cues(turn, SHORT_STAFFED).extra["playback_form"] == 1.0


@pytest.mark.parametrize(
    "turn",
    [
        "You're clearly doing a great job holding it together.",
        "You should bring in a contractor to cover the close until you rehire.",
        "Most finance teams lose people in the spring.",
        "I ran a close short-staffed at my last company.",
        "How many people are on the finance team now?",
        "I hear you.",
        "Ledgerly automates the month-end close end to end.",
        "The benchmark is five working days.",
    ],
)
def test_praise_advice_generalities_own_stories_questions_and_pitches_have_none(
    turn: str,
) -> None:
    assert extract_cues(turn, SHORT_STAFFED).extra["playback_form"] == 0.0


@pytest.mark.parametrize(
    "turn",
    [
        "You're clearly doing a great job holding it together.",
        "Good for you. That's great.",
        "You're obviously a strong leader, the board is lucky to have you.",
    ],
)
def test_praise_alone_is_not_listening(turn: str) -> None:
    caps = score_caps(extract_cues(turn, SHORT_STAFFED))
    assert caps["listening"][0] <= 0.15
    assert "praises" in caps["listening"][1]


@pytest.mark.parametrize(
    "turn",
    [
        "You're doing a great job, and you're still running the close yourself with three gone.",
        "That's great that you kept the close going, so three people left this spring?",
        "So you're running the close yourself since three people left.",
    ],
)
def test_praise_beside_a_reflection_or_a_question_still_listens(turn: str) -> None:
    assert "listening" not in score_caps(extract_cues(turn, SHORT_STAFFED))


def test_taking_care_of_something_is_no_courtesy() -> None:
    cues = extract_cues("So you take care of the whole close yourself now.", SHORT_STAFFED)
    assert cues.extra["praise_only"] == 0.0
    assert cues.extra["playback_form"] == 1.0


def test_the_playback_cosine_counts_only_a_turn_that_says_something_back(fake_scorer) -> None:  # type: ignore[no-untyped-def]
    from roleplay.scoring.features import CUE_NAMES
    from roleplay.scoring.model import featurise_turns

    reflection = "So you're running the month-end close yourself since three people quit."
    praise = "You're clearly doing a great job holding the month-end close together."
    x, _ = featurise_turns(
        fake_scorer.embedder, [(reflection, SHORT_STAFFED), (praise, SHORT_STAFFED)]
    )
    cues = x[:, -len(CUE_NAMES) :]
    history, playback = CUE_NAMES.index("history_cosine"), CUE_NAMES.index("playback_cosine")
    assert cues[0, history] > 0.2
    assert cues[0, playback] == cues[0, history]
    assert cues[1, history] > 0.2
    assert cues[1, playback] == 0.0

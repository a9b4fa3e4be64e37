"""One better turn per scored turn: built from the buyer's words, then checked by the scorer.

A suggestion that coaches listening but reads as a pitch teaches the wrong thing, so every
suggestion is held to the bar it sets: a few candidates are built from what the buyer said
(different clauses, in a question form and a reflection form) and scored by the same scorer in
the same place of the conversation, and one that reaches the rubric's top band on the
dimension it coaches wins. They are scored in rounds (`better_turns`): the first candidate,
embedded together with the turn; only if it falls short, the others, the best of them winning.
A candidate only ever quotes the buyer's own words, never a
clause the turn-reading rules read as product, price or close talk, and never names the
product. When no candidate reaches the bar, a coaching line that quotes nothing is offered
(the best of a few, also scored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from roleplay.language import ScenarioVocabulary, TurnReading, content_words, read_turn, words
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.scoring.explain import key_phrases, swap_person
from roleplay.scoring.features import Cues, History, buyer_lines

FIRST_FORM = 'You said "{quote}". What is that costing you, and who feels it most?'
"""The form tried first whatever the dimension: it says the buyer's words back (listening),
asks an open question (context) and asks what the problem costs and whom (problem focus)."""

QUOTED_FORMS: Mapping[str, tuple[str, ...]] = {
    "listening": (
        FIRST_FORM,
        'You said "{quote}". Tell me more: what does that mean for you and your team?',
        "So {reflection}. What is that costing you, and who feels it most?",
    ),
    "context_seeking": (
        FIRST_FORM,
        'You said "{quote}". How does that play out today, and who is involved?',
        'You said "{quote}". Tell me more: what does that mean for you and your team?',
    ),
    "problem_focus": (
        FIRST_FORM,
        'When you say "{quote}", what does that cost you, and what happens if nothing changes?',
        "So {reflection}. What is that costing you, and who feels it most?",
    ),
}
"""Per coached dimension, the forms a suggestion takes, preferred first. `{quote}` is a clause
the buyer said, verbatim and in quotes (so the sentence is grammatical whatever the clause);
`{reflection}` the same clause said back in the second person (`my team is tired` -> `your
team is tired`), used only when the clause opens with the buyer as its subject."""

OPENING_LINES = (
    "What's on your plate this quarter that made this meeting worth your time, "
    "and what happens if it stays as it is?",
    "What is the one thing in your part of the business you most want to change this year, "
    "and what is it costing you today?",
)
"""Suggestions that quote nothing, for the start of a call, before the buyer has said anything
worth saying back."""

FOLLOW_UPS = (
    "Tell me more about what you just described: how does it work today, "
    "and what does it cost you when it goes wrong?",
    "What you just described sounds like it matters. Who feels it most, "
    "and what happens if it stays as it is?",
)
"""Suggestions that quote nothing, offered mid-call when no candidate built from the buyer's
words reaches the bar."""

_FORMS = (*(f for forms in QUOTED_FORMS.values() for f in forms), *OPENING_LINES, *FOLLOW_UPS)
TEMPLATE_WORDS = frozenset(
    w
    for line in _FORMS
    for w in content_words(line.replace("{quote}", " ").replace("{reflection}", " "))
)
"""Every content word a suggestion may hold besides the buyer's own."""

SPANS = 3
"""How many of the buyer's clauses a suggestion may quote (the most meaningful first)."""

EARLIER_LINES = 3
"""How many of the buyer's lines before the last one clauses may come from (newest first)."""

MAX_QUOTE_WORDS = 16
"""The longest clause quoted."""

_SUBJECT_OPENERS = frozenset(
    "i we my our i'm we're i've we've i'd we'd i'll we'll".split()  # noqa: SIM905
)
"""First words after which a clause, said back in the second person, is a whole sentence."""

_DOUBLE_QUOTES = re.compile('["\u201c\u201d]')
"""Double quotation marks, which a quote of the buyer's words cannot hold."""

_SUBORDINATE = re.compile(
    r"\s\b(?:after|before|when|since|until|unless|if|once|whereas)\b", re.IGNORECASE
)
"""Where a clause's main part ends and a subordinate one starts."""

Predict = Callable[
    [Sequence[tuple[str, str]], Sequence[History] | None],
    tuple[Mapping[str, npt.NDArray[np.float64]], Sequence[Cues]],
]
"""The scorer's probabilities per dimension (its rules applied) and its cues for `(turn,
previous)` items with their histories."""


@dataclass(frozen=True)
class Request:
    """One scored turn that needs a better turn."""

    previous: str
    """The buyer's line before the turn."""
    history: History
    """The conversation before the turn, oldest first."""
    coached: str
    """The dimension the suggestion coaches: the turn's weakest."""
    clauses: tuple[str, ...]
    """The buyer's clauses the suggestion may quote (`quotable_clauses`), best first."""
    opening: bool
    """Whether the buyer has said nothing yet worth saying back (the call's start)."""


def bars(rubric: Rubric) -> dict[str, float]:
    """Per dimension, the score a suggestion must reach: where the rubric's top band starts."""
    return {name: rubric.dimension(name).bands[-1].min_score for name in QUOTED_FORMS}


def _sells(reading: TurnReading) -> bool:
    """Whether the turn-reading rules read these words as product, price or close talk
    (`TurnReading.selling`), or as the rep telling the buyer their pain."""
    return reading.selling or bool(reading.pain_told)


def quotable(clause: str, vocabulary: ScenarioVocabulary, heard: str) -> bool:
    """Whether a clause the buyer said may be quoted back: it holds some substance and the
    turn-reading rules do not read it as product, price or close talk (`we raised prices in
    January` is the buyer's fact, but said back it reads as price talk)."""
    if len(content_words(clause)) < 2:
        return False
    return not _sells(read_turn(clause, vocabulary, heard))


def reflection(clause: str) -> str:
    """The clause said back in the second person, or "" when it does not open with the buyer
    as its subject (`has a freeze on new vendors` has none, and `So has a freeze` is no
    sentence)."""
    tokens = clause.split()
    if not tokens or tokens[0].lower().replace("’", "'") not in _SUBJECT_OPENERS:
        return ""
    said_back = swap_person(clause).rstrip(" ,;:-")
    if len(said_back.split()) != len(tokens):  # `1,200` or `£20k` would come back spaced out
        return ""
    return said_back[0].lower() + said_back[1:]  # `your`, `you`: mid-sentence after `So`


def quoted_spans(text: str) -> list[str]:
    """The spans a suggestion quotes (between double quotes)."""
    return re.findall(r"\"([^\"]+)\"", text)


def at_opening(previous: str, scenario: Scenario | None) -> bool:
    """Whether the turn answers nothing yet: no line, or the scenario's opening line (a name
    and a greeting, nothing to say back)."""
    if not previous.strip():
        return True
    return scenario is not None and " ".join(previous.split()) == " ".join(
        scenario.opening_line.split()
    )


def quotable_clauses(
    previous: str, history: History, scenario: Scenario | None, vocabulary: ScenarioVocabulary
) -> tuple[str, ...]:
    """The buyer's clauses a suggestion may quote, at most `SPANS`, best first.

    They come from the buyer's last line, then from the lines before it (newest first); a
    clause with more substance comes first ("That's a longer story" defers to what came
    before), and among equals the newer.
    """
    if at_opening(previous, scenario):
        return ()
    names = [scenario.buyer.name] if scenario is not None else []
    said = buyer_lines(previous, history)
    heard = " ".join(said)
    lines = [said[-1], *reversed(said[:-1][-EARLIER_LINES:])]
    clauses = list(
        dict.fromkeys(
            as_said(c, line) for line in lines for c in key_phrases(line, MAX_QUOTE_WORDS, names)
        )
    )
    clauses.sort(key=lambda clause: len(content_words(clause)) < 3)
    chosen: list[str] = []
    for clause in clauses:
        # "Churn ticked up to 1.9 percent a month after we raised prices" reads as price talk
        # said back; what comes before "after" is the buyer's problem, and quotable.
        head = _SUBORDINATE.split(clause, maxsplit=1)[0].strip(" ,;:-")
        for span in dict.fromkeys((clause, head)):
            if span not in chosen and quotable(span, vocabulary, heard):
                chosen.append(span)
                break
        if len(chosen) == SPANS:
            break
    return tuple(chosen)


def as_said(clause: str, line: str) -> str:
    """The clause with the letters' case as the buyer said it (`Walmart alone charged us`,
    not `walmart ...`), ready to go inside double quotes: the buyer's own quotation marks
    become single ones (`entries like 'research'`), or go when the clause cut one in half."""
    start = line.lower().find(clause.lower())
    said = line[start : start + len(clause)] if start >= 0 else clause
    marks = len(_DOUBLE_QUOTES.findall(said))
    return _DOUBLE_QUOTES.sub("'" if marks % 2 == 0 else "", said)


def first_candidate(clauses: Sequence[str], opening: bool) -> str:
    """The suggestion tried first, whatever the dimension it coaches (so it can be embedded
    together with the turn, before the turn is scored)."""
    if clauses:
        return FIRST_FORM.format(quote=clauses[0])
    return OPENING_LINES[0] if opening else FOLLOW_UPS[0]


def candidates(request: Request) -> list[str]:
    """The suggestions built from the buyer's words for one turn, preferred first (empty when
    the buyer has said nothing that can be said back): each quotable clause in each of the
    coached dimension's forms."""
    out: list[str] = []
    for clause in request.clauses:
        for form in QUOTED_FORMS[request.coached]:
            said_back = reflection(clause) if "{reflection}" in form else ""
            if "{reflection}" in form and not said_back:
                continue
            text = form.format(quote=clause, reflection=said_back)
            if text not in out:
                out.append(text)
    return out


def fallbacks(request: Request) -> tuple[str, ...]:
    """The suggestions that quote nothing for one turn."""
    return OPENING_LINES if request.opening else (*FOLLOW_UPS, *OPENING_LINES)


def better_turns(
    requests: Sequence[Request],
    predict: Predict,
    bar: Mapping[str, float],
) -> list[str]:
    """The better turn for each request, chosen by the scorer.

    Candidates are scored in rounds, each one batch for every request still open: the
    preferred candidate built from the buyer's words; then the other candidates; then the
    lines that quote nothing. A request closes at the first round in which a candidate reaches
    `bar` on its coached dimension and passes the reading rules (the best such candidate wins);
    one that never does gets the best-scoring candidate it was offered.
    """
    built = [candidates(r) for r in requests]
    rounds: list[list[Sequence[str]]] = [
        [c[:1] for c in built],
        [c[1:] for c in built],
        [fallbacks(r) for r in requests],
    ]
    chosen: list[str | None] = [None] * len(requests)
    best: list[tuple[float, str]] = [(-1.0, "") for _ in requests]
    for offered in rounds:
        owners = [i for i in range(len(requests)) if chosen[i] is None for _ in offered[i]]
        texts = [t for i in range(len(requests)) if chosen[i] is None for t in offered[i]]
        if not texts:
            continue
        items = [(text, requests[i].previous) for text, i in zip(texts, owners, strict=True)]
        histories = [requests[i].history for i in owners]
        probabilities, cues = predict(items, histories)
        passing: dict[int, tuple[float, str]] = {}
        for row, (text, i) in enumerate(zip(texts, owners, strict=True)):
            coached = requests[i].coached
            value = round(float(probabilities[coached][row]), 4)
            reading = cues[row].reading
            if reading is None or _sells(reading):  # as the scorer read it, with what was heard
                continue
            if value > best[i][0]:
                best[i] = (value, text)
            if value >= bar[coached] and value > passing.get(i, (-1.0, ""))[0]:
                passing[i] = (value, text)
        for i, (_, text) in passing.items():
            chosen[i] = text
    return [
        c if c is not None else best[i][1] or fallbacks(requests[i])[0]
        for i, c in enumerate(chosen)
    ]


def said_by_buyer(suggestion: str, previous: str, history: History = ()) -> bool:
    """Whether a suggestion puts nothing in the buyer's mouth: every quoted span is the
    buyer's words as said, and every content word is the buyer's or the coaching forms'."""
    said = buyer_lines(previous, history)

    def plain(text: str) -> str:  # quotation marks aside: `'research'` quotes `"research"`
        return " ".join(re.sub("[\"'\u2018\u2019\u201c\u201d]", "", text).lower().split())

    lines = [plain(line) for line in said]
    for span in quoted_spans(suggestion):
        if not any(plain(span) in line for line in lines):
            return False
    heard = {w for line in said for w in words(line)}
    return all(w in heard or w in TEMPLATE_WORDS for w in content_words(suggestion))

"""Why a turn scored as it did, in words a rep can act on, and the buyer's words a better
turn is built from (`roleplay.scoring.suggest` builds it and checks it with the scorer)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from roleplay.dimensions import weakest
from roleplay.language import STOPWORDS, content_words, sentences
from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scoring.features import (
    CONCERN_WORDS,
    CUE_NAMES,
    Cues,
    score_caps,
    small_talk_only,
)
from roleplay.scoring.model import EMBEDDING_DIM
from roleplay.transcript import Explanation

EMBEDDING_PARTS = 3 * EMBEDDING_DIM
"""Turn, previous and their product, before the cosine and the cues."""

_CLAUSE_SPLIT = re.compile(
    r"[;:!?()\u2014\u2013]|\.(?!\w)|(?<!\d),|,(?!\d)|\s-\s"
    r"|\b(?:and|but|because|so|which|although|though|while)\b",
    re.IGNORECASE,
)
_LEAD_FILLERS = {
    "honestly",
    "well",
    "look",
    "yeah",
    "yes",
    "no",
    "so",
    "and",
    "but",
    "or",
    "okay",
    "ok",
    "fine",
    "sure",
    "frankly",
    "basically",
    "right",
    "um",
    "uh",
    "oh",
    "it's",
    "is",
}


_FIRST_TO_SECOND = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "i'm": "you're",
    "i've": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    "we're": "you're",
    "we've": "you've",
    "we'll": "you'll",
    "we'd": "you'd",
}
_SECOND_TO_FIRST = {
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "yourselves": "ourselves",
    "you're": "I'm",
    "you've": "I've",
    "you'll": "I'll",
    "you'd": "I'd",
}
_BEFORE_SUBJECT = frozenset(
    """
    and but or so if when because that what where how why which who whether than unless until
    while since as do does did don't didn't doesn't can could will would should shall may might
    must can't won't wouldn't couldn't shouldn't have has had haven't hasn't are were aren't
    weren't
    """.split()  # noqa: SIM905
)
"""Words after which `you` is the subject (`I`), not the object (`me`)."""
_BEFORE_OBJECT = frozenset(
    """
    to for with about at from of by on in into onto like without against around toward towards
    let let's make made help helped hear heard see saw watch
    """.split()  # noqa: SIM905
)
"""Words after which `you` is the object (`me`): prepositions, and verbs like `let you`."""
_AFTER_OBJECT = frozenset(
    """
    what what's how why where when who whether that the a an to for about with in on at from
    this that those these and or but so if because again too here there back up out down off
    all both yet anything something nothing everything my your our their his her its some any
    no more every one two three tomorrow today tonight later soon now next last
    """.split()  # noqa: SIM905
)
"""Words before which `you` is the object (`told you what`, `asking you a thing`); before
anything else (a verb, as in `know you understand`) it is the subject."""
_AGREEMENT = (
    (re.compile(r"\byou am\b", re.IGNORECASE), "you are"),
    (re.compile(r"\byou was\b", re.IGNORECASE), "you were"),
    (re.compile(r"\bam you\b", re.IGNORECASE), "are you"),
    (re.compile(r"\bwas you\b", re.IGNORECASE), "were you"),
    (re.compile(r"\bI are\b"), "I am"),
    (re.compile(r"\bI were\b"), "I was"),
    (re.compile(r"\bare I\b", re.IGNORECASE), "am I"),
    (re.compile(r"\bwere I\b", re.IGNORECASE), "was I"),
)
"""The verb that goes with a swapped pronoun; a `you` here only ever came from `I`/`we`, an
`I` only from `you`."""


def swap_person(phrase: str) -> str:
    """The buyer's words as the rep would say them back: first and second person swapped.

    `my team is tired` -> `your team is tired`; `I haven't told you what's wrong` -> `you
    haven't told me what's wrong`.
    """
    out: list[str] = []
    tokens = re.findall(r"[A-Za-z0-9$%](?:[A-Za-z0-9'’$%\-]|\.(?=\w))*|\S", phrase)
    lowered = [token.lower().replace("’", "'") for token in tokens]
    for index, (token, lower) in enumerate(zip(tokens, lowered, strict=True)):
        before = lowered[index - 1] if index > 0 and re.match(r"\w", lowered[index - 1]) else None
        after = lowered[index + 1] if index + 1 < len(lowered) else None
        if lower == "you":
            if before is None or before in _BEFORE_SUBJECT:
                subject = True
            else:
                ends = after is None or not re.match(r"\w", after)
                subject = not (before in _BEFORE_OBJECT or ends or after in _AFTER_OBJECT)
            swapped: str | None = "I" if subject else "me"
        else:
            swapped = _FIRST_TO_SECOND.get(lower) or _SECOND_TO_FIRST.get(lower)
        if swapped is None:
            out.append(token)
        elif token[0].isupper() and not lower.startswith("i") and not swapped.startswith("I"):
            out.append(swapped[0].upper() + swapped[1:])  # "Your" at the start stays capitalised
        else:
            out.append(swapped)
    text = " ".join(out)
    for pattern, replacement in _AGREEMENT:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\byou is\b", "you are", text)
    text = re.sub(r"\byou has\b", "you have", text)
    return re.sub(r"\s+([,.;:!?%])", r"\1", text)


_GREETING_WORDS = frozenset(
    """
    hi hello hey thanks thank welcome morning afternoon evening good nice meet pleasure glad
    great sorry
    """.split()  # noqa: SIM905
)
"""Words of a greeting or an apology, which carry no concern of the buyer's."""


def _carries_nothing(tokens: list[str], names: frozenset[str]) -> bool:
    """Whether a fragment of the buyer's line is only a name, a greeting, or both."""
    content = content_words(" ".join(tokens))
    if all(w in names or w in _GREETING_WORDS for w in content):
        return True
    # A fragment of capitalised words only ("Dana Whitfield", "Gareth") is a name or a title.
    capitalised = all(t[0].isupper() for t in tokens if t[0].isalpha())
    return capitalised and len(tokens) <= 3 and not any(w in CONCERN_WORDS for w in content)


def key_phrase(line: str, max_words: int = 10, names: Sequence[str] = ()) -> str:
    """The clause of the buyer's line that carries most of its meaning, at most `max_words`.

    Questions, names (the buyer's own `names`, or capitalised words alone) and greetings are
    never chosen: "you said Dana Whitfield" or "you said what did I want to talk about" is no
    reflection. Returns "" when no clause is left.
    """
    phrases = key_phrases(line, max_words, names)
    return phrases[0] if phrases else ""


def key_phrases(line: str, max_words: int = 10, names: Sequence[str] = ()) -> list[str]:
    """The clauses of the buyer's line, the most meaningful first (as `key_phrase` ranks
    them), each cut to at most `max_words` and said as the buyer said it."""
    return list(_key_phrases(line, max_words, tuple(names)))


@functools.lru_cache(maxsize=1024)
def _key_phrases(line: str, max_words: int, names: tuple[str, ...]) -> tuple[str, ...]:
    # Memoised: a better turn looks for clauses in the buyer's last few lines on every turn.
    name_words = frozenset(w for name in names for w in content_words(name))
    ranked: list[tuple[float, str]] = []
    for sentence in sentences(line):
        if sentence.rstrip(" \"')").endswith("?"):
            continue
        for clause in _CLAUSE_SPLIT.split(sentence):
            tokens = clause.split()
            while tokens and tokens[0].lower().strip(",.") in _LEAD_FILLERS:
                tokens = tokens[1:]
            if not tokens or _carries_nothing(tokens, name_words):
                continue
            content = content_words(" ".join(tokens))
            score = len(content) + sum(w in CONCERN_WORDS for w in content) * 0.5
            score += 0.5 * bool(re.search(r"\d", clause))
            ranked.append((score, " ".join(tokens)))
    ranked.sort(key=lambda pair: -pair[0])  # stable: the earlier of equals first
    phrases: list[str] = []
    for _, clause in ranked:
        tokens = clause.split()
        if len(tokens) > max_words:
            tokens = tokens[:max_words]
            while len(tokens) > 1 and tokens[-1].lower() in STOPWORDS:  # not "... about the"
                tokens.pop()
        phrase = _lower_first(" ".join(tokens).strip(" ,.;:-"))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


def _lower_first(phrase: str) -> str:
    """`phrase` to go mid-sentence: its first letter lower-cased unless it starts with `I`
    or an acronym (`PCI DSS`)."""
    first = phrase.split()[0] if phrase.strip() else ""
    acronym = len(first) > 1 and first.isupper()
    if first[:1].isupper() and not acronym and not re.match(r"I\b", first):
        return phrase[0].lower() + phrase[1:]
    return phrase


def salient_words(line: str, limit: int = 5) -> list[str]:
    """The buyer's most telling words: those of the key phrase first, then concern words and
    numbers, then longer words."""
    seen: list[str] = []
    for w in content_words(line):
        if w not in seen:
            seen.append(w)
    key = set(content_words(key_phrase(line)))
    seen.sort(key=lambda w: (w not in key, w not in CONCERN_WORDS and not w[0].isdigit(), -len(w)))
    return seen[:limit]


_CUE_TEXT: dict[str, tuple[str, str]] = {
    # cue name: (text when the cue is present, text when it is absent)
    "question": ("asks a question", "asks no question"),
    "open_question": ("asks an open question", "asks no open question"),
    "closed_question": ("asks a yes/no question", "asks no yes/no question"),
    "invitation": ("invites the buyer to talk ('{invitation}')", "invites no answer"),
    "leading": ("leading question ('{leading}')", "no leading question"),
    "reflection_opener": (
        "opens with a reflection ('{reflection_opener}')",
        "does not reflect back what the buyer said",
    ),
    "overlap": (
        "picks up the buyer's words ({picked})",
        "leaves the buyer's words aside ({missed})",
    ),
    "turn_overlap": ("is built from the buyer's words ({picked})", "introduces its own topic"),
    "we_rate": ("centres your company ('we', 'our')", "does not centre your company"),
    "pitch_vocab": ("talks product ({pitch})", "no product talk"),
    "vendor_phrases": ("vendor talk ({vendor})", "no vendor talk"),
    "close": ("asks for a commitment ({close})", "no push for a commitment"),
    "price": ("talks price ({price})", "no price talk"),
    "concern_words": (
        "names the buyer's concerns ({concern})",
        "names none of the buyer's concerns",
    ),
    "impact_phrases": ("asks about impact ({impact})", "does not ask about impact"),
    "small_talk": ("small talk ({small})", "no small talk"),
    "numbers_echoed": ("repeats the buyer's numbers", "drops the buyer's numbers"),
    "overlap_no_question": ("restates the buyer's words without asking", "restates nothing"),
    "generic_ack": ("a generic acknowledgement", "more than an acknowledgement"),
    "content_free_probe": ("a content-free probe", "a probe with content"),
    "last_sentence_pitch": ("ends on a pitch ({pitch})", "does not end on a pitch"),
    "first_sentence_pitch": ("opens with a pitch ({pitch})", "does not open with a pitch"),
}
"""Cues a rep can act on, as words. Cues without an entry never decide an explanation."""


def _fill(template: str, cues: Cues) -> str:
    def quoted(items: list[str]) -> str:
        return ", ".join(f"'{w}'" for w in items[:4]) or "none"

    values = {
        "invitation": cues.invitation or "",
        "leading": cues.leading or "",
        "reflection_opener": cues.reflection_opener or "",
        "picked": quoted(cues.picked_up),
        "missed": quoted(cues.missed),
        "pitch": quoted(sorted(set(cues.product_terms) | set(cues.pitch_words))),
        "vendor": quoted(cues.vendor_phrases),
        "close": quoted(cues.close),
        "price": quoted(cues.price),
        "concern": quoted(cues.concern_words),
        "impact": quoted(cues.impact_phrases),
        "small": quoted(cues.small_talk),
    }
    return template.format(**values)


KIND_PHRASES = {
    "agenda_setting": "an agenda about your own presentation",
    "close_attempt": "a push for the next step",
    "closed_context_question": "a yes/no question about the buyer's situation",
    "closed_product_question": "a yes/no question about your product",
    "credentials": "a company credentials pitch",
    "feature_pitch": "a feature pitch",
    "generic_empathy": "generic sympathy",
    "implication_question": "a question about the problem's impact",
    "leading_question": "a leading question",
    "need_payoff_question": "a question about what solving it would mean",
    "open_question": "an open question about the buyer's world",
    "price_talk": "price talk",
    "rebuttal": "a rebuttal",
    "reflection": "a reflection of the buyer's words",
    "situation_question": "a situation question",
    "short_probe": "a short probe",
    "small_talk": "small talk",
}
"""How to name the kind of labelled turn a rep turn reads like."""


def deciding_cue(
    score: float,
    contributions: npt.NDArray[np.float64],
    cues: Cues,
    kind: str | None = None,
    present: npt.NDArray[np.bool_] | None = None,
) -> str:
    """The cue that pushed this score hardest in the direction it went.

    Surface cues are preferred because a rep can act on them; when the turn's overall meaning
    outweighs every cue, the explanation says which kind of labelled turn it reads like.
    """
    direction = 1.0 if score >= 0.5 else -1.0
    cue_part = contributions[EMBEDDING_PARTS + 1 :]
    meaning = float(contributions[:EMBEDDING_PARTS].sum())
    similarity = float(contributions[EMBEDDING_PARTS])
    # Templates are filled only for the winner (filling every candidate was most of the
    # cost of scoring a batch once the embeddings were fast).
    candidates: list[tuple[float, str]] = []
    for index, (name, value) in enumerate(zip(CUE_NAMES, cue_part, strict=True)):
        if name not in _CUE_TEXT or value * direction <= 0:
            continue
        is_present = bool(present[index]) if present is not None else value > 0
        text_present, text_absent = _CUE_TEXT[name]
        candidates.append((abs(float(value)), text_present if is_present else text_absent))
    if similarity * direction > 0:
        text = "stays close to" if similarity > 0 else "moves away from"
        candidates.append((abs(similarity), f"its meaning {text} the buyer's line"))
    best = None
    if candidates:
        top = max(weight for weight, _ in candidates)
        filled = [(w, _fill(t, cues)) for w, t in candidates if w == top]
        best = max(filled)
    reads_like = KIND_PHRASES.get(kind or "")
    if meaning * direction > 0 and (best is None or abs(meaning) * 0.25 > best[0]):
        if reads_like:
            return f"it reads like {reads_like}" + (f"; {best[1]}" if best else "")
        return "its overall meaning" + (f"; {best[1]}" if best else "")
    if best is None:
        return f"it reads like {reads_like}" if reads_like else "no single cue stood out"
    return best[1]


def explain(
    turn: str,
    previous: str,
    cues: Cues,
    scores: Mapping[str, float],
    bands: Mapping[str, str],
    contributions: Mapping[str, npt.NDArray[np.float64]],
    rubric: Rubric,
    kind: str | None = None,
    cue_values: npt.NDArray[np.float32] | None = None,
    better: str = "",
) -> Explanation:
    """The explanation of one scored turn.

    `kind` is the kind of labelled turn it reads like; `cue_values` its cue vector, so a cue
    is described as present or absent by its value rather than by its effect; `better` the
    better turn (`roleplay.scoring.suggest` builds and checks it).
    """
    present = cue_values > 0 if cue_values is not None else None
    decided = {
        name: deciding_cue(scores[name], contributions[name], cues, kind, present)
        for name in DIMENSIONS
    }
    if small_talk_only(cues):
        topics = ", ".join(f"'{t}'" for t in cues.small_talk)
        for name in ("context_seeking", "problem_focus"):
            decided[name] = f"small talk ({topics}) says nothing about the buyer's business"
    caps = score_caps(cues)
    for name in DIMENSIONS:
        why = caps[name][1] if name in caps else "small talk"
        if why != "small talk":
            decided[name] = f"it {why}" if why.startswith(("says", "asks", "talks")) else why
    missed = [w for w in salient_words(previous, 8) if w in cues.missed][:5]
    best = max(DIMENSIONS, key=lambda name: scores[name])
    worst = weakest({name: scores[name] for name in DIMENSIONS})

    def band_label(name: str) -> str:
        for band in rubric.dimension(name).bands:
            if band.id == bands[name]:
                return band.label
        return bands[name]

    summary = (
        f"{DIMENSION_LABELS[best]} {band_label(best).lower()}: {decided[best]}. "
        f"{DIMENSION_LABELS[worst]} {band_label(worst).lower()}: {decided[worst]}."
    )
    if cues.picked_up:
        summary += " You picked up " + ", ".join(f"'{w}'" for w in cues.picked_up[:4]) + "."
    elif missed:
        summary += " You left out " + ", ".join(f"'{w}'" for w in missed[:3]) + "."
    return Explanation(
        summary=summary,
        cues=decided,
        picked_up=cues.picked_up,
        missed=missed,
        alternative=better,
    )

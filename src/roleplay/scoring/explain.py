"""Why a turn scored as it did, in words a rep can act on, and one better turn.

The better turn is always built from the buyer's own words (their previous line, or the
scenario's stated priorities at the start of a call); it is never a generic tip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from roleplay.rubric import DIMENSION_LABELS, DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.scoring.features import (
    CONCERN_WORDS,
    CUE_NAMES,
    PRONOUN_SWAP,
    Cues,
    content_words,
    small_talk_only,
)
from roleplay.scoring.model import EMBEDDING_DIM
from roleplay.transcript import Explanation

EMBEDDING_PARTS = 3 * EMBEDDING_DIM
"""Turn, previous and their product, before the cosine and the cues."""

_CLAUSE_SPLIT = re.compile(
    r"[.;:!?,()\u2014\u2013]|\s-\s|\b(?:and|but|because|so|which|although|though|while)\b",
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


def swap_person(phrase: str) -> str:
    """The buyer's words turned to the second person: `my team is tired` -> `your team is tired`."""
    out = []
    for token in re.findall(r"[A-Za-z0-9$%][A-Za-z0-9'’$%.\-]*|\S", phrase):
        lower = token.lower().replace("’", "'")
        swapped = PRONOUN_SWAP.get(lower)
        out.append(swapped if swapped is not None else token)
    text = " ".join(out)
    text = re.sub(r"\byou is\b", "you are", text)
    text = re.sub(r"\byou has\b", "you have", text)
    return re.sub(r"\s+([,.;:!?%])", r"\1", text)


def key_phrase(line: str, max_words: int = 10) -> str:
    """The clause of the buyer's line that carries most of its meaning, at most `max_words`."""
    best, best_score = "", -1.0
    for clause in _CLAUSE_SPLIT.split(line):
        tokens = clause.split()
        while tokens and tokens[0].lower().strip(",.") in _LEAD_FILLERS:
            tokens = tokens[1:]
        if not tokens:
            continue
        content = content_words(" ".join(tokens))
        score = len(content) + sum(w in CONCERN_WORDS for w in content) * 0.5
        score += 0.5 * bool(re.search(r"\d", clause))
        if score > best_score:
            best, best_score = " ".join(tokens), score
    tokens = best.split()[:max_words]
    phrase = " ".join(tokens).strip(" ,.;:-")
    if phrase and phrase[0].isupper() and not phrase.split()[0].isupper() and phrase[:2] != "I ":
        phrase = phrase[0].lower() + phrase[1:]
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
    candidates: list[tuple[float, str]] = []
    for index, (name, value) in enumerate(zip(CUE_NAMES, cue_part, strict=True)):
        if name not in _CUE_TEXT or value * direction <= 0:
            continue
        is_present = bool(present[index]) if present is not None else value > 0
        text_present, text_absent = _CUE_TEXT[name]
        candidates.append(
            (abs(float(value)), _fill(text_present if is_present else text_absent, cues))
        )
    if similarity * direction > 0:
        text = "stays close to" if similarity > 0 else "moves away from"
        candidates.append((abs(similarity), f"its meaning {text} the buyer's line"))
    best = max(candidates) if candidates else None
    reads_like = KIND_PHRASES.get(kind or "")
    if meaning * direction > 0 and (best is None or abs(meaning) * 0.25 > best[0]):
        if reads_like:
            return f"it reads like {reads_like}" + (f"; {best[1]}" if best else "")
        return "its overall meaning" + (f"; {best[1]}" if best else "")
    if best is None:
        return f"it reads like {reads_like}" if reads_like else "no single cue stood out"
    return best[1]


def alternative(
    turn_cues: Cues,
    previous: str,
    scores: Mapping[str, float],
    scenario: Scenario | None,
) -> str:
    """One better turn, filled with the buyer's own words, aimed at the weakest behaviour."""
    product = scenario.product.name if scenario is not None else "what we do"
    phrase = swap_person(key_phrase(previous)) if previous.strip() else ""
    if not phrase or len(content_words(phrase)) == 0:
        if scenario is not None and scenario.buyer.priorities:
            priority = scenario.buyer.priorities[0].rstrip(".")
            priority = priority[0].lower() + priority[1:]
            return (
                f"Before I say anything about {product}: you've said you want to "
                f"{priority}. What's making that urgent right now?"
            )
        return (
            "Before I say anything about us: what's on your plate this quarter that made "
            "this meeting worth your time?"
        )
    weakest = min(DIMENSIONS, key=lambda name: scores[name])
    if min(scores.values()) >= 0.7:
        return f"You said {phrase}. If that were solved, what would it change for you?"
    if turn_cues.pitch or weakest == "problem_focus":
        return (
            f"Before I say anything about {product}: you said {phrase}. "
            "Who feels that most, and what does it cost you?"
        )
    if weakest == "listening":
        return f"So {phrase}. What does that mean for you this quarter?"
    if weakest == "context_seeking":
        return f"You mentioned {phrase} — what does that cost you each month?"
    return f"You said {phrase}. If that were solved, what would it change for you?"


def explain(
    turn: str,
    previous: str,
    cues: Cues,
    scores: Mapping[str, float],
    bands: Mapping[str, str],
    contributions: Mapping[str, npt.NDArray[np.float64]],
    rubric: Rubric,
    scenario: Scenario | None = None,
    kind: str | None = None,
    cue_values: npt.NDArray[np.float32] | None = None,
) -> Explanation:
    """The explanation of one scored turn.

    `kind` is the kind of labelled turn it reads like; `cue_values` its cue vector, so a cue
    is described as present or absent by its value rather than by its effect.
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
    missed = [w for w in salient_words(previous, 8) if w in cues.missed][:5]
    best = max(DIMENSIONS, key=lambda name: scores[name])
    worst = min(DIMENSIONS, key=lambda name: scores[name])

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
        alternative=alternative(cues, previous, scores, scenario),
    )

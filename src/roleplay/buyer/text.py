"""Small text helpers the director and the guard share: overlap, lead-ins, stretches of a line.

Words, stopwords and sentences come from `roleplay.language`, the one module that owns them.
"""

from __future__ import annotations

import re

from roleplay import language
from roleplay.language import complete_sentences, numbers
from roleplay.language import sentences as split_sentences

__all__ = [
    "complete_sentences",
    "content_words",
    "lead_in",
    "normal_words",
    "numbers",
    "overlap",
    "part_of",
    "split_sentences",
]


def content_words(text: str) -> set[str]:
    """The distinct words that carry meaning (see `roleplay.language.content_words`)."""
    return set(language.content_words(text))


def overlap(text: str, reference: str) -> float:
    """Share of the reference's content words that the text also uses (0 to 1)."""
    wanted = content_words(reference)
    if not wanted:
        return 0.0
    return len(wanted & content_words(text)) / len(wanted)


_CLAUSE_END = (",", ";", ":", "\u2014", "\u2013")


def lead_in(line: str, max_words: int = 4) -> str:
    """The first few words of an authored line, shown while the model voices the rest.

    At most `max_words` words of the first sentence, cut after a clause mark (a comma, a
    colon, a dash) when one falls within them, and never the whole sentence unless it is a
    single word, so the model always has the sentence to finish.
    """
    first = split_sentences(line)[:1]
    if not first:
        return ""
    tokens = first[0].split()
    count = max(1, min(max_words, len(tokens) - 1))
    for index, token in enumerate(tokens[:count]):
        if token.endswith(_CLAUSE_END) and index >= 1:
            count = index + 1
            break
    return " ".join(tokens[:count])


def normal_words(text: str) -> str:
    """Lower-case words and numbers joined by single spaces (punctuation dropped)."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def part_of(text: str, line: str) -> bool:
    """Whether `text` says, word for word, a stretch of `line` (case and punctuation aside)."""
    words = normal_words(text)
    return bool(words) and f" {words} " in f" {normal_words(line)} "

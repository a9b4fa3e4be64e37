"""Small text helpers the director and the guard share: words, sentences, overlap."""

from __future__ import annotations

import re

_STOPWORD_TEXT = """a about above after again all also am an and any are as at be because been
    before being
    but by can could did do does doing don't down during each few for from further had has have
    having he her here hers him his how i i'd i'll i'm i've if in into is it it's its itself just
    let's me more most my no nor not now of off on once only or other our ours out over own same
    she should so some such than that that's the their theirs them then there these they this
    those through to too under until up very was we we're were what when where which while who
    whom why will with would you you're your yours yourself really right well yes yeah okay ok
    tell know think want get got going one thing things much many way lot"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[A-Za-z0-9$%][A-Za-z0-9$%.,'\-]*[A-Za-z0-9%]|[A-Za-z0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$])")


def words(text: str) -> list[str]:
    """Lower-case words and numbers, with trailing punctuation removed."""
    return [w.lower().rstrip(".,") for w in _WORD.findall(text)]


def content_words(text: str) -> set[str]:
    """Words that carry meaning: not stop words, at least three characters (or a number)."""
    return {
        w
        for w in words(text)
        if w not in STOPWORDS and (len(w) >= 3 or any(c.isdigit() for c in w))
    }


def numbers(text: str) -> set[str]:
    """Numbers in the text (amounts, percentages, counts), normalised."""
    return {n.rstrip(".,") for n in re.findall(r"\d[\d,.]*%?", text) if any(c.isdigit() for c in n)}


def overlap(text: str, reference: str) -> float:
    """Share of the reference's content words that the text also uses (0 to 1)."""
    wanted = content_words(reference)
    if not wanted:
        return 0.0
    return len(wanted & content_words(text)) / len(wanted)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, trimmed; a trailing fragment counts as a sentence."""
    parts = _SENTENCE_END.split(text.strip())
    return [p.strip() for p in parts if p.strip()]


def complete_sentences(buffer: str) -> tuple[list[str], str]:
    """Split a growing buffer into the sentences finished so far and the unfinished rest."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(buffer):
        sentence = buffer[start : match.start()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    return sentences, buffer[start:]


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

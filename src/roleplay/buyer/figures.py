"""The figures and names in a sentence, so the buyer's voice cannot change the facts.

A small model voicing "eighteen months" says "eight months"; voicing $185 an hour it says a
hundred. Every number, amount, percentage, date and name in a sentence the model wrote must
appear in what the scenario lets the buyer know at that point (the persona, the briefing, the
public context, the facts earned so far); `figures` reads them whether written in digits or
in words, so "forty-seven" and "47" are the same figure.
"""

from __future__ import annotations

import re

_ONES = {
    "zero": 0,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
"""Number words below twenty ('one' is left out: it is a pronoun far more often)."""
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}

_TOKEN = re.compile(r"\$?\d[\d,]*(?:\.\d+)?(?:bn|mm|[kmb])?\b|[A-Za-z]+(?:'[a-z]+)?", re.IGNORECASE)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
_NOT_NAMES = frozenset(
    [
        "i",
        "i'm",
        "i've",
        "i'd",
        "i'll",
        "ok",
        "okay",
        "sure",
        "yes",
        "no",
        "well",
        "so",
        "and",
        "but",
        "or",
        "the",
        "a",
        "an",
        "we",
        "our",
        "my",
        "you",
        "your",
        "it",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "what",
        "why",
        "how",
        "who",
        "when",
        "where",
        "honestly",
        "look",
        "right",
    ]
)
"""Capitalised words that are not names (a sentence may start with any of them)."""


def _value(text: str) -> float | None:
    digits = re.fullmatch(r"\$?(\d[\d,]*(?:\.\d+)?)(bn|mm|[kmb])?", text.lower())
    if digits is None:
        return None
    value = float(digits.group(1).replace(",", ""))
    return value * _SUFFIX.get(digits.group(2) or "", 1)


def _canonical(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def figures(text: str) -> set[str]:
    """Every number in the text as a canonical value ('forty-seven' and '47' give '47';
    '$2.1M' and '2.1 million' give '2100000')."""
    found: set[str] = set()
    tokens = _TOKEN.findall(text.replace("-", " "))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        lowered = token.lower()
        value = _value(token)
        if value is not None:
            following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
            if following in _SCALES:
                value *= _SCALES[following]
                index += 1
            found.add(_canonical(value))
            index += 1
            continue
        if (
            lowered in _ONES
            or lowered in _TENS
            or (lowered in _SCALES and index > 0 and tokens[index - 1].lower() == "a")
        ):
            total = current = 0
            used = False
            while index < len(tokens):
                word = tokens[index].lower()
                if word in _ONES:
                    current += _ONES[word]
                elif word == "one" and used and current % 10 == 0 and current % 100:
                    current += 1  # ninety-one
                elif word in _TENS:
                    current += _TENS[word]
                elif word in _SCALES:
                    current = max(current, 1) * _SCALES[word]
                    if _SCALES[word] >= 1000:
                        total += current
                        current = 0
                elif word in {"and", "a"} and used:
                    pass
                else:
                    break
                used = True
                index += 1
            found.add(_canonical(total + current))
            continue
        index += 1
    return found


def names(text: str) -> set[str]:
    """Capitalised words that name someone or something (lower-cased), and months and days."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        words = re.findall(r"[A-Za-z][A-Za-z'&-]*", sentence)
        for position, word in enumerate(words):
            lowered = word.lower()
            if lowered in _MONTHS or (
                position > 0
                and word[0].isupper()
                and lowered not in _NOT_NAMES
                and not word.isupper()  # acronyms (NRR, ERP) are vocabulary, not names
            ):
                found.add(lowered)
    return found


def unsupported(sentence: str, known: str) -> list[str]:
    """The figures and names of `sentence` that `known` never mentions."""
    known_figures = figures(known)
    known_words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'&-]*", known)}
    missing = sorted(figures(sentence) - known_figures)
    missing += sorted(n for n in names(sentence) if n not in known_words)
    return missing


def carries(text: str, line: str) -> bool:
    """Whether `text` says every figure of the authored `line` (a reveal counts only then)."""
    return figures(line) <= figures(text)

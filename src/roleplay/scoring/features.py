"""Surface cues of a rep turn: question form, reflection of the buyer's words, product talk.

These are cheap, explainable signals. The fitted heads in `model.py` combine them with the
sentence embeddings; `explain.py` uses them to say which cue decided a score.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from roleplay.scenario import Scenario

WORD_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?(?:-[a-z0-9]+)*")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've
    if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off
    on once only or other ought our ours ourselves out over own same shan't she she'd she'll
    she's should shouldn't so some such than that that's the their theirs them themselves then
    there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's with won't would wouldn't you you'd
    you'll you're you've your yours yourself yourselves yeah yes okay ok right well just really
    also still got get gets going go like know think thing things lot much many one two
    something anything everything kind sort bit mean actually maybe honestly sure thanks
    thank hi hello um uh mm hmm oh now even though want need say said tell let us
    """.split()  # noqa: SIM905
)
"""Function words and fillers that say nothing about the buyer's situation."""

OPEN_STARTERS = frozenset("what how why who where when which whose whom".split())  # noqa: SIM905
"""Words that open an open question."""

CLOSED_STARTERS = frozenset(
    """
    do does did is are was were am can could would will should shall have has had may might
    must isn't aren't don't doesn't didn't won't wouldn't can't couldn't shouldn't haven't
    hasn't wasn't weren't any anything
    """.split()  # noqa: SIM905
)
"""Auxiliaries that open a yes/no question."""

INVITATIONS = (
    "walk me through",
    "tell me",
    "talk me through",
    "help me understand",
    "describe",
    "explain",
    "take me through",
    "give me a sense",
    "paint me a picture",
    "say more",
    "share more",
    "i'm curious",
    "i'd love to hear",
    "i'd like to hear",
    "i'd like to understand",
    "i want to understand",
)
"""Imperative invitations that work like open questions."""

REFLECTION_OPENERS = (
    "so you",
    "so your",
    "so the",
    "so it",
    "so what i'm hearing",
    "it sounds like",
    "sounds like",
    "it seems",
    "what i'm hearing",
    "what i hear",
    "i'm hearing",
    "you're saying",
    "you are saying",
    "you said",
    "you mentioned",
    "if i understand",
    "if i heard",
    "let me make sure",
    "so for you",
    "you feel",
    "you're feeling",
    "you're worried",
    "you're concerned",
    "in other words",
    "to summarise",
    "to summarize",
    "let me play that back",
    "what you're describing",
    "that means",
    "which means",
)
"""Phrases that open a reflection or a summary of the buyer's words."""

LEADING = (
    "don't you agree",
    "wouldn't you agree",
    "don't you think",
    "wouldn't you say",
    "wouldn't it be",
    "isn't it true",
    "surely",
    "wouldn't you want",
    "you'd agree",
    "right?",
    "correct?",
    "isn't that",
    "wouldn't that",
)
"""Leading questions: they seek agreement, not context."""

PITCH_WORDS = frozenset(
    """
    platform solution solutions product products feature features module modules dashboard
    dashboards automate automates automated automation automatic ai machine-learning
    integrates integration-ready out-of-the-box seamless seamlessly best-in-class
    industry-leading leading leader world-class cutting-edge innovative powerful robust
    award-winning unique proprietary patented customers clients roi guarantee guaranteed
    offer offers deliver delivers provide provides enable enables empower empowers leverage
    leverages streamline streamlines capability capabilities functionality tool tools
    software app version release roadmap case-study case-studies testimonial references
    certified partner partners founded headquartered offices countries fortune
    """.split()  # noqa: SIM905
)
"""Generic pitch vocabulary, in any industry."""

VENDOR_PHRASES = (
    "we offer",
    "we provide",
    "we help",
    "we've helped",
    "we have helped",
    "we can",
    "we could",
    "we do",
    "we'd",
    "we will",
    "we'll",
    "our platform",
    "our solution",
    "our product",
    "our tool",
    "our team",
    "our customers",
    "our clients",
    "our software",
    "our system",
    "our approach",
    "our company",
    "we were founded",
    "we're the",
    "we are the",
    "let me show",
    "i can show",
    "let me tell you about",
    "with us",
    "our",
)
"""Phrases that put the vendor at the centre of the turn."""

CLOSE_WORDS = (
    "demo",
    "next step",
    "next steps",
    "schedule",
    "set up a call",
    "set up a meeting",
    "book a",
    "sign",
    "contract",
    "proposal",
    "trial",
    "pilot",
    "move forward",
    "get started",
    "kick off",
    "onboard you",
    "purchase order",
    "decision by",
    "close this",
    "end of the quarter",
    "end of quarter",
    "this quarter",
    "free trial",
    "send over",
    "send you",
)
"""Closing cues: asking for a commitment, a demo or the next step."""

PRICE_WORDS = (
    "price",
    "pricing",
    "priced",
    "discount",
    "per seat",
    "per user",
    "per month",
    "a month",
    "licence",
    "license",
    "licensing",
    "subscription",
    "dollars",
    "$",
    "€",
    "£",
    "free",
    "cheaper",
    "affordable",
    "save you",
    "saves you",
    "pays for itself",
)
"""Price cues."""

CONCERN_WORDS = frozenset(
    """
    problem problems challenge challenges issue issues impact impacts affect affects affected
    cost costs costing hurt hurts pain painful pressure pressures risk risks risky worry
    worried worries concern concerned concerns struggle struggling frustrating frustration
    happen happens happened board team teams people staff customers patients margin margins
    revenue cash time week month quarter year deadline goal goals priority priorities matter
    matters important success succeed fail failed failure miss missed behind late delay
    delays slip slips stuck exhausted burnout turnover churn scrap downtime audit auditors
    regulator regulators lender investors sponsor ceo cfo boss manager outcome outcomes
    mean means consequence consequences tried before involved decide decision
    """.split()  # noqa: SIM905
)
"""Words about the buyer's situation and what it costs them."""

IMPACT_PHRASES = (
    "cost you",
    "costing you",
    "mean for you",
    "means for you",
    "mean for your",
    "impact on",
    "affect your",
    "affects your",
    "happens when",
    "what happens",
    "what would",
    "what if",
    "who else",
    "how do you",
    "how does your",
    "how is your",
    "how are you",
    "what's driving",
    "what is driving",
    "why now",
    "what have you tried",
    "what did you try",
    "how would you know",
    "what would it mean",
    "what does that",
    "what's that",
    "on your plate",
    "keeps you up",
)
"""Implication and need-payoff phrasing (SPIN) and other questions about the buyer's world."""

GENERIC_ACKS = (
    "i hear you",
    "i understand",
    "makes sense",
    "that makes sense",
    "got it",
    "great",
    "fair enough",
    "i see",
    "totally",
    "absolutely",
    "of course",
    "interesting",
    "good to know",
    "thanks for sharing",
    "i appreciate that",
    "that's tough",
    "that must be hard",
)
"""Acknowledgements that do not show what was heard."""

SMALL_TALK = (
    "weather",
    "weekend",
    "traffic",
    "how are you",
    "how's it going",
    "the game",
    "golf",
    "the drive in",
    "your flight",
    "get away",
    "holiday",
    "vacation",
    "coffee",
    "nice office",
)
"""Small-talk topics."""


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes and hyphens kept inside words)."""
    return WORD_RE.findall(text.lower().replace("’", "'"))


def stem(word: str) -> str:
    """A crude stem so `breaks`/`breaking`/`broke` and `integration`/`integrations` meet."""
    word = word.replace("'", "")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Words that carry meaning: not stop words, not numbers of one digit, at least 3 letters."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) >= 3]


@functools.lru_cache(maxsize=64)
def _phrase_patterns(phrases: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str] | None], ...]:
    """Whole-word patterns for phrases that start with a letter; plain substrings otherwise."""
    return tuple(
        (
            phrase,
            re.compile(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])")
            if phrase[0].isalnum()
            else None,
        )
        for phrase in phrases
        if phrase
    )


def _contains_any(text: str, phrases: Iterable[str]) -> list[str]:
    found = []
    for phrase, pattern in _phrase_patterns(tuple(phrases)):
        if pattern is not None:
            if pattern.search(text):
                found.append(phrase)
        elif phrase in text:
            found.append(phrase)
    return found


_OPENER_PATTERNS = tuple(
    (phrase, re.compile(r"(?:^|[.,;!?]\s*)" + re.escape(phrase))) for phrase in REFLECTION_OPENERS
)


def sentences(text: str) -> list[str]:
    """The turn split into sentences, each with its closing punctuation."""
    parts = re.findall(r"[^.!?]+[.!?]*", text.strip())
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class ScenarioVocabulary:
    """What marks product talk in one scenario."""

    terms: frozenset[str]
    """Lower-case stems of the product, vendor and feature words."""
    names: tuple[str, ...]
    """Lower-case product and vendor names, matched as phrases."""

    @classmethod
    def from_scenario(cls, scenario: Scenario | None) -> ScenarioVocabulary:
        """The vocabulary of a scenario's product (empty without a scenario)."""
        if scenario is None:
            return cls(frozenset(), ())
        stems: set[str] = set()
        for term in scenario.product_terms:
            stems.update(stem(w) for w in content_words(term))
        stems.update(stem(w) for w in content_words(scenario.product.summary))
        # The buyer's own concerns are not product talk even when a feature names them.
        concern: set[str] = set()
        for line in [*scenario.buyer.priorities, scenario.opening_line]:
            concern.update(stem(w) for w in content_words(line))
        names = tuple(
            n.lower() for n in (scenario.product.name, scenario.product.vendor) if n.strip()
        )
        return cls(frozenset(stems - concern), names)


@dataclass
class Cues:
    """The cues found in one rep turn, with the words that triggered them."""

    words: int
    """Number of words in the turn."""
    question_marks: int
    """Number of `?` in the turn."""
    open_question: bool
    """The turn asks a what/how/why/who question."""
    closed_question: bool
    """The turn asks a yes/no question."""
    invitation: str | None
    """An imperative invitation (`walk me through`, `tell me`), if any."""
    leading: str | None
    """A leading-question phrase, if any."""
    reflection_opener: str | None
    """A phrase that opens a reflection (`so you`, `it sounds like`), if any."""
    picked_up: list[str]
    """The buyer's content words the turn repeats."""
    missed: list[str]
    """The buyer's content words the turn leaves out."""
    overlap: float
    """Share of the buyer's content words that the turn repeats (0..1)."""
    turn_overlap: float
    """Share of the turn's content words that come from the buyer's line (0..1)."""
    you_rate: float
    """Second-person words (you, your) per word."""
    we_rate: float
    """Vendor first-person plural (we, our, us) per word."""
    product_terms: list[str]
    """Scenario product vocabulary in the turn."""
    pitch_words: list[str]
    """Generic pitch vocabulary in the turn."""
    vendor_phrases: list[str]
    """Phrases that centre the vendor."""
    close: list[str]
    """Closing cues."""
    price: list[str]
    """Price cues."""
    concern_words: list[str]
    """Words about the buyer's situation and what it costs them."""
    impact_phrases: list[str]
    """Implication and need-payoff phrasing."""
    small_talk: list[str]
    """Small-talk topics."""
    extra: dict[str, float] = field(default_factory=dict)
    """Other numeric cues, by name."""

    @property
    def asks(self) -> bool:
        """Whether the turn asks something (a question or an invitation)."""
        return self.question_marks > 0 or self.invitation is not None

    @property
    def question_form(self) -> str:
        """`open`, `closed` or `none`."""
        if self.open_question or (self.invitation is not None):
            return "open"
        if self.closed_question or self.question_marks > 0:
            return "closed"
        return "none"

    @property
    def pitch(self) -> bool:
        """Whether the turn talks product, price or the close."""
        return bool(
            self.product_terms
            or len(self.pitch_words) >= 2
            or (self.pitch_words and self.vendor_phrases)
            or self.price
            or (self.close and not self.concern_words)
        )


def _question_kind(sentence: str) -> str:
    """`open`, `closed` or `none` for one sentence."""
    tokens = words(sentence)
    if not tokens:
        return "none"
    is_question = sentence.rstrip().endswith("?")
    # Skip a short lead-in such as "So," "And," "Okay," before the question word.
    lead = [t for t in tokens[:4] if t not in {"so", "and", "but", "okay", "ok", "then", "now"}]
    first = lead[0] if lead else tokens[0]
    if first in OPEN_STARTERS or any(t in OPEN_STARTERS for t in tokens[:3]):
        return "open" if is_question or first in {"how", "what", "why"} else "none"
    if not is_question:
        return "none"
    if first in CLOSED_STARTERS:
        return "closed"
    # "You said twelve days?" and other declarative questions are closed.
    if any(t in OPEN_STARTERS for t in tokens):
        return "open"
    return "closed"


def _is_pitchy(sentence: str, vocab: ScenarioVocabulary) -> bool:
    """Whether one sentence talks product, vendor, price or the close."""
    text = " ".join(sentence.lower().replace("’", "'").split())
    tokens = words(text)
    pitch = [t for t in tokens if t in PITCH_WORDS or stem(t) in vocab.terms]
    named = any(name in text for name in vocab.names)
    vendor = _contains_any(text, VENDOR_PHRASES)
    return bool(
        named
        or len(pitch) >= 2
        or (pitch and vendor)
        or _contains_any(text, PRICE_WORDS)
        or (vendor and _contains_any(text, CLOSE_WORDS))
    )


def extract_cues(turn: str, previous: str = "", vocab: ScenarioVocabulary | None = None) -> Cues:
    """Every surface cue of a rep turn, given the buyer's previous line and the scenario."""
    vocab = vocab or ScenarioVocabulary(frozenset(), ())
    text = " ".join(turn.lower().replace("’", "'").split())
    tokens = words(text)
    n = max(len(tokens), 1)
    all_sentences = sentences(turn)
    kinds = [_question_kind(s) for s in all_sentences]
    first_sentence = all_sentences[0] if all_sentences else ""
    last_sentence = all_sentences[-1] if all_sentences else ""
    lead_tokens = [t for t in tokens if t not in {"so", "and", "okay", "ok", "right", "well"}]
    invitation = next(iter(_contains_any(text, INVITATIONS)), None)
    leading = next(iter(_contains_any(text, LEADING)), None)
    opener_found = [phrase for phrase, pattern in _OPENER_PATTERNS if pattern.search(text)]
    prev_content = content_words(previous)
    prev_stems = {stem(w): w for w in prev_content}
    turn_stems = {stem(w) for w in content_words(turn)}
    picked = [w for s, w in prev_stems.items() if s in turn_stems]
    missed = [w for s, w in prev_stems.items() if s not in turn_stems]
    overlap = len(picked) / len(prev_stems) if prev_stems else 0.0
    turn_overlap = (
        len([s for s in turn_stems if s in prev_stems]) / len(turn_stems) if turn_stems else 0.0
    )
    product_terms = sorted(
        {w for w in content_words(turn) if stem(w) in vocab.terms and stem(w) not in prev_stems}
        | {name for name in vocab.names if name in text}
    )
    pitch = sorted({t for t in tokens if t in PITCH_WORDS})
    prev_numbers = set(re.findall(r"\d+", previous))
    extra = {
        "numbers_echoed": float(
            bool(prev_numbers) and bool(prev_numbers & set(re.findall(r"\d+", turn)))
        ),
        "starts_with_question_word": float(bool(tokens) and tokens[0] in OPEN_STARTERS),
        "ends_with_question": float(turn.rstrip().endswith("?")),
        "sentences": float(len(kinds)),
        "i_rate": sum(t in {"i", "i'm", "i've", "i'd", "i'll", "me", "my"} for t in tokens) / n,
        "empty_previous": float(not previous.strip()),
        "starts_with_you": float(
            bool(lead_tokens) and lead_tokens[0] in {"you", "you're", "your", "you've", "you'd"}
        ),
        "generic_ack": float(
            bool(_contains_any(text, GENERIC_ACKS)) and len(content_words(turn)) <= 3
        ),
        "content_free_probe": float(
            turn.rstrip().endswith("?") and len(tokens) <= 5 and not content_words(turn)
        ),
        "last_sentence_pitch": float(_is_pitchy(last_sentence, vocab)),
        "first_sentence_pitch": float(_is_pitchy(first_sentence, vocab)),
        "question_about_you": float(
            any(
                k != "none" and bool(set(words(sent)) & {"you", "your", "you're", "you've"})
                for k, sent in zip(kinds, all_sentences, strict=True)
            )
        ),
    }
    return Cues(
        words=len(tokens),
        question_marks=turn.count("?"),
        open_question="open" in kinds,
        closed_question="closed" in kinds,
        invitation=invitation,
        leading=leading,
        reflection_opener=opener_found[0] if opener_found else None,
        picked_up=picked,
        missed=missed,
        overlap=overlap,
        turn_overlap=turn_overlap,
        you_rate=sum(t in {"you", "your", "you're", "yours", "you've", "you'd"} for t in tokens)
        / n,
        we_rate=sum(t in {"we", "our", "us", "we're", "we've", "we'll", "ours"} for t in tokens)
        / n,
        product_terms=product_terms,
        pitch_words=pitch,
        vendor_phrases=_contains_any(text, VENDOR_PHRASES),
        close=_contains_any(text, CLOSE_WORDS),
        price=_contains_any(text, PRICE_WORDS),
        concern_words=sorted({t for t in tokens if t in CONCERN_WORDS}),
        impact_phrases=_contains_any(text, IMPACT_PHRASES),
        small_talk=_contains_any(text, SMALL_TALK),
        extra=extra,
    )


SMALL_TALK_CAP = 0.15
"""Highest context-seeking and problem-focus score for pure small talk (see `small_talk_only`)."""


def small_talk_only(cues: Cues) -> bool:
    """Small talk that touches nothing the buyer said and none of their concerns.

    The labelled sets hold few such turns, so the fitted heads read "How was your weekend?" as
    an open question; this rule applies the labelling rule (small-talk questions are not
    context-seeking or problem focus) directly.
    """
    return bool(cues.small_talk) and not cues.concern_words and not cues.picked_up


CUE_NAMES: tuple[str, ...] = (
    "log_words",
    "question",
    "open_question",
    "closed_question",
    "invitation",
    "leading",
    "reflection_opener",
    "overlap",
    "turn_overlap",
    "you_rate",
    "we_rate",
    "pitch_vocab",
    "vendor_phrases",
    "close",
    "price",
    "concern_words",
    "impact_phrases",
    "small_talk",
    "numbers_echoed",
    "starts_with_question_word",
    "ends_with_question",
    "sentences",
    "i_rate",
    "empty_previous",
    "ask_without_pitch",
    "overlap_no_question",
    "starts_with_you",
    "generic_ack",
    "content_free_probe",
    "last_sentence_pitch",
    "first_sentence_pitch",
    "question_about_you",
)
"""The order of the numeric cue vector the fitted heads read."""


def cue_vector(cues: Cues) -> list[float]:
    """The cues as numbers, in `CUE_NAMES` order (counts are capped so outliers stay small)."""
    import math

    def capped(items: Sequence[str], cap: int = 3) -> float:
        return min(len(items), cap) / cap

    pitchy = bool(cues.product_terms or cues.price or cues.close or cues.vendor_phrases)
    values = {
        "log_words": math.log1p(cues.words) / 5.0,
        "question": float(cues.question_marks > 0),
        "open_question": float(cues.open_question),
        "closed_question": float(cues.closed_question and not cues.open_question),
        "invitation": float(cues.invitation is not None),
        "leading": float(cues.leading is not None),
        "reflection_opener": float(cues.reflection_opener is not None),
        "overlap": cues.overlap,
        "turn_overlap": cues.turn_overlap,
        "you_rate": min(cues.you_rate * 5, 1.0),
        "we_rate": min(cues.we_rate * 5, 1.0),
        # Scenario product terms count as pitch vocabulary: the fitted weight of generic pitch
        # words then applies to each scenario's own product words.
        "pitch_vocab": capped(sorted(set(cues.pitch_words) | set(cues.product_terms))),
        "vendor_phrases": capped(cues.vendor_phrases),
        "close": capped(cues.close, 2),
        "price": capped(cues.price, 2),
        "concern_words": capped(cues.concern_words),
        "impact_phrases": capped(cues.impact_phrases, 2),
        "small_talk": capped(cues.small_talk, 1),
        "ask_without_pitch": float(cues.asks and not pitchy and not cues.small_talk),
        "overlap_no_question": cues.overlap * float(not cues.asks),
        **cues.extra,
    }
    values["sentences"] = min(values["sentences"], 6.0) / 6.0
    values["i_rate"] = min(values["i_rate"] * 5, 1.0)
    return [float(values[name]) for name in CUE_NAMES]

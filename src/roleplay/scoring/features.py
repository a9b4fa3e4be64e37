"""Surface cues of a rep turn: question form, reflection of the buyer's words, product talk.

These are cheap, explainable signals. The fitted heads in `model.py` combine them with the
sentence embeddings; `explain.py` uses them to say which cue decided a score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from roleplay.language import (
    CLAIM_SUBJECTS,
    CLOSED_STARTERS,
    GENERIC_PAIN,
    OPEN_STARTERS,
    STOPWORDS,
    THIRD_PARTY,
    THIRD_PARTY_STORY,
    ScenarioVocabulary,
    SentenceReading,
    TurnReading,
    content_words,
    find_phrases,
    normalise,
    opening_clause,
    read_turn,
    stem,
    unquote_heard,
    words,
)

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
    "you must be",
    "you seem",
    "you sound",
    "i can hear",
    "i can imagine",
    "seems like",
    "that means",
    "which means",
)
"""Phrases that open a reflection or a summary of the buyer's words."""

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
    "competing for your attention",
    "top of your list",
    "top of the list",
    "matters most",
    "what's at stake",
    "what is at stake",
    "if nothing changes",
    "if it stays",
    "hardest part",
    "biggest",
    "worries you",
    "worry you",
    "priority",
    "priorities",
    "rank",
    "what would change",
    "what would that change",
    "what changes",
    "who feels",
    "who notices",
    "where does it hurt",
    "where does that leave",
    "what's behind",
    "what is behind",
    "what got in the way",
    "what gets in the way",
)
"""Implication and need-payoff phrasing (SPIN) and other questions about the buyer's world."""

FEELING_WORDS = frozenset(
    """
    anxious afraid angry annoyed ashamed burnt burned burnout confused depressed disappointed
    discouraged drained embarrassed exhausted fed feel feeling feelings felt frightened
    frustrated frustrating guilty helpless hopeless hurt isolated lonely lost nervous
    overwhelmed overwhelming panicked pressured relieved sad scared shocked stressed stressful
    stuck tense tired trapped uncertain unsure upset worried worn torn heartbroken betrayed
    alone unappreciated resentful
    """.split()  # noqa: SIM905
)
"""Words for how someone feels: a statement about the buyer with one reflects a feeling."""

REASSURANCE = (
    "i understand",
    "i can understand",
    "i know how",
    "i know what",
    "that must be",
    "it must be",
    "i'm sorry",
    "i am sorry",
    "sorry to hear",
    "don't worry",
    "you're not alone",
    "you are not alone",
    "you can do",
    "you will be",
    "you'll be",
    "i'm sure",
    "i am sure",
    "it's okay",
    "it is okay",
    "it's ok",
    "it's normal",
    "it is normal",
    "good for you",
    "that's great",
    "that is great",
    "that's good",
    "you're doing",
    "proud of you",
    "hang in there",
    "stay strong",
    "glad",
)
"""Reassurance and sympathy: kind, but they show no particular thing was heard."""

ADVICE = (
    "you should",
    "you could try",
    "you can try",
    "have you tried",
    "have you thought about",
    "have you considered",
    "maybe you could",
    "maybe you can",
    "i suggest",
    "i recommend",
    "i would recommend",
    "i'd recommend",
    "i would suggest",
    "i'd suggest",
    "try to",
    "it might help",
    "it may help",
    "it helps to",
    "one thing that",
    "what helped me",
    "if i were you",
)
"""Advice and suggestions: telling, the counselling analogue of a pitch."""

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

PRAISE = re.compile(
    r"\b(?:(?:great|good|amazing|wonderful|fantastic|excellent|awesome|brilliant|impressive|"
    r"admirable|smart|wise|brave|courageous|healthy|positive)\s+(?:job|idea|work|person|step|"
    r"start|plan|choice|decision|attitude|move|effort|mindset|progress|sign|thinking|worker|"
    r"mom|mum|mother|dad|father|parent|friend|son|daughter|sister|brother)\b|"
    r"proud of|well done|good for you|kudos|congratulations|i admire|lucky to have|"
    r"(?:doing|did|done) (?:the right thing|the best you can|your best|all you can)|"
    r"(?:you're|you are|you've been|you have been)\s+(?:so |really |very |clearly |such an? |"
    r"an? |being )?(?:strong|brave|amazing|resilient|capable|courageous|wonderful|awesome|"
    r"doing (?:great|well|good|so well|the right thing|an? (?:great|good|fantastic|amazing|"
    r"wonderful) job|your best|the best))\b|"
    r"(?:that's|that is|what an?|it's|it is)\s+(?:an? )?(?:so |really |very )?(?:great|wonderful|"
    r"amazing|awesome|fantastic|excellent|brilliant|admirable)\b)"
)
"""Praise of the listener or of what they did (`You're doing a great job`, `That's a wonderful
idea`, `I'm proud of you`): an affirmation says what the speaker thinks of them, a reflection
what they said or feel."""

REASSURING_FUTURE = re.compile(
    r"\b(?:you(?:'ll| will| are going to|'re going to| can| could)\s+(?:\w+\s+)?(?:get through|"
    r"make it|be (?:fine|ok|okay|alright|all right|better)|do (?:it|this|that)|handle it|"
    r"overcome|figure it out|get (?:there|better|past|over))|(?:things|it|this|that|everything)"
    r"(?:'ll| will| is going to|'s going to)\s+(?:\w+\s+)?(?:get better|be (?:fine|ok|okay|"
    r"alright|all right|better|easier)|work out|pass|improve|settle)|i(?:'m| am) (?:sure|"
    r"confident|certain)|i (?:believe|know) (?:in you|you(?:'ll| will| can))|don't worry|"
    r"do not worry|hang in there|stay strong|keep your head up|keep going)\b"
)
"""A promise about how things will turn out (`You'll get through this`, `Things will get
better`, `I'm sure you'll find something`): reassurance, which plays nothing back."""

GENERALISING = re.compile(
    r"\b(?:(?:many|most|lots of|a lot of|plenty of|so many)\s+(?:of us|(?:[a-z-]+\s+)?[a-z-]+s|"
    r"people|folks)|everyone|everybody|nobody|no one|"
    r"usually|typically|generally|commonly|normally|tends? to|in general|statistically|"
    r"(?:it's|it is|that's|that is) (?:so |very |quite |really |completely |totally |perfectly )?"
    r"(?:common|normal|natural|typical|usual|understandable)|studies|research|experts|statistics|"
    r"^there (?:are|is) (?:many|lots|a lot|plenty|some|several|other|ways|options|resources|"
    r"programs|programmes|services|groups|places|charities|organi[sz]ations|things))\b"
)
"""Statements about people or the world in general (`Many people go through this`, `It's
normal to feel that way`, `There are groups that help`): information or normalising, not what
this buyer said."""

FEELING_HEDGE = re.compile(
    r"\b(?:(?:that|it|this) (?:sounds|must|seems|looks|feels)|sounds like|seems like|must (?:be|"
    r"feel|have)|i (?:can |could )?(?:imagine|tell|see|hear|sense)|you(?:'re| are)? ?(?:feel|felt|"
    r"feeling|seem|seemed|sound|sounded|must|might feel)|you(?:'re| are| were| have been|'ve been) "
    r"(?:so |really |very |quite |pretty |a bit |a little |just |still |clearly )?(?:\w+ )?)"
)
"""The forms that put a feeling on someone (`That sounds ...`, `It must be ...`, `I can tell
you're ...`, `You feel ...`): with a feeling word, a reflection of feelings."""

DIFFICULTY_WORDS = frozenset(
    """
    hard difficult tough painful awful terrible horrible scary frightening lonely heartbreaking
    upsetting stressful overwhelming devastating rough unfair hurtful confusing worrying draining
    exhausting distressing heavy crushing disheartening discouraging demoralising demoralizing
    down low miserable unhappy worthless useless rejected abandoned ignored neglected insecure
    jealous bitter powerless desperate terrified grief grieving unsupported unheard invisible
    disrespected humiliated furious devastated hopeful grateful happy excited proud
    """.split()  # noqa: SIM905
)
"""Words for how hard something is to live through (`that must be so hard`), and feelings
`FEELING_WORDS` leaves out (`you must feel so low`)."""

SPEAKER_STORY = re.compile(
    r"^(?:(?:so|and|but|well|yeah|oh|honestly|actually)\W+)*(?:i|i've|i'd|me|my)\b(?:\s+\w+)?\s*"
    r"(?:had|have had|went|was|were|lost|got|used to|also|too|remember|once|did|tried|found|"
    r"dealt|struggled|experienced|lived|grew|moved|broke|quit|faced|suffered|know what it's like|"
    r"have been through|'ve been through|been there|own)\b"
)
"""A sentence in which the speaker tells their own story (`I lost my job a few years ago too`,
`I went through the same with my brother`), not what they heard."""


PLAYBACK = re.compile(
    r"\b(?:so you|so your|(?:it )?sounds (?:to me )?like|what i'm hearing|what i hear|"
    r"you're saying|you are saying|you said|you mentioned|if i understand|in other words|"
    r"you feel|you felt|you're feeling|you are feeling)\b"
)
"""Openers that play the listener's words back whatever else the sentence says (`That's great,
so your team ...`)."""

PLEASANTRY = re.compile(
    r"\b(?:you're welcome|you are welcome|good luck|take care(?! of)|"
    r"nice to (?:meet|talk to) you)\b"
)
"""Courtesies with a "you" in them that play nothing back."""


CHECKING = re.compile(
    r"\b(?:are you saying|do you mean|you mean|are you telling me|is that what you|is that right|"
    r"is that fair|is that it|did i get that right|have i got that right|did i hear that right|"
    r"did i understand|am i right|if i understand|if i heard)\b"
)
"""A question that checks the rep understood (`Are you saying ...?`, `..., is that right?`):
a reflection offered for correction, not a new question."""


def evaluative(sentence: str) -> bool:
    """Whether a sentence praises the listener, promises an outcome or is a courtesy
    (`PRAISE`, `REASSURING_FUTURE`, `PLEASANTRY`) and plays nothing back (`PLAYBACK`): its
    "you" is the speaker's verdict, not the listener's words, so it is no reflection's form."""
    text = normalise(sentence)
    said = PRAISE.search(text) or REASSURING_FUTURE.search(text) or PLEASANTRY.search(text)
    return bool(said) and not PLAYBACK.search(text)


_OPENER_PATTERNS = tuple(
    (phrase, re.compile(r"(?:^|[.,;!?]\s*)" + re.escape(phrase))) for phrase in REFLECTION_OPENERS
)


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
    reading: TurnReading | None = None
    """The shared reading of the turn (`roleplay.language.read_turn`)."""
    earlier_picked_up: list[str] = field(default_factory=list)
    """Words of the buyer's earlier lines (before `previous`) that the turn repeats."""
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


History = Sequence[tuple[str, str]]
"""The conversation before a turn, oldest first, as `(role, text)`, role `buyer` or `rep`."""


def buyer_lines(previous: str, history: History = ()) -> list[str]:
    """The buyer's lines before a turn, oldest first, ending with `previous` (once)."""
    lines = [text for role, text in history if role == "buyer" and text.strip()]
    if previous.strip() and (not lines or lines[-1].strip() != previous.strip()):
        lines.append(previous)
    return lines


def _picked(line_stems: set[str], turn_stems: set[str]) -> int:
    return len(line_stems & turn_stems)


THIRD_PERSON = frozenset(
    """
    he she him her his hers they them their theirs he's she's they're they've people children
    kids families others those someone somebody everyone everybody anyone nobody customers
    clients companies firms organisations organizations victims
    """.split()  # noqa: SIM905
)
"""Words that put someone other than the buyer (or the rep) at the centre of a sentence."""

HEDGED_YOU = re.compile(
    r"^(?:(?:so|and|okay|ok|right|well|yeah|hmm|oh|wow|ah)\W+)*"
    r"(?:(?:it|that|this)\s+)?(?:sounds?|seems?|looks?|feels?)(?:\s+like|\s+as\s+if|\s+as\s+though)?"
    r"\s+(?:(?:that\s+)?(?:you|you're|you've|you'd|your))\b"
)
"""`It sounds like you ...`, `Seems you ...`, `That feels like your ...`: a reflection's form."""

PERCEIVED_YOU = re.compile(
    r"\bi (?:can |could )?(?:really |totally |definitely )?(?:see|tell|hear|sense|imagine|"
    r"understand|get|gather|feel)(?: that| how| why| what)? (?:you|you're|you've|you'd|your)\b"
)
"""`I can see you're ...`, `I hear how your ...`, `I understand that you feel ...`: the rep
saying what they perceive of the buyer, a reflection with "I" in front."""

PERCEIVING = frozenset(
    "feel feeling feels felt understand see hear know imagine sense tell mean".split()  # noqa: SIM905
)
"""Verbs of perceiving: `I understand how you feel` names no particular thing heard."""

ADVICE_MODALS = frozenset(
    "should could can can't might may will won't need needs must try".split()  # noqa: SIM905
)
"""Modal verbs after `you` that tell or predict rather than play back (`you should`, `you
can do it`, `you will be fine`)."""


def sentence_subject(sentence: str) -> str:
    """Who a sentence is about, from its first words: `you`, `self` (I, we), `other` (they,
    people, a name...) or `none`."""
    lead = [
        t
        for t in words(sentence)[:6]
        if t not in {"so", "and", "but", "okay", "ok", "right", "well", "yeah", "oh", "wow", "hmm"}
    ]
    if not lead:
        return "none"
    text = normalise(sentence)
    if HEDGED_YOU.search(text) or PERCEIVED_YOU.search(text):
        return "you"
    # A question's subject comes after its question word and auxiliary ("How are you ...").
    asked = [t for t in lead[:3] if t not in OPEN_STARTERS and t not in CLOSED_STARTERS]
    head = asked[0] if asked and lead[0] in OPEN_STARTERS | CLOSED_STARTERS else lead[0]
    if head in {"you", "you're", "you've", "you'd", "you'll", "your", "yours"}:
        return "you"
    if head in {"i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "we're", "we've", "our"}:
        return "self"
    if head in THIRD_PERSON:
        return "other"
    return "none"


def you_state(sentence: SentenceReading) -> bool:
    """A sentence that says back the buyer's state, in a reflection's form (`You sound worn
    out`, `It seems you've been carrying this alone`, `I can see you're torn`, `You're losing
    sleep over it?`), not advice or a prediction (`you should`, `you will be fine`) and not a
    new question (`How do you feel?`)."""
    tokens = words(sentence.text)
    if sentence.question == "open" or (tokens and tokens[0] in CLOSED_STARTERS):
        return False  # asks something new (`How do you feel?`, `Are you ...?`)
    if sentence_subject(sentence.text) != "you":
        return False
    # A statement, or one said back as a question (`You're losing sleep over it?`), that says
    # something of them (`I understand how you feel` says nothing) and does not advise.
    start = next((i for i, t in enumerate(tokens) if t in YOU_WORDS or t in ("you'd", "you'll")), 0)
    after = tokens[start + 1 :]
    said = [w for w in after if w not in STOPWORDS and w not in PERCEIVING and len(w) >= 3]
    return bool(said) and not any(t in ADVICE_MODALS for t in after[:3])


def _reflects(sentence: str, buyer_stems: set[str]) -> bool:
    """Whether a sentence plays the buyer's words back: two of their words, or one in a
    reflection's form (`So you're ...`, `It sounds like ...`), the rest in new words."""
    shared = len({stem(w) for w in content_words(sentence)} & buyer_stems)
    if shared >= 2:
        return True
    if shared == 0:
        return False
    text = normalise(sentence)
    lead = [t for t in words(text)[:4] if t not in {"so", "and", "okay", "ok", "right", "well"}]
    return bool(lead and lead[0] in YOU_WORDS) or any(
        phrase in text and pattern.search(text) for phrase, pattern in _OPENER_PATTERNS
    )


def _share(sentences: Sequence[str], test: Callable[[str], bool]) -> float:
    """The share of `sentences` for which `test` holds (0 when there are none)."""
    return sum(test(s) for s in sentences) / len(sentences) if sentences else 0.0


def told(sentence: str) -> bool:
    """Whether a sentence tells someone else's story or pain (`One of my accounts, a bank in
    Ohio, was in your spot`, `Most trusts lose millions to agency spend`): the buyer's words in
    it are borrowed, not played back."""
    text = normalise(sentence)
    return bool(
        find_phrases(text, THIRD_PARTY)
        or THIRD_PARTY_STORY.search(text)
        or GENERIC_PAIN.search(text)
    )


def playback_form(sentence: SentenceReading, selling: bool, heard: set[str]) -> bool:
    """Whether a sentence has the form in which a reflection carries the buyer's content in the
    rep's own words: a statement (or one said back as a question, `So you're covering the
    close yourself?`, or offered for correction, `..., is that right?`) with content of its
    own, about the buyer or their situation. Not the forms the labelling guide scores 0
    whatever words they borrow: praise, a promise or a courtesy (`evaluative`), advice, a
    generalisation, the rep's own story or opinion (`I ...`), a pitch or someone else's story,
    a bare acknowledgement, or a new question. A reflection is about the buyer, so the sentence
    speaks to them (`you`, `your`) or carries something they said (a stem in `heard`);
    information about the world in general (`The usual limit is fourteen a week.`) does not."""
    text = normalise(sentence.text)
    asked = sentence.question != "none" or "?" in sentence.text
    if asked and not (you_state(sentence) or CHECKING.search(text)):
        return False
    if selling or evaluative(sentence.text) or sentence_subject(sentence.text) == "self":
        return False
    if find_phrases(text, ADVICE) or GENERALISING.search(text) or SPEAKER_STORY.search(text):
        return False
    said = content_words(sentence.text)
    if not set(words(sentence.text)) & YOU_WORDS and not {stem(w) for w in said} & heard:
        return False
    return len(said) >= 2 or (len(said) == 1 and not find_phrases(text, GENERIC_ACKS))


def praise_only(reading: TurnReading, heard: set[str]) -> bool:
    """Whether a turn only praises, reassures or acknowledges (`You're clearly doing a great
    job.`, `Good for you. That's great.`): every sentence is a bare acknowledgement or
    `evaluative`, so nothing the buyer said is played back. A praising sentence that also
    carries two of the buyer's words (stems in `heard`) beyond a few words of praise (`You're
    doing a great job, and you're still running the close yourself with three gone.`), or a
    long one, may hold a reflection beside its praise, so it does not count."""
    if not reading.sentences:
        return False
    kinds = []
    for sentence in reading.sentences:
        said = content_words(sentence.text)
        text = normalise(sentence.text)
        if evaluative(sentence.text):
            shared = len({stem(w) for w in said} & heard)
            carries = len(said) > 8 or (len(said) > 4 and shared >= 2)
            kinds.append("other" if carries else "praise")
        elif find_phrases(text, GENERIC_ACKS) and len(said) <= 1:
            kinds.append("ack")
        else:
            kinds.append("other")
    return "praise" in kinds and "other" not in kinds


def selling_sentences(reading: TurnReading) -> list[bool]:
    """Per sentence of a turn, whether it sells or tells someone else's story: it pitches, it
    tells (`told`), or it is a statement that carries on the one before that did (`They stood
    up ...` or `Two pages, plain English.` after a customer story, `And the platform maps ...`
    after a pitch)."""
    out: list[bool] = []
    before = ""
    for sentence in reading.sentences:
        text = normalise(sentence.text)
        subject = sentence_subject(sentence.text)
        statement = sentence.question == "none"
        carries = (before == "told" and statement and subject in ("other", "none")) or (
            before == "pitch" and any(f"the {noun}" in text for noun in CLAIM_SUBJECTS)
        )
        if sentence.tells or told(sentence.text):
            before = "told"
        elif sentence.pitch:
            before = "pitch"
        elif not carries:
            before = ""
        out.append(bool(before))
    return out


def extract_cues(
    turn: str,
    previous: str = "",
    vocab: ScenarioVocabulary | None = None,
    history: History = (),
) -> Cues:
    """Every surface cue of a rep turn, given the buyer's previous line, the conversation
    before it (`history`, oldest first) and the scenario."""
    lines = buyer_lines(previous, history)
    # What was heard is read as sets of words and numbers, so a line said twice (the earlier
    # line a turn is also measured against, `model.listening_against_history`) changes nothing;
    # said once, the reading is the one `read_turn` remembers from the turn's first scoring.
    reading = read_turn(turn, vocab, heard=" ".join(dict.fromkeys(lines)))
    text = normalise(turn)
    tokens = list(reading.words)
    n = max(len(tokens), 1)
    kinds = [s.question for s in reading.sentences]
    heard_words = frozenset(words(" ".join(lines)))
    # The buyer's words quoted back ("You said \"our churn is 18%\"") are not the rep's "our".
    own_tokens = words(unquote_heard(turn, heard_words))
    lead_tokens = [t for t in tokens if t not in {"so", "and", "okay", "ok", "right", "well"}]
    # A reflection's opening words in praise or a promise (`You sound like a hard worker`) open
    # no reflection.
    plain = [s for s in reading.sentences if not evaluative(s.text)]
    plain_text = " ".join(normalise(s.text) for s in plain)
    opener_found = [
        phrase
        for phrase, pattern in _OPENER_PATTERNS
        if phrase in plain_text and pattern.search(plain_text)  # the plain test first: cheaper
    ]
    turn_content = content_words(turn)
    prev_stems = {stem(w): w for w in content_words(previous)}
    turn_stems = {stem(w) for w in turn_content}
    picked = [w for s, w in prev_stems.items() if s in turn_stems]
    missed = [w for s, w in prev_stems.items() if s not in turn_stems]
    overlap = len(picked) / len(prev_stems) if prev_stems else 0.0
    turn_overlap = (
        len([s for s in turn_stems if s in prev_stems]) / len(turn_stems) if turn_stems else 0.0
    )
    earlier = lines[:-1] if previous.strip() else lines
    earlier_stems = [{stem(w) for w in content_words(line)} for line in earlier]
    earlier_words = {stem(w): w for line in earlier for w in content_words(line)}
    earlier_picked = sorted(
        {w for s, w in earlier_words.items() if s in turn_stems and s not in prev_stems}
    )
    line_stems = [*earlier_stems, set(prev_stems)]
    covered = [s for s in line_stems if s and _picked(s, turn_stems) >= min(2, max(1, len(s) // 2))]
    all_buyer = set().union(*line_stems) if line_stems else set()
    # A reflection before a pitch in the same sentence (`20 vs 60 from the same stage - that's
    # what our model fixes`) plays back as much as one in a sentence of its own.
    opening = "" if reading.opens_selling else opening_clause([s.text for s in reading.sentences])
    reflects_apart_from_pitch = bool(opening) and _reflects(opening, all_buyer)
    selling = selling_sentences(reading)
    reflects_apart_from_pitch = reflects_apart_from_pitch or any(
        not sells and _reflects(sentence.text, all_buyer)
        for sentence, sells in zip(reading.sentences, selling, strict=True)
    )
    subjects = [sentence_subject(s.text) for s in reading.sentences]
    prev_numbers = set(re.findall(r"\d+", previous))
    statements = [s.text for s in reading.sentences if s.question == "none" and "?" not in s.text]
    first = reading.sentences[0] if reading.sentences else None
    last = reading.sentences[-1] if reading.sentences else None
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
        "generic_ack": float(bool(find_phrases(text, GENERIC_ACKS)) and len(turn_content) <= 3),
        "content_free_probe": float(
            turn.rstrip().endswith("?") and len(tokens) <= 5 and not turn_content
        ),
        "last_sentence_pitch": float(last is not None and last.pitch),
        "first_sentence_pitch": float(first is not None and first.pitch),
        "earlier_overlap": max(
            (_picked(s, turn_stems) / len(s) for s in earlier_stems if s), default=0.0
        ),
        "buyer_words_share": (len(turn_stems & all_buyer) / len(turn_stems) if turn_stems else 0.0),
        "lines_covered": min(len(covered), 4) / 4,
        "history_cosine": 0.0,
        "playback_form": float(
            any(
                playback_form(sentence, sells, all_buyer)
                for sentence, sells in zip(reading.sentences, selling, strict=True)
            )
        ),
        "playback_cosine": 0.0,
        "product_claim": float(bool(reading.product_claims or reading.product_named)),
        "reflects_apart_from_pitch": float(reflects_apart_from_pitch),
        "praise_only": float(praise_only(reading, all_buyer)),
        "third_party": float(bool(reading.third_party)),
        "generic_pain": float(bool(reading.generic_pain)),
        "money_ask": float(bool(reading.money_ask)),
        "priority_question": float(bool(reading.priority_question)),
        "content_free": float(reading.content_free),
        "reassurance": min(len(find_phrases(text, REASSURANCE)), 2) / 2,
        "advice": min(len(find_phrases(text, ADVICE)), 2) / 2,
        "self_disclosure": float(
            bool(
                re.search(
                    r"\b(i had|i have had|i've had|i went through|when i was|i also|me too|"
                    r"happened to me|i used to|my (own|wife|husband|friend|mother|father|"
                    r"sister|brother|son|daughter|kids|family))\b",
                    text,
                )
            )
        ),
        "feeling_reflection": float(
            any(
                (s.question == "none" or you_state(s))
                and bool(set(words(s.text)) & YOU_WORDS)
                and bool(set(words(s.text)) & FEELING_WORDS - PERCEIVING)
                for s in plain
            )
        ),
        "you_state": float(any(you_state(s) for s in plain)),
        "praise": float(bool(PRAISE.search(text))),
        "reassuring_future": float(bool(REASSURING_FUTURE.search(text))),
        "generalising": _share(
            statements,
            lambda s: not set(words(s)) & YOU_WORDS and bool(GENERALISING.search(normalise(s))),
        ),
        "feeling_named": float(
            any(
                FEELING_HEDGE.search(normalise(s))
                and bool(set(words(s)) & (FEELING_WORDS | DIFFICULTY_WORDS) - PERCEIVING)
                for s in statements
            )
        ),
        "speaker_story": _share(statements, lambda s: bool(SPEAKER_STORY.search(normalise(s)))),
        "checks_understanding": float(
            any(s.question != "none" and CHECKING.search(normalise(s.text)) for s in plain)
        ),
        "you_centred": subjects.count("you") / max(len(subjects), 1),
        "self_centred": subjects.count("self") / max(len(subjects), 1),
        "other_centred": subjects.count("other") / max(len(subjects), 1),
        "third_person_rate": min(sum(t in THIRD_PERSON for t in own_tokens) / n * 5, 1.0),
        "you_statement": float(
            any(s.question == "none" and bool(set(words(s.text)[:4]) & YOU_WORDS) for s in plain)
        ),
        "question_about_you": float(
            any(
                s.question != "none" and bool(set(words(s.text)) & YOU_WORDS)
                for s in reading.sentences
            )
        ),
    }
    return Cues(
        words=len(tokens),
        question_marks=turn.count("?"),
        open_question="open" in kinds,
        closed_question="closed" in kinds,
        invitation=reading.invitation[0] if reading.invitation else None,
        leading=reading.leading[0] if reading.leading else None,
        reflection_opener=opener_found[0] if opener_found else None,
        picked_up=picked,
        missed=missed,
        overlap=overlap,
        turn_overlap=turn_overlap,
        you_rate=sum(t in {"you", "your", "you're", "yours", "you've", "you'd"} for t in tokens)
        / n,
        we_rate=sum(t in {"we", "our", "us", "we're", "we've", "we'll", "ours"} for t in own_tokens)
        / n,
        product_terms=sorted({*reading.product_terms, *reading.product_named}),
        pitch_words=list(reading.pitch_words),
        vendor_phrases=list(reading.vendor_phrases),
        close=list(reading.close),
        price=list(reading.price),
        concern_words=sorted({t for t in tokens if t in CONCERN_WORDS}),
        impact_phrases=find_phrases(text, IMPACT_PHRASES),
        small_talk=list(reading.small_talk),
        reading=reading,
        earlier_picked_up=earlier_picked,
        extra=extra,
    )


YOU_WORDS = frozenset({"you", "your", "you're", "you've"})
"""Second-person words that make a question about the buyer."""


SMALL_TALK_CAP = 0.15
"""Highest context-seeking and problem-focus score for pure small talk (see `small_talk_only`)."""

RULE_CAP = 0.15
"""Highest score on a dimension a rule says the turn fails (see `score_caps`)."""


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
    "earlier_overlap",
    "buyer_words_share",
    "lines_covered",
    "history_cosine",
    "product_claim",
    "third_party",
    "generic_pain",
    "money_ask",
    "priority_question",
    "content_free",
    "feeling_reflection",
    "you_statement",
    "reassurance",
    "advice",
    "self_disclosure",
    "you_state",
    "you_centred",
    "self_centred",
    "other_centred",
    "third_person_rate",
    "praise",
    "reassuring_future",
    "generalising",
    "feeling_named",
    "speaker_story",
    "checks_understanding",
    "playback_form",
    "playback_cosine",
)
"""The order of the numeric cue vector the fitted heads read. `history_cosine` (the best
cosine of the turn with any buyer line of the conversation) needs the embeddings and is filled
in by `model.fill_history_cosine`. `playback_cosine` is that cosine where the turn has a
sentence in a reflection's form (`playback_form`), else 0, filled in by `model.featurise_turns`:
how much of what the buyer said the turn carries, counted only when it is said back rather than
praised, advised or pitched."""


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


def score_caps(cues: Cues) -> dict[str, tuple[float, str]]:
    """Per dimension, the highest score the labelling rules allow this turn, and why.

    The fitted heads see few turns of each kind below, so the rubric's rules apply directly:
    a content-free turn shows no behaviour; small talk is not discovery; a money or
    commitment ask, a vendor-selection timeline, a story about other customers, generic
    industry pain, a product claim or price talk is not the buyer's problem; generic pain and
    a money ask show no listening, nor does a turn that opens by selling
    (`TurnReading.opens_selling`) or pitches with the buyer's words. `tests/scoring` holds one
    case per rule.
    """
    reading = cues.reading
    caps: dict[str, tuple[float, str]] = {}

    def cap(names: Sequence[str], value: float, why: str) -> None:
        for name in names:
            if name not in caps or caps[name][0] > value:
                caps[name] = (value, why)

    if reading is not None and reading.content_free:
        cap(("listening", "context_seeking", "problem_focus"), 0.0, "says nothing")
        return caps
    if small_talk_only(cues):
        cap(("context_seeking", "problem_focus"), SMALL_TALK_CAP, "small talk")
    if reading is None:
        return caps

    def quoted(items: Sequence[str]) -> str:
        return ", ".join(f"'{w}'" for w in list(dict.fromkeys(items))[:3])

    if reading.money_ask:
        why = f"asks for money or commitment ({quoted(reading.money_ask)})"
        cap(("listening", "context_seeking", "problem_focus"), RULE_CAP, why)
    elif reading.close and not cues.concern_words and not cues.picked_up:
        cap(
            ("context_seeking", "problem_focus"),
            RULE_CAP,
            f"asks for the close ({quoted(reading.close)})",
        )
    if reading.generic_pain and any(s.tells for s in reading.sentences):
        why = f"generic industry pain ({quoted(reading.generic_pain)})"
        reflects = cues.extra.get("reflects_apart_from_pitch")
        cap(("problem_focus",) if reflects else ("listening", "problem_focus"), RULE_CAP, why)
    if cues.extra.get("praise_only"):
        cap(("listening",), RULE_CAP, "praises or reassures without playing anything back")
    if reading.product_question:
        why = f"asks about the product ({quoted(reading.product_question)})"
        cap(("context_seeking", "problem_focus"), RULE_CAP, why)
    if reading.decision_timeline:
        why = f"asks when they will decide ({quoted(reading.decision_timeline)})"
        cap(("problem_focus",), RULE_CAP, why)
    if reading.third_party:
        cap(
            ("problem_focus",),
            RULE_CAP,
            f"another customer's story ({quoted(reading.third_party)})",
        )
    product = [*reading.product_named, *reading.product_claims, *reading.price]
    if product:
        cap(("problem_focus",), RULE_CAP, f"talks product or price ({quoted(product)})")
    # Listening: a turn that sells before it says anything of the buyer's heard nothing,
    # whatever follows; one that sells and plays nothing back apart from the pitch borrowed
    # the buyer's words. A reflection before the pitch still listens.
    pitched = reading.product_claims or reading.product_named or reading.third_party
    if reading.opens_selling:
        why = f"opens by selling ({quoted(reading.opens_selling)}) before playing anything back"
        cap(("listening",), RULE_CAP, why)
    elif pitched and not cues.extra.get("reflects_apart_from_pitch"):
        cap(("listening",), RULE_CAP, "pitches with the buyer's words")
    return caps


def apply_caps(probabilities: dict[str, float], cues: Cues) -> dict[str, float]:
    """The probabilities with `score_caps` applied."""
    out = dict(probabilities)
    for name, (value, _) in score_caps(cues).items():
        out[name] = min(out[name], value)
    return out

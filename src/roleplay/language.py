"""The language of a turn: words, sentences, and what a turn does (pitch, close, price, ask).

One module owns these rules so the scorer, the buyer's director and the guard read a turn the
same way. `read_turn` reads a rep turn once; the scorer's cues, the director's `read` and the
guard's seller-talk check all come from here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleplay.scenario import Scenario

# -- words ---------------------------------------------------------------------------------

WORD_RE = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*(?:'[a-z]+)?(?:-[a-z0-9]+)*%?")
"""A lower-case word: apostrophes and hyphens stay inside words, `4.5` and `1,800` stay whole."""

STOPWORDS = frozenset(
    """
    a about above across after again against all along also although am among an and another
    any anyone anything are aren't around as at away back be because been before behind being
    below beneath beside besides between beyond bit both but by came can can't cannot come
    comes could couldn't did didn't do does doesn't doing don't done down during each either
    else even ever every everyone everything few for from further get gets give given gives go
    goes going gone got had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
    it's its itself just keep keeps kind know less let let's like lot made make makes many me
    mean more most much must mustn't my myself near need needs neither never next no none nor
    not now of off on once one only onto or other others otherwise ought our ours ourselves out
    over own past really right same say said shan't she she'd she'll she's should shouldn't
    since so some someone something soon sort still such sure take takes tell than thank thanks
    that that's thats the their theirs them themselves then there there's these they they'd
    they'll they're they've thing things think this those though through throughout thus till
    to together too toward towards two under unless until up upon us very want was wasn't way
    we we'd we'll we're we've well were weren't what what's whatever when when's whenever where
    where's whether which while who who's whom whose why why's will with within without won't
    would wouldn't yeah yes you you'd you'll you're you've your yours yourself yourselves okay
    ok hi hello um uh mm hmm oh actually maybe honestly
    """.split()  # noqa: SIM905
)
"""Function words and fillers that say nothing about the buyer's situation or a product."""


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces."""
    return " ".join(text.lower().replace("\u2019", "'").split())


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes and hyphens kept inside words, numbers whole)."""
    return list(_words(text))


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    # Memoised: the scorer reads the buyer's earlier lines again for every turn of a call.
    return tuple(WORD_RE.findall(normalise(text)))


@functools.lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude stem so `breaks`/`breaking` and `integration`/`integrations` meet (memoised:
    the scorer stems the same words of a conversation again and again)."""
    word = word.replace("'", "")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Words that carry meaning, in order: not stopwords, three letters or more, or a number."""
    return list(_content_words(text))


@functools.lru_cache(maxsize=4096)
def _content_words(text: str) -> tuple[str, ...]:
    return tuple(
        w
        for w in _words(text)
        if w not in STOPWORDS and (len(w) >= 3 or any(c.isdigit() for c in w))
    )


def numbers(text: str) -> set[str]:
    """Numbers in the text (amounts, percentages, counts), normalised."""
    return {n.rstrip(".,") for n in re.findall(r"\d[\d,.]*%?", text) if any(c.isdigit() for c in n)}


# -- sentences -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
"""`.`, `?` or `!` (and any closing quote or bracket), then space. A full stop inside a number
(`4.5`) has no space after it and never ends a sentence."""

_ABBREVIATION = re.compile(r"(?:^|\s)(?:e\.g|i\.e|etc|vs|approx|mr|mrs|ms|dr|inc|ltd)\.$", re.I)
"""Abbreviations whose full stop does not end a sentence."""


def _boundaries(text: str) -> Iterator[re.Match[str]]:
    """The sentence boundaries in `text`: each match is the space between two sentences."""
    for match in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text[: match.start()].rstrip("\"')]")):
            yield match


def sentences(text: str) -> list[str]:
    """The sentences of `text`, trimmed; a trailing fragment counts as a sentence."""
    return list(_sentences(text))


@functools.lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    text = text.strip()
    found: list[str] = []
    start = 0
    for match in _boundaries(text):
        found.append(text[start : match.start()].strip())
        start = match.end()
    found.append(text[start:].strip())
    return tuple(part for part in found if part)


def complete_sentences(buffer: str) -> tuple[list[str], str]:
    """Split a growing buffer into the sentences finished so far and the unfinished rest."""
    found: list[str] = []
    start = 0
    for match in _boundaries(buffer):
        sentence = buffer[start : match.start()].strip()
        if sentence:
            found.append(sentence)
        start = match.end()
    return found, buffer[start:]


# -- phrase lists --------------------------------------------------------------------------

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
    certified partner partners founded headquartered offices countries fortune game-changer
    """.split()  # noqa: SIM905
)
"""Generic pitch vocabulary, in any industry."""

SELLER_PHRASES = (
    "our product",
    "our platform",
    "our solution",
    "our software",
    "our tool",
    "our offering",
    "my product",
    "my platform",
    "my solution",
    "my software",
    "my tool",
    "my offering",
    "we offer",
    "we sell",
    "we provide",
    "i can show you",
    "i can offer you",
    "i can demo you",
    "i can send you",
    "let me show you",
    "let me walk you",
    "buy our",
    "try our",
    "our customers include",
    "our customers love",
    "our customers see",
    "our clients include",
    "our clients love",
    "our clients see",
    "schedule a demo",
    "sign up",
)
"""Phrases only the one who sells says: the guard stops a buyer who says them."""

VENDOR_PHRASES = (
    *SELLER_PHRASES,
    "we help",
    "we've helped",
    "we have helped",
    "we can",
    "we could",
    "we do",
    "we'd",
    "we will",
    "we'll",
    "we have",
    "we built",
    "we deliver",
    "we automate",
    "we integrate",
    "we make",
    "our team",
    "our customers",
    "our clients",
    "our system",
    "our approach",
    "our company",
    "we were founded",
    "we're the",
    "we are the",
    "i can show",
    "i can offer",
    "i can help",
    "let me show",
    "let me tell you about",
    "with us",
    "it automates",
    "it integrates",
    "it reduces",
    "it eliminates",
    "it gives you",
    "it lets you",
    "which automates",
    "which integrates",
    "which reduces",
    "which eliminates",
    "which gives you",
    "which lets you",
    "out of the box",
    "you should buy",
    "you should use",
    "you should try",
    "our",
)
"""Phrases that put the vendor at the centre of a rep's turn."""

CLOSE_PHRASES = (
    "demo",
    "demonstration",
    "free trial",
    "a trial",
    "trial",
    "pilot",
    "sign up",
    "sign the",
    "sign a",
    "sign off",
    "contract",
    "purchase order",
    "next step",
    "next steps",
    "move forward",
    "get started",
    "kick off",
    "onboard you",
    "set up a call",
    "set up a meeting",
    "book a",
    "book some time",
    "schedule a",
    "schedule the",
    "schedule some",
    "proposal",
    "commit",
    "commitment",
    "close this",
    "close the deal",
    "buy it",
    "buy now",
    "ready to buy",
    "ready to sign",
    "ready to go",
    "decision by",
    "end of the quarter",
    "end of quarter",
    "send over",
    "send you",
    "choose a vendor",
    "choosing a vendor",
    "choose the vendor",
    "choosing the vendor",
    "picking a vendor",
    "pick a vendor",
    "select a vendor",
    "selecting a vendor",
    "vendor selection",
    "choose a partner",
    "picking a partner",
    "buying decision",
    "purchase decision",
    "making a decision on a solution",
    "decision on a solution",
    "paid pilot",
    "paid discovery",
)
"""Closing cues: asking for a commitment, a demo or the next step."""

ALWAYS_CLOSE = frozenset(
    {"demo", "demonstration", "free trial", "a trial", "trial", "buy it", "buy now"}
)
"""Close phrases that are the seller's ask whoever the sentence is about."""

PROPOSES = re.compile(
    r"\b(we|us|our|let's|let us|i (will|can|could|would|want to)|i'll|i'd (like|love))\b"
)
"""The rep proposing something themselves (a close phrase in such a sentence is a close)."""


def close_asks(text: str, phrases: Sequence[str]) -> list[str]:
    """The close phrases found in `text` that are the rep asking for a commitment.

    A demo or a trial is always the seller's ask. Words such as `sign off`, `contract`,
    `next steps` or `proposal` in a question about the buyer's own process ("when do you
    sign off the close?") are discovery; they close only when the rep proposes them or the
    sentence is not a question about the buyer.
    """
    found: list[str] = []
    parts = sentences(text) or [text]
    for phrase in phrases:
        if phrase in ALWAYS_CLOSE:
            found.append(phrase)
            continue
        for sentence in parts:
            lowered = sentence.lower()
            if phrase not in lowered:
                continue
            proposes = PROPOSES.search(lowered)
            about_them = sentence.endswith("?") and re.search(r"\b(you|your)\b", lowered)
            if proposes or not about_them:
                found.append(phrase)
                break
    return found


VENDOR_CHOICE = re.compile(
    r"\b(choos(e|ing)|pick(ing)?|select(ing)?|decid(e|ing) on|shortlist(ing)?) "
    r"(a|an|the new|a new|your new) (?:[a-z-]+ ){0,2}(vendor|partner|provider|supplier|tool|"
    r"solution|platform|system)\b",
    re.IGNORECASE,
)
"""Asking when the buyer will choose a vendor (`when are you looking to choose a returns
partner?`): a close, whatever words sit between the verb and the vendor."""

MONEY_ASK = re.compile(
    r"\b(invest(ing|ment)?|budget (for|set aside|to|would)|(have|find|put|get|any|kind of) "
    r"budget|budget set aside|set aside|allocate|earmark|afford|fund (a|the|this|it)|"
    r"(willing|comfortable|prepared|ready|open) to (pay|spend|invest|commit|sign|put|fund|"
    r"spending)|(willing|comfortable|open) (paying|spending|investing)|put toward|"
    r"get \S+ approved|want to spend|thinking you'?d (want to )?spend|worth \$?\d[\d,.]*k?|"
    r"can (you|\w+) (commit|sign)|sign this (week|month|quarter|year)|"
    r"(would|will|could|can|how much would|how much can) you (like to |want to |be "
    r"(willing|able|open) to |consider |think about )?(donat(e|ing)|contribut(e|ing)|pledg(e|ing)|"
    r"mak(e|ing) a (donation|contribution|pledge))|(open|willing|comfortable|prepared) to an? "
    r"(budget|figure|number|spend|investment|price)|coming out of (this|next|the) (\w+'s )?budget"
    r"|(could|would|can) you see (like |maybe |about )?[$€£]?\d[\d,.]*k?)\b",
    re.IGNORECASE,
)
"""Asking how much the buyer would spend, give or commit, in a question: a close, not discovery.
("How much are you spending on overtime today?" asks what the problem costs and is not one.)"""

THIRD_PARTY = (
    "one of our customers",
    "one of our clients",
    "one of our very first customers",
    "a customer of ours",
    "a client of ours",
    "another customer",
    "another client",
    "our customers",
    "our clients",
    "we worked with",
    "we just worked with",
    "we helped",
    "we've helped",
    "i worked with",
    "a company like yours",
    "companies like yours",
    "firms like yours",
    "teams like yours",
    "organisations like yours",
    "organizations like yours",
)
"""Stories about other customers: someone else's problem, told to sell."""

PRODUCT_QUESTION = re.compile(
    r"\b(any|have|got|other) questions? (for me |for us )?(on|about|around) (our|my|how (we|our))\b"
    r"|\b(interested in|like to|want to|keen to) (hear|hearing|see|seeing|learn|learning) "
    r"(more )?(about |how )(our|we)\b|\bhow we compare\b",
    re.IGNORECASE,
)
"""A question about the seller's product (`any questions on our dashboards?`, `would you be
interested in hearing how our payroll handles ...?`): not about the buyer's world."""

DECISION_TIMELINE = re.compile(
    r"\bwhen (are|do|would|will) you (be )?(looking|planning|hoping|expecting|aiming|wanting|"
    r"want|need|going) to (make (a|the|your) (decision|choice|call)|have (a|the) decision|"
    r"decide|choose|sign|buy|have something in place|have a decision made)\b"
    r"|\btimeline for (choosing|picking|selecting|a decision|making (a|the) decision)\b",
    re.IGNORECASE,
)
"""When the buyer will decide or buy: a decision-process question, never the buyer's problem."""

PRIORITY = re.compile(
    r"\bcompet(?:e|es|ing) for (?:your|their|the)(?: [a-z-]+){0,2} (?:attention|time|focus|budget|"
    r"dollars|money|resources|people)\b"
    r"|\b(?:on|top of|at the top of|first on|high on) (?:your|their|the)(?: [a-z-]+)? "
    r"(?:list|plate|agenda|radar|mind)\b"
    r"|\b(?:biggest|top|main|number one|most pressing) (?:priority|priorities|concern|worry|"
    r"worries|focus|challenge|headache|thing)\b"
    r"|\b(?:matters|counts) most\b|\bkeeps? you up\b|\bwhat gives\b"
    r"|\bwhere does (?:this|that|it) (?:sit|rank|fall|land)\b",
    re.IGNORECASE,
)
"""A question about what the buyer ranks first or what competes for their time (`What else is
competing for your attention this year?`): the buyer's problem, with or without a pain word."""

FILLERS = frozenset(
    """
    ok okay true right ha haha yeah yes yep sure cool great nice wow hmm mhm uh um oh ah totally
    fair gotcha got it i see makes sense indeed lovely perfect brilliant
    """.split()  # noqa: SIM905
)
"""Words that acknowledge and carry nothing: a turn of only these (`Ha. True.`) says nothing."""

THIRD_PARTY_STORY = re.compile(
    r"\bone of (?:my|our) (?:[a-z-]+ ){0,2}(?:accounts|customers|clients|users|partners)\b"
    r"|\b(?:a|an|one|another) (?:[a-z0-9-]+ ){0,3}?(?:customer|client|account|user)s? "
    r"(?:of (?:ours|mine)|(?:that |who )?(?:we|i) (?:work|worked|partner|partnered) with)\b"
    r"|\b(?:a|an|one|another) (?:[a-z0-9-]+ ){0,3}?[a-z-]+ (?:that |who )?(?:we|i) "
    r"(?:work|worked|partner|partnered) with\b"
    r"|\b(?:we|i) (?:have|had|just signed|signed|onboarded) (?:a|an|another) (?:[a-z0-9-]+ ){0,3}?"
    r"(?:customer|client|account)\b"
    r"|\bwhat (?:a lot of|lots of|many|most|some|other|some of (?:our|my|the)) (?:[a-z-]+ ){0,3}?"
    r"[a-z-]+s (?:have |'ve )?(?:found|saw|seen|learned|learnt|discovered|reali[sz]ed|ended up)\b",
    re.IGNORECASE,
)
"""Other customers' stories in any words (`one of my accounts, a bank in Ohio`, `a Belgian
retailer we work with`, `we have a fintech customer about your size`, `what a lot of food
partners found was ...`)."""

ELSEWHERE = re.compile(
    r"(?<![\w'\u2019])(?:[Aa]|[Aa]n|[Oo]ne|[Aa]nother)\s+(?:[\w-]+\s+){0,3}?[\w-]+\s+"
    r"(?:(?:up|down|out|over)\s+)?(?:in|near|outside)\s+([A-Z][a-z]+)"
)
"""An organisation somewhere else (`A group in Kent ...`, `we had a health system in Texas`,
`at an NCI center in Michigan`): in a statement, and somewhere the buyer never named, someone
else's story."""

NOT_PLACES = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905
)
"""Capitalised words after `in` that are times, not places (`a visit in January`)."""

GENERIC_PAIN = re.compile(
    r"\b(most|many|a lot of|lots of|nearly all|almost all|every|half the|all the)\s+"
    r"(?:[a-z0-9-]+\s+){0,3}?(companies|firms|organi[sz]ations|businesses|teams|hospitals|banks|"
    r"schools|districts|retailers|manufacturers|makers|carriers|insurers|plants|agencies|"
    r"universities|utilities|airlines|hotel groups|hotels|groups|cfos|ctos|cios|leaders|"
    r"executives|operators|providers|brands|players|publishers|3pls|gcs|sponsors|cities|"
    r"co-?ops|distributors|clinics|practices|shops|stores|chains|sites)\b"
    r"|\bevery\s+(?!time\b)(?:[a-z-]+\s+){0,2}?(company|firm|publisher|hospital|bank|plant|retailer|"
    r"insurer|carrier|district|school|city|team|cfo|organi[sz]ation|business|provider)\b"
    r"|\b(across|in) (the|your|this|our) (whole )?(industry|sector|space|market)\b"
    r"|\bacross (the )?[a-z-]+ (industry|sector|retail|manufacturing|cable|banking)\b"
    r"|\b(the|an?) (industry|sector) (lost|loses|average|is)\b|\bthe average [a-z-]+\b"
    r"|\b(on average|industry[- ]wide|nationally|all over the country|everywhere)\b"
    r"|\b(studies|research|surveys?|benchmarks?) (show|shows|find|finds|say|says)\b"
    r"|\byou'?re (certainly |definitely )?not alone\b|\b(very )?common (story|problem)\b"
    r"|\b(most|many|nearly all|almost all)\s+(?:[a-z-]+\s+){0,2}?[a-z-]+s\s+(?:[a-z]+ly\s+)?"
    r"(lose|struggle|see|underestimate|overspend|waste|miss|face|spend|end up|get hit)\b"
    r"|\bat (a|record) (record )?(rate|pace|levels?)\b|\bthe national picture\b",
    re.IGNORECASE,
)
"""Generic industry pain: other people's problem told as the buyer's (`Most mid-size firms lose
millions to slow closes`)."""

CLAIM_SUBJECTS = frozenset(
    "platform tool system software app product module engine dashboard solution suite".split()  # noqa: SIM905
)
"""Nouns that, as `the <noun>` doing something, are the product making a claim."""

_CAPITALISED = re.compile(r"(?<![\w'’])([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)(?:['’]s)?(?=\W|$)")
_CLAIM_AFTER = re.compile(
    r"^(?:\s+(?:is|was) (?:built|designed|made)|\s+really shines|['’]s\s+([A-Za-z-]+)"
    r"|\s+(?:[a-z]+ly\s+|really\s+|also\s+|just\s+)?([a-z]+s)\b)"
)
_MODAL_CLAIM = re.compile(
    r"^\s+(?:[a-z]+ly\s+|really\s+|also\s+|just\s+)?(?:would|could|can|will)\s+"
    r"(?:[a-z]+ly\s+|also\s+|just\s+)?(?:let|give|help|show|save|cut|take|handle|flag|catch|"
    r"stop|tell|get|make|do)\s+(?:you|your)\b"
    r"|^\s+(?:actually|also|now|even|already)\s+(?:has|have|comes with|ships with)\b"
)
"""A name promising the buyer something (`Pulsewave would let you see ...`) or showing off what
it has (`Sentrel actually has ...`)."""
OWNED_DOES = frozenset({"do", "cut", "take", "handle", "get"})
"""Verbs without an `s` that follow `can`/`will` when a name's thing does something
(`Rotaline's rostering can cut ...`)."""
"""What follows a name that makes a product claim: a possessive, a verb, `was built for`."""

CLAIM_VERBS = frozenset(
    """
    automates handles sends flags ships connects assigns digitizes digitises scores optimises
    optimizes captures rebuilds tracks predicts cuts reduces gives integrates syncs pulls catches
    replaces routes matches reconciles monitors alerts detects shows builds runs fixes solves
    eliminates streamlines helps turns plugs checks rewrites does delivers provides offers
    enables learns finds spots forecasts links generates creates manages saves lowers removes
    stops prevents gets ties includes covers supports imports maps caps blocks brings
    lets keeps takes
    """.split()  # noqa: SIM905
)
"""Verbs a product does things with, in a pitch (`Closeline flags duplicates`)."""

OBJECT_WORDS = frozenset(
    """
    the every each all your their those these this it them any you everything anything
    """.split()  # noqa: SIM905
)
"""Words that open a verb's object (`records those calls`, `takes it off ...`); not `that`,
which as often opens a clause (`stents that nobody logs`)."""

_ACTS_ON = re.compile(
    r"^\s+(?:(?:[a-z]+ly|also|just|really|now|even)\s+)?(?:([a-z]{3,}s)|(?:would|could|can|will)"
    r"\s+(?:[a-z]+ly\s+|also\s+|just\s+)?[a-z]{3,})\s+(?:" + "|".join(sorted(OBJECT_WORDS)) + r")\b"
)
"""A verb with its object right after a name (`Pulsewave records those calls`, `Weldeye would
replace the sorter`): an unfamiliar name doing something to the buyer's world, in a statement,
is a product."""

NOT_VERBS = frozenset("does this thus plus less unless always perhaps across".split())  # noqa: SIM905
"""Words ending in `s` that are not a third-person verb."""

IS_CLAIM_SUBJECTS = frozenset("platform solution product module suite engine dashboard".split())  # noqa: SIM905
"""Nouns that, as `the <noun> is ...` in a statement, are the vendor saying what it sells (`the
solution is one multi-vendor contract`); the buyer's own `system` or `tool` is left out."""

_CLAUSE_END = re.compile(r"[,;:.!?]")


VENDOR_PRICE = re.compile(
    r"\bpric(e|es|ed|ing)\b|\bdiscount|\blicen[cs](e|es|ing) (fee|cost)s?\b|\bquote\b|\broi\b"
    r"|\bcheaper\b|\baffordable\b|\bsubscription\b|\bper (seat|licen[cs]e)\b|\bpays for itself\b"
    r"|\bsaves? you\b",
    re.IGNORECASE,
)
"""Words that name the seller's price whatever the sentence is doing."""

PRICE = re.compile(
    VENDOR_PRICE.pattern + r"|\bper (user|month|year)\b|[$€£]\s?\d[\d,.]*[km]?|\bdollars\b"
    r"|\bcosts? (you |your \w+ |the \w+ )?(only|just|less|nothing)\b",
    re.IGNORECASE,
)
"""Raising price, discounts or licence costs."""

COST_OF_PROBLEM = re.compile(r"\b(what|how much)\b[^?]*\b(cost|costs|costing)\b[^?]*\?", re.I)
"""A question about what the buyer's problem costs them ("What does that cost you?"):
discovery, not price talk."""

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


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(p.lower()) for p in phrases if p.strip()}, key=len)
    return re.compile(r"\b(" + "|".join(reversed(alternatives)) + r")\b", re.IGNORECASE)


SELLER_TALK = _phrase_regex(SELLER_PHRASES)
"""A sentence that only the one who sells would say (the guard stops a buyer saying it)."""


@functools.lru_cache(maxsize=256)
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


@functools.lru_cache(maxsize=256)
def _phrase_screen(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that matches wherever any of the whole-word patterns of `_phrase_patterns`
    matches: most texts hold none of a list's phrases, and one search rules them all out."""
    alternatives = [re.escape(p) for p in phrases if p and p[0].isalnum()]
    if not alternatives:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


def find_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that occur in `text` (already normalised) as whole words, in list order."""
    key = tuple(phrases)
    screen = _phrase_screen(key)
    any_word_phrase = screen is not None and screen.search(text) is not None
    found = []
    for phrase, pattern in _phrase_patterns(key):
        if pattern is not None:
            if any_word_phrase and phrase in text and pattern.search(text):
                found.append(phrase)
        elif phrase in text:
            found.append(phrase)
    return found


# -- the scenario's vocabulary -------------------------------------------------------------

_FEATURE_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
"""A word in a feature line; hyphenated compounds (`pre-built`, `real-time`) stay one word."""


def feature_terms(features: Iterable[str]) -> set[str]:
    """Lower-case feature words of four letters or more that are not function words."""
    terms: set[str] = set()
    for feature in features:
        for word in _FEATURE_WORD.findall(feature):
            lowered = word.lower()
            if len(lowered) >= 4 and lowered not in STOPWORDS:
                terms.add(lowered)
    return terms


@dataclass(frozen=True)
class ScenarioVocabulary:
    """What marks product talk in one scenario, and what never does."""

    terms: frozenset[str] = frozenset()
    """Lower-case stems of the product, vendor and feature words."""
    names: tuple[str, ...] = ()
    """Lower-case product and vendor names, matched as phrases."""
    seller_terms: tuple[str, ...] = ()
    """Lower-case phrases that mark the pitch in this scenario (`Vocabulary.seller_terms`)."""
    buyer_terms: tuple[str, ...] = ()
    """Lower-case phrases of the buyer's world: never product talk, a close or price talk."""

    @classmethod
    def from_scenario(cls, scenario: Scenario | None) -> ScenarioVocabulary:
        """The vocabulary of a scenario's product (empty without a scenario)."""
        if scenario is None:
            return cls()
        buyer_terms = tuple(normalise(t) for t in scenario.vocabulary.buyer_terms)
        stems: set[str] = set()
        for term in scenario.product_terms:
            stems.update(stem(w) for w in content_words(term))
        stems.update(stem(w) for w in content_words(scenario.product.summary))
        # The buyer's own concerns are not product talk even when a feature names them.
        concern: set[str] = set()
        for line in [*scenario.buyer.priorities, scenario.opening_line, *buyer_terms]:
            concern.update(stem(w) for w in content_words(line))
        names = tuple(
            normalise(n) for n in (scenario.product.name, scenario.product.vendor) if n.strip()
        )
        seller = tuple(normalise(t) for t in scenario.vocabulary.seller_terms)
        return cls(frozenset(stems - concern), names, seller, buyer_terms)


_VOCABULARIES: dict[int, tuple[Scenario, ScenarioVocabulary]] = {}
"""Vocabularies by scenario object (scenarios are not hashable; the object is kept alive so
its id is not reused while it is cached)."""


def vocabulary_for(scenario: Scenario | None) -> ScenarioVocabulary:
    """The scenario's vocabulary, computed once per scenario object."""
    if scenario is None:
        return ScenarioVocabulary()
    cached = _VOCABULARIES.get(id(scenario))
    if cached is None or cached[0] is not scenario:
        if len(_VOCABULARIES) >= 64:
            _VOCABULARIES.clear()
        cached = (scenario, ScenarioVocabulary.from_scenario(scenario))
        _VOCABULARIES[id(scenario)] = cached
    return cached[1]


# -- reading a turn ------------------------------------------------------------------------


def question_kind(sentence: str) -> str:
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


def _mask(text: str, phrases: Sequence[str]) -> str:
    """`text` with every whole-word occurrence of the phrases blanked out, in any case."""
    if not phrases:
        return text
    text = text.replace("\u2019", "'")
    for phrase in phrases:
        text = re.sub(
            r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", " ", text, flags=re.IGNORECASE
        )
    return text


def talks_price(text: str) -> list[str]:
    """The words by which the turn raises the seller's price, a discount or licence costs.

    A question about what the problem costs the buyer is discovery: only words that name the
    seller's price (pricing, a discount, a quote) count inside one.
    """
    found: list[str] = []
    for sentence in sentences(text) or [text]:
        pattern = VENDOR_PRICE if COST_OF_PROBLEM.search(sentence) else PRICE
        found.extend(m.group(0).lower().strip() for m in pattern.finditer(sentence))
    return list(dict.fromkeys(found))


def _in_question(text: str, position: int) -> bool:
    """Whether the sentence around `position` ends with a question mark."""
    end = re.search(r"[.!?]", text[position:])
    return end is not None and end.group(0) == "?"


def _acts(tokens: Sequence[str], i: int) -> bool:
    """Whether `tokens[i]` is a product's verb: a claim verb, a modal's `do`/`cut`/..., or a
    third-person verb with its object (`records those ...`)."""
    token = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    verb_s = len(token) >= 4 and token[-1] == "s" and token not in NOT_VERBS
    return (
        token in CLAIM_VERBS
        or (token in OWNED_DOES and tokens[i - 1] in ("can", "will", "could", "would"))
        or (verb_s and after in OBJECT_WORDS)
    )


def _thing_acts(clause: str, limit: int = 7) -> int:
    """How many words name a thing before its verb (`weekly-pay option for bank workers runs
    ...` is 5), 0 when no product's verb follows within `limit` words of the clause."""
    tokens = words(_CLAUSE_END.split(clause, maxsplit=1)[0])[: limit + 1]
    return next((i for i in range(1, len(tokens)) if _acts(tokens, i)), 0)


def product_claims(text: str, heard_words: frozenset[str] = frozenset()) -> list[str]:
    """Names that act like a product in the turn, when no scenario names the product.

    A CamelCase name (`ClaimSight`), or a capitalised word the buyer never used followed by a
    claim (`Ledgerly automates ...`, `Keystone's dashboard`, `Hangarly was built for ...`,
    `Rotaline's weekly-pay option ... runs ...`, `Pulsewave records those calls`), `the
    platform` (tool, system, ...) doing something or `the solution is ...` in a statement, or
    the vendor's own thing doing something (`our payroll engine keeps ...`).
    """
    found: list[str] = []
    for match in _CAPITALISED.finditer(text):
        name = match.group(1)
        lowered = name.lower()
        if lowered in STOPWORDS or lowered in heard_words or len(name) < 3:
            continue
        if name[:-1].isupper():  # an acronym in the plural (`PMs`, `AOGs`) is no product
            continue
        camel = any(c.isupper() for c in name[1:]) and not name.isupper()
        after = _CLAIM_AFTER.match(text[match.end(1) :])
        owned, verb = (after.group(1), after.group(2)) if after is not None else (None, None)
        owned = owned.lower() if owned is not None else None
        rest = text[match.end(1) :]
        if _MODAL_CLAIM.match(rest):
            claim = True
        elif owned is not None:
            claim = (
                owned in PITCH_WORDS
                or owned in CLAIM_SUBJECTS
                or owned in ("ai", "app")
                or bool(_thing_acts(rest.lstrip("'’s")))
            )
        else:
            acts = _ACTS_ON.match(rest)
            claim = (
                after is not None
                and (verb is None or verb in CLAIM_VERBS or verb.endswith(("ates", "izes", "ises")))
            ) or (
                acts is not None
                and acts.group(1) not in NOT_VERBS
                and not _in_question(text, match.end(1))
            )
        if camel or claim:
            found.append(lowered)
    lowered_text = text.lower().replace("\u2019", "'")
    pattern = (
        r"\bthe (\w+)(?:'s(?: [\w-]+){1,3})? (?:[a-z]+ly |is |really |can |will )?"
        r"([a-z]+s|[a-z]+ing|was built)\b"
    )
    for match in re.finditer(pattern, lowered_text):
        subject, verb = match.group(1), match.group(2)
        if subject in heard_words or subject not in CLAIM_SUBJECTS:
            continue
        if verb in CLAIM_VERBS or verb.endswith(("ing", "ates", "izes", "ises", "built")):
            found.append(f"the {match.group(1)}")
    for match in re.finditer(r"\bthe (\w+)(?:'s| is| would be| will be)\s", lowered_text):
        subject = match.group(1)
        statement = not _in_question(lowered_text, match.end())
        if subject in IS_CLAIM_SUBJECTS and subject not in heard_words and statement:
            found.append(f"the {subject}")
    for match in re.finditer(r"\bour\s", lowered_text):
        following = words(lowered_text[match.end() :])
        thing = _thing_acts(lowered_text[match.end() :], limit=5)
        # `our close takes twelve days`, said by the buyer and quoted back, is theirs.
        if thing and not all(w in heard_words for w in following[: thing + 1]):
            found.append(" ".join(["our", *following[:thing]]))
    return list(dict.fromkeys(found))


def money_asks(text: str) -> list[str]:
    """Asks for money or commitment in the turn's questions (`What would you invest?`)."""
    found: list[str] = []
    for sentence in sentences(text):
        if not sentence.rstrip(" \"')").endswith("?"):
            continue
        found.extend(m.group(0).lower() for m in MONEY_ASK.finditer(sentence))
    return list(dict.fromkeys(found))


_TO_THEM = re.compile(
    r"^\W*(?:(?:so|and|okay|ok|right|well)\W+)*(?:you|you're|you'd|you've|your|"
    r"(?:it\s+|that\s+)?(?:sounds|seems|looks)\s+like)\b",
    re.IGNORECASE,
)
"""A sentence about the buyer, said to them (`You'd renew if ...`, `So your ...`, `Sounds
like what moves ...`)."""


def _heard_price(trigger: str, heard_numbers: set[str], heard_words: frozenset[str]) -> bool:
    """Whether a price trigger is the buyer's own: an amount they said, or their own words
    (`pricing` after "my boss thinks it's pricing"): a reflection, not the seller's price."""
    amounts = numbers(trigger)
    if amounts:
        return amounts <= heard_numbers
    said = words(trigger)
    return bool(said) and all(w in heard_words for w in said)


def seller_price(
    text: str, heard_numbers: set[str], heard_words: frozenset[str], vendor: bool
) -> list[str]:
    """The seller's price in `text` (`talks_price`), without the buyer's own amounts, nor
    their own price words asked about or said back to them (`what makes your boss think it's
    pricing?`, `you'd renew if the price were flat`), and without a lone money word (`a few
    hundred dollars`, `per month`) that names no price: the seller's price words, an amount in
    a currency, two price cues or the vendor (`vendor`) naming one are a price."""
    found: list[str] = []
    for sentence in sentences(text) or [text]:
        to_them = sentence.rstrip(" \"')").endswith("?") or bool(_TO_THEM.match(sentence))
        said = heard_words if to_them else frozenset()
        found += [p for p in talks_price(sentence) if not _heard_price(p, heard_numbers, said)]
    found = list(dict.fromkeys(found))
    priced = any(VENDOR_PRICE.search(p) or re.search(r"[$€£]", p) for p in found)
    return found if vendor or priced or len(found) >= 2 else []


@dataclass(frozen=True)
class SentenceReading:
    """What one sentence of a turn does."""

    text: str
    """The sentence as written."""
    question: str
    """`open`, `closed` or `none`."""
    pitch: bool
    """The sentence talks product, vendor, price or the close."""
    tells: bool = False
    """The sentence tells someone else's story (`A group in Kent cut ...`) or generic industry
    pain, in a statement: the buyer's words in it are borrowed, not played back."""


@dataclass(frozen=True)
class TurnReading:
    """What a rep turn does, read once for the scorer, the director and the guard.

    Each detection keeps the words that triggered it, so an explanation can quote them; a
    detection is true when its tuple is not empty.
    """

    words: tuple[str, ...]
    """The turn's word tokens."""
    sentences: tuple[SentenceReading, ...]
    """Each sentence and what it does."""
    product_named: tuple[str, ...]
    """Product or vendor names, and the scenario's `seller_terms`, in the turn."""
    product_terms: tuple[str, ...]
    """The scenario's product words in the turn, other than words the buyer used."""
    pitch_words: tuple[str, ...]
    """Generic pitch vocabulary (`platform`, `seamless`) in the turn."""
    vendor_phrases: tuple[str, ...]
    """Phrases that centre the vendor (`we offer`, `our platform`)."""
    product_claims: tuple[str, ...]
    """Names acting as a product with no scenario naming it (`Ledgerly automates ...`)."""
    pitch: tuple[str, ...]
    """The words that make the turn a pitch: a name, product words, or pitch words with the
    vendor at the centre. Empty when the turn does not pitch."""
    third_party: tuple[str, ...]
    """Stories about other customers (`one of our customers`)."""
    generic_pain: tuple[str, ...]
    """Other people's pain told as the buyer's (`most mid-size firms lose ...`)."""
    pain_told: tuple[str, ...]
    """Another customer's story or generic industry pain in a turn that asks nothing: told to
    sell. (In a question about the buyer's own pain the same words are discovery.)"""
    money_ask: tuple[str, ...]
    """Questions about what the buyer would spend or commit (also counted in `close`)."""
    close: tuple[str, ...]
    """Closing cues: asking for a commitment, a demo or the next step."""
    close_ask: tuple[str, ...]
    """The closing cues that are the rep's ask (`close_asks`): a demo or a trial always; other
    close words unless they sit in a question about the buyer's own process that the rep
    does not propose."""
    price: tuple[str, ...]
    """Price cues (a question about what the problem costs is not one)."""
    question: bool
    """The turn asks something: a question mark or an invitation to talk."""
    open_question: bool
    """The turn asks an open question or invites the buyer to talk."""
    closed_question: bool
    """The turn asks a yes/no question."""
    invitation: tuple[str, ...]
    """Imperative invitations (`walk me through`)."""
    leading: tuple[str, ...]
    """Leading-question phrases."""
    small_talk: tuple[str, ...]
    """Small-talk topics."""
    content_free: bool
    """The turn says nothing: no words, a single word (`.`, `Okay.`) or a few fillers that ask
    nothing (`Ha. True.`)."""
    product_question: tuple[str, ...] = ()
    """A question about the seller's product (`any questions on our dashboards?`)."""
    decision_timeline: tuple[str, ...] = ()
    """Asking when the buyer will decide or buy (`when are you looking to make a decision?`)."""
    priority_question: tuple[str, ...] = ()
    """Questions about the buyer's priorities (`PRIORITY`), in a turn that does not sell."""
    opens_selling: tuple[str, ...] = ()
    """The words by which the turn opens by selling (`opening_sale`): before it says anything
    of the buyer's, it names or claims the product, tells another customer's story, generic
    industry pain or the price. Empty when the turn opens with the buyer."""

    @property
    def selling(self) -> bool:
        """Whether the turn pitches, closes or talks price."""
        return bool(self.pitch or self.close or self.price)


def _sentence_pitch(
    sentence: str,
    vocabulary: ScenarioVocabulary,
    heard: frozenset[str],
    heard_words: frozenset[str] = frozenset(),
) -> bool:
    """Whether one sentence sells: a product name or claim (`Orvia captures the change order`,
    `the platform routes ...`), product or pitch words with the vendor, price, or a close the
    vendor proposes."""
    text = normalise(sentence)
    tokens = words(text)
    pitch = [t for t in tokens if t in PITCH_WORDS or _product_stem(t, vocabulary, heard)]
    named = any(n in text for n in (*vocabulary.names, *vocabulary.seller_terms))
    vendor = find_phrases(text, VENDOR_PHRASES)
    return bool(
        named
        or bool(product_claims(sentence, heard_words))
        or len(pitch) >= 2
        or (pitch and vendor)
        or talks_price(sentence)
        or (vendor and find_phrases(text, CLOSE_PHRASES))
    )


def _product_stem(word: str, vocabulary: ScenarioVocabulary, heard: frozenset[str]) -> bool:
    if word in STOPWORDS or len(word) < 3:
        return False
    stemmed = stem(word)
    return stemmed in vocabulary.terms and stemmed not in heard


_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{2,300})[\"\u201d]")


def unquote_heard(text: str, heard_words: frozenset[str]) -> str:
    """`text` without the quotations of the buyer's own words (`You said "our churn is 18%"`):
    a quote of the buyer is theirs, never the rep's product, vendor or price talk."""

    def drop(match: re.Match[str]) -> str:
        quoted = words(match.group(1))
        return " " if quoted and all(w in heard_words for w in quoted) else match.group(0)

    return _QUOTED.sub(drop, text)


def _tells(sentence: str, heard_words: frozenset[str]) -> bool:
    """Whether a sentence is a statement of someone else's story or pain (`SentenceReading`)."""
    if sentence.rstrip(" \"')").endswith("?"):
        return False
    text = normalise(sentence)
    return bool(
        find_phrases(text, THIRD_PARTY)
        or THIRD_PARTY_STORY.search(text)
        or GENERIC_PAIN.search(text)
        or elsewhere_stories(sentence, heard_words)
    )


def elsewhere_stories(text: str, heard_words: frozenset[str]) -> list[str]:
    """Organisations somewhere the buyer never named, in statements (`A group in Kent cut its
    agency bill ...`): another customer's story even without `customer` or `client`."""
    found: list[str] = []
    for match in ELSEWHERE.finditer(text):
        place = match.group(1).lower()
        if place in heard_words or place in NOT_PLACES or _in_question(text, match.end()):
            continue
        found.append(re.sub(r"^\W*(?:and\s+)?", "", match.group(0).lower()))
    return found


ACKNOWLEDGEMENTS = FILLERS | frozenset(
    """
    hear sense love enough understood exactly absolutely gosh agreed definitely awesome amazing
    fantastic appreciate sorry course interesting totally
    """.split()  # noqa: SIM905
)
"""Words of a sentence that only acknowledges (`Totally get it!`, `I hear you.`, `Ha, fair!`):
such a sentence is not yet what the turn opens with."""

_CLAUSE_BREAK = re.compile(r"\s+[-\u2013\u2014]+\s+|[:;]\s+|,?\s+but\s+", re.IGNORECASE)
"""Where a sentence's first clause ends: a dash, a colon, a semicolon or `but` (`Twenty against
sixty - that's what our model fixes`, `I hear that, but our customers ...`)."""


def opening_clause(sentences_of_turn: Sequence[str]) -> str:
    """What a turn opens with: the first clause of its first sentence that says more than an
    acknowledgement."""
    for sentence in sentences_of_turn:
        if any(w not in ACKNOWLEDGEMENTS for w in content_words(sentence)):
            return _CLAUSE_BREAK.split(sentence, maxsplit=1)[0]
    return ""


def opening_sale(
    clause: str,
    vocabulary: ScenarioVocabulary,
    heard_words: frozenset[str],
    heard_stems: frozenset[str],
    heard_numbers: set[str],
) -> tuple[str, ...]:
    """The words by which a turn's opening clause (`opening_clause`) sells: a product name or
    claim, the product's words, pitch words with the vendor, and in a statement another
    customer's story, generic industry pain or a price the buyer never said. The buyer's own
    words never count."""
    masked = unquote_heard(_mask(clause, vocabulary.buyer_terms), heard_words)
    text = normalise(masked)
    tokens = words(text)
    found = [n for n in (*vocabulary.names, *vocabulary.seller_terms) if n and n in text]
    found += product_claims(masked, heard_words)
    found += [t for t in tokens if _product_stem(t, vocabulary, heard_stems)]
    pitch_words = [t for t in tokens if t in PITCH_WORDS]
    vendor = find_phrases(text, VENDOR_PHRASES)
    if len(pitch_words) >= 2 or (pitch_words and vendor):
        found += pitch_words
    if "?" not in clause:
        found += find_phrases(text, THIRD_PARTY)
        found += [m.group(0) for m in THIRD_PARTY_STORY.finditer(text)]
        found += elsewhere_stories(masked, heard_words)
        found += [m.group(0).lower() for m in GENERIC_PAIN.finditer(text)]
        found += seller_price(masked, heard_numbers, heard_words, bool(vendor))
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=2048)
def read_turn(
    text: str, vocabulary: ScenarioVocabulary | None = None, heard: str = ""
) -> TurnReading:
    """Read a rep turn once: what it asks, whether it pitches, closes or talks price.

    Memoised (a reading is immutable): the scorer reads a turn again against each earlier
    line it may reflect, and rescoring a call reads every turn again.

    Args:
        text: The rep's turn.
        vocabulary: The scenario's vocabulary (`vocabulary_for(scenario)`); None reads the turn
            with the generic word lists only.
        heard: What the buyer has said; the buyer's own words never count as product talk.
    """
    vocabulary = vocabulary or ScenarioVocabulary()
    lowered = normalise(text)
    # The buyer's world (`Vocabulary.buyer_terms`) is never selling: blank it out first.
    heard_words = frozenset(words(heard))
    masked = unquote_heard(_mask(text, vocabulary.buyer_terms), heard_words)
    selling_text = normalise(masked)
    tokens = tuple(words(text))
    selling_tokens = words(selling_text)
    heard_stems = frozenset(stem(w) for w in content_words(heard))
    heard_numbers = numbers(heard)
    claims = tuple(product_claims(masked, heard_words))
    money = tuple(money_asks(masked))
    named = tuple(
        n for n in (*vocabulary.names, *vocabulary.seller_terms) if n and n in selling_text
    )
    product_terms = tuple(
        sorted({w for w in selling_tokens if _product_stem(w, vocabulary, heard_stems)})
    )
    pitch_words = tuple(sorted({t for t in selling_tokens if t in PITCH_WORDS}))
    vendor = tuple(find_phrases(selling_text, VENDOR_PHRASES))
    pitch: tuple[str, ...] = ()
    if named or product_terms or claims or len(pitch_words) >= 2 or (pitch_words and vendor):
        pitch = tuple(dict.fromkeys((*named, *claims, *product_terms, *pitch_words)))
    parts = sentences(text)
    sentence_readings = tuple(
        SentenceReading(
            part,
            question_kind(part),
            _sentence_pitch(
                unquote_heard(_mask(part, vocabulary.buyer_terms), heard_words),
                vocabulary,
                heard_stems,
                heard_words,
            ),
            tells=_tells(part, heard_words),
        )
        for part in parts
    )
    kinds = [s.question for s in sentence_readings]
    invitation = tuple(find_phrases(lowered, INVITATIONS))
    third_party = tuple(
        dict.fromkeys(
            (
                *find_phrases(selling_text, THIRD_PARTY),
                *(m.group(0).lower() for m in THIRD_PARTY_STORY.finditer(selling_text)),
                *elsewhere_stories(masked, heard_words),
            )
        )
    )
    generic_pain = tuple(
        dict.fromkeys(m.group(0).lower() for m in GENERIC_PAIN.finditer(selling_text))
    )
    close = tuple(
        dict.fromkeys(
            (
                *find_phrases(selling_text, CLOSE_PHRASES),
                *(m.group(0).lower() for m in VENDOR_CHOICE.finditer(selling_text)),
                *money,
            )
        )
    )
    return TurnReading(
        words=tokens,
        sentences=sentence_readings,
        product_named=named,
        product_terms=product_terms,
        pitch_words=pitch_words,
        vendor_phrases=vendor,
        product_claims=claims,
        pitch=pitch,
        third_party=third_party,
        generic_pain=generic_pain,
        pain_told=(*third_party, *generic_pain) if "?" not in text else (),
        money_ask=money,
        close=close,
        close_ask=tuple(close_asks(text, close)),
        price=tuple(seller_price(masked, heard_numbers, heard_words, bool(vendor))),
        question="?" in text or bool(invitation),
        open_question="open" in kinds or bool(invitation),
        closed_question="closed" in kinds,
        invitation=invitation,
        leading=tuple(find_phrases(lowered, LEADING)),
        small_talk=tuple(find_phrases(lowered, SMALL_TALK)),
        content_free=len(tokens) <= 1
        or (len(tokens) <= 4 and "?" not in text and all(t in FILLERS for t in tokens)),
        product_question=tuple(
            m.group(0).lower()
            for part in parts
            if "?" in part
            for m in PRODUCT_QUESTION.finditer(normalise(part))
        ),
        decision_timeline=tuple(m.group(0).lower() for m in DECISION_TIMELINE.finditer(lowered)),
        priority_question=tuple(
            m.group(0).lower()
            for part in parts
            if part.rstrip(" \"')").endswith("?")
            for m in PRIORITY.finditer(part)
        )
        if not (pitch or close)
        else (),
        opens_selling=opening_sale(
            opening_clause(parts), vocabulary, heard_words, heard_stems, heard_numbers
        ),
    )

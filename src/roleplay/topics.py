"""What a rep's turn asks about: the discovery topics a buyer's facts are filed under.

A scenario's hidden facts and public context carry topics from this fixed list, and the
director judges each rep turn by which topics it asks about, not by its wording's similarity to
the author's example questions. The topics follow the discovery a good rep does with an
executive (`shared/DOMAIN.md`): situation, problem, cause, impact, people, what was tried, the
decision, urgency, what is at stake personally and the outcome wanted (SPIN's situation,
problem, implication and need-payoff questions, plus the context questions buyers say reps skip).

Each topic has prototype questions written in many voices (blunt, formal, plain, reflective);
a turn is compared with them by meaning when an embedder is available and by keywords always.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Topic(StrEnum):
    """A subject a discovery question can be about."""

    PRIORITIES = "priorities"
    """What is on the buyer's plate: goals, focus, the headline problem."""
    SITUATION = "situation"
    """How things work today: process, systems, team set-up, volumes."""
    PROBLEM = "problem"
    """What goes wrong, where it gets stuck, what is hard."""
    CAUSE = "cause"
    """Why it happens: the root cause, what is behind it."""
    IMPACT = "impact"
    """What it costs or affects: money, time, risk, customers, staff."""
    PEOPLE = "people"
    """Who else is involved, affected, pushing or resisting; the team and how it copes."""
    TRIED = "tried"
    """What has been tried before, tools in place, why it did not work."""
    DECISION = "decision"
    """How a decision or spend gets made and approved; criteria; who signs."""
    URGENCY = "urgency"
    """Why now: deadlines, what changed, outside pressure on timing."""
    PERSONAL = "personal"
    """What is at stake for the buyer personally; how they are judged."""
    OUTCOME = "outcome"
    """What solving it would mean; what success looks like."""


TOPIC_PROTOTYPES: dict[Topic, tuple[str, ...]] = {
    Topic.PRIORITIES: (
        "What's at the top of your list this year?",
        "What are your biggest priorities right now?",
        "What's keeping you up at night?",
        "What made you take this meeting?",
        "What's the most important thing on your plate?",
        "What are you focused on this quarter?",
        "What's the biggest challenge in your role right now?",
        "What's on your mind these days?",
    ),
    Topic.SITUATION: (
        "How does that work today?",
        "Walk me through the process step by step.",
        "How is your team organised?",
        "What systems do you use for that today?",
        "How many people work on this?",
        "Tell me how things run at the moment.",
        "What does a normal week look like for your team?",
        "How big is the volume you handle?",
    ),
    Topic.PROBLEM: (
        "Where does it get stuck?",
        "What's going wrong?",
        "What's the hardest part of that?",
        "Where do things break down?",
        "What's not working the way you'd like?",
        "What problems keep coming up?",
        "What's the biggest headache there?",
        "Where are the delays?",
    ),
    Topic.CAUSE: (
        "Why is that happening?",
        "What's behind that?",
        "What's the root cause?",
        "What's driving that?",
        "Why does it take so long?",
        "Where does that come from?",
        "What makes it so hard?",
        "Why do you think that is?",
    ),
    Topic.IMPACT: (
        "What is that costing you?",
        "What does that mean for the business?",
        "How much money does that lose you?",
        "What happens when that goes wrong?",
        "What's the impact on your customers?",
        "How does that affect revenue?",
        "What's the risk if it continues?",
        "What does that do to your numbers?",
    ),
    Topic.PEOPLE: (
        "Who else is involved in this?",
        "Who is pushing for a fix?",
        "How is your team holding up?",
        "Who else cares about this problem?",
        "How does the board see it?",
        "Who feels the pain the most?",
        "What's this doing to your people?",
        "Who would resist a change?",
    ),
    Topic.TRIED: (
        "What have you already tried?",
        "What's been done about it so far?",
        "Why didn't that work?",
        "What tools do you have in place today?",
        "Have you tried fixing it before?",
        "What did you try last time, and what happened?",
        "Have you brought in outside help on this?",
        "What's been attempted internally?",
    ),
    Topic.DECISION: (
        "How do decisions like this get made?",
        "Who signs off on spending?",
        "How does budget get approved here?",
        "What would a solution need to prove?",
        "Who else would need to agree?",
        "What criteria will you judge options by?",
        "What's the approval process?",
        "Who has the final say?",
    ),
    Topic.URGENCY: (
        "Why now?",
        "What changed that made this urgent?",
        "Is there a deadline you're working to?",
        "By when does this need to be fixed?",
        "What's driving the timing?",
        "Why is this a priority now rather than last year?",
        "What happens if it isn't fixed by then?",
        "What's forcing the issue right now?",
    ),
    Topic.PERSONAL: (
        "What's at stake for you personally?",
        "How will you be judged on this?",
        "What does this mean for you and your role?",
        "What happens to you if this isn't solved?",
        "Why does this matter to you?",
        "What's riding on this for you?",
        "How does this reflect on you with your boss?",
        "What would it mean for your career?",
    ),
    Topic.OUTCOME: (
        "If this were solved, what would that mean for you?",
        "What would success look like?",
        "What would change if you fixed it?",
        "Where do you want to be a year from now?",
        "What would good look like for your team?",
        "What result are you after?",
        "If it worked, what would you do with the time?",
        "How would you know it had worked?",
    ),
}
"""Example questions per topic, in several voices; turns are compared with them by meaning."""

TOPIC_KEYWORDS: dict[Topic, re.Pattern[str]] = {
    Topic.PRIORITIES: re.compile(
        r"\b(priorit\w*|top of (your|the) (list|agenda|mind)|on your (plate|mind|radar|desk)|"
        r"focus(ed|ing)? on|keep(s|ing)? you up|biggest (challenge|issue|problem)|"
        r"goals?|objectives?|take this meeting|agreed to meet)\b",
        re.IGNORECASE,
    ),
    Topic.SITUATION: re.compile(
        r"\b(how does (that|it|this) work|walk me through|today|currently|process|"
        r"step by step|set ?up|organi[sz]ed|systems?|how many|volume|run(s|ning)? (it|things))\b",
        re.IGNORECASE,
    ),
    Topic.PROBLEM: re.compile(
        r"\b(stuck|stall\w*|wrong|break(s|ing)? down|broken|hard(est)?|problems?|issues?|"
        r"challenges?|pain|headaches?|delays?|slow|bottlenecks?|struggl\w*|trouble|"
        r"not working|go(es)? wrong|fail\w*|complain\w*)\b",
        re.IGNORECASE,
    ),
    Topic.CAUSE: re.compile(
        r"\b(why|behind (that|it|this)|root cause|caus\w*|driv(es|ing|en) (that|it|this)|"
        r"where does (that|it|this) come from|reason)\b",
        re.IGNORECASE,
    ),
    Topic.IMPACT: re.compile(
        r"\b(cost\w*|impact\w*|affect\w*|mean for|consequen\w*|lose|losing|loss(es)?|money|"
        r"revenue|margin|cash|dollars?|risk\w*|penalt\w*|customers?|what happens when|"
        r"numbers?|budget overrun|fines?)\b",
        re.IGNORECASE,
    ),
    Topic.PEOPLE: re.compile(
        r"\b(who|team|staff|people|board|investors?|auditors?|regulators?|ceo|cfo|coo|cio|"
        r"boss|leadership|stakeholders?|colleagues?|holding up|coping|morale|turnover|"
        r"burn\w*|pushing|champion|resist\w*)\b",
        re.IGNORECASE,
    ),
    Topic.TRIED: re.compile(
        r"\b(tried|try|attempt\w*|so far|before|already|in place|tools?|workarounds?|"
        r"outside help|consultan\w*|last time|previous(ly)?|didn'?t work|fix(ed)? it)\b",
        re.IGNORECASE,
    ),
    Topic.DECISION: re.compile(
        r"\b(decid\w*|decision\w*|sign(s|ed)? off|approv\w*|budget|criteria|final say|"
        r"buying process|procure\w*|who signs|evaluat\w*|agree)\b",
        re.IGNORECASE,
    ),
    Topic.URGENCY: re.compile(
        r"\b(why now|urgen\w*|deadlines?|by when|timing|timeline|what changed|changed|"
        r"this year|right now|rather than last year|date|weeks?|months?|soon)\b",
        re.IGNORECASE,
    ),
    Topic.PERSONAL: re.compile(
        r"\b(for you personally|personally|at stake|riding on|your (role|career|job|"
        r"reputation|boss|bonus)|judged|measured on|matter to you|for you)\b",
        re.IGNORECASE,
    ),
    Topic.OUTCOME: re.compile(
        r"\b(if (this|that|it) (were|was|is) (solved|fixed)|success|look like|good look|"
        r"what would (change|that mean)|a year from now|result|outcome|ideal|"
        r"would you do with|know it (had )?worked)\b",
        re.IGNORECASE,
    ),
}
"""Words that show a turn is about a topic, for when no embedder is loaded (and as a floor)."""


def keyword_topics(text: str) -> dict[Topic, float]:
    """Per topic, 1.0 when the text uses one of its words, else 0.0."""
    return {
        topic: 1.0 if pattern.search(text) else 0.0 for topic, pattern in TOPIC_KEYWORDS.items()
    }

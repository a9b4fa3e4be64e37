"""Build the transcript fixtures in tests/data/transcripts/ from pydantic models.

Run `python tests/coach/build_fixtures.py` to rewrite them. The `v1-*.json` fixture is written
only when missing: it stands for files saved by the first released format and must stay frozen,
so a later format change that breaks reading old files fails the migration test.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roleplay.scenario import load_scenario
from roleplay.transcript import (
    CoachNote,
    Explanation,
    ModelIds,
    Scores,
    Transcript,
    Turn,
    TurnScore,
)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "data" / "transcripts"
SCENARIO = load_scenario(OUT / "scenarios" / "cfo-freight-close.yaml")
RUBRIC_HASH = "sha256:0f3a5d1c9b7e2a44"


def band(score: float) -> str:
    return "strong" if score >= 0.65 else "developing" if score >= 0.35 else "needs_work"


def scored(
    at: datetime,
    text: str,
    listening: float,
    context: float,
    problem: float,
    summary: str,
    alternative: str = "",
    missed: list[str] | None = None,
) -> Turn:
    scores = Scores(listening=listening, context_seeking=context, problem_focus=problem)
    return Turn(
        role="rep",
        text=text,
        time=at,
        score=TurnScore(
            scores=scores,
            bands={d: band(getattr(scores, d)) for d in Scores.model_fields},
            explanation=Explanation(
                summary=summary,
                cues={
                    "listening": "reflects the buyer's words"
                    if listening >= 0.5
                    else "does not use what the buyer said",
                    "context_seeking": "open question about the business"
                    if context >= 0.5
                    else "no question about the buyer's situation",
                    "problem_focus": "centres the buyer's problem"
                    if problem >= 0.5
                    else "talks about the product",
                },
                missed=missed or [],
                alternative=alternative,
            ),
            rubric_id="default",
            rubric_hash=RUBRIC_HASH,
            scored_at=at,
        ),
    )


def buyer(
    at: datetime,
    text: str,
    *,
    revealed: list[str] | None = None,
    objections: list[str] | None = None,
    patience: int = 4,
    trust: int = 0,
    source: str = "model",
) -> Turn:
    return Turn(
        role="buyer",
        text=text,
        time=at,
        revealed=revealed or [],
        objections=objections or [],
        source=source,  # type: ignore[arg-type]
        patience=patience,
        trust=trust,
    )


def clock(start: datetime):  # type: ignore[no-untyped-def]
    moment = start
    while True:
        yield moment
        moment += timedelta(seconds=37)


def base(rep: str, started: datetime, ident: str) -> Transcript:
    return Transcript(
        id=ident,
        rep=rep,
        scenario_id=SCENARIO.id,
        scenario_hash=SCENARIO.content_hash(),
        rubric_id="default",
        rubric_hash=RUBRIC_HASH,
        models=ModelIds(buyer="deterministic", embedder="all-MiniLM-L6-v2"),
        started_at=started,
        seed=7,
    )


def priya_first() -> Transcript:
    """A pitch-first attempt: one fact, two objections, the buyer runs out of patience."""
    start = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    t = clock(start)
    tr = base("priya", start, "a1priya01")
    tr.turns = [
        buyer(next(t), SCENARIO.opening_line),
        scored(
            next(t),
            "Thanks Dana. LedgerFlow automates invoice matching and your close "
            "checklist, so finance teams close in half the time.",
            0.08,
            0.05,
            0.22,
            "You opened with the product before learning anything about Dana's close.",
            "What made month-end close worth a webinar for you?",
        ),
        buyer(
            next(t),
            "Every vendor says that. You don't know yet what our problem is.",
            objections=["pitch_before_problem"],
            patience=3,
        ),
        scored(
            next(t),
            "Fair. How many invoices does your team process a month?",
            0.31,
            0.52,
            0.40,
            "A situation question; it does not pick up her push-back.",
            "You're right, I don't. What is making the close hard right now?",
            missed=["You don't know yet what our problem is"],
        ),
        buyer(next(t), "A few thousand. It is not the invoices that hurt.", patience=3),
        scored(
            next(t),
            "Got it. What does hurt, then?",
            0.58,
            0.71,
            0.63,
            "Good: you followed her lead with an open question.",
        ),
        buyer(
            next(t),
            "Honestly, our close takes twelve days. The board has asked me to get "
            "it to five by year end.",
            revealed=["close_twelve_days"],
            patience=3,
            trust=1,
        ),
        scored(
            next(t),
            "We can definitely get you to five. Could we book a demo with your "
            "controller next week?",
            0.21,
            0.10,
            0.30,
            "You jumped to the close right after she shared the pressure.",
            "Twelve down to five is a big ask. What is behind the board's deadline?",
            missed=["twelve days", "board"],
        ),
        buyer(
            next(t),
            "I'm not booking a demo until I know this is worth my team's time.",
            objections=["demo_too_soon"],
            patience=2,
            trust=1,
        ),
        scored(
            next(t),
            "Understood. Our dashboards give real-time cash visibility too.",
            0.12,
            0.06,
            0.18,
            "Another feature; the buyer asked for relevance, not more.",
        ),
        buyer(
            next(t),
            "I don't think this is a good use of our time. Let's stop here.",
            source="authored",
            patience=0,
            trust=1,
        ),
    ]
    tr.ended_at = next(t)
    tr.ended_by = "patience"
    # A coach has reviewed this one.
    tr.turns[1].notes.append(
        CoachNote(
            author="morgan",
            text="Lead with a question about why she came to the webinar.",
            time=datetime(2026, 11, 3, 14, 0, tzinfo=UTC),
        )
    )
    tr.turns[5].notes.append(
        CoachNote(
            author="morgan",
            text="Better than the scorer thinks: you handed her the floor.",
            override=Scores(listening=0.7, context_seeking=0.8, problem_focus=0.7),
            reason="Open, short, follows her lead; the machine under-rates two-word reflections.",
            time=datetime(2026, 11, 3, 14, 2, tzinfo=UTC),
        )
    )
    return tr


def priya_second() -> Transcript:
    """A better attempt a week later: three facts, no objections, success."""
    start = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
    t = clock(start)
    tr = base("priya", start, "a2priya02")
    tr.turns = [
        buyer(next(t), SCENARIO.opening_line),
        scored(
            next(t),
            "Thanks for the time, Dana. Before anything from my side: what made "
            "the finance automation webinar worth an hour for you?",
            0.35,
            0.78,
            0.72,
            "An open question about her reasons; good start.",
        ),
        buyer(next(t), "The close, mostly. It drags on and everyone is tired of it.", trust=1),
        scored(
            next(t),
            "So the close drags and it is wearing the team out. How long does it "
            "take today, start to finish?",
            0.81,
            0.84,
            0.80,
            "A reflection of her words, then an open question about the close.",
        ),
        buyer(
            next(t),
            "Honestly, our close takes twelve days. The board has asked me to get "
            "it to five by year end.",
            revealed=["close_twelve_days"],
            trust=2,
        ),
        scored(
            next(t),
            "Twelve to five, with the board watching. What has made it hard to shrink so far?",
            0.77,
            0.80,
            0.86,
            "Strong: reflection plus an implication question.",
        ),
        buyer(
            next(t),
            "We bought the ERP vendor's close module two years ago. Nobody uses it.",
            revealed=["tried_erp_module"],
            trust=3,
        ),
        scored(
            next(t),
            "So the tool was there and people did not adopt it. Who on your team "
            "carries the close today?",
            0.74,
            0.76,
            0.70,
            "You took the adoption lesson and asked about the people.",
        ),
        buyer(
            next(t),
            "Between us, my controller is leaving in March, and she carries the close in her head.",
            revealed=["controller_leaving"],
            trust=4,
        ),
        scored(
            next(t),
            "That makes March a hard deadline of its own. What would it mean for "
            "you if the close still depended on her after she left?",
            0.70,
            0.66,
            0.88,
            "A need-payoff question in her terms.",
        ),
        buyer(
            next(t),
            "It would mean I personally explain a late close to the board. "
            "Send me a short note on how you would approach this.",
            source="authored",
            trust=4,
        ),
    ]
    tr.ended_at = next(t)
    tr.ended_by = "turn_limit"
    return tr


def marcus_first() -> Transcript:
    """A middling attempt by another rep: the audit finding, then a price question."""
    start = datetime(2026, 11, 5, 15, 15, tzinfo=UTC)
    t = clock(start)
    tr = base("marcus", start, "b1marcus1")
    tr.turns = [
        buyer(next(t), SCENARIO.opening_line),
        scored(
            next(t),
            "I'd love to understand what finance is focused on this year.",
            0.20,
            0.66,
            0.55,
            "Open, but generic: tie it to something she said.",
        ),
        buyer(next(t), "Predictable cash, and fewer surprises from the auditors.", trust=1),
        scored(
            next(t),
            "Surprises from the auditors: what came out of your last audit?",
            0.79,
            0.74,
            0.68,
            "You picked up 'auditors' and asked about it.",
        ),
        buyer(
            next(t),
            "The auditors flagged our manual journals last year. I can't have that finding twice.",
            revealed=["audit_finding"],
            trust=2,
        ),
        scored(
            next(t),
            "Our pricing starts at forty thousand a year, which usually pays "
            "back within two closes.",
            0.10,
            0.05,
            0.15,
            "Price before the problem is understood.",
            "A repeat finding would be painful. What would the board do if it came back?",
        ),
        buyer(next(t), "Go on.", source="authored", patience=3, trust=2),
    ]
    tr.ended_at = next(t)
    tr.ended_by = "rep"
    return tr


def write(transcript: Transcript, name: str, *, frozen: bool = False) -> None:
    path = OUT / name
    if frozen and path.exists():
        return
    transcript.save(path)


def main() -> None:
    write(priya_first(), "priya-1.json")
    write(priya_second(), "priya-2.json")
    write(marcus_first(), "marcus-1.json")
    v1 = priya_first()
    v1.id = "v1fixture01"
    v1.roleplay_version = "0.1.0"
    write(v1, "v1-priya-pitch-first.json", frozen=True)
    bad = OUT / "bad"
    bad.mkdir(exist_ok=True)
    text = (OUT / "marcus-1.json").read_text()
    (bad / "truncated.json").write_text(text[: len(text) // 2])
    (bad / "not-a-transcript.json").write_text(json.dumps({"name": "quarterly numbers"}) + "\n")
    future = json.loads(text)
    future["schema_version"] = 99
    (bad / "future-version.json").write_text(json.dumps(future, indent=2) + "\n")
    damaged = json.loads(text)
    damaged["turns"][1]["score"]["scores"]["listening"] = 7
    (bad / "score-out-of-range.json").write_text(json.dumps(damaged, indent=2) + "\n")


if __name__ == "__main__":
    main()

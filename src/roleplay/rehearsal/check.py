"""Playability: does ordinary good discovery reach every fact, and does a pitch meet push-back?

`roleplay check SCENARIO` plays the built-in rep styles (`scenarios/scripts/check/`) on the
deterministic buyer, which says the scenario's authored lines, so what it finds is about the
scenario and the director, never about a model's wording. It reports the facts no discovery
style earned, endings no style reached within `max_turns`, the turns where the buyer gave a
non-answer to a discovery question (the director's `small_talk` and `non_answer` beats, read
from its decisions, not guessed from the reply), and a pitching rep that never met an
objection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay import paths
from roleplay.rehearsal.simulation import play, read_script
from roleplay.rehearsal.trace import DecisionLog

if TYPE_CHECKING:
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.session import TurnScorerLike

StyleKind = Literal["discovery", "pitch"]


@dataclass(frozen=True)
class Style:
    """A built-in rep style: a script of turns written for no scenario in particular."""

    name: str
    kind: StyleKind
    script: Path


def builtin_styles() -> list[Style]:
    """The styles `roleplay check` plays: four discovery voices and a pitching rep."""
    scripts = paths.shipped_scenarios_dir() / "scripts"
    return [
        Style("open", "discovery", scripts / "generic-discovery.txt"),
        Style("spin", "discovery", scripts / "check" / "spin.txt"),
        Style("reflective", "discovery", scripts / "check" / "reflective.txt"),
        Style("blunt", "discovery", scripts / "check" / "blunt.txt"),
        Style("pitch", "pitch", scripts / "generic-pitch.txt"),
    ]


@dataclass(frozen=True)
class NonAnswer:
    """A discovery turn the buyer met with a non-answer."""

    style: str
    turn: int
    """The rep's turn number in the call, from 1."""
    rep: str
    buyer: str


@dataclass
class StyleRun:
    """What one style's call produced."""

    style: Style
    uncovered: list[str]
    objections: list[str]
    succeeded: bool
    ended_by: str
    turns_played: int
    non_answers: list[NonAnswer] = field(default_factory=list)


@dataclass
class CheckReport:
    """Everything `roleplay check` found about one scenario."""

    scenario: Scenario
    runs: list[StyleRun]

    @property
    def discovery_runs(self) -> list[StyleRun]:
        return [run for run in self.runs if run.style.kind == "discovery"]

    @property
    def pitch_runs(self) -> list[StyleRun]:
        return [run for run in self.runs if run.style.kind == "pitch"]

    @property
    def unearned(self) -> list[str]:
        """Facts no discovery style earned, in the scenario's order."""
        earned = {fact for run in self.discovery_runs for fact in run.uncovered}
        return [f.id for f in self.scenario.hidden_facts if f.id not in earned]

    @property
    def non_answers(self) -> list[NonAnswer]:
        return [answer for run in self.discovery_runs for answer in run.non_answers]

    def problems(self) -> list[str]:
        """What an author must fix, one sentence each: a fact no discovery style earned, an
        ending none reached, a pitching rep that earned a fact or met no objection."""
        found: list[str] = []
        for fact_id in self.unearned:
            fact = self.scenario.fact(fact_id)
            topics = ", ".join(fact.topics) or "none"
            found.append(
                f"no discovery style earned '{fact_id}' ({fact.depth}; topics: {topics}); "
                "see docs/authoring.md, 'a fact that never comes out'"
            )
        if self.discovery_runs and not any(run.succeeded for run in self.discovery_runs):
            ending = self.scenario.ending
            required = f" including {', '.join(ending.required_facts)}" * bool(
                ending.required_facts
            )
            found.append(
                f"no discovery style reached a successful ending ({ending.success_facts} "
                f"facts{required}) within {ending.max_turns} turns"
            )
        for run in self.pitch_runs:
            if run.uncovered:
                found.append(f"the pitching rep earned {', '.join(run.uncovered)}")
            if not run.objections:
                found.append("the pitching rep met no objection")
        return found

    def notes(self) -> list[str]:
        """Discovery turns the buyer met with a non-answer, to read: often a question the
        scenario has nothing for (add a context line or a topic), sometimes a turn after
        everything was said."""
        return [
            f"{answer.style}, turn {answer.turn}: non-answer {answer.buyer!r} to {answer.rep!r}"
            for answer in self.non_answers
        ]


def check_scenario_play(
    scenario: Scenario,
    rubric: Rubric,
    scorer: TurnScorerLike,
    *,
    styles: Sequence[Style] | None = None,
    seed: int = 1,
) -> CheckReport:
    """Play every style on the deterministic buyer and collect what each call did."""
    from roleplay.buyer import load_backend
    from roleplay.session import PracticeSession

    runs: list[StyleRun] = []
    for style in styles if styles is not None else builtin_styles():
        buyer = load_backend("deterministic", scenario)
        session = PracticeSession(scenario, rubric, buyer, scorer, seed=seed)
        log = DecisionLog(session)
        result = play(session, read_script(style.script))
        run = StyleRun(
            style,
            list(result.uncovered),
            result.objections,
            session.succeeded,
            session.ended_by or "",
            result.rep_turns_played,
        )
        if style.kind == "discovery":
            run.non_answers = [
                NonAnswer(style.name, decision.turn, decision.text, decision.beat.anchor)
                for decision in log.decisions
                if decision.non_answer
            ]
        runs.append(run)
    return CheckReport(scenario, runs)

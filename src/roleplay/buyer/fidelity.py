"""How faithfully the buyer plays its scenarios: `python -m roleplay.buyer.fidelity`.

Over every shipped scenario, plays the generic discovery script and the generic pitching
script (from `scenarios/scripts/`) and reports: the share of hidden facts each uncovers, how
often the guard passed a model reply on the first try, how often it fell back to the authored
line, and role leaks that reached the transcript (the target is zero).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from roleplay import paths

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.session import TurnScorerLike

SCRIPTS = ("generic-discovery", "generic-pitch")
"""The scripts every scenario is played with."""


@dataclass
class FidelityReport:
    """The fidelity figures of one buyer model over the shipped scenarios."""

    model_id: str
    """The buyer backend and model."""
    facts_uncovered: dict[str, float] = field(default_factory=dict)
    """Per script, the share of hidden facts uncovered over all scenarios."""
    objections: dict[str, int] = field(default_factory=dict)
    """Per script, the objections raised over all scenarios."""
    guard: Counter[str] = field(default_factory=Counter)
    """Guard outcomes over all voiced replies."""
    buyer_turns: int = 0
    """Buyer replies to rep turns."""
    authored_fallbacks: int = 0
    """Replies that fell back to the authored line after two failed model replies."""
    role_leaks: list[str] = field(default_factory=list)
    """Buyer turns in the transcripts that broke role (target: none)."""
    per_scenario: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Per scenario and script, the facts uncovered."""
    seconds: float = 0.0
    """Wall time of the evaluation."""
    first_words_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it to the buyer's first words."""
    reply_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it to the end of the buyer's reply."""

    @property
    def first_try_rate(self) -> float:
        """Share of voiced replies the guard passed on the model's first try."""
        voiced = self.guard["first_try"] + self.guard["regenerated"] + self.guard["authored"]
        return self.guard["first_try"] / voiced if voiced else 1.0

    def figures(self) -> dict[str, float | str]:
        """The report as named figures (for benchmarks and `make eval`)."""
        out: dict[str, float | str] = {"buyer_model": self.model_id}
        for script, share in self.facts_uncovered.items():
            out[f"facts_uncovered_{script.replace('-', '_')}"] = round(share, 3)
        for script, count in self.objections.items():
            out[f"objections_{script.replace('-', '_')}"] = count
        out["guard_first_try_rate"] = round(self.first_try_rate, 3)
        out["guard_regenerated"] = self.guard["regenerated"]
        out["guard_truncated"] = self.guard["truncated"]
        out["authored_fallbacks"] = self.authored_fallbacks
        failures = sorted(
            ((k.removeprefix("fail:"), v) for k, v in self.guard.items() if k.startswith("fail:")),
            key=lambda item: -item[1],
        )
        out["guard_failures"] = ", ".join(f"{k} {v}" for k, v in failures) or "none"
        cuts = sorted(
            ((k.removeprefix("cut:"), v) for k, v in self.guard.items() if k.startswith("cut:")),
            key=lambda item: -item[1],
        )
        out["guard_cuts"] = ", ".join(f"{k} {v}" for k, v in cuts) or "none"
        out["buyer_turns"] = self.buyer_turns
        out["role_leaks_in_transcripts"] = len(self.role_leaks)
        if self.first_words_seconds:
            out["first_words_median_s"] = round(statistics.median(self.first_words_seconds), 3)
            out["first_words_p95_s"] = round(_p95(self.first_words_seconds), 3)
        if self.reply_seconds:
            out["whole_reply_median_s"] = round(statistics.median(self.reply_seconds), 2)
        out["fidelity_seconds"] = round(self.seconds, 1)
        return out


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def evaluate(
    scenarios: Sequence[Scenario],
    rubric: Rubric,
    buyer: BuyerBackend,
    scorer: TurnScorerLike,
    *,
    scripts_dir: Path | None = None,
    scripts: Sequence[str] = SCRIPTS,
    seed: int = 7,
    max_turns: int | None = None,
    save_to: Path | None = None,
) -> FidelityReport:
    """Play every script against every scenario and collect the fidelity figures.

    Args:
        max_turns: Play at most this many lines of each script (None: all).
        save_to: A folder to save every transcript in, as `SCENARIO.SCRIPT.json`.
    """
    from roleplay.buyer.simulation import play, read_script
    from roleplay.session import PracticeSession

    started = time.perf_counter()
    folder = scripts_dir or paths.shipped_scenarios_dir() / "scripts"
    report = FidelityReport(buyer.model_id)
    for script in scripts:
        lines = read_script(folder / f"{script}.txt")[: max_turns or None]
        uncovered = total = raised = 0
        for scenario in scenarios:
            path = save_to / f"{scenario.id}.{script}.json" if save_to is not None else None
            session = PracticeSession(scenario, rubric, buyer, scorer, seed=seed, save_to=path)
            result = play(session, lines)
            uncovered += len(result.uncovered)
            total += len(scenario.hidden_facts)
            raised += len(result.objections)
            report.guard.update(session.guard.outcomes)
            buyer_turns = [t for t in session.transcript.turns[1:] if t.role == "buyer"]
            report.buyer_turns += len(buyer_turns)
            report.authored_fallbacks += session.guard.outcomes["authored"]
            report.role_leaks.extend(f"{scenario.id}/{script}: {leak}" for leak in result.leaks)
            report.per_scenario.setdefault(scenario.id, {})[script] = result.uncovered
            report.first_words_seconds.extend(result.first_words_seconds)
            report.reply_seconds.extend(result.reply_seconds)
        report.facts_uncovered[script] = uncovered / total if total else 0.0
        report.objections[script] = raised
    report.seconds = time.perf_counter() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the figures (JSON with --json)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m roleplay.buyer.fidelity", description=__doc__)
    parser.add_argument("--model", default=None, help="model card (default: the selected one)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-turns", type=int, default=None, help="lines of each script")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--save", type=Path, default=None, metavar="DIR", help="save every transcript in DIR"
    )
    args = parser.parse_args(argv)

    from roleplay.buyer import load_backend
    from roleplay.errors import RoleplayError
    from roleplay.rubric import load_rubric
    from roleplay.scenario import load_scenarios
    from roleplay.scoring import TurnScorer

    try:
        scenarios, problems = load_scenarios([paths.shipped_scenarios_dir()])
        for problem in problems:
            print(f"skipped: {problem}", file=sys.stderr)
        rubric = load_rubric(paths.default_rubric())
        buyer = load_backend(args.model)
        buyer.load()
        scorer = TurnScorer.load(rubric)
        report = evaluate(
            scenarios,
            rubric,
            buyer,
            scorer,
            seed=args.seed,
            max_turns=args.max_turns,
            save_to=args.save,
        )
    except RoleplayError as exc:
        print(f"roleplay: {exc.message}", file=sys.stderr)
        return 1
    figures = report.figures()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
        for scenario_id, by_script in report.per_scenario.items():
            for script, facts in by_script.items():
                print(f"  {scenario_id} / {script}: {', '.join(facts) or 'none'}")
    for leak in report.role_leaks:
        print(f"leak: {leak}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

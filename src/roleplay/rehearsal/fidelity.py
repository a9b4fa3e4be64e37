"""How faithfully the buyer plays its scenarios: `roleplay eval --buyer`.

Plays the blind rep scripts (`scenarios/scripts/blind/report/`, written from the briefing
alone by writers who never saw the hidden facts) against every shipped scenario and reports
what a rep learns from the buyer:

- facts uncovered by briefing-aware discovery (each scenario's own scripts in six voices), by
  generic discovery (the same voices, written with no scenario at all) and by pitching or
  mixed scripts;
- pitching and mixed runs that heard at least one objection before patience ran out;
- non-answers to discovery turns (a reply of at most eight words, or a bare question back);
- buyer sentences whose figures or names the scenario does not support at that point;
- reveals credited without the fact's figures said, and role leaks (targets: zero);
- the share of buyer words the model wrote (the rest are the scenario's authored words);
- the guard's counts and the time to the buyer's first words.

`--set dev` plays the development scripts instead (the only ones the director is tuned on).
"""

from __future__ import annotations

import fnmatch
import os
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from roleplay import paths
from roleplay.buyer.figures import carries, unsupported
from roleplay.buyer.text import split_sentences

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.scoring import TurnScorer
    from roleplay.session import PracticeSession, TurnScorerLike

ScriptKind = Literal["discovery", "generic", "pitching", "mixed"]
"""Briefing-aware discovery, generic discovery, pure pitching, or mixed (discovery, then a
pitch, a demo push and price talk)."""

GENERIC_STYLES = ("spin", "reflective", "peer", "junior", "challenger", "nonnative")
"""The discovery voices, each written once per scenario and once generically."""

NON_ANSWER_WORDS = 8
"""A reply to a discovery turn this short (or a bare question back) is a non-answer."""


@dataclass(frozen=True)
class Script:
    """One rep script and what it is for."""

    name: str
    """The file's stem, e.g. `coo-saas-churn.spin` or `generic-peer`."""
    kind: ScriptKind
    """What the script measures."""
    path: Path
    """The file."""
    scenario_id: str | None
    """The scenario it was written for (None: any scenario)."""


def scripts_in(folder: Path) -> list[Script]:
    """The scripts of a blind set, each classified by its name."""
    found: list[Script] = []
    for path in sorted(folder.glob("*.txt")):
        stem = path.stem
        kind: ScriptKind
        if stem.startswith("generic-"):
            kind = (
                "pitching"
                if stem.startswith("generic-pitch")
                else "mixed"
                if stem.startswith("generic-mixed")
                else "generic"
            )
            found.append(Script(stem, kind, path, None))
            continue
        scenario_id, _, style = stem.partition(".")
        kind = "pitching" if style == "pitch" else "mixed" if style == "mixed" else "discovery"
        found.append(Script(stem, kind, path, scenario_id))
    return found


@dataclass
class FidelityReport:
    """The fidelity figures of one buyer model over the shipped scenarios."""

    model_id: str
    """The buyer backend and model."""
    found: Counter[str] = field(default_factory=Counter)
    """Per script kind, hidden facts uncovered (summed over runs)."""
    available: Counter[str] = field(default_factory=Counter)
    """Per script kind, hidden facts there were to uncover (summed over runs)."""
    runs: Counter[str] = field(default_factory=Counter)
    """Per script kind, runs played."""
    selling_runs_with_objection: int = 0
    """Pitching or mixed runs that heard at least one objection before patience ran out."""
    pitching_runs_out_of_patience_unwarned: int = 0
    """Pitching or mixed runs that ran out of patience without one objection (target 0)."""
    discovery_replies: int = 0
    """Buyer replies to discovery turns (turns of discovery scripts)."""
    non_answers: list[str] = field(default_factory=list)
    """Those replies that were non-answers, as `scenario/script: reply`."""
    unsupported_sentences: list[str] = field(default_factory=list)
    """Buyer sentences naming a figure or name the scenario did not support at that point."""
    uncredited_reveals: list[str] = field(default_factory=list)
    """Reveals credited although the reply lacked the fact's figures (target none)."""
    role_leaks: list[str] = field(default_factory=list)
    """Buyer turns in the transcripts that broke role (target none)."""
    words: Counter[str] = field(default_factory=Counter)
    """Buyer words by who wrote them: `authored` or `model`."""
    guard: Counter[str] = field(default_factory=Counter)
    """Guard outcomes over all voiced replies."""
    buyer_turns: int = 0
    """Buyer replies to rep turns."""
    per_scenario: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Per scenario and script, the facts uncovered."""
    seconds: float = 0.0
    """Wall time of the evaluation."""
    first_words_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it to the buyer's first words."""
    reply_seconds: list[float] = field(default_factory=list)
    """Per rep turn, seconds from sending it to the end of the buyer's reply."""

    def add(self, other: FidelityReport) -> None:
        """Count another report's runs in this one (its lists go after this one's)."""
        self.found.update(other.found)
        self.available.update(other.available)
        self.runs.update(other.runs)
        self.selling_runs_with_objection += other.selling_runs_with_objection
        self.pitching_runs_out_of_patience_unwarned += other.pitching_runs_out_of_patience_unwarned
        self.discovery_replies += other.discovery_replies
        self.non_answers.extend(other.non_answers)
        self.unsupported_sentences.extend(other.unsupported_sentences)
        self.uncredited_reveals.extend(other.uncredited_reveals)
        self.role_leaks.extend(other.role_leaks)
        self.words.update(other.words)
        self.guard.update(other.guard)
        self.buyer_turns += other.buyer_turns
        for scenario_id, scripts in other.per_scenario.items():
            self.per_scenario.setdefault(scenario_id, {}).update(scripts)
        self.first_words_seconds.extend(other.first_words_seconds)
        self.reply_seconds.extend(other.reply_seconds)

    def share(self, kind: str) -> float:
        """Share of hidden facts uncovered by scripts of one kind."""
        return self.found[kind] / self.available[kind] if self.available[kind] else 0.0

    @property
    def first_try_rate(self) -> float:
        """Share of model-voiced replies the guard passed on the first try."""
        voiced = self.guard["first_try"] + self.guard["regenerated"] + self.guard["authored"]
        return self.guard["first_try"] / voiced if voiced else 1.0

    def figures(self) -> dict[str, float | str]:
        """The report as named figures (for benchmarks and `make eval`)."""
        out: dict[str, float | str] = {"buyer_model": self.model_id}
        labels = {
            "discovery": "briefing_aware",
            "generic": "generic",
            "pitching": "pitching",
            "mixed": "mixed",
        }
        for kind, label in labels.items():
            out[f"facts_uncovered_{label}"] = round(self.share(kind), 3)
            out[f"runs_{label}"] = self.runs[kind]
        selling = self.runs["pitching"] + self.runs["mixed"]
        out["pitching_and_mixed_runs_with_objection"] = (
            f"{self.selling_runs_with_objection} of {selling}"
        )
        out["pitching_runs_out_of_patience_without_objection"] = (
            self.pitching_runs_out_of_patience_unwarned
        )
        rate = len(self.non_answers) / self.discovery_replies if self.discovery_replies else 0.0
        out["non_answers_to_discovery"] = round(rate, 3)
        out["non_answers_count"] = f"{len(self.non_answers)} of {self.discovery_replies}"
        out["unsupported_figures_or_names"] = len(self.unsupported_sentences)
        out["reveals_without_their_figures"] = len(self.uncredited_reveals)
        out["role_leaks_in_transcripts"] = len(self.role_leaks)
        total_words = self.words["authored"] + self.words["model"]
        out["model_written_word_share"] = (
            round(self.words["model"] / total_words, 3) if total_words else 0.0
        )
        out["guard_first_try_rate"] = round(self.first_try_rate, 3)
        out["guard_authored_fallbacks"] = self.guard["authored"]
        cuts = sorted(
            ((k.removeprefix("cut:"), v) for k, v in self.guard.items() if k.startswith("cut:")),
            key=lambda item: -item[1],
        )
        out["guard_cuts"] = ", ".join(f"{k} {v}" for k, v in cuts) or "none"
        out["buyer_turns"] = self.buyer_turns
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


def is_non_answer(reply: str) -> bool:
    """A reply that gives the rep nothing: eight words or fewer, or a bare question back."""
    words = reply.split()
    sentences = split_sentences(reply)
    return len(words) <= NON_ANSWER_WORDS or (
        bool(sentences) and all(s.endswith("?") for s in sentences)
    )


def audit(session: PracticeSession, label: str, report: FidelityReport) -> None:
    """Check every buyer sentence of a played conversation against the scenario."""
    scenario = session.scenario
    guard = session.guard
    uncovered: list[str] = []
    for turn in session.transcript.turns[1:]:
        if turn.role != "buyer":
            continue
        for fact_id in turn.revealed:
            lines = scenario.fact(fact_id).lines if fact_id in _ids(scenario) else []
            if lines and not any(carries(turn.text, line) for line in lines):
                report.uncredited_reveals.append(f"{label}: {fact_id}: {turn.text}")
        uncovered.extend(turn.revealed)
        known = guard.known_text(uncovered)
        for span in turn.spans:
            report.words[span.source] += len(span.text.split())
            if span.source != "model":
                continue
            for sentence in split_sentences(span.text):
                missing = unsupported(sentence, known)
                if missing:
                    report.unsupported_sentences.append(
                        f"{label}: {sentence} (not in the scenario: {', '.join(missing)})"
                    )


def _ids(scenario: Scenario) -> set[str]:
    return {f.id for f in scenario.hidden_facts}


def planned_runs(
    scenarios: Sequence[Scenario], folder: Path, only: Sequence[str] = ()
) -> list[tuple[Script, Scenario]]:
    """Every (script, scenario) pair an evaluation plays, in the order its figures count them.

    A scenario's own scripts play against it alone; generic scripts play against every one.
    `only` keeps the scripts whose names match one of its patterns (`*.spin`).
    """
    chosen = [
        script
        for script in scripts_in(folder)
        if not only or any(fnmatch.fnmatch(script.name, pattern) for pattern in only)
    ]
    return [
        (script, scenario)
        for script in chosen
        for scenario in scenarios
        if script.scenario_id is None or script.scenario_id == scenario.id
    ]


def play_run(
    script: Script,
    scenario: Scenario,
    rubric: Rubric,
    buyer: BuyerBackend,
    scorer: TurnScorerLike,
    *,
    seed: int = 7,
    max_turns: int | None = None,
    save_to: Path | None = None,
) -> FidelityReport:
    """Play one script against one scenario and return its figures as a report of its own
    (add the runs' reports up with `FidelityReport.add`, in `planned_runs` order)."""
    from roleplay.rehearsal.simulation import play, read_script
    from roleplay.session import PracticeSession

    report = FidelityReport(buyer.model_id)
    lines = read_script(script.path)[: max_turns or None]
    label = f"{scenario.id}/{script.name}"
    path = save_to / f"{scenario.id}.{script.name}.json" if save_to is not None else None
    if hasattr(buyer, "scenario"):
        buyer.scenario = scenario  # the deterministic buyer's neutral lines
    session = PracticeSession(scenario, rubric, buyer, scorer, seed=seed, save_to=path)
    result = play(session, lines)
    report.runs[script.kind] += 1
    report.found[script.kind] += len(set(result.uncovered))
    report.available[script.kind] += len(scenario.hidden_facts)
    report.per_scenario.setdefault(scenario.id, {})[script.name] = result.uncovered
    turns = session.transcript.turns
    if script.kind in ("pitching", "mixed"):
        if result.objections:
            report.selling_runs_with_objection += 1
        elif session.ended_by == "patience":
            report.pitching_runs_out_of_patience_unwarned += 1
    else:
        for rep, reply in zip(turns[1::2], turns[2::2], strict=False):
            if rep.role != "rep" or reply.role != "buyer":
                continue
            report.discovery_replies += 1
            if is_non_answer(reply.text):
                report.non_answers.append(f"{label}: {rep.text} -> {reply.text}")
    audit(session, label, report)
    report.guard.update(session.guard.outcomes)
    report.buyer_turns += sum(1 for t in turns[1:] if t.role == "buyer")
    report.role_leaks.extend(f"{label}: {leak}" for leak in result.leaks)
    report.first_words_seconds.extend(result.first_words_seconds)
    report.reply_seconds.extend(result.reply_seconds)
    return report


def evaluate(
    scenarios: Sequence[Scenario],
    rubric: Rubric,
    buyer: BuyerBackend,
    scorer: TurnScorerLike,
    *,
    scripts_dir: Path | None = None,
    seed: int = 7,
    max_turns: int | None = None,
    save_to: Path | None = None,
    only: Sequence[str] = (),
) -> FidelityReport:
    """Play every script of a set against the scenarios it fits and collect the figures.

    Args:
        scripts_dir: The set (default: the blind report set).
        max_turns: Play at most this many lines of each script (None: all).
        save_to: A folder to save every transcript in, as `SCENARIO.SCRIPT.json`.
        only: Play only the scripts whose names match one of these patterns (`*.spin`).
    """
    started = time.perf_counter()
    folder = scripts_dir or paths.blind_scripts("report")
    report = FidelityReport(buyer.model_id)
    for script, scenario in planned_runs(scenarios, folder, only):
        report.add(
            play_run(
                script,
                scenario,
                rubric,
                buyer,
                scorer,
                seed=seed,
                max_turns=max_turns,
                save_to=save_to,
            )
        )
    report.seconds = time.perf_counter() - started
    return report


def evaluation_scorer(rubric: Rubric) -> TurnScorer:
    """The turn scorer an evaluation uses: the one `TurnScorer.load` gives, remembering every
    embedding (each run's director embeds its scenario's facts and the topic prototypes
    again)."""
    from roleplay.scoring import TurnScorer

    plain = TurnScorer.load(rubric)
    return TurnScorer(rubric, plain.embedder, plain.heads, memory=None)


_WORKER_MODELS: dict[str, tuple[BuyerBackend, TurnScorer]] = {}
"""In a pool worker, the buyer and scorer it loaded, by model card (loaded on its first run)."""


def _play_in_worker(
    model: str | None,
    script: Script,
    scenario: Scenario,
    rubric: Rubric,
    seed: int,
    max_turns: int | None,
    save_to: Path | None,
) -> FidelityReport:
    """`play_run` in a pool worker, with the worker's own buyer and scorer."""
    from roleplay.buyer import load_backend
    from roleplay.errors import RoleplayError
    from roleplay.offline import use_offline_models

    key = str(model)
    try:
        if key not in _WORKER_MODELS:
            use_offline_models()
            buyer = load_backend(model)
            buyer.load()
            _WORKER_MODELS[key] = (buyer, evaluation_scorer(rubric))
        buyer, scorer = _WORKER_MODELS[key]
        return play_run(
            script, scenario, rubric, buyer, scorer, seed=seed, max_turns=max_turns, save_to=save_to
        )
    except RoleplayError as exc:
        raise RoleplayError(exc.message, exc.title) from None  # its subclasses do not pickle


def _share_the_cores(threads: int) -> None:
    """In a worker process: the buyer generates on `threads` threads (its share of the
    cores), unless `$ROLEPLAY_BUYER_THREADS` already says how many."""
    from roleplay.buyer.cards import THREADS_ENV

    os.environ.setdefault(THREADS_ENV, str(threads))


def evaluate_in_pool(
    runs: Sequence[tuple[Script, Scenario]],
    rubric: Rubric,
    model: str | None,
    workers: int,
    *,
    seed: int = 7,
    max_turns: int | None = None,
    save_to: Path | None = None,
) -> FidelityReport:
    """`evaluate` over `workers` processes, each loading the buyer of card `model` and the
    scorer once: the same figures for the `runs` (from `planned_runs`), added up in the same
    order, in a fraction of the time.

    Every run is independent of the runs before it (each session starts from the scenario
    and the seed; the buyer backends reuse only what gives the same reply), so which worker
    plays it changes nothing. The longest scripts start first, so no worker is left alone
    with a long run at the end.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    from roleplay.rehearsal.simulation import read_script

    started = time.perf_counter()
    lengths = {script.path: len(read_script(script.path)) for script, _ in runs}
    longest_first = sorted(range(len(runs)), key=lambda i: -lengths[runs[i][0].path])
    spawn = multiprocessing.get_context("spawn")  # a forked ONNX Runtime is not safe
    processes = max(1, min(workers, len(runs)))
    threads = max(1, (os.cpu_count() or 1) // processes)
    with ProcessPoolExecutor(
        processes, mp_context=spawn, initializer=_share_the_cores, initargs=(threads,)
    ) as pool:
        futures: dict[int, Future[FidelityReport]] = {
            i: pool.submit(_play_in_worker, model, *runs[i], rubric, seed, max_turns, save_to)
            for i in longest_first
        }
        reports = [futures[i].result() for i in range(len(runs))]
    if reports:
        report = FidelityReport(reports[0].model_id)
    else:
        from roleplay.buyer import load_backend

        report = FidelityReport(load_backend(model).model_id)
    for run in reports:
        report.add(run)
    report.seconds = time.perf_counter() - started
    return report

"""`roleplay simulate`: play a rep script against a scenario's buyer, headless."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roleplay import paths
from roleplay.commands import add_output_options
from roleplay.commands.progress import progress_bar


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="play a rep script against a scenario's buyer and save the transcript",
        description=(
            "Play a whole conversation: the rep's turns are read one a line from FILE, the buyer "
            "replies (streamed), every rep turn is scored, and the transcript is written. With "
            "--seed and the deterministic or embedded model the run is reproducible."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario id or a path to a file")
    parser.add_argument(
        "--rep-script", required=True, type=Path, metavar="FILE", help="the rep's turns, one a line"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="seed the buyer")
    parser.add_argument(
        "--model", default=None, metavar="NAME", help="model card to use (see `roleplay models`)"
    )
    add_output_options(parser, "where to save the transcript", metavar="TRANSCRIPT.json")
    parser.add_argument(
        "--rubric", type=Path, default=None, metavar="FILE", help="rubric (default: shipped)"
    )
    parser.add_argument(
        "--rep",
        default=None,
        metavar="NAME",
        help="the rep's name recorded in the transcript (default: `rep_name` in "
        f"{paths.data_dir_label()}/config.yaml, else your login name)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="under each reply, what the director read in the rep's turn, the nearest facts with "
        "their scores and what held each back, and the beat it chose and why",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from roleplay.buyer import load_backend
    from roleplay.config import rep_name
    from roleplay.files import check_output
    from roleplay.rehearsal.fidelity import FidelityReport, audit
    from roleplay.rehearsal.simulation import play, read_script
    from roleplay.rehearsal.trace import DecisionLog, explain
    from roleplay.rubric import load_rubric
    from roleplay.scenario_lookup import find_scenario
    from roleplay.scoring import TurnScorer
    from roleplay.session import PracticeSession

    rep = rep_name(args.rep)
    scenario = find_scenario(args.scenario)
    rep_lines = read_script(args.rep_script)
    rubric = load_rubric(args.rubric or paths.default_rubric())
    inputs = [args.rep_script, rubric.source_path, scenario.source_path]
    check_output(args.output, force=args.force, reads=inputs)
    buyer = load_backend(args.model, scenario)
    err = sys.stderr
    with progress_bar(err) as progress:
        buyer.load(progress)
    print("loading the turn scorer", file=err)
    scorer = TurnScorer.load(rubric)
    session = PracticeSession(
        scenario, rubric, buyer, scorer, save_to=args.output, seed=args.seed, rep=rep
    )
    out = sys.stdout
    buyer_name = scenario.buyer.name.split()[0]
    log = DecisionLog(session) if args.explain else None
    quiet = args.quiet

    def on_rep(turn: object) -> None:
        from roleplay.transcript import Turn

        assert isinstance(turn, Turn)
        if quiet:
            return
        scores = turn.scores
        marks = ""
        if scores is not None:
            marks = (
                f"  [listening {scores.listening:.2f}, context {scores.context_seeking:.2f}, "
                f"problem {scores.problem_focus:.2f}]"
            )
        out.write(f"\nRep: {turn.text}{marks}\n{buyer_name}: ")
        out.flush()

    def on_chunk(chunk: str) -> None:
        if not quiet:
            out.write(chunk)
            out.flush()

    def on_buyer(turn: object) -> None:
        from roleplay.transcript import Turn

        assert isinstance(turn, Turn)
        if quiet:
            return
        if len(session.transcript.turns) == 1:
            out.write(f"{buyer_name}: {turn.text}\n")
            return
        notes = []
        if turn.revealed:
            notes.append("revealed " + ", ".join(turn.revealed))
        if turn.objections:
            notes.append("objection " + ", ".join(turn.objections))
        if turn.source not in (None, "model"):
            notes.append(str(turn.source))
        notes.append(f"patience {turn.patience}, trust {turn.trust}")
        out.write(f"\n    ({'; '.join(notes)})\n")
        if log is not None and log.decisions:
            for line in explain(log.director, log.decisions[-1]):
                out.write(f"    | {line}\n")
        out.flush()

    result = play(session, rep_lines, on_rep=on_rep, on_chunk=on_chunk, on_buyer=on_buyer)
    facts = [f.id for f in scenario.hidden_facts]
    uncovered = result.uncovered
    missed = [f for f in facts if f not in uncovered]
    outcomes = session.guard.outcomes
    checked = FidelityReport(buyer.model_id)
    audit(session, scenario.id, checked)  # the same audit `make eval` runs
    words = checked.words
    guard_line = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "none (no model)"
    out.write(
        "\n"
        f"Scenario:   {scenario.id} with {buyer.model_id} (seed {args.seed})\n"
        f"Rep turns:  {result.rep_turns_played} of {len(rep_lines)} played; ended by "
        f"{session.ended_by}\n"
        f"Uncovered:  {len(uncovered)} of {len(facts)} hidden facts: "
        f"{', '.join(uncovered) or 'none'}\n"
        f"Missed:     {', '.join(missed) or 'none'}\n"
        f"Objections: {', '.join(result.objections) or 'none'}\n"
        f"Success:    {'yes' if session.succeeded else 'no'}\n"
        f"Guard:      {guard_line}\n"
        f"Role leaks: {len(result.leaks)}\n"
        f"Voice:      {words['model']} of {words['authored'] + words['model']} buyer words by "
        f"the model; {len(checked.unsupported_sentences)} sentence(s) with figures or names "
        "the scenario does not support\n"
        f"Transcript: {args.output}\n"
    )
    for leak in result.leaks:
        out.write(f"  leak: {leak}\n")
    for sentence in checked.unsupported_sentences:
        out.write(f"  unsupported: {sentence}\n")
    return 0

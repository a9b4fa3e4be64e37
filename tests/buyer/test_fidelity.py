"""The buyer fidelity evaluation: what it plays, what it counts, and what it flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.buyer import load_backend
from roleplay.buyer.figures import carries, figures, unsupported
from roleplay.rehearsal.fidelity import audit, evaluate, is_non_answer, scripts_in
from roleplay.rubric import Rubric
from roleplay.scenario import Scenario
from roleplay.scoring import TurnScorer
from roleplay.session import PracticeSession
from roleplay.transcript import Span, Turn

BLIND = Path(__file__).resolve().parents[2] / "scenarios" / "scripts" / "blind"


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: how the figures are counted, not score quality: the fake scorer."""
    return fake_scorer


def test_the_blind_sets_are_classified_by_name() -> None:
    report = {s.name: s for s in scripts_in(BLIND / "report")}
    assert report["coo-saas-churn.spin"].kind == "discovery"
    assert report["coo-saas-churn.spin"].scenario_id == "coo-saas-churn"
    assert report["coo-saas-churn.mixed"].kind == "mixed"
    assert report["generic-peer"].kind == "generic"
    assert report["generic-pitch-disguised"].kind == "pitching"
    assert report["generic-mixed-late"].kind == "mixed"
    kinds = {s.kind for s in report.values()}
    assert kinds == {"discovery", "generic", "pitching", "mixed"}
    assert sum(s.kind == "discovery" for s in report.values()) >= 12
    assert sum(s.kind in ("pitching", "mixed") for s in report.values()) >= 6


def test_non_answers_are_short_replies_or_bare_questions() -> None:
    assert is_non_answer("Go on.")
    assert is_non_answer("Ha, big question. Narrow it down?")
    assert is_non_answer("What angle do you want, the people side or the money side of it?")
    assert not is_non_answer("We close in about twelve working days, and the sponsor wants five.")


def test_figures_read_words_and_digits_alike() -> None:
    assert figures("forty-seven days, twenty-one promised") == {"47", "21"}
    assert figures("$2.1M and 2.1 million") == {"2100000"}
    assert figures("a hundred and sixty accounts") == {"160"}
    assert carries("It takes 47 days against 21.", "forty-seven days against twenty-one")
    assert unsupported("We pay a hundred an hour.", "contractors at $185 an hour") == ["100"]
    assert unsupported("Ask Marcus in finance.", "Dana runs finance.") == ["marcus"]


def test_the_audit_flags_a_model_sentence_the_scenario_does_not_support(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer
) -> None:
    from roleplay.rehearsal.fidelity import FidelityReport

    session = PracticeSession(cfo, default_rubric, load_backend("deterministic", cfo), scorer)
    session.open()
    session.transcript.turns.append(
        Turn(
            role="buyer",
            text="Go on. We lose nine hundred and ninety thousand a month.",
            spans=[
                Span(source="authored", text="Go on."),
                Span(source="model", text="We lose nine hundred and ninety thousand a month."),
            ],
        )
    )
    report = FidelityReport("test")
    audit(session, "cfo/test", report)
    assert len(report.unsupported_sentences) == 1
    assert "990000" in report.unsupported_sentences[0]
    assert report.words == {"authored": 2, "model": 9}


def _small_set(folder: Path, scenario: Scenario) -> None:
    """A discovery script for `scenario` and a generic pitch, written into `folder`."""
    (folder / f"{scenario.id}.plain.txt").write_text(
        "What's at the top of your list this year?\nWhat is that costing you?\n"
    )
    (folder / "generic-pitch-features.txt").write_text(
        "Our platform automates everything end to end.\nCan I show you a demo next week?\n"
    )


def test_an_evaluation_over_a_small_set_counts_each_kind(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer, tmp_path: Path
) -> None:
    _small_set(tmp_path, cfo)
    buyer = load_backend("deterministic", cfo)
    report = evaluate([cfo], default_rubric, buyer, scorer, scripts_dir=tmp_path)
    figures_ = report.figures()
    assert report.runs == {"discovery": 1, "pitching": 1}
    assert float(figures_["facts_uncovered_briefing_aware"]) > 0
    assert figures_["facts_uncovered_pitching"] == 0
    assert figures_["pitching_and_mixed_runs_with_objection"] == "1 of 1"
    assert figures_["model_written_word_share"] == 0.0  # the deterministic buyer writes nothing
    assert figures_["unsupported_figures_or_names"] == 0
    assert report.discovery_replies == 2


def test_roleplay_eval_buyer_prints_the_figures_and_writes_them_with_its_command(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_scorer_for_commands,  # type: ignore[no-untyped-def]
) -> None:
    from roleplay.cli import main

    figures_file = tmp_path / "fidelity.json"
    args = ["eval", "--buyer", "--model", "deterministic", "--set", "dev", "--max-turns", "3"]
    args += ["--only", "coo-saas-churn.curious", "--only", "generic-pitch-*"]
    args += ["--workers", "1", "--details", "--figures", str(figures_file)]
    assert main(args) == 0
    printed = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    assert printed["buyer_model"] == "deterministic:authored-lines"
    assert printed["runs_briefing_aware"] == "1"
    assert printed["runs_pitching"] == "6"  # the one disguised pitch, against every scenario
    saved = json.loads(figures_file.read_text())
    assert saved["command"] == (
        "roleplay eval --buyer --model deterministic --set dev --max-turns 3 "
        "--only coo-saas-churn.curious --only 'generic-pitch-*' --details "
        f"--figures {figures_file}"
    )
    assert saved["runs_pitching"] == 6
    assert saved["facts_uncovered_briefing_aware"] == float(
        printed["facts_uncovered_briefing_aware"]
    )


def test_roleplay_eval_keeps_the_scorer_and_buyer_options_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from roleplay.cli import main

    assert main(["eval", "--buyer", "--dimension", "listening", "--standing"]) == 1
    assert "--dimension, --standing: measure the scorer" in capsys.readouterr().err
    assert main(["eval", "--model", "deterministic", "--details"]) == 1
    assert "--model, --details: only with --buyer" in capsys.readouterr().err


def test_the_embedding_memo_gives_the_rows_the_embedder_gives(scorer: TurnScorer) -> None:
    from roleplay.scoring import EmbeddingMemory

    memo = EmbeddingMemory(scorer.embedder, size=None)
    texts = ["What is that costing you?", "Who signs off?", "What is that costing you?"]
    first = memo.embed(texts[:2])
    again = memo.embed(texts)
    assert (again == scorer.embedder.embed(texts)).all()
    assert (again[:2] == first).all()
    assert memo.embed([]).shape == (0, first.shape[1])


def test_a_pool_of_workers_reports_what_one_process_reports(
    cfo: Scenario, default_rubric: Rubric, scorer: TurnScorer, tmp_path: Path
) -> None:
    from roleplay.rehearsal.fidelity import evaluate_in_pool, planned_runs

    _small_set(tmp_path, cfo)
    (tmp_path / "generic-peer.txt").write_text(
        "How do you close the books today?\nWho feels it most when it slips?\n"
    )
    in_process = evaluate(
        [cfo], default_rubric, load_backend("deterministic", cfo), scorer, scripts_dir=tmp_path
    )
    runs = planned_runs([cfo], tmp_path)
    pooled = evaluate_in_pool(runs, default_rubric, "deterministic", workers=2)
    timing = {
        "fidelity_seconds",
        "first_words_median_s",
        "first_words_p95_s",
        "whole_reply_median_s",
    }
    assert {k: v for k, v in pooled.figures().items() if k not in timing} == {
        k: v for k, v in in_process.figures().items() if k not in timing
    }
    assert pooled.per_scenario == in_process.per_scenario
    assert pooled.non_answers == in_process.non_answers

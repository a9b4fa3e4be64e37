"""`roleplay score-turns` and `roleplay eval` end to end (real scorer, in-process)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from roleplay.cli import main

LINES = [
    {
        "id": "a",
        "turn": "What does the twelve-day close cost you?",
        "previous": "We close in twelve days.",
    },
    {"id": "b", "turn": "Our platform is the market leader.", "previous": ""},
    {"id": "c", "turn": "So the board wants five days."},
]


@pytest.fixture(autouse=True)
def _share_the_loaded_scorer(scorer, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Reuse the session's scorer so each command does not reload MiniLM."""
    from roleplay.scoring import TurnScorer

    monkeypatch.setattr(
        TurnScorer,
        "load",
        classmethod(lambda cls, rubric, embedder=None: cls(rubric, scorer.embedder, scorer.heads)),
    )


def test_score_turns_writes_one_line_per_input_in_order(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "turns.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    assert main(["score-turns", str(source)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in out] == ["a", "b", "c"]
    for row in out:
        assert set(row) == {"id", "scores", "band", "explanation"}
        assert set(row["scores"]) == {"listening", "context_seeking", "problem_focus"}
        assert all(0.0 <= v <= 1.0 for v in row["scores"].values())
        assert set(row["band"]) == set(row["scores"])
        assert row["explanation"]["alternative"]
    assert out[0]["scores"]["context_seeking"] > out[1]["scores"]["context_seeking"]


def test_score_turns_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(LINES[0]) + "\n"))
    assert main(["score-turns"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "a"


def test_score_turns_bad_line_exits_1_naming_it_and_writes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "turns.jsonl"
    source.write_text(
        json.dumps(LINES[0])
        + "\n"
        + json.dumps(LINES[1])
        + "\n"
        + '{"id": "x", "turn": \n'
        + json.dumps({"id": "y"})
        + "\n"
    )
    assert main(["score-turns", str(source)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{source}:3:" in captured.err
    assert f"{source}:4:" in captured.err and "turn" in captured.err


def test_eval_prints_auc_and_precision_recall(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {
            "turn": "What does the slow close cost you each month?",
            "previous": "Our close is slow.",
            "kind": "q",
        },
        {"turn": "Walk me through how the close works today.", "previous": "", "kind": "q"},
        {
            "turn": "Who else is involved in deciding this?",
            "previous": "We're looking.",
            "kind": "q",
        },
        {
            "turn": "Our platform automates reconciliations.",
            "previous": "Our close is slow.",
            "kind": "pitch",
        },
        {
            "turn": "We were founded in 2009 and serve 2,000 customers.",
            "previous": "",
            "kind": "pitch",
        },
        {
            "turn": "Can I send over a proposal this week?",
            "previous": "Sounds fine.",
            "kind": "close",
        },
    ]
    source = tmp_path / "labelled.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code = main(["eval", str(source), "--dimension", "context_seeking", "--label", "kind=q"])
    assert code == 0
    out = capsys.readouterr().out
    assert "AUC 1.000" in out
    assert "turns 6, positive 3, negative 3" in out
    assert "precision" in out and "Strong" in out


def test_eval_rejects_a_malformed_label(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "labelled.jsonl"
    source.write_text(json.dumps({"turn": "Hi"}) + "\n")
    assert main(["eval", str(source), "--dimension", "listening", "--label", "kind"]) == 1
    assert "FIELD=VALUE" in capsys.readouterr().err


def test_eval_where_selects_lines(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"turn": "Who else is involved in deciding this?", "split": "test", "label": 1},
        {"turn": "Our platform automates reconciliations.", "split": "test", "label": 0},
        {"turn": "What does the delay cost you?", "split": "train", "label": 1},
    ]
    source = tmp_path / "labelled.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    args = ["eval", str(source), "--dimension", "context_seeking", "--label", "label=1"]
    assert main([*args, "--where", "split=test"]) == 0
    assert "turns 2, positive 1, negative 1" in capsys.readouterr().out


def test_score_turns_takes_the_conversation_as_history(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    history = [
        {"role": "buyer", "text": "Our lab interface drops results twice a week."},
        {"role": "rep", "text": "How long has that been going on?"},
        {"role": "buyer", "text": "That's a longer story."},
    ]
    turn = "You said the lab interface drops results twice a week."
    lines = [
        {"id": "with", "turn": turn, "previous": "That's a longer story.", "history": history},
        {"id": "without", "turn": turn, "previous": "That's a longer story."},
    ]
    source = tmp_path / "turns.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert main(["score-turns", str(source)]) == 0
    out = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert out["with"]["scores"]["listening"] > out["without"]["scores"]["listening"]


def test_score_turns_reports_a_bad_history_entry_with_its_place(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    line = {"id": "a", "turn": "Go on.", "history": [{"role": "seller", "text": "Hi"}]}
    source = tmp_path / "turns.jsonl"
    source.write_text(json.dumps(line) + "\n")
    assert main(["score-turns", str(source)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{source}:1:" in captured.err and "history.0" in captured.err


def test_eval_leaves_out_turns_the_heads_were_fitted_on(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from roleplay.scoring import fitting

    train = fitting.load_sales(split="train")
    test = fitting.load_sales(split="test")
    rows = [
        {"turn": train.turns[0], "previous": train.previous[0], "label": 1},
        {"turn": test.turns[0], "previous": test.previous[0], "label": 1},
        {"turn": test.turns[1], "previous": test.previous[1], "label": 0},
        {"turn": "Our platform is the market leader.", "previous": "", "label": 0},
    ]
    source = tmp_path / "labelled.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    args = ["eval", str(source), "--dimension", "listening", "--label", "label=1"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "1 of 4 turns were fitted on" in captured.err
    assert "turns 3," in captured.out

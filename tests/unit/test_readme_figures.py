"""The scripts that write the README's figures from the files `make bench` and `make eval` save."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def script(name: str) -> ModuleType:
    """Import `scripts/NAME.py` as the Makefile runs it (its folder first on the path)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


BUYER = {
    "cold_gguf_to_safetensors_s": 24.75,
    "cold_onnx_int8_build_s": 10.59,
    "onnx_int8_warm_load_s": 0.44,
    "onnx_int8_tokenizer_after_load_s": 0.21,
    "onnx_int8_torch_imported": "False",
    "onnx_int8_ttft_s": 0.947,
    "onnx_int8_ttft_same_prompt_again_s": 0.017,
    "onnx_int8_tokens_per_s": 68.5,
    "default_rss_with_scorer_mb": 485,
    "prompt_tokens": 232,
    "measured_at": "2026-12-01 09:00 UTC",
    "load_average": "0.7 0.8 2.0",
}


def test_a_block_is_replaced_between_its_markers_and_nowhere_else() -> None:
    blocks = script("readme_blocks")
    text = "intro\n<!-- a:start -->\nold\n<!-- a:end -->\nmiddle <!-- b:start -->x<!-- b:end -->"
    assert blocks.replace_block(text, "a", "new\n") == text.replace("\nold\n", "\nnew\n")
    with pytest.raises(blocks.MissingBlock, match="no <!-- c:start -->"):
        blocks.replace_block(text, "c", "new")


def test_the_buyer_tables_come_from_the_figures_and_say_which_target_is_missed() -> None:
    bench = script("readme_bench")
    found, notes = bench.blocks({"buyer": BUYER})
    table = found["bench:buyer"]
    assert "Ready is painted; torch imported | 0.44 s; 0.21 s; no | 0.5 s |" in table
    assert "| 0.947 s / 0.017 s | 0.25 s for a new prompt (not met) |" in table
    assert "| 24.8 s + 10.6 s |" in table  # three significant digits
    assert "2026-12-01 09:00 UTC, load average 0.7 0.8 2.0." in table
    assert "first token, new 232-token prompt" in found["bench:runtimes"]
    # An area that was not measured keeps its table; a figure the file lacks is listed.
    assert "bench:app" not in found
    assert any(note.startswith("bench:app: no 'app' figures") for note in notes)
    assert any("onnx_int8_tokens_per_s_sampled" in note for note in notes)


def test_the_readme_has_a_block_for_every_table_the_scripts_write(project_root: Path) -> None:
    readme = (project_root / "README.md").read_text()
    bench, blocks = script("readme_bench"), script("readme_blocks")
    for name in [f"bench:{table.name}" for table in bench.TABLES] + ["fidelity", "scorer"]:
        start, end = blocks.markers(name)
        assert readme.index(start) < readme.index(end), name


SCORER_FIGURES = Path(__file__).resolve().parents[1] / "data" / "figures" / "scorer-standing.json"


def test_the_standing_figures_file_reads_back_as_it_was_written() -> None:
    from roleplay.scoring.evaluation import Figure, KindFigure, StandingReport, SuggestionFigure

    report = StandingReport(
        [
            Figure(
                "AnnoMI",
                "question vs the rest",
                "context_seeking",
                "5-fold CV",
                90,
                30,
                0.93,
                0.8,
                0.6,
                0.7,
                0.85,
            )
        ],
        [KindFigure("content_free", "listening", 4, 0.0, 0.3)],
        ["warning: 2 sales test rows were fitted on"],
        SuggestionFigure(10, 9, 0.91, worst=("Tell me more?", "problem_focus", 0.4)),
        "2026-11-30",
        "roleplay eval --standing --figures f.json",
    )
    assert StandingReport.from_json(report.to_json(), "f.json") == report
    # A figure that could not be measured (no positives, nothing flagged) survives as NaN.
    fixture = StandingReport.from_json(SCORER_FIGURES.read_text(), "fixture")
    assert math.isnan(fixture.figures[1].precision)
    assert StandingReport.from_json(fixture.to_json(), "again").to_json() == fixture.to_json()


def test_a_damaged_standing_figures_file_is_reported_where_it_is_wrong() -> None:
    from roleplay.errors import InvalidFileError
    from roleplay.scoring.evaluation import StandingReport

    raw = SCORER_FIGURES.read_text().replace('"positives": 120', '"positive": 120')
    with pytest.raises(InvalidFileError) as caught:
        StandingReport.from_json(raw, "scorer-standing.json")
    assert "scorer-standing.json:3:" in str(caught.value)
    assert "figures.0.positives" in str(caught.value)
    with pytest.raises(InvalidFileError, match=r"scorer-standing\.json:1:1: not valid JSON"):
        StandingReport.from_json("figures", "scorer-standing.json")


def test_eval_figures_is_for_the_standing_or_buyer_evaluations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from roleplay.cli import main

    turns = tmp_path / "turns.jsonl"
    turns.write_text('{"turn": "What changed?", "label": 1}\n')
    out = tmp_path / "figures.json"
    argv = ["eval", str(turns), "--dimension", "listening", "--label", "label=1"]
    assert main([*argv, "--figures", str(out)]) == 1
    assert "--figures: only with --standing or --buyer" in capsys.readouterr().err
    assert not out.exists()


def test_the_scorer_block_is_written_from_the_standing_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scorer = script("readme_scorer")
    readme = tmp_path / "README.md"
    readme.write_text(
        "prose\n<!-- scorer:start -->\nstale table\n<!-- scorer:end -->\nmore prose\n"
    )
    assert scorer.main([str(SCORER_FIGURES)], readme) == 0
    text = readme.read_text()
    assert text.startswith("prose\n<!-- scorer:start -->\n| data |")
    assert text.endswith("<!-- scorer:end -->\nmore prose\n")
    assert "stale table" not in text
    rows = text.splitlines()
    # Grouped: the sales test split first (its data and method named once), ESConv last.
    sales = rows.index(
        "| sales test split | shipped heads (fitted without the test split) | labelled turn vs "
        "the rest | listening | 443 (120) | 0.941 | ≥ 0.85 |"
    )
    assert rows[sales + 1] == (
        "|  |  |  | problem focus | 443 (200) | 0.898 | ≥ 0.90, **not met** |"
    )
    assert rows[sales + 2].startswith("| AnnoMI dev")
    assert rows[sales + 3].endswith("| 2,939 (700) | 0.906 |  |")  # ESConv: no target
    assert "| product-name pitches | 0.120 (12) |  | 0.350 (12), **not met** |" in rows
    prose = " ".join(text.split())  # paragraphs are wrapped at the README's width
    assert "call summaries 0.960 (9 turns)" in prose
    assert "436 of 443 score at least 0.7 on the dimension they coach; mean 0.963." in prose
    assert "The lowest, 0.150 on problem focus, is: So raising prices is the worry?" in prose
    assert "heads fitted 2026-11-30: `roleplay eval --standing --figures" in prose


def test_the_scorer_script_says_which_marker_is_missing_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scorer = script("readme_scorer")
    readme = tmp_path / "README.md"
    readme.write_text("prose\n<!-- scorer:start -->\nold\n")
    assert scorer.main([str(SCORER_FIGURES)], readme) == 1
    assert "README.md has no <!-- scorer:start --> ... <!-- scorer:end --> block" in (
        capsys.readouterr().err
    )
    assert readme.read_text() == "prose\n<!-- scorer:start -->\nold\n"
    assert scorer.main([str(tmp_path / "none.json")], readme) == 1
    assert "run `make eval` first" in capsys.readouterr().err


def test_the_standing_figures_name_the_command_that_measures_them_again() -> None:
    from roleplay.cli import parse_args
    from roleplay.commands.eval import standing_command

    args = parse_args(["eval", "--standing", "--folds", "3", "--figures", "out dir/f.json"])
    assert standing_command(args) == "roleplay eval --standing --folds 3 --figures 'out dir/f.json'"
    assert standing_command(parse_args(["eval", "--standing"])) == "roleplay eval --standing"


def test_eval_standing_refuses_a_figures_file_it_could_not_write_before_measuring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from roleplay.cli import main

    out = tmp_path / "missing" / "figures.json"
    assert main(["eval", "--standing", "--figures", str(out)]) == 1
    assert f"the folder {out.parent} does not exist" in capsys.readouterr().err

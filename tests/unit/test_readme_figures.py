"""The scripts that write the README's figures from the files `make bench` and `make eval` save."""

from __future__ import annotations

import importlib.util
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
    assert "| load the converted model (warm); torch imported | 0.44 s; no | 0.5 s |" in table
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
    for name in [f"bench:{table.name}" for table in bench.TABLES] + ["fidelity"]:
        start, end = blocks.markers(name)
        assert readme.index(start) < readme.index(end), name

"""Rescoring with another rubric: new scores beside the originals, labelled by rubric."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from roleplay.cli import main
from roleplay.coach.rescore import rescore_transcript
from roleplay.rubric import load_rubric
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript


@pytest.fixture(scope="session")
def scorer(fake_scorer):  # type: ignore[no-untyped-def]
    """Under test: rescoring's bookkeeping, not score quality: the fake scorer."""
    return fake_scorer


@pytest.fixture
def stricter_rubric(project_root: Path, tmp_path: Path) -> Path:
    """The default rubric, version 2, with higher band thresholds."""
    data = yaml.safe_load((project_root / "rubrics" / "default.yaml").read_text())
    data["id"] = "default-v2"
    data["version"] = "2"
    for dim in data["dimensions"].values():
        dim["bands"][1]["min_score"] = 0.5
        dim["bands"][2]["min_score"] = 0.8
    params = data.get("parameters")
    if params:
        data["parameters"] = str((project_root / "rubrics" / params).resolve())
    path = tmp_path / "default-v2.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_rescore_appends_labelled_scores_and_keeps_the_originals(
    copy_fixture, stricter_rubric: Path, freight_scenario: Scenario, scorer
) -> None:  # type: ignore[no-untyped-def]
    path = copy_fixture("priya-2.json")
    before = load_transcript(path)
    rubric = load_rubric(stricter_rubric)
    transcript = load_transcript(path)
    summary = rescore_transcript(transcript, rubric, scorer, freight_scenario)
    assert summary.turns == 5
    for old, new in zip(before.rep_turns, transcript.rep_turns, strict=True):
        assert new.score == old.score
        assert len(new.rescores) == 1
        rescore = new.rescores[0]
        assert (rescore.rubric_id, rescore.rubric_hash) == ("default-v2", rubric.content_hash())
        # Bands follow the new rubric's thresholds.
        for dim, band in rescore.bands.items():
            assert band == rubric.dimension(dim).band_for(getattr(rescore.scores, dim)).id
    # Running it again replaces, not piles up.
    rescore_transcript(transcript, rubric, scorer, freight_scenario)
    assert all(len(t.rescores) == 1 for t in transcript.rep_turns)
    assert all(not t.rescores for t in transcript.turns if t.role == "buyer")


def test_rescore_command_saves_and_prints_old_vs_new(
    copy_fixture,
    stricter_rubric: Path,
    capsys: pytest.CaptureFixture[str],
    fake_scorer_for_commands,
) -> None:  # type: ignore[no-untyped-def]
    first, second = copy_fixture("priya-1.json"), copy_fixture("marcus-1.json")
    assert main(["rescore", str(first), str(second), "--rubric", str(stricter_rubric)]) == 0
    out = capsys.readouterr().out
    assert "Rescored 8 rep turn(s) in 2 transcript(s) with rubric default-v2" in out
    header = next(line for line in out.splitlines() if line.startswith("Dimension"))
    assert header.split() == [
        "Dimension",
        "old",
        "mean",
        "new",
        "mean",
        "change",
        "band",
        "changes",
    ]
    assert "Listening" in out and "of 8" in out
    saved = load_transcript(first)
    assert all(t.rescores and t.rescores[0].rubric_id == "default-v2" for t in saved.rep_turns)
    assert saved.turns[5].notes  # coach notes survive a rescore

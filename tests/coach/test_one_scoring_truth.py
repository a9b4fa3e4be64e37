"""Every view tells the same story about an attempt: one overall (rubric-weighted, coach
overrides counted), one band from the rubric file, one outcome.

The fixtures include a coach override (priya-1) and the rubric gives problem focus twice the
weight of the others and moves the bands away from the defaults, so a view that ignored the
override, the weights or the rubric's bands would disagree here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay import paths
from roleplay.cli import main
from roleplay.coach import lookup
from roleplay.coach.compare import compare
from roleplay.coach.report import build_report, render
from roleplay.coach.team import build_team_report, load_folder
from roleplay.coach.text import format_transcript
from roleplay.rubric import DIMENSIONS, Rubric, load_rubric
from roleplay.scenario import Scenario
from roleplay.standing import (
    dimension_means,
    fmt_score,
    guide_lines,
    overall_band,
    overall_score,
    standing_of,
)
from roleplay.transcript import Transcript, load_transcript
from roleplay.tui.library import saved_session
from roleplay.tui.screens.debrief import DebriefScreen
from roleplay.tui.screens.replay import metrics_content

NAMES = ("priya-1.json", "priya-2.json", "marcus-1.json")


@pytest.fixture
def weighted_rubric(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rubric]:
    """The default rubric with problem focus weighted 2.0 and bands at 0.25 / 0.55."""
    text = paths.default_rubric().read_text()
    text = text.replace("min_score: 0.3", "min_score: 0.25").replace(
        "min_score: 0.7", "min_score: 0.55"
    )
    head, _, tail = text.partition("  problem_focus:")
    tail = tail.replace("weight: 1.0", "weight: 2.0", 1)
    folder = tmp_path / "rubrics"
    folder.mkdir()
    (folder / "default.yaml").write_text(head + "  problem_focus:" + tail)
    monkeypatch.setenv("ROLEPLAY_RUBRICS", str(folder))
    lookup.rubric_named.cache_clear()
    rubric = load_rubric(folder / "default.yaml")
    assert rubric.dimension("problem_focus").weight == 2.0
    yield rubric
    lookup.rubric_named.cache_clear()


def _transcripts(data: Path) -> list[Transcript]:
    return [load_transcript(data / name) for name in NAMES]


def test_the_overall_is_rubric_weighted_with_overrides_counted(
    transcripts_data: Path, weighted_rubric: Rubric
) -> None:
    priya = load_transcript(transcripts_data / "priya-1.json")
    with_overrides = dimension_means(priya)
    machine = dimension_means(priya, with_overrides=False)
    assert with_overrides != machine  # the fixture's override changes a mean
    means = {d: v for d, v in with_overrides.items() if v is not None}
    weights = {d: weighted_rubric.dimension(d).weight for d in DIMENSIONS}
    expected = sum(means[d] * weights[d] for d in DIMENSIONS) / sum(weights.values())
    assert overall_score(priya, weighted_rubric) == pytest.approx(expected)
    unweighted = sum(means.values()) / 3
    assert fmt_score(expected) != fmt_score(unweighted)  # the weights matter on this fixture


def test_bands_come_from_the_rubric_file(weighted_rubric: Rubric) -> None:
    assert guide_lines(weighted_rubric) == pytest.approx([0.25, 0.55])
    assert overall_band(weighted_rubric, 0.56).id == "strong"
    assert overall_band(weighted_rubric, 0.54).id == "developing"
    default = load_rubric(Path(__file__).resolve().parents[2] / "rubrics" / "default.yaml")
    assert guide_lines(default) == pytest.approx([0.3, 0.7])
    assert overall_band(default, 0.68).label == "Developing"  # 0.68 is not strong at 0.7


def test_no_view_keeps_its_own_band_table() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "roleplay"
    views = [*(src / "coach").rglob("*.py"), *(src / "tui").rglob("*.py")]
    for path in views:
        text = path.read_text()
        assert "BAND_THRESHOLDS" not in text, path
        assert not re.search(r">= 0\.(35|65|3|7)\b", text), path


def test_every_view_agrees_on_each_attempt(
    transcripts_data: Path,
    freight_scenario: Scenario,
    weighted_rubric: Rubric,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    transcripts = _transcripts(transcripts_data)
    team = build_team_report("fixtures", load_folder(*(transcripts_data / n for n in NAMES)))
    by_id = {a.transcript_id: a for a in team.all_attempts()}
    export = render(team, "csv")
    rows = {r["transcript_id"]: r for r in csv.DictReader(io.StringIO(export))}
    for transcript in transcripts:
        truth = standing_of(transcript, weighted_rubric, freight_scenario)
        assert truth.overall is not None and truth.overall_band is not None
        score, band = fmt_score(truth.overall), truth.overall_band.label
        shown = f"{score} {band}"

        # The app's saved list and the picker's best score.
        saved = saved_session(tmp_path / "x.json", transcript, weighted_rubric)
        assert (saved.score, saved.band) == (truth.overall, truth.overall_band)

        # The debrief.
        debrief = DebriefScreen(freight_scenario, weighted_rubric, transcript, None, None)
        summary = debrief._summary().plain
        assert f"Overall  {score}/100 {band}" in summary
        verdict = "Success" if truth.outcome and truth.outcome.success else "Not yet"
        assert truth.outcome is not None
        assert f"{verdict}: {truth.outcome.decided_by}." in summary

        # The replay's whole-conversation panel and `replay --print`.
        panel = metrics_content(transcript, freight_scenario, weighted_rubric).plain
        assert re.search(rf"Overall \(rubric-weighted\)\s+{score} {band}", panel)
        assert f"Overall {score} ({band}) of 100" in format_transcript(transcript, freight_scenario)

        # The single report, in both formats.
        single = build_report(transcript, freight_scenario)
        assert single.standing == truth
        assert f"| Overall (rubric-weighted) | {shown} |" in render(single, "md")
        assert f">{shown}</span></b><span>Overall" in render(single, "html")

        # The team report and its export.
        attempt = by_id[transcript.id]
        assert (attempt.overall, attempt.band) == (truth.overall, truth.overall_band)
        assert (rows[transcript.id]["overall"], rows[transcript.id]["band"]) == (score, band)

    # `compare`, both ways round.
    a, b = transcripts[0], transcripts[1]
    row = compare(a, b, freight_scenario).scores[0]
    sa = standing_of(a, weighted_rubric, freight_scenario)
    sb = standing_of(b, weighted_rubric, freight_scenario)
    assert row.label == "Overall (rubric-weighted)"
    assert sa.overall_band is not None and sb.overall_band is not None
    assert row.a == f"{fmt_score(sa.overall)} {sa.overall_band.label}"
    assert row.b == f"{fmt_score(sb.overall)} {sb.overall_band.label}"
    assert (
        main(["compare", str(transcripts_data / NAMES[0]), str(transcripts_data / NAMES[1])]) == 0
    )
    assert row.a in capsys.readouterr().out


def test_regression_reports_band_by_the_rubric_not_a_copy(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    """A 0.68 used to be drawn in the strong zone (guide line at 0.65) but labelled developing."""
    report = build_report(load_transcript(transcripts_data / "priya-2.json"), freight_scenario)
    text = render(report, "html")
    guides = [float(y) for y in re.findall(r'class="guide"[^>]*y1="([\d.]+)"', text)]
    # Five lines: 0, the two band starts and 1; the band starts sit at 0.3 and 0.7 of the plot.
    top, bottom = min(guides), max(guides)
    starts = sorted(round((bottom - y) / (bottom - top), 2) for y in guides)
    assert starts == [0.0, 0.3, 0.7, 1.0]


def test_regression_reports_and_compare_weight_the_overall(
    transcripts_data: Path, freight_scenario: Scenario, weighted_rubric: Rubric
) -> None:
    """`compare` and the team report used an unweighted mean while the app weighted it."""
    priya = load_transcript(transcripts_data / "priya-1.json")
    weighted = overall_score(priya, weighted_rubric)
    row = compare(priya, priya, freight_scenario).scores[0]
    assert row.a.split()[0] == fmt_score(weighted)
    team = build_team_report("one", [(Path("p.json"), priya)])
    assert team.all_attempts()[0].overall == pytest.approx(weighted)

"""Single-transcript reports: every turn, the chart, metrics, facts and notes; self-contained."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from roleplay.cli import main
from roleplay.coach.report import build_report, render
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript


def assert_self_contained(text: str) -> None:
    """No network and no external asset: no URLs, no script files, no linked stylesheets."""
    assert not re.search(r"https?://", text), "report mentions a URL"
    assert not re.search(r"<script\b[^>]*\bsrc=", text, re.I)
    assert not re.search(r"<link\b[^>]*\bhref=", text, re.I)
    assert not re.search(r"<img\b", text, re.I)
    assert not re.search(r"url\(", text, re.I)
    assert "@import" not in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_report_has_every_turn_and_note(
    fmt: str, transcripts_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = transcripts_data / "priya-1.json"
    out = tmp_path / f"report.{fmt}"
    assert main(["report", str(source), "--format", fmt, "--output", str(out)]) == 0
    assert f"wrote report to {out}" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    shown = html.unescape(text) if fmt == "html" else text
    transcript = load_transcript(source)
    for number, turn in enumerate(transcript.turns, start=1):
        assert turn.text in shown, f"turn {number} missing"
        assert f"#{number} " in shown
        for note in turn.notes:
            assert note.text in shown
            if note.reason:
                assert note.reason in shown
    assert_self_contained(text)


def test_html_report_has_chart_chips_metrics_and_facts(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    transcript = load_transcript(transcripts_data / "priya-1.json")
    report = build_report(transcript, freight_scenario)
    text = render(report, "html")
    # The chart: one line per dimension over the five rep turns, and the coach's override.
    assert text.count('<polyline class="series') == 3
    for dim in ("listening", "context_seeking", "problem_focus"):
        points = re.search(rf'series-{dim}"[^>]*points="([^"]+)"', text)
        assert points is not None and len(points.group(1).split()) == 5
    assert text.count('class="override"') == 3
    # Chips per turn: three score chips for each of the five rep turns, bands named; and the
    # overall and three means in the summary.
    assert text.count('class="chip band-') == 15 + 4
    assert "objection: pitch_before_problem" in text
    assert "revealed: close_twelve_days" in text
    # Metrics against their reference values.
    assert report.metric_rows
    for row in report.metric_rows:
        assert escape(row.label) in text
        assert escape(row.reference) in text
    # Facts uncovered and missed, missed with the question that would have earned it.
    assert "1 of 4" in text
    assert escape("What did your auditors say about the close last year?") in text
    assert_self_contained(text)


def test_markdown_report_lists_metrics_and_missed_facts(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    report = build_report(load_transcript(transcripts_data / "priya-2.json"), freight_scenario)
    text = render(report, "md")
    assert "| Metric | This call | Reference | Verdict |" in text
    assert "### Missed" in text and "audit_finding" in text
    assert "Try: “What did your auditors say about the close last year?”" in text
    assert "Hidden facts uncovered: **3 of 4**" in text
    assert "No coach notes yet." in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_first_pitch_is_numbered_as_the_report_numbers_turns(
    fmt: str, transcripts_data: Path, freight_scenario: Scenario
) -> None:
    transcript = load_transcript(transcripts_data / "priya-1.json")  # pitches at once
    report = build_report(transcript, freight_scenario)
    assert report.metric_rows is not None
    [row] = [row for row in report.metric_rows if row.label == "First pitch"]
    found = re.match(r"turn #(\d+) ", row.value)
    assert found, row.value
    number = int(found.group(1))
    assert transcript.turns[number - 1].role == "rep"
    assert number == 2  # the rep's first turn, after the buyer's opening line
    text = html.unescape(render(report, fmt))  # type: ignore[arg-type]
    assert row.value in text and f"#{number} " in text


def test_report_without_the_scenario_still_shows_the_conversation(
    transcripts_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_SCENARIOS", str(tmp_path / "none"))
    out = tmp_path / "r.md"
    assert (
        main(
            [
                "report",
                str(transcripts_data / "priya-1.json"),
                "--format",
                "md",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text()
    assert "was not found" in text
    assert "Not available without the scenario file." in text
    assert "LedgerFlow automates invoice matching" in text


def test_a_branch_report_names_its_original(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    from roleplay.coach.branch import branch_transcript

    original = load_transcript(transcripts_data / "priya-1.json")
    branch = branch_transcript(original, 3, source="priya-1.json")
    text = render(build_report(branch, freight_scenario), "md")
    assert (
        "A branch of transcript a1priya01 (priya-1.json), taking another line from turn 4." in text
    )


def test_reports_survive_a_conversation_cut_off_after_the_opening(
    transcripts_data: Path, freight_scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = load_transcript(transcripts_data / "priya-1.json")
    transcript.turns = transcript.turns[:1]
    transcript.ended_at = transcript.ended_by = None
    report = build_report(transcript, freight_scenario)
    assert "no scored rep turns" in render(report, "html")
    assert "No scored rep turns." in render(report, "md")


def test_what_people_typed_is_escaped_in_html(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    transcript = load_transcript(transcripts_data / "marcus-1.json")
    transcript.turns[1].text = "<script>alert('x')</script> & <b>bold</b>"
    from roleplay.coach.annotate import add_note

    add_note(transcript, 1, author="<i>coach</i>", text="</div><img src=x>")
    text = render(build_report(transcript, freight_scenario), "html")
    assert "<script>" not in text and "<img" not in text and "<i>coach" not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text

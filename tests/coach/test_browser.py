"""The HTML reports opened in a real headless Chromium: they render, offline, with the chart."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from roleplay.cli import main

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.functional,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with networking and background services off."""
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered rows of an 8-bit RGB or RGBA PNG (enough for a check)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.fixture(scope="module")
def html_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = Path(__file__).resolve().parents[1] / "data" / "transcripts"
    out = tmp_path_factory.mktemp("browser") / "priya-1.html"
    argv = ["report", str(here / "priya-1.json"), "--format", "html", "--output", str(out)]
    assert main([*argv, "--scenario", str(here / "scenarios")]) == 0
    return out


def test_html_report_renders_in_headless_chromium(html_report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    result = chromium(
        tmp_path, f"--screenshot={png}", "--window-size=1200,2000", html_report.as_uri()
    )
    assert png.exists(), result.stderr[-2000:]
    width, height, rows = png_pixels(png)
    assert (width, height) == (1200, 2000)
    colours = {row[i : i + 3] for row in rows[::7] for i in range(0, len(row), 3 * 11)}
    assert len(colours) > 50, "the screenshot is (nearly) blank"
    # Keep a copy for a human to look at when the test runs locally.
    shutil.copy(png, html_report.with_suffix(".png"))


def test_chart_svg_is_in_the_rendered_dom(html_report: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path, "--dump-dom", html_report.as_uri())
    dom = result.stdout
    assert "<svg" in dom and 'class="chart"' in dom, result.stderr[-2000:]
    assert dom.count("<polyline") >= 3
    assert "Scores over the conversation" in dom
    assert "LedgerFlow automates invoice matching" in dom


def test_team_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    here = Path(__file__).resolve().parents[1] / "data" / "transcripts"
    folder = tmp_path / "team"
    folder.mkdir()
    for name in ("priya-1.json", "priya-2.json", "marcus-1.json"):
        shutil.copy(here / name, folder / name)
    out = tmp_path / "team.html"
    assert (
        main(
            [
                "report",
                str(folder),
                "--format",
                "html",
                "--output",
                str(out),
                "--scenario",
                str(here / "scenarios"),
            ]
        )
        == 0
    )
    result = chromium(tmp_path, "--dump-dom", out.as_uri())
    assert "Per rep: who needs help on what" in result.stdout, result.stderr[-2000:]
    assert "Most often missed facts" in result.stdout


LAYOUT_PROBE = """<script>
const problems = [];
for (const card of document.querySelectorAll("section.card")) {
  const right = card.getBoundingClientRect().right;
  for (const cell of card.querySelectorAll("th, td")) {
    if (cell.getBoundingClientRect().right > right + 0.5) {
      problems.push(card.id + ": " + cell.textContent.trim().slice(0, 40));
    }
  }
}
const found = {
  viewport: window.innerWidth,
  page: document.documentElement.scrollWidth,
  columns: [...document.querySelectorAll("section.card table")].map(
    (t) => t.rows[0].cells.length),
  problems: problems.slice(0, 20),
};
const out = document.createElement("pre");
out.id = "layout";
out.textContent = JSON.stringify(found);
document.body.append(out);
</script>"""
"""Measures the laid-out page: a cell that runs past its card, or a page wider than the window.
The reports have no script; a copy gets this one for the test."""


def test_a_team_of_fifty_reps_fits_1280_px_without_horizontal_overflow(
    tmp_path: Path, transcripts_data: Path
) -> None:
    import json
    import re
    from datetime import timedelta

    from roleplay.coach.team import build_team_report, load_folder
    from roleplay.coach.view import team_sections
    from roleplay.transcript import load_transcript

    folder = tmp_path / "team"
    names = ["Alexandria Montgomery-Fitzgerald", "Bo", "Chidi Okonkwo", "Dana Whitaker"]
    for rep in range(50):
        for attempt, name in enumerate(("priya-1.json", "priya-2.json", "marcus-1.json")):
            transcript = load_transcript(transcripts_data / name)
            transcript.rep = f"{names[rep % 4]} {rep:02d}"
            transcript.id = f"rep{rep:02d}-{attempt}"
            transcript.started_at += timedelta(days=7 * attempt + rep % 5)
            transcript.save(folder / f"{transcript.id}.json")
    out = tmp_path / "team.html"
    argv = ["report", str(folder), "--output", str(out)]
    assert main([*argv, "--scenario", str(transcripts_data / "scenarios")]) == 0
    probe = tmp_path / "probe.html"
    probe.write_text(out.read_text().replace("</body>", LAYOUT_PROBE + "</body>"))
    result = chromium(tmp_path, "--window-size=1280,2000", "--dump-dom", probe.as_uri())
    measured = re.search(r'<pre id="layout">(.*?)</pre>', result.stdout)
    assert measured, result.stderr[-2000:]
    layout = json.loads(measured.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert layout["viewport"] == 1280
    assert layout["problems"] == [], "cells run past their card"
    assert layout["page"] <= layout["viewport"], "the page scrolls sideways"
    # Every column of every table is laid out (and, above, inside its card).
    report = build_team_report(folder, load_folder(folder))
    assert layout["columns"] == [len(section.headers) for section in team_sections(report)]
    png = tmp_path / "team.png"  # kept beside team.html for a human to look at
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", out.as_uri())
    width, _, rows = png_pixels(png)
    assert width == 1280
    assert len({row[i : i + 3] for row in rows[::9] for i in range(0, len(row), 33)}) > 50

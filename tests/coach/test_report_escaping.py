"""What people typed shows as typed in a Markdown report: it never breaks a table, never turns
into emphasis, code, a heading, a list or a link, and never injects HTML.

The reports are read back with a CommonMark parser (with GitHub's tables and strikethrough) and
raw HTML on, as a viewer would show them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from roleplay.coach.annotate import add_note
from roleplay.coach.report import build_report, render
from roleplay.coach.team import build_team_report, load_folder
from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript

TURN = (
    "We cut costs | *fast* and __init__ <script>alert(1)</script> `rm -rf` ~gone~ $5 to $9\n"
    "- not a list\n"
    "# not a heading\n"
    "1. not numbered\n"
    "> not a quote\n"
    "[a link](javascript:alert(1)) &amp; \\| done"
)
NOTE = "Good | *pause* here\nthen `ask` <b>why</b>"
REP = "Sam *the* | closer_"


def _parse(markdown: str) -> list[Token]:
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return parser.parse(markdown)


def _plain(inline: Token) -> str:
    """The text of an inline token, failing on anything but text and line breaks."""
    kinds = {child.type for child in inline.children or []}
    assert kinds <= {"text", "softbreak"}, f"{inline.content!r} became {sorted(kinds)}"
    return "".join(
        child.content if child.type == "text" else "\n" for child in inline.children or []
    )


def _tables(tokens: list[Token]) -> list[list[list[Token]]]:
    """Each table as rows of cells (their inline tokens)."""
    tables: list[list[list[Token]]] = []
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type == "inline" and tables and tables[-1] and token.level >= 4:
            tables[-1][-1].append(token)
    return tables


def _assert_no_html(tokens: list[Token]) -> None:
    for token in tokens:
        assert token.type != "html_block", token.content
        for child in token.children or []:
            assert child.type != "html_inline", child.content


def test_a_rep_turn_shows_as_typed_in_a_markdown_report(
    transcripts_data: Path, freight_scenario: Scenario
) -> None:
    transcript = load_transcript(transcripts_data / "marcus-1.json")
    transcript.rep = REP
    transcript.turns[1].text = TURN
    add_note(transcript, 1, author="coach | *Ana*", text=NOTE)
    tokens = _parse(render(build_report(transcript, freight_scenario), "md"))
    _assert_no_html(tokens)

    # The turn is one paragraph of a quote, plain text exactly as typed: no block starts inside.
    heading = next(
        i for i, t in enumerate(tokens) if t.type == "inline" and t.content.startswith("#2 ")
    )
    assert [t.type for t in tokens[heading + 2 : heading + 4]] == [
        "blockquote_open",
        "paragraph_open",
    ]
    quoted = _plain(tokens[heading + 4])
    assert quoted == TURN

    # The heading names the rep as typed.
    headings = [_plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert f"#2 {REP}" in headings

    # The coach notes table keeps its four columns; the note is on one line, as typed.
    notes = [[_plain(cell) for cell in row] for row in _tables(tokens)[-1]]
    assert all(len(row) == 4 for row in notes), notes
    assert ["#2", "coach | *Ana*", NOTE.replace("\n", " "), ""] in notes


def test_what_reps_are_called_never_breaks_the_team_tables(
    transcripts_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    for name in ("priya-1.json", "marcus-1.json"):
        shutil.copy(transcripts_data / name, folder / name)
    marcus = load_transcript(folder / "marcus-1.json")
    marcus.rep = f"{REP} <i>x</i> `y`\nz"
    marcus.save(folder / "marcus-1.json")
    tokens = _parse(render(build_team_report("team", load_folder(folder)), "md"))
    _assert_no_html(tokens)
    tables = [[[_plain(cell) for cell in row] for row in table] for table in _tables(tokens)]
    assert tables
    for table in tables:
        assert all(len(row) == len(table[0]) for row in table), table
    reps = {row[0] for table in tables for row in table[1:]}
    assert f"{REP} <i>x</i> `y` z" in reps


def test_a_link_to_a_report_keeps_its_text_and_target(
    transcripts_data: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    marcus = load_transcript(transcripts_data / "marcus-1.json")
    marcus.id = "m] [x](javascript:alert(1)) *1*"
    marcus.save(folder / "marcus-1.json")
    team = build_team_report("team", load_folder(folder))
    team.reports = {folder / "marcus-1.json": "marcus/m 1.md"}
    tokens = _parse(render(team, "md"))
    links = _tables(tokens)[0]  # the first table links each attempt's report
    [cell] = [row[-1] for row in links[1:]]
    kinds = [child.type for child in cell.children or []]
    assert kinds == ["link_open", "text", "link_close"], kinds
    link, label = (cell.children or [])[:2]
    assert (link.attrs["href"], label.content) == ("marcus/m%201.md", marcus.id)

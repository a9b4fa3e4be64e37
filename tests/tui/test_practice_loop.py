"""Issue 13: the practice loop a new rep trusts. One numbering of turns, a debrief that scrolls
at once and shows its tables whole, nothing typed is lost, the call ends only when asked twice,
the app says where the transcript is, one palette entry per action, a resume that says so
consistently, a branch editor of several lines, readable colours, closing lines that stand
alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.theme import BUILTIN_THEMES
from textual.widgets import Button, Static, TextArea

from roleplay.scenario import Scenario
from roleplay.transcript import load_transcript
from roleplay.tui.screens import (
    BriefingScreen,
    ConfirmScreen,
    ConversationScreen,
    DebriefScreen,
)
from roleplay.tui.screens.explain import ExplainScreen
from roleplay.tui.screens.replay import BranchDialog, ReplayScreen
from roleplay.tui.theme import AA_TEXT, ROLEPLAY_LIGHT, TEXT_COLOURS, text_pairs
from roleplay.tui.widgets import RepInput, TurnBubble
from roleplay.tui.widgets.fitted_table import FittedTable

from .pilot_helpers import (
    call_then_debrief,
    end_call,
    say,
    screen_text,
    settle,
    start_call,
    type_turn,
    until,
)

pytestmark = pytest.mark.functional

GOOD_QUESTION = "How long does your month-end close take today, start to finish?"
FOLLOW_UP = "Twelve days is a lot. What is the board asking of you this year?"
PITCH = "CloseLoop automates reconciliations. Can we book a demo next week?"
SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios" / "scripts"


def bubble_labels(screen: ConversationScreen) -> list[str]:
    return [
        str(bubble.query_one(".bubble--speaker", Static).render())
        for bubble in screen.query(TurnBubble)
    ]


async def test_every_view_numbers_turns_over_the_whole_call(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(100, 30)) as pilot:
        conversation = await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
        await say(pilot, FOLLOW_UP)
        labels = bubble_labels(conversation)
        assert labels[:4] == ["#1 Dana Whitfield", "#2 You", "#3 Dana Whitfield", "#4 You"]
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen))
        assert "Turn #4" in screen_text(app)  # the bubble's number, not "your 2nd turn"
        await pilot.press("escape")
        await pilot.pause()
        side = str(conversation.query_one("#metrics", Static).render())
        assert "Your turns" in side and "left" in side  # a count of the rep's own turns
        await end_call(pilot)
        turns = app.screen.query_one("#debrief-turns", FittedTable)
        assert [str(row[0]) for row in turns.rows_shown] == ["2", "4"]


async def test_the_debrief_scrolls_from_arrival_and_help_says_how(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        await call_then_debrief(pilot, GOOD_QUESTION, FOLLOW_UP)
        body = app.screen.query_one("#debrief-body")
        assert app.screen.focused is body
        for key in ("down", "j", "pagedown", "end"):
            before = body.scroll_y
            await pilot.press(key)
            await pilot.pause()
            assert body.scroll_y > before, key
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y < body.max_scroll_y
        await pilot.press("f1")
        await pilot.pause()
        await until(pilot, lambda: bool(app.screen.query("#help-text")))
        help_text = str(app.screen.query_one("#help-text", Static).render())
        assert "Debrief" in help_text
        assert "scroll (PageUp / PageDown, Home / End too)" in help_text


def discovery_lines() -> list[str]:
    text = (SCRIPTS / "cfo-logistics-close.discovery.txt").read_text()
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_full_call_shows_every_debrief_table_whole(
    build_app, cfo_scenario: Scenario, size: tuple[int, int]
) -> None:
    lines = discovery_lines()
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=size) as pilot:
        conversation = await start_call(pilot)
        count = 0
        while not conversation.session.ended:
            await say(pilot, lines[count % len(lines)] + ("" if count < len(lines) else "?"))
            count += 1
        # The closing line is its own paragraph, in the transcript and on screen.
        closing = cfo_scenario.ending.turn_limit_line
        last = conversation.session.transcript.turns[-1]
        assert last.text.endswith("\n\n" + closing) or last.text.endswith(
            f"\n\n{cfo_scenario.ending.success_line} {closing}"
        )
        assert conversation.query(TurnBubble).last().text == last.text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        await settle(pilot)
        for table in app.screen.query(FittedTable):
            columns = list(table.columns.values())
            used = sum(column.get_render_width(table) for column in columns)
            assert used <= table.size.width, table.id
            for index, column in enumerate(columns):
                header = table.headers[index]
                longest_word = max(
                    (len(w) for row in table.rows_shown for w in row[index].plain.split()),
                    default=0,
                )
                assert column.width >= max(len(header), min(longest_word, 12)), header
            for row_index, row in enumerate(table.rows_shown):
                rendered = table.ordered_rows[row_index].height
                wrap_width = columns[-1].width if table.id == "debrief-turns" else columns[2].width
                text = row[-1] if table.id == "debrief-turns" else row[2]
                assert rendered >= len(text.wrap(wrap_width)), (table.id, row_index)
            table.scroll_visible(animate=False)
            await pilot.pause()
            await pilot.pause()
            shown = screen_text(app)
            for header in table.headers:
                assert header in shown
        turns = app.screen.query_one("#debrief-turns", FittedTable)
        numbers = [int(str(row[0])) for row in turns.rows_shown]
        assert numbers == list(range(2, 2 * len(numbers) + 1, 2))
        assert all(len(str(n)) <= turns.columns[next(iter(turns.columns))].width for n in numbers)


@pytest.fixture
def cfo_scenario(shipped_scenarios: list[Scenario]) -> Scenario:
    return next(s for s in shipped_scenarios if s.id == "cfo-logistics-close")


async def test_text_typed_while_the_buyer_speaks_stays_in_the_input(build_app) -> None:
    from .conftest import GatedBuyers

    buyers = GatedBuyers()
    app = build_app(buyer=buyers, scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await type_turn(pilot, PITCH)  # voiced through the (gated) backend
        await until(pilot, buyers[0].holding.is_set)
        await pilot.press(*"Who else")
        rep_input = conversation.query_one("#rep-input", RepInput)
        assert rep_input.value == "Who else"
        await pilot.press("enter")  # not sent while the buyer speaks, and not lost
        await pilot.pause()
        assert rep_input.value == "Who else"
        assert "still speaking" in str(conversation.query_one("#chat-status", Static).render())
        assert len(conversation.session.transcript.rep_turns) == 1
        buyers[0].release.set()
        await settle(pilot)
        assert rep_input.value == "Who else"
        await pilot.press(*" feels it?", "enter")
        await settle(pilot)
        assert conversation.session.transcript.rep_turns[-1].text == "Who else feels it?"


async def test_the_scores_and_the_first_words_are_painted_before_the_model_reads(
    build_app,
) -> None:
    """The embedded model holds the GIL while it reads its prompt (up to a second): the rep's
    score chips and the buyer's authored first words are on screen before it starts."""
    from roleplay.buyer import load_backend

    seen: list[tuple[bool, str]] = []

    class WatchedBuyer:
        """The deterministic buyer, noting what the screen shows when the model is asked."""

        def __init__(self, scenario: Scenario) -> None:
            self.inner = load_backend("deterministic", scenario)
            self.model_id = self.inner.model_id
            self.continues_final_message = True  # replies open with an authored lead-in
            self.generation = self.inner.generation

        def load(self, progress=None) -> None:
            self.inner.load(progress)

        def stream(self, request, **kwargs):
            screen = app.screen
            assert isinstance(screen, ConversationScreen)
            bubbles = list(screen.query(TurnBubble))
            rep = [b for b in bubbles if b.is_rep][-1]
            seen.append((rep.turn is not None and rep.turn.scores is not None, bubbles[-1].text))
            yield from self.inner.stream(request, **kwargs)

    app = build_app(buyer=WatchedBuyer, scenario="cfo-logistics-close")
    async with app.run_test(size=(100, 30)) as pilot:
        conversation = await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
        reply = conversation.session.transcript.turns[-1]
        assert reply.role == "buyer"
    assert seen, "the reply never asked the model"
    scored, shown = seen[0]
    assert scored
    assert shown.strip() and reply.text.startswith(shown.strip())


async def test_f3_asks_once_before_ending_the_call(build_app) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "cannot be resumed" in str(app.screen.query_one("#confirm-detail", Static).render())
        await pilot.press("enter")  # the focused answer is "Keep talking"
        await until(pilot, lambda: app.screen is conversation)
        assert not conversation.session.ended
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is conversation)
        assert not conversation.session.ended
        await pilot.press("f3", "f3")  # F3 twice ends it
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        assert conversation.session.ended_by == "rep"


async def test_quitting_says_where_the_transcript_is_saved(
    build_app, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
        path = app.session_path
        await pilot.press("ctrl+q")
    assert path is not None and path.is_file()
    said = "".join(capsys.readouterr().err.split())  # printed on exit, wrapped to the terminal
    assert f"Yourtranscriptissavedin{path}" in said
    assert f"roleplay--resume{path}" in said  # the call was not finished


async def test_the_palette_has_one_entry_per_action_and_screenshot_saves(
    build_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "home"))
    app = build_app(scenario="cfo-logistics-close")
    to_picker = {"Choose scenario", "New scenario", "Back to scenarios"}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen: list[list[str]] = []
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        seen.append([c.title for c in app.get_system_commands(briefing)])
        await start_call(pilot)
        seen.append([c.title for c in app.get_system_commands(app.screen)])
        await say(pilot, GOOD_QUESTION)
        await end_call(pilot)
        seen.append([c.title for c in app.get_system_commands(app.screen)])
        for titles in seen:
            assert len(titles) == len(set(titles)), titles
            assert "Keys" not in titles and "Help: keys" in titles
            assert len(to_picker & set(titles)) == 1, titles
        screenshot = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        screenshot.callback()
        saved_dir = tmp_path / "home" / "screenshots"
        await until(pilot, lambda: saved_dir.is_dir() and any(saved_dir.glob("*.svg")))
        await until(pilot, lambda: any("Saved screenshot" in n.message for n in app._notifications))
        assert not any("Failed" in n.message for n in app._notifications)


async def crash_after_one_turn(build_app, transcripts: Path) -> Path:
    """A call left after one answered turn: its transcript is unfinished."""
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await say(pilot, GOOD_QUESTION)
    saved = next(transcripts.glob("*.json"))
    assert not load_transcript(saved).finished
    return saved


async def test_resume_says_resume_everywhere_and_never_on_the_debrief(
    build_app, transcripts: Path
) -> None:
    saved = await crash_after_one_turn(build_app, transcripts)
    app = build_app(resume=saved)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen))
        await settle(pilot)
        briefing = app.screen
        button = briefing.query_one("#start", Button)
        footer = {b.binding.key: b.binding.description for b in app.active_bindings.values()}
        assert str(button.label) == footer["enter"] == "Resume call"
        titles = [c.title for c in app.get_system_commands(briefing)]
        assert "Resume call" in titles and "Start call" not in titles
        conversation = await start_call(pilot)
        assert "Resumed from the saved transcript" in str(
            conversation.query_one("#chat-status", Static).render()
        )
        await end_call(pilot)
        await pilot.pause()
        assert not any("resumed" in n.message.lower() for n in app._notifications)
        assert "resumed" not in screen_text(app).lower()


async def test_the_branch_editor_holds_several_lines(build_app, transcripts: Path) -> None:
    app = build_app(scenario="cfo-logistics-close")
    async with app.run_test(size=(100, 32)) as pilot:
        await call_then_debrief(pilot, GOOD_QUESTION)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        await pilot.press("down", "b")
        await until(pilot, lambda: isinstance(app.screen, BranchDialog))
        editor = app.screen.query_one("#branch-line", TextArea)
        turn = app.screen.turn
        assert turn.score is not None
        alternative = turn.score.explanation.alternative
        assert editor.text == alternative and editor.soft_wrap
        assert editor.size.height >= 5
        shown = screen_text(app)
        first_words = " ".join(alternative.split()[:4])
        assert first_words in shown  # the start of the line is not scrolled off
        editor.text = "First, a question.\nThen: who else feels it when the close runs late?"
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: isinstance(app.screen, ReplayScreen) and "branch" in str(app.screen.path)
        )
        await settle(pilot)
        branched = load_transcript(app.screen.path)
        assert branched.rep_turns[-1].text.startswith("First, a question.")


@pytest.mark.parametrize("theme", [BUILTIN_THEMES["textual-dark"], ROLEPLAY_LIGHT])
def test_every_text_colour_pair_meets_wcag_aa(theme) -> None:
    failing = [
        f"{text} on {background}: {ratio:.2f}"
        for text, background, ratio in text_pairs(theme)
        if ratio < AA_TEXT
    ]
    assert not failing, failing


def test_text_is_only_written_in_the_checked_colours(project_root: Path) -> None:
    """Markup and `color:` rules name only `TEXT_COLOURS`, so the pairs above are all of them."""
    theme_variables = set(BUILTIN_THEMES["textual-dark"].to_color_system().generate())
    allowed = set(TEXT_COLOURS)
    problems: list[str] = []
    for path in sorted((project_root / "src" / "roleplay" / "tui").rglob("*")):
        if path.suffix not in (".py", ".tcss"):
            continue
        source = path.read_text()
        written = [m.group(1) for m in re.finditer(r"\bcolor:\s*\$([a-z-]+)", source)]
        for match in re.finditer(r"\[([^\[\]\n]*\$[a-z][^\[\]\n]*)\]", source):
            written += re.findall(r"\$([a-z][a-z-]*)", match.group(1).split(" on ")[0])
        problems += [
            f"{path.name}: ${name}"
            for name in written
            if name in theme_variables and name not in allowed
        ]
    assert not problems, problems

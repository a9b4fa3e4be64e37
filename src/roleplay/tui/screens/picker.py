"""The scenario picker: filter as you type, best previous score, a preview of the briefing."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from roleplay.scenario_index import ScenarioSummary
from roleplay.tui.library import History, SavedSession
from roleplay.tui.widgets.bands import colour_of, percent
from roleplay.tui.widgets.prose import render_prose

if TYPE_CHECKING:
    from roleplay.tui.app import RoleplayApp


def matches(scenario: ScenarioSummary, query: str) -> bool:
    """Whether every word of `query` appears in the scenario's title, buyer, industry or level."""
    haystack = " ".join(
        (
            scenario.id,
            scenario.title,
            scenario.buyer_title,
            scenario.buyer_industry,
            scenario.buyer_company,
            scenario.difficulty,
        )
    ).lower()
    return all(word in haystack for word in query.lower().split())


def short(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class PickerScreen(Screen[None]):
    """Choose a scenario (or resume an unfinished one)."""

    app: RoleplayApp

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Open briefing", "Open the briefing of the highlighted scenario", "pick"),
        ("Resume unfinished session", "Continue the newest unfinished session", "resume"),
        (
            "Replay a saved conversation",
            "Choose one of your saved conversations and step through it",
            "saved",
        ),
    ]
    """Command palette entries: title, help, action."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pick", "Open briefing", show=True, priority=True),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("ctrl+r", "resume", "Resume", show=True),
        Binding("ctrl+o", "saved", "Replay", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[ScenarioSummary] = []
        self.history: History = History()
        self._listed: tuple[list[ScenarioSummary], History] | None = None
        """The scenarios and history the list was last built from."""
        self.pending_pick: str | None = None
        """The id of a scenario chosen before the files were read; opened once they are."""
        self.title = "roleplay"
        self.sub_title = "Choose a buyer"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="picker-body"):
            with Vertical(id="picker-list"):
                yield Input(placeholder="Type to filter: role, industry, level…", id="filter")
                yield OptionList(id="scenarios")
                yield Static("", id="resume-banner")
                yield Static("", id="problems")
            with VerticalScroll(id="preview"):
                yield Static("", id="preview-title")
                yield Static("", id="preview-body")
        yield Footer()

    def on_mount(self) -> None:
        if self.app.catalog_loaded or self.app.scenario_list:
            self.show_catalog()
        else:
            self.query_one("#preview-title", Static).update("Loading scenarios…")
        self.query_one("#filter", Input).focus()

    def show_catalog(self) -> None:
        """List the scenarios (and, once every file is read, those that failed to load)."""
        self.refresh_table()
        self.show_problems()
        if self.app.history is not self.history:
            self.show_history(self.app.history)
        if self.pending_pick is not None and self.app.catalog_loaded:
            self._open_briefing_of(self.pending_pick)

    def show_history(self, history: History) -> None:
        """Fill in best scores and offer the newest unfinished session."""
        scores_shown = bool(self.history.sessions)
        self.history = history
        if history.sessions or scores_shown:  # else the list would be built again unchanged
            self.refresh_table()
        banner = self.query_one("#resume-banner", Static)
        unfinished = self.unfinished()
        if unfinished is None:
            banner.display = False
            return
        scenario = self.app.catalog.find(unfinished.transcript.scenario_id)
        title = scenario.title if scenario else unfinished.transcript.scenario_id
        banner.update(
            Content.from_markup(
                "[b]Unfinished session[/b]: $title ($turns rep turns). "
                "Press [b]ctrl+r[/b] to resume it.",
                title=short(title, 40),
                turns=str(unfinished.rep_turn_count),
            )
        )
        banner.display = True

    def unfinished(self) -> SavedSession | None:
        """The newest unfinished session of a scenario that still loads."""
        found = self.history.unfinished(s.id for s in self.app.catalog.scenarios)
        return found[0] if found else None

    def show_problems(self) -> None:
        problems = self.app.catalog.problems
        widget = self.query_one("#problems", Static)
        if not problems:
            widget.display = False
            return
        files = self.app.catalog.broken_files
        lines = [
            Content.from_markup(
                "[b $text-error]$count scenario file(s) could not be loaded[/] "
                "(the others are fine; fix them and restart, or run `roleplay validate`):",
                count=str(len(files)),
            )
        ]
        lines.extend(Content(str(problem)) for problem in problems[:6])
        if len(problems) > 6:
            lines.append(Content(f"… and {len(problems) - 6} more"))
        widget.update(Content("\n").join(lines))
        widget.display = True

    def refresh_table(self) -> None:
        """List the scenarios matching the filter; keep the highlighted one if it still does."""
        query = self.query_one("#filter", Input).value
        options = self.query_one("#scenarios", OptionList)
        previous = self.highlighted()
        shown = [s for s in self.app.scenario_list if matches(s, query)]
        listed = (shown, self.history)
        if (
            self._listed is not None
            and listed[0] == self._listed[0]
            and self.history is self._listed[1]
        ):
            self.show_preview()  # the same rows (the files read as the index said them)
            return
        self._listed = listed
        self.shown = shown
        options.clear_options()
        options.add_options([self._option(s) for s in self.shown])
        if self.shown:
            ids = [s.id for s in self.shown]
            index = ids.index(previous.id) if previous is not None and previous.id in ids else 0
            options.highlighted = index
        self.show_preview()

    def _option(self, scenario: ScenarioSummary) -> Option:
        best = self.history.best(scenario.id, self.app.rep)
        best_text = (
            f"[{colour_of(best.band)}]best {percent(best.score)}[/]"
            if best is not None and best.score is not None and best.band is not None
            else "new"
        )
        prompt = Content.from_markup(
            f"[b]$title[/b]\n[dim]$level · $industry ·[/] {best_text}",
            title=scenario.title,
            level=scenario.difficulty,
            industry=short(scenario.buyer_industry, 28),
        )
        return Option(prompt, id=scenario.id)

    def highlighted(self) -> ScenarioSummary | None:
        """The scenario under the cursor, if any."""
        index = self.query_one("#scenarios", OptionList).highlighted
        if index is None or index >= len(self.shown):
            return None
        return self.shown[index]

    def show_preview(self) -> None:
        scenario = self.highlighted()
        title = self.query_one("#preview-title", Static)
        body = self.query_one("#preview-body", Static)
        if scenario is None:
            if not self.app.catalog_loaded:
                title.update("Loading scenarios…")
            elif self.app.scenario_list:
                title.update("No scenario matches the filter.")
            else:
                title.update("No scenarios found. Add YAML files to the scenarios folder.")
            body.update("")
            return
        best = self.history.best_score(scenario.id, self.app.rep)
        best_line = f"Your best: {percent(best)}/100" if best is not None else "Not tried yet"
        title.update(
            Content.from_markup(
                "[b]$title[/b]\n$name, $role\n$company · $industry\n[dim]$level · $best[/]",
                title=scenario.title,
                name=scenario.buyer_name,
                role=scenario.buyer_title,
                company=scenario.buyer_company,
                industry=scenario.buyer_industry,
                level=scenario.difficulty.capitalize(),
                best=best_line,
            )
        )
        body.update(render_prose(scenario.briefing))

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.refresh_table()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def row_highlighted(self) -> None:
        self.show_preview()

    @on(OptionList.OptionSelected, "#scenarios")
    def row_selected(self) -> None:
        self.action_pick()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.action_pick()

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#scenarios", OptionList)
        if self.shown:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_pick(self) -> None:
        """Open the briefing of the highlighted scenario."""
        scenario = self.highlighted()
        if scenario is None:
            self.notify("No scenario selected.", severity="warning")
            return
        if not self.app.catalog_loaded:
            self.pending_pick = scenario.id  # listed from the index: open it once it is read
            return
        self._open_briefing_of(scenario.id)

    def _open_briefing_of(self, scenario_id: str) -> None:
        """Open the briefing of the scenario with this id, as its file now reads."""
        self.pending_pick = None
        scenario = self.app.catalog.find(scenario_id)
        if scenario is None:
            self.notify(
                f"The scenario '{scenario_id}' could not be loaded; see the problems listed.",
                severity="warning",
            )
            return
        self.app.open_briefing(scenario)

    def action_resume(self) -> None:
        """Open the briefing of the newest unfinished session, to resume it."""
        unfinished = self.unfinished()
        if unfinished is None:
            self.notify("There is no unfinished session to resume.")
            return
        scenario = self.app.catalog.find(unfinished.transcript.scenario_id)
        if scenario is not None:
            self.app.open_briefing(scenario, resume=unfinished)

    def action_saved(self) -> None:
        """List the saved conversations, most recent first, to open one in the replay."""
        self.app.choose_saved_transcript()

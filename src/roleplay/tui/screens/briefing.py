"""The briefing: what the rep knows before the call while the models load in the background."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Static

from roleplay.rubric import DIMENSIONS
from roleplay.scenario import Scenario
from roleplay.tui.library import SavedSession
from roleplay.tui.widgets.bands import dimension_label
from roleplay.tui.widgets.prose import render_prose

if TYPE_CHECKING:
    from roleplay.tui.app import LoadState, RoleplayApp


def briefing_markdown(app: RoleplayApp, scenario: Scenario) -> str:
    """The briefing as Markdown: the situation, the goal, and what good looks like."""
    buyer = scenario.buyer
    good = []
    if app.rubric is not None:
        for name in DIMENSIONS:
            good.append(f"- **{dimension_label(name)}**: {app.rubric.dimension(name).description}")
    facts = len(scenario.hidden_facts)
    return "\n".join(
        [
            f"**{buyer.name}**, {buyer.title}, {buyer.company}  ",
            f"{buyer.industry} · {buyer.company_size}",
            "",
            scenario.briefing,
            "",
            "## Your goal",
            scenario.goal,
            "",
            "## What good looks like",
            *good,
            "",
            f"{buyer.name.split()[0]} keeps **{facts} things** to themselves until a good "
            f"question earns them. Pitching or closing too early costs patience. The call "
            f"ends after **{scenario.ending.max_turns} turns** or when the buyer's patience "
            "runs out.",
        ]
    )


class BriefingScreen(Screen[None]):
    """Read the briefing; start the call when the models are ready."""

    app: RoleplayApp

    PALETTE: tuple[tuple[str, str, str], ...] = (
        ("Start call", "Start the conversation (once the models are ready)", "start"),
        ("Retry model load", "Try loading the models again after a failure", "retry_load"),
    )
    """Command palette entries: title, help, action (the app adds "Choose scenario")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start call", show=True),
        Binding("escape", "back", "Back", show=True),
        Binding("ctrl+r", "retry_load", "Retry load", show=True),
    ]

    def __init__(self, scenario: Scenario, resume: SavedSession | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        self.resume = resume
        self.start_label = "Resume call" if resume is not None else "Start call"
        """What Enter does here: the button, the footer and the palette all say it."""
        if resume is not None:
            self.PALETTE = (
                (self.start_label, "Carry on the unfinished conversation", "start"),
                *self.PALETTE[1:],
            )
            bindings = self._bindings.key_to_bindings
            bindings["enter"] = [
                dataclasses.replace(binding, description=self.start_label)
                for binding in bindings["enter"]
            ]
        self.title = "Briefing"
        self.sub_title = self.scenario.buyer.name

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with VerticalScroll(id="briefing-body"):
            yield Static(Content(self.scenario.title), id="briefing-title")
            if self.resume is not None:
                yield Static(
                    Content(
                        f"Resuming an unfinished session: {self.resume.rep_turn_count} rep "
                        "turns so far."
                    ),
                    id="resume-note",
                )
            yield Static(
                render_prose(briefing_markdown(self.app, self.scenario)), id="briefing-text"
            )
        with Vertical(id="load-panel"):
            yield Static("", id="load-status")
            with Horizontal(id="load-row"):
                yield ProgressBar(total=None, show_eta=False, id="load-progress")
                yield Button(
                    self.start_label,
                    id="start",
                    variant="primary",
                    disabled=True,
                )
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "load_state", self.show_load_state, init=True)
        self.app.ensure_models(self.scenario)
        self.query_one("#briefing-body").focus()

    def show_load_state(self, state: LoadState) -> None:
        """Show how far the buyer and scorer loads are, and enable Start when both are done."""
        key = self.scenario.id
        buyer = state.buyers.get(key)
        status = self.query_one("#load-status", Static)
        progress = self.query_one("#load-progress", ProgressBar)
        start = self.query_one("#start", Button)
        buyer_error = state.buyer_errors.get(key)
        error = buyer_error or state.scorer_error
        if error:
            hint = (
                "`roleplay models` lists the buyer models; `--model deterministic` needs none."
                if buyer_error
                else "The scorer ships with roleplay; `make install` restores its files."
            )
            status.update(
                Content.from_markup(
                    "[b $text-error]Could not load the models.[/] $error\n"
                    "[dim]Press ctrl+r to try again, or Escape to pick another scenario. $hint[/]",
                    error=error,
                    hint=hint,
                )
            )
            progress.update(total=100, progress=0)
            start.disabled = True
            return
        ready = buyer is not None and state.scorer is not None
        if ready:
            status.update(
                Content.from_markup(
                    "[b $text-success]Ready.[/] Press Enter to $verb.",
                    verb="resume" if self.resume is not None else "start",
                )
            )
            progress.update(total=100, progress=100)
            start.disabled = False
            return
        buyer_status, fraction = state.buyer_progress
        parts = [
            f"Buyer: {'ready' if buyer is not None else buyer_status}",
            f"Scorer: {'ready' if state.scorer is not None else state.scorer_status}",
        ]
        status.update(Content("  ·  ".join(parts)))
        if buyer is None and fraction is not None:
            progress.update(total=100, progress=round(fraction * 100))
        else:
            progress.update(total=None)  # a load that cannot say how far it is
        start.disabled = True

    def show_starting(self) -> None:
        """Say the call is being set up (the buyer's director reads the scenario)."""
        self.query_one("#load-status", Static).update(
            Content.from_markup("[b]Starting the call…[/]")
        )
        self.query_one("#start", Button).disabled = True

    @on(Button.Pressed, "#start")
    def start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#back")
    def back_pressed(self) -> None:
        self.action_back()

    def action_start(self) -> None:
        """Start (or resume) the call once the models are ready."""
        if self.query_one("#start", Button).disabled:
            if self.app.load_state.buyer_errors.get(self.scenario.id):
                self.notify("The buyer model did not load; press ctrl+r to retry.")
            else:
                self.notify("Still loading the models…")
            return
        self.app.start_conversation(self.scenario, resume=self.resume)

    def action_back(self) -> None:
        """Back to the scenario picker."""
        self.app.show_picker()

    def action_retry_load(self) -> None:
        """Try loading the models again after a failure."""
        self.app.ensure_models(self.scenario, retry=True)

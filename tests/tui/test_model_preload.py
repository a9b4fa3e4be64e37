"""The models load while the rep picks a scenario, so a briefing opens on Ready or nearly.

Neither the buyer's model card nor the scorer depends on the scenario picked: the app starts
loading both once the picker lists the scenarios. What the rep meets is the same as if the
briefing had started the loads: their progress, their errors, and Ready.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import Button, OptionList

from roleplay.buyer import load_backend
from roleplay.buyer.base import Progress
from roleplay.buyer.director import BuyerDirector
from roleplay.errors import ModelError
from roleplay.scenario import Scenario
from roleplay.tui.screens import BriefingScreen, PickerScreen
from roleplay.tui.screens.conversation import TYPING_PAUSE_SECONDS
from roleplay.tui.widgets import RepInput

from .conftest import GatedBuyer
from .pilot_helpers import pick, say, screen_text, settle, start_call, until

pytestmark = pytest.mark.functional


class HeldBuyer(GatedBuyer):
    """The deterministic buyer, whose load reports a first-run conversion's progress and then
    waits until `loads.release` is set."""

    def __init__(self, scenario: Scenario, loads: HeldLoads) -> None:
        super().__init__(scenario)
        self.release.set()  # its replies are not held
        self.loads = loads

    def load(self, progress: Progress | None = None) -> None:
        if progress is not None:
            progress("building the ONNX model, int8 (first run only)", 0.3)
        self.loads.converting.set()
        self.loads.release.wait(30)


class HeldLoads:
    """A buyer factory making `HeldBuyer`s; `built` lists the scenarios it built them for."""

    def __init__(self) -> None:
        self.built: list[str] = []
        self.release = threading.Event()
        self.converting = threading.Event()

    def __call__(self, scenario: Scenario) -> HeldBuyer:
        self.built.append(scenario.id)
        return HeldBuyer(scenario, self)


async def test_the_models_are_ready_before_the_briefing_opens(build_app, scorer) -> None:
    built: list[str] = []
    scorers: list[Any] = []

    def buyer(scenario: Scenario) -> Any:
        built.append(scenario.id)
        return load_backend("deterministic", scenario)

    def scorer_factory(rubric: Any) -> Any:
        scorers.append(rubric)
        return scorer

    app = build_app(buyer=buyer)
    app.scorer_factory = scorer_factory
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # nothing opened yet
        state = app.load_state
        first = app.catalog.scenarios[0].id
        assert state.scorer is scorer and list(state.buyers) == [first]
        await pick(pilot, app.catalog.scenarios[0].title)
        assert app.screen.query_one("#start", Button).disabled is False  # Ready at once
        assert "Ready." in screen_text(app)
        await start_call(pilot)
        assert built == [first] and len(scorers) == 1  # each loaded once, before the briefing


async def test_a_preload_failure_is_shown_by_the_briefing_not_the_picker(build_app) -> None:
    attempts: list[str] = []

    def broken(scenario: Scenario) -> Any:
        attempts.append(scenario.id)
        raise ModelError("no model card 'nope' (known: deterministic, smollm2-135m)")

    app = build_app(buyer=broken)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        first = app.catalog.scenarios[0]
        assert attempts == [first.id]  # the preload tried, and failed
        assert isinstance(app.screen, PickerScreen)
        assert "no model card" not in screen_text(app)  # the picker carries on undisturbed
        await pick(pilot, first.title)
        await settle(pilot)
        text = screen_text(app)
        assert "Could not load the models" in text and "no model card 'nope'" in text
        assert app.screen.query_one("#start", Button).disabled
        assert attempts == [first.id]  # shown as it failed, not loaded again
        await pilot.press("ctrl+r")  # retry, as for a load the briefing started
        await settle(pilot)
        assert attempts == [first.id, first.id]
        assert "Could not load the models" in screen_text(app)


async def test_the_picker_answers_keys_while_the_models_load(build_app) -> None:
    """A first run converts the buyer's weights while the picker is up: the rep can move in the
    list, and a briefing opened meanwhile shows the conversion's progress, then Ready."""
    buyers = HeldLoads()
    app = build_app(buyer=buyers)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, buyers.converting.is_set)
        options = app.screen.query_one("#scenarios", OptionList)
        highlighted = options.highlighted
        await pilot.press("down")
        assert options.highlighted != highlighted  # the picker moved during the load
        second = app.catalog.scenarios[1]
        await pick(pilot, second.title)
        assert isinstance(app.screen, BriefingScreen)
        await until(pilot, lambda: "first run only" in screen_text(app))
        assert app.screen.query_one("#start", Button).disabled
        buyers.release.set()
        await until(pilot, lambda: not app.screen.query_one("#start", Button).disabled)
        assert buyers.built == [app.catalog.scenarios[0].id, second.id]


class ReadingBuyer(GatedBuyer):
    """The deterministic buyer, noting what it is given to read ahead: its scenario, and the
    rep's turn as typed so far."""

    def __init__(self, scenario: Scenario, read: list[tuple[str, str]]) -> None:
        super().__init__(scenario)
        self.release.set()
        self.read = read
        self.scenario_id = scenario.id

    def prefill(self, messages: Any) -> None:
        self.read.append((self.scenario_id, messages[-1].content))


async def test_the_buyer_reads_its_persona_once_its_briefing_opens(build_app) -> None:
    """Not on the picker: the rep may pick another scenario than the preloaded one."""
    read: list[tuple[str, str]] = []
    app = build_app(buyer=lambda scenario: ReadingBuyer(scenario, read))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert app.load_state.buyers and read == []
        second = app.catalog.scenarios[1]
        await pick(pilot, second.title)
        await settle(pilot)
        assert read == [(second.id, "")]
        await start_call(pilot)
        assert read == [(second.id, "")]


async def test_the_buyer_reads_the_first_turn_as_the_rep_types_it(build_app) -> None:
    read: list[tuple[str, str]] = []
    app = build_app(buyer=lambda scenario: ReadingBuyer(scenario, read))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pick(pilot, app.catalog.scenarios[0].title)
        conversation = await start_call(pilot)
        rep_input = conversation.query_one("#rep-input", RepInput)
        rep_input.value = "How long does your"
        await until(pilot, lambda: len(read) == 2)
        rep_input.value = "How long does your   close take?"
        await until(pilot, lambda: len(read) == 3)
        typed = [text for _, text in read[1:]]
        # With the start of the director's request, which follows any first turn.
        start = BuyerDirector(app.catalog.scenarios[0]).request_start()
        assert typed == [f"How long does your{start}", f"How long does your close take?{start}"]
        await say(pilot, "How long does your close take?")
        reads = len(read)
        rep_input.value = "And what does the board expect?"  # the next prompt is not known yet
        await pilot.pause(TYPING_PAUSE_SECONDS * 2)
        await settle(pilot)
        assert len(read) == reads


async def test_the_buyer_builds_while_the_scorer_loads(build_app, scorer) -> None:
    """A buyer that only reads a built model loads while the scorer's session is built, not
    after it: the two overlap, and Ready comes sooner."""
    buyer_loaded = threading.Event()
    scorer_saw_the_buyer: list[bool] = []

    class LightBuyer(GatedBuyer):
        def loads_light(self) -> bool:
            return True

        def load(self, progress: Progress | None = None) -> None:
            buyer_loaded.set()

    def slow_scorer(rubric: Any) -> Any:
        scorer_saw_the_buyer.append(buyer_loaded.wait(30))  # held until the buyer loads
        return scorer

    app = build_app(buyer=LightBuyer)
    app.scorer_factory = slow_scorer
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.load_state.scorer is not None)
        assert scorer_saw_the_buyer == [True] and list(app.load_state.buyers)

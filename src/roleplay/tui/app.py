"""The practice app: pick a scenario, read the briefing, hold the call, read the debrief.

Build it with `make_app(...)`; tests pass a deterministic buyer and the shared scorer. Heavy
libraries (torch, transformers, sentence-transformers) are imported only inside workers that
start after the first screen is shown, so the app is interactive at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from roleplay import paths
from roleplay.errors import RoleplayError
from roleplay.scenario_index import (
    IndexEntry,
    ScenarioSummary,
    cached_summaries,
    index_entries,
    index_path,
    read_index,
    scenario_files,
    stamp,
    summary_of,
    write_index,
)
from roleplay.tui.library import (
    History,
    SavedSession,
    ScenarioCatalog,
    load_catalog,
    load_history,
    problems_text,
    saved_session,
    transcript_path,
)
from roleplay.tui.messages import (
    BuyerLoaded,
    HistoryLoaded,
    LibraryLoaded,
    ModelLoadFailed,
    ModelLoadProgressed,
    ModelsLoaded,
    ScorerLoaded,
    SessionFailed,
    SessionOpened,
)
from roleplay.tui.screens.picker import PickerScreen
from roleplay.tui.theme import DARK_THEME, LIGHT_THEME, THEMES

if TYPE_CHECKING:
    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.scoring import TurnScorer
    from roleplay.session import PracticeSession
    from roleplay.transcript import Transcript

BuyerFactory = Callable[["Scenario"], "BuyerBackend"]
"""Builds the (not yet loaded) buyer backend for a scenario."""

ScorerFactory = Callable[["Rubric"], "TurnScorer"]
"""Builds the loaded turn scorer for a rubric."""

_MODEL_LOAD_LOCK = threading.Lock()
"""Held by a model load that may import transformers (the scorer, and a buyer that converts
its weights or runs on transformers), whose lazy module breaks when two threads import it at
once. A buyer that only reads a built ONNX model (`loads_light()`) loads beside the scorer."""

SCORER_WAIT_S = 5.0
"""How long a light buyer load waits for the scorer's load to reach a point (its session build,
its end) before it goes on anyway: a safety limit, the scorer takes about a second."""

__all__ = ["DARK_THEME", "LIGHT_THEME", "RoleplayApp", "make_app"]


@dataclass(frozen=True)
class LoadState:
    """How far the model loads are; replaced (never mutated) on every change."""

    scorer: TurnScorer | None = None
    """The loaded turn scorer, once ready."""
    scorer_status: str = "waiting…"
    """What the scorer load is doing."""
    scorer_error: str | None = None
    """Why the scorer failed to load, if it did."""
    buyers: dict[str, BuyerBackend] = field(default_factory=dict)
    """Loaded buyer backends, by scenario id."""
    buyer_progress: tuple[str, float | None] = ("loading…", None)
    """The latest buyer load's status line and fraction done. Every scenario's buyer runs on
    the same model card, so a briefing shows it whichever scenario the load started for (the
    preload's, while the picker was up)."""
    buyer_errors: dict[str, str] = field(default_factory=dict)
    """Per scenario id, why the buyer failed to load."""


class RoleplayApp(App[None]):
    """Practise a discovery conversation with an executive buyer."""

    CSS_PATH = "roleplay.tcss"
    TITLE = "roleplay"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", show=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    load_state: reactive[LoadState] = reactive(LoadState, always_update=True)
    """How far the model loads are; the briefing watches it."""

    def __init__(
        self,
        *,
        buyer_factory: BuyerFactory,
        scorer_factory: ScorerFactory,
        scenario_paths: list[Path] | None,
        rubric_path: Path,
        transcripts_dir: Path,
        start_scenario: str | None = None,
        resume_path: Path | None = None,
        seed: int | None = None,
        rep: str = "",
        theme: str = DARK_THEME,
    ) -> None:
        super().__init__()
        self.buyer_factory = buyer_factory
        self.scorer_factory = scorer_factory
        self.transcripts_dir = transcripts_dir
        self.start_scenario = start_scenario
        self.resume_path = resume_path
        self.seed = seed
        self.rep = rep
        for extra in THEMES:
            self.register_theme(extra)
        self.theme = theme
        self.scenario_paths = scenario_paths
        self.rubric_path = rubric_path
        self.catalog = ScenarioCatalog([], [])
        self.catalog_loaded = False
        self.scenario_list: list[ScenarioSummary] = []
        """What the picker lists: the scenarios of the catalog once it is loaded, before that
        the ones the scenario index knows are unchanged (`roleplay.scenario_index`)."""
        self._index_entries: dict[str, IndexEntry] = {}
        self.rubric: Rubric | None = None
        self.rubric_error: str | None = None
        self.history = History()
        self.session: PracticeSession | None = None
        self.session_path: Path | None = None
        self.session_scenario: Scenario | None = None
        self._personas_read: set[str] = set()
        """Scenario ids whose loaded buyer has been asked to read its persona ahead."""
        self._buyers_loading: set[str] = set()
        """Scenario ids whose buyer is being loaded."""
        self._scorer_settled = threading.Event()
        """Clear while a scorer load runs (or is about to: set on the main thread before the
        buyer's load may look), set once it has finished, loaded or failed."""

    # -- start-up --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        """The first screen, as the base of the screen stack.

        Textual asks for it before the app mounts. As the base screen, rather than pushed
        over Textual's empty default one, it is the first frame painted, styled and laid out
        once: the picker shows about a tenth of a second sooner.
        """
        screen = self._opening_screen()
        # `switch_screen` drops the result callback `push_screen` gives a screen; the base
        # screen gets one too, so that the first screen is switched away like any other.
        screen._push_result_callback(self, None)
        return screen

    def _opening_screen(self) -> Screen[None]:
        if self.resume_path is not None or self.start_scenario is not None:
            self._use_library(*self._read_library())  # the first screen needs the scenario
            return self._first_screen()
        # The picker is interactive at once, listing the scenarios the index knows are
        # unchanged; every file is read and validated in a thread, which updates the list.
        sources = self._scenario_sources()
        self._index_entries = read_index(index_path(sources))
        self.scenario_list = cached_summaries(sources, self._index_entries)
        return PickerScreen()

    def on_mount(self) -> None:
        if self.catalog_loaded:
            self.call_after_refresh(self.reload_history)
        else:
            self.call_after_refresh(self._load_library)

    def _scenario_sources(self) -> list[Path]:
        """The folders (or files) scenarios are read from."""
        if self.scenario_paths is not None:
            return list(self.scenario_paths)
        return [folder.path for folder in paths.scenario_folders()]

    def _read_library(self) -> tuple[ScenarioCatalog, Rubric | None, str | None]:
        """Read the scenarios and the rubric (never raises for a bad file)."""
        from roleplay.rubric import load_rubric

        catalog = load_catalog(self.scenario_paths)
        try:
            return catalog, load_rubric(self.rubric_path), None
        except RoleplayError as exc:
            return catalog, None, f"The rubric could not be loaded: {problems_text(exc)}"

    def _use_library(
        self, catalog: ScenarioCatalog, rubric: Rubric | None, rubric_error: str | None
    ) -> None:
        self.catalog, self.rubric, self.rubric_error = catalog, rubric, rubric_error
        self.scenario_list = [summary_of(scenario) for scenario in catalog.scenarios]
        self.catalog_loaded = True

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _load_library(self) -> None:
        sources = self._scenario_sources()
        stamps = {str(file): stamp(file) for file in scenario_files(sources)}  # before reading
        catalog, rubric, rubric_error = self._read_library()
        self.post_message(LibraryLoaded(catalog, rubric, rubric_error))
        entries = index_entries(catalog.scenarios, stamps)
        if entries != self._index_entries:
            write_index(index_path(sources), entries)

    @on(LibraryLoaded)
    def library_loaded(self, message: LibraryLoaded) -> None:
        self._use_library(message.catalog, message.rubric, message.rubric_error)
        for screen in self.screen_stack:
            if isinstance(screen, PickerScreen) and screen.is_mounted:
                screen.show_catalog()
        self.reload_history()
        self.call_after_refresh(self.preload_models)

    def _first_screen(self) -> Screen[None]:
        """The briefing of `--resume` or `--scenario` if they can be opened, else the picker."""
        from roleplay.tui.screens.briefing import BriefingScreen

        if self.resume_path is not None:
            resume = self._resumable(self.resume_path)
            if resume is not None:
                scenario = self.catalog.find(resume.transcript.scenario_id)
                assert scenario is not None
                return BriefingScreen(scenario, None if resume.finished else resume)
        elif self.start_scenario is not None:
            scenario = self.catalog.find(self.start_scenario)
            if scenario is not None:
                return BriefingScreen(scenario)
            known = ", ".join(s.id for s in self.catalog.scenarios) or "none"
            self.notify(
                f"No scenario '{self.start_scenario}' (known: {known}).",
                title="Unknown scenario",
                severity="error",
                timeout=10,
            )
        return PickerScreen()

    def reload_history(self) -> None:
        """Read the saved transcripts again (best scores, unfinished sessions)."""
        self._load_history()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load_history(self) -> None:
        self.post_message(HistoryLoaded(load_history(self.transcripts_dir, self.rubric)))

    @on(HistoryLoaded)
    def history_loaded(self, message: HistoryLoaded) -> None:
        from roleplay.tui.screens.saved import SavedTranscriptsScreen

        self.history = message.history
        for screen in self.screen_stack:
            if isinstance(screen, PickerScreen | SavedTranscriptsScreen) and screen.is_mounted:
                screen.show_history(self.history)

    # -- model loading ---------------------------------------------------------------------

    def preload_models(self) -> None:
        """Start loading the buyer and the scorer while the rep picks a scenario.

        Neither depends on the scenario picked: the buyer's model card comes from the settings
        (`--model`), the scorer from the rubric. The buyer of the first listed scenario is
        loaded; another scenario's buyer shares its model (the ONNX backend keeps it), so by
        the time a briefing opens both are ready or nearly. Started once the picker lists the
        scenarios, in threads; the picker answers keys meanwhile, except while ONNX Runtime
        GenAI builds the buyer's model, holding the GIL (about half a second). A failure is
        kept, and shown by the briefing as if the briefing had started the load.
        """
        from roleplay.tui.screens.briefing import BriefingScreen

        if self.catalog.scenarios and not isinstance(self.screen, BriefingScreen):
            self.ensure_models(self.catalog.scenarios[0])

    def ensure_models(self, scenario: Scenario, *, retry: bool = False) -> None:
        """Start loading what the scenario needs that is not loaded or loading (or failed, on
        retry)."""
        state = self.load_state
        if retry:
            self._update(
                buyer_errors={k: v for k, v in state.buyer_errors.items() if k != scenario.id},
                scorer_error=None,
            )
        state = self.load_state
        key = scenario.id
        known = state.buyers.keys() | state.buyer_errors.keys() | self._buyers_loading
        load_scorer = state.scorer is None and not state.scorer_error and not self._scorer_loading()
        if load_scorer:
            self._scorer_settled.clear()  # before a buyer's load looks at it
        if key not in known:
            self._buyers_loading.add(key)
            self.load_buyer(scenario)
        if load_scorer:
            self.load_scorer()
        self._read_ahead_when_ready(scenario)

    def _scorer_loading(self) -> bool:
        return any(w.group == "scorer" and not w.is_finished for w in self.workers)

    def _update(self, **changes: Any) -> None:
        self.load_state = dataclasses.replace(self.load_state, **changes)

    @work(thread=True, exclusive=True, group="scorer", exit_on_error=False)
    def load_scorer(self) -> None:
        """Load the turn scorer (imports sentence-transformers: seconds) in a thread."""
        try:
            self._load_scorer()
        finally:
            self._scorer_settled.set()

    def _load_scorer(self) -> None:
        if self.rubric is None:
            self.post_message(ModelLoadFailed("scorer", self.rubric_error or "no rubric"))
            return
        self.post_message(
            ModelLoadProgressed("scorer", "loading the sentence model (a few seconds)…", None)
        )
        try:
            with _MODEL_LOAD_LOCK:
                scorer = self.scorer_factory(self.rubric)
        except RoleplayError as exc:
            self.post_message(ModelLoadFailed("scorer", problems_text(exc)))
            return
        except Exception as exc:
            self.post_message(ModelLoadFailed("scorer", f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ScorerLoaded(scorer))

    def _wait_for_the_scorer_session(self) -> None:
        """Wait until the scorer's load has reached its ONNX session (or finished).

        ONNX Runtime GenAI holds the GIL while it builds the buyer's model, so started before
        the scorer's Python steps (imports, heads, tokenizer) are done, the buyer's build would
        hold them up. ONNX Runtime holds the GIL for much of the scorer's session build too, so
        the two builds mostly take turns (see `SESSION_BUILDING`); Ready comes when both are
        done, whichever goes first (the same within the noise, measured both ways).
        """
        from roleplay.scoring.model import SESSION_BUILDING

        deadline = time.monotonic() + SCORER_WAIT_S
        while not (SESSION_BUILDING.is_set() or self._scorer_settled.is_set()):
            if time.monotonic() > deadline:
                return
            SESSION_BUILDING.wait(0.01)

    @work(thread=True, group="buyer", exit_on_error=False)
    def load_buyer(self, scenario: Scenario) -> None:
        """Build and load the buyer backend for `scenario` in a thread, reporting progress.

        A buyer that only reads a built ONNX model loads while the scorer loads, starting once
        the scorer's session build has begun (`_wait_for_the_scorer_session`); its tokenizer is
        read after Ready (`read_tokenizers`).
        """
        key = scenario.id

        def progress(status: str, fraction: float | None) -> None:
            self.post_message(ModelLoadProgressed("buyer", status, fraction, key))

        progress("loading…", None)
        try:
            buyer = self.buyer_factory(scenario)
            light = getattr(buyer, "loads_light", None)
            lock = contextlib.nullcontext() if light is not None and light() else _MODEL_LOAD_LOCK
            if lock is _MODEL_LOAD_LOCK and _MODEL_LOAD_LOCK.locked():
                progress("waiting for the scorer to load…", None)
            elif not self._scorer_settled.is_set():
                self._wait_for_the_scorer_session()
            with lock:
                buyer.load(progress)
        except RoleplayError as exc:
            self.post_message(ModelLoadFailed("buyer", problems_text(exc), key))
            return
        except Exception as exc:
            self.post_message(ModelLoadFailed("buyer", f"{type(exc).__name__}: {exc}", key))
            return
        self.post_message(BuyerLoaded(buyer, key))

    @on(ModelLoadProgressed)
    def model_load_progressed(self, message: ModelLoadProgressed) -> None:
        if message.component == "scorer":
            self._update(scorer_status=message.status)
        else:
            self._update(buyer_progress=(message.status, message.fraction))

    @on(ScorerLoaded)
    def scorer_loaded(self, message: ScorerLoaded) -> None:
        self._update(scorer=message.scorer, scorer_status="ready")
        self._announce_models()

    @on(BuyerLoaded)
    def buyer_loaded(self, message: BuyerLoaded) -> None:
        self._buyers_loading.discard(message.key)
        self._update(buyers={**self.load_state.buyers, message.key: message.buyer})
        self._announce_models()

    def _announce_models(self) -> None:
        if self.load_state.scorer is not None and self.load_state.buyers:
            self.post_message(ModelsLoaded())
            self.call_after_refresh(self.read_tokenizers)
            from roleplay.tui.screens.briefing import BriefingScreen

            if isinstance(self.screen, BriefingScreen):
                self._read_ahead_when_ready(self.screen.scenario)

    @work(thread=True, group="tokenizer", exit_on_error=False)
    def read_tokenizers(self) -> None:
        """Have the loaded buyers read their tokenizers (see `OnnxBackend`: not needed for
        Ready, and holding the GIL a quarter of a second), once Ready is on screen. A failure
        is left for the first prompt to report."""
        for buyer in list(self.load_state.buyers.values()):
            read_tokenizer = getattr(buyer, "read_tokenizer", None)
            if read_tokenizer is not None:
                with contextlib.suppress(RoleplayError):
                    read_tokenizer()

    def _read_ahead_when_ready(self, scenario: Scenario) -> None:
        """Once both models are ready, have the buyer of `scenario`, whose briefing the rep is
        reading, read its persona (once). Not on the picker: the rep may pick another.

        Started after the next refresh: ONNX Runtime GenAI holds the GIL while it reads, so the
        screen (Ready, or the briefing itself) is painted first."""
        state = self.load_state
        buyer = state.buyers.get(scenario.id)
        if buyer is None or state.scorer is None or scenario.id in self._personas_read:
            return
        self._personas_read.add(scenario.id)
        self.call_after_refresh(self.read_persona_ahead, buyer, scenario)

    @work(thread=True, group="read-ahead", exit_on_error=False)
    def read_persona_ahead(self, buyer: BuyerBackend, scenario: Scenario) -> None:
        """Have a buyer read its persona while the rep reads the briefing (the first reply then
        runs only what the rep said). Started once both models are Ready, so it never delays
        that; a reply that starts first waits for it. If the model fails here, the first reply
        reads the persona itself and reports the failure."""
        from roleplay.buyer import read_ahead

        with contextlib.suppress(RoleplayError):
            read_ahead(buyer, scenario)

    @on(ModelLoadFailed)
    def model_load_failed(self, message: ModelLoadFailed) -> None:
        if message.component == "scorer":
            self._update(scorer_error=f"Scorer: {message.error}")
        else:
            self._buyers_loading.discard(message.key)
            errors = dict(self.load_state.buyer_errors)
            errors[message.key] = f"Buyer: {message.error}"
            self._update(buyer_errors=errors)
        from roleplay.tui.screens.briefing import BriefingScreen

        if isinstance(self.screen, BriefingScreen):  # else the briefing shows it on opening
            self.notify(
                message.error, title=f"The {message.component} did not load", severity="error"
            )

    # -- navigation ------------------------------------------------------------------------

    def _show(self, screen: Screen[Any]) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()  # close dialogs and replays opened over the current screen first
        self.switch_screen(screen)

    def show_picker(self) -> None:
        """Show the scenario picker, with fresh best scores."""
        self._show(PickerScreen())
        self.reload_history()

    def open_briefing(self, scenario: Scenario, resume: SavedSession | None = None) -> None:
        """Show the briefing of `scenario` and start loading its models."""
        from roleplay.tui.screens.briefing import BriefingScreen

        self._show(BriefingScreen(scenario, resume))

    def open_resume(self, path: Path) -> None:
        """Open the briefing to resume the transcript at `path`."""
        resume = self._resumable(path)
        if resume is None:
            return
        scenario = self.catalog.find(resume.transcript.scenario_id)
        assert scenario is not None
        self.open_briefing(scenario, None if resume.finished else resume)

    def _resumable(self, path: Path) -> SavedSession | None:
        """The saved session at `path` if its scenario is available; else say why, and None."""
        from roleplay.transcript import load_transcript

        try:
            transcript = load_transcript(path)
        except RoleplayError as exc:
            self.notify(exc.message, title="Cannot resume", severity="error", timeout=10)
            return None
        if self.catalog.find(transcript.scenario_id) is None:
            self.notify(
                f"The transcript's scenario '{transcript.scenario_id}' is not available.",
                title="Cannot resume",
                severity="error",
                timeout=10,
            )
            return None
        if transcript.finished:
            self.notify("That conversation is finished; you can practise the scenario again.")
        return saved_session(path, transcript, self.rubric)

    def start_conversation(self, scenario: Scenario, resume: SavedSession | None = None) -> None:
        """Start (or resume) a practice session, then show the conversation.

        The session is built in a thread: its director embeds the scenario's lines, which takes
        a moment the screen should not freeze for.
        """
        state = self.load_state
        buyer = state.buyers.get(scenario.id)
        if buyer is None or state.scorer is None or self.rubric is None:
            self.notify("The models are not ready yet.", severity="warning")
            return
        if any(w.group == "session" and not w.is_finished for w in self.workers):
            return  # already starting
        show_starting = getattr(self.screen, "show_starting", None)
        if show_starting is not None:
            show_starting()
        self._open_session(scenario, resume, buyer, state.scorer, self.rubric)

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def _open_session(
        self,
        scenario: Scenario,
        resume: SavedSession | None,
        buyer: BuyerBackend,
        scorer: TurnScorer,
        rubric: Rubric,
    ) -> None:
        from roleplay.session import PracticeSession

        try:
            if resume is not None:
                path = resume.path
                session = PracticeSession.resume(
                    resume.transcript, scenario, rubric, buyer, scorer, save_to=path
                )
            else:
                path = transcript_path(self.transcripts_dir, scenario.id, datetime.now())
                session = PracticeSession(
                    scenario, rubric, buyer, scorer, save_to=path, seed=self.seed, rep=self.rep
                )
            session.open()
        except RoleplayError as exc:
            self.post_message(SessionFailed(problems_text(exc)))
            return
        except Exception as exc:  # a bug: say so in the app rather than crash it
            self.post_message(SessionFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(SessionOpened(session, path, scenario, resume is not None))

    @on(SessionOpened)
    def session_opened(self, message: SessionOpened) -> None:
        from roleplay.tui.screens.conversation import ConversationScreen

        assert self.rubric is not None
        self.session = message.session
        self.session_path = message.path
        self.session_scenario = message.scenario
        self._show(
            ConversationScreen(
                message.scenario, self.rubric, message.session, resumed=message.resumed
            )
        )

    @on(SessionFailed)
    def session_failed(self, message: SessionFailed) -> None:
        self.notify(message.error, title="Cannot start the call", severity="error", timeout=10)
        self.load_state = self.load_state  # the briefing shows its ready state again

    def show_debrief(self, session: PracticeSession) -> None:
        """Show the debrief of `session`."""
        from roleplay.tui.screens.debrief import DebriefScreen

        scenario = self.session_scenario
        if scenario is None or self.rubric is None:
            return
        try:
            metrics = session.metrics()
        except Exception as exc:  # the debrief still shows scores and facts
            self.notify(f"Metrics unavailable: {exc}", severity="warning")
            metrics = None
        self._show(
            DebriefScreen(scenario, self.rubric, session.transcript, metrics, self.session_path)
        )
        self.reload_history()

    def choose_saved_transcript(self) -> None:
        """List the rep's saved conversations, most recent first; open the chosen one in the
        replay. The list is read again in a thread, so files saved since start-up appear."""
        from roleplay.tui.screens.saved import SavedTranscriptsScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.open_replay(path)

        self.push_screen(
            SavedTranscriptsScreen(self.history, self.catalog, self.transcripts_dir), chosen
        )
        self.reload_history()

    def open_replay(self, path: Path) -> None:
        """Step through the saved conversation at `path` on the coach's replay screen.

        Notes, override scores and "what if" branches the rep adds there are saved into the
        transcript (branches beside it); the replay closes back to the current screen.
        """
        from roleplay.coach.annotate import coach_name
        from roleplay.transcript import load_transcript
        from roleplay.tui.screens.replay import ReplayScreen

        try:
            transcript = load_transcript(path)
        except RoleplayError as exc:
            self.notify(exc.message, title="Cannot open the transcript", severity="error")
            return
        scenario = self.catalog.find(transcript.scenario_id)
        if scenario is None:
            self.notify(
                f"The scenario '{transcript.scenario_id}' is not available: "
                "no metrics or branches in this replay.",
                severity="warning",
            )
        self.push_screen(
            ReplayScreen(
                path,
                coach=coach_name(self.rep or None),
                scenario=scenario,
                rubric=self._rubric_of(transcript),
                branch_loader=self.load_branch_models,
                transcript=transcript,
            )
        )

    def _rubric_of(self, transcript: Transcript) -> Rubric | None:
        """The rubric a transcript was scored with: the app's when the ids match, else the
        file of that id in the rubrics folder (None if it cannot be loaded)."""
        if self.rubric is not None and self.rubric.id == transcript.rubric_id:
            return self.rubric
        from roleplay.coach.lookup import rubric_for

        try:
            return rubric_for(transcript)
        except RoleplayError:
            return self.rubric

    def load_branch_models(
        self, scenario: Scenario, rubric: Rubric
    ) -> tuple[BuyerBackend, TurnScorer]:
        """The buyer and scorer a replay's branch needs (runs in the replay's worker).

        Models the practice already loaded are reused; others are loaded now and kept for
        the next call or branch.
        """
        state = self.load_state
        scorer = state.scorer if rubric is self.rubric else None
        buyer = state.buyers.get(scenario.id)
        with _MODEL_LOAD_LOCK:
            if scorer is None:
                scorer = self.scorer_factory(rubric)
                if rubric is self.rubric:
                    self.post_message(ScorerLoaded(scorer))
            if buyer is None:
                buyer = self.buyer_factory(scenario)
                buyer.load()
                self.post_message(BuyerLoaded(buyer, scenario.id))
        return buyer, scorer

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed unexpectedly is a bug: say so rather than fail silently."""
        if event.state == WorkerState.ERROR:
            self.notify(
                f"{type(event.worker.error).__name__}: {event.worker.error}",
                title="Something went wrong (a bug)",
                severity="error",
                timeout=15,
            )

    # -- app-wide actions ------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the key bindings."""
        from roleplay.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    async def action_quit(self) -> None:
        """Quit, saying where the call's transcript is saved (it is saved after every turn)."""
        self.exit(message=self.saved_message())

    def saved_message(self) -> str | None:
        """Where this run's practice call is saved, and how to resume it if unfinished."""
        path = self.session_path
        if path is None or not path.is_file():
            return None
        message = f"Your transcript is saved in {path}"
        if self.session is not None and not self.session.ended:
            message += f"\nResume the call with: roleplay --resume {path}"
        return message

    def screenshots_dir(self) -> Path:
        """Where the palette's Screenshot saves (made on first use)."""
        return paths.data_dir() / "screenshots"

    def save_screen(self) -> None:
        """Save an SVG of the screen in the screenshots folder and say where."""
        folder = self.screenshots_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.notify(f"Cannot create {folder}: {exc.strerror}", severity="error")
            return
        self.deliver_screenshot(path=str(folder))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel repeats our help, and its Screenshot saves to a Downloads
        # folder that may not exist: each is replaced by one entry of our own.
        replaced = {"Keys", "Screenshot"}
        yield from (c for c in super().get_system_commands(screen) if c.title not in replaced)
        yield SystemCommand("Help: keys", "Show every key binding", self.action_help)
        yield SystemCommand(
            "Screenshot",
            f"Save an SVG picture of this screen in {paths.tilde(self.screenshots_dir())}",
            self.save_screen,
        )
        yield SystemCommand(
            "Toggle dark/light theme", "Switch between dark and light", self.action_toggle_theme
        )
        if not isinstance(screen, PickerScreen):
            yield SystemCommand("Choose scenario", "Back to the scenario picker", self.show_picker)
        palette: Iterable[tuple[str, str, str]] = getattr(screen, "PALETTE", ())
        for title, help_text, action in palette:
            callback = getattr(screen, f"action_{action}")
            yield SystemCommand(title, help_text, functools.partial(callback))


def _default_buyer_factory(model: str | None) -> BuyerFactory:
    def build(scenario: Scenario) -> BuyerBackend:
        from roleplay.buyer import load_backend

        return load_backend(model, scenario)

    return build


def _default_scorer_factory(rubric: Rubric) -> TurnScorer:
    from roleplay.scoring import TurnScorer

    return TurnScorer.load(rubric)


def make_app(
    *,
    buyer_factory: BuyerFactory | None = None,
    scorer_factory: ScorerFactory | None = None,
    scenarios_dir: Path | None = None,
    rubric_path: Path | None = None,
    transcripts_dir: Path | None = None,
    model: str | None = None,
    scenario: str | None = None,
    resume: Path | None = None,
    seed: int | None = None,
    rep: str = "",
    theme: str = DARK_THEME,
) -> RoleplayApp:
    """Build the practice app.

    Args:
        buyer_factory: Builds the buyer backend for a scenario (default: the model card
            `model` through `roleplay.buyer.load_backend`).
        scorer_factory: Builds the turn scorer (default: `TurnScorer.load`, real MiniLM).
        scenarios_dir: Where scenario files are (default: the author's folders and the
            shipped scenarios, `paths.scenario_folders()`).
        rubric_path: The rubric (default: `paths.default_rubric()`).
        transcripts_dir: Where transcripts are saved (default: `paths.transcripts_dir()`).
        model: The model card name for the default buyer factory (None: the default model).
        scenario: A scenario id to open directly, skipping the picker.
        resume: A transcript to resume.
        seed: The buyer's random seed, for reproducible conversations.
        rep: The rep's name, recorded in transcripts.
        theme: `DARK_THEME` or `LIGHT_THEME` (or any Textual theme name).
    """
    return RoleplayApp(
        buyer_factory=buyer_factory or _default_buyer_factory(model),
        scorer_factory=scorer_factory or _default_scorer_factory,
        scenario_paths=[scenarios_dir] if scenarios_dir else None,
        rubric_path=rubric_path or paths.default_rubric(),
        transcripts_dir=transcripts_dir or paths.transcripts_dir(),
        start_scenario=scenario,
        resume_path=resume,
        seed=seed,
        rep=rep,
        theme=theme,
    )

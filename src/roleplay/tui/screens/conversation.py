"""The conversation: the buyer streams, the rep's turns are scored, the side panel keeps count."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from roleplay.errors import RoleplayError
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.transcript import Transcript, Turn
from roleplay.tui.messages import (
    BuyerModelStarting,
    BuyerReplyFailed,
    BuyerReplyFinished,
    BuyerReplyStarted,
    BuyerReplyStreamed,
    SessionSnapshot,
    TurnRejected,
    TurnScored,
)
from roleplay.tui.screens.explain import ExplainScreen
from roleplay.tui.widgets.dimension_bar import DimensionBar
from roleplay.tui.widgets.metrics_panel import MetricsPanel
from roleplay.tui.widgets.patience_meter import PatienceMeter
from roleplay.tui.widgets.rep_input import RepInput, clean_text
from roleplay.tui.widgets.turn_bubble import TurnBubble

if TYPE_CHECKING:
    from textual.timer import Timer

    from roleplay.scoring.metrics import ConversationMetrics
    from roleplay.session import PracticeSession
    from roleplay.tui.app import RoleplayApp

ENDINGS = {
    "rep": "You ended the call.",
    "turn_limit": "The call reached its turn limit.",
    "patience": "The buyer ran out of patience.",
    "crash": "The call was cut off.",
}

TYPING_PAUSE_SECONDS = 0.3
"""How long the rep's typing pauses before the buyer reads the first turn typed so far."""

CATCH_UP_SECONDS = 0.25
"""The longest a reply waits for the screen to paint the turn's scores and the buyer's first
words before the model reads its prompt (`BuyerModelStarting`)."""


def snapshot_of(session: PracticeSession, scenario: Scenario) -> SessionSnapshot:
    """The running picture of `session`; safe to call from the worker thread."""
    state = session.state
    metrics: ConversationMetrics | None = None
    talk_share: float | None = None
    questions: int | None = None
    try:
        metrics = session.metrics()
        talk_share = metrics.talk_share
        questions = metrics.question_count
    except Exception:  # the side panel must never take the conversation down
        metrics = None
        talk_share, questions = _rough_counts(session.transcript)
    return SessionSnapshot(
        patience=state.patience,
        max_patience=state.max_patience,
        uncovered=len(state.uncovered),
        facts_total=len(scenario.hidden_facts),
        turns_left=getattr(state, "turns_left", None),
        talk_share=talk_share,
        question_count=questions,
        ended=session.ended,
        ended_by=session.ended_by,
        metrics=metrics,
    )


def _rough_counts(transcript: Transcript) -> tuple[float | None, int]:
    """Talk share by words and questions by question marks, when full metrics are unavailable."""
    rep_words = sum(len(t.text.split()) for t in transcript.turns if t.role == "rep")
    all_words = sum(len(t.text.split()) for t in transcript.turns)
    questions = sum(t.text.count("?") for t in transcript.turns if t.role == "rep")
    return (rep_words / all_words if all_words else None), questions


class ChatLog(VerticalScroll):
    """The conversation's scrolling log: it follows the newest words while the rep is at the
    bottom, however late a bubble grows (a streamed word, a row of score chips)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._following = True

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._following = new >= self.max_scroll_y - 1

    def watch_virtual_size(self) -> None:
        if self._following:
            self.scroll_end(animate=False)


class ConversationScreen(Screen[None]):
    """Hold the conversation with the buyer."""

    app: RoleplayApp

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Interrupt buyer", "Stop the buyer's reply now", "interrupt"),
        ("Explain turn", "Why the selected turn scored as it did, and a better one", "explain"),
        ("End call", "End the conversation and see the debrief", "end_call"),
        ("Retry buyer reply", "Ask the buyer to reply again after a failure", "retry_reply"),
    ]
    """Command palette entries: title, help, action."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "interrupt", "Interrupt", show=True),
        Binding("f2", "explain", "Explain turn", show=True),
        Binding("f3", "end_call", "End call", show=True),
        Binding("f5", "retry_reply", "Retry reply", show=False),
        Binding("alt+up,ctrl+up", "select_turn(-1)", "Previous turn", show=False),
        Binding("alt+down,ctrl+down", "select_turn(1)", "Next turn", show=False),
    ]

    buyer_speaking: reactive[bool] = reactive(False)
    """True while the buyer replies: the rep's input is locked."""

    def __init__(
        self,
        scenario: Scenario,
        rubric: Rubric,
        session: PracticeSession,
        *,
        resumed: bool = False,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.rubric = rubric
        self.session = session
        self.resumed = resumed
        self._stop = threading.Event()
        self._streaming: TurnBubble | None = None
        self._pending: TurnBubble | None = None
        self._selected: int | None = None
        self._end_after_reply = False
        self._reply_pending = False
        self._typing_pause: Timer | None = None
        """Reads the first turn typed so far when it fires (each key restarts it)."""
        self.snapshot: SessionSnapshot | None = None
        self.title = f"{self.scenario.buyer.name}, {self.scenario.buyer.title}"
        self.sub_title = self.scenario.buyer.company

    @property
    def buyer_first_name(self) -> str:
        return self.scenario.buyer.name.split()[0]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="conversation-body"):
            with Vertical(id="chat"):
                yield ChatLog(id="log", can_focus=False)
                yield Static("", id="chat-status")
                yield RepInput(placeholder="Your turn… (Enter to send)", id="rep-input")
            with VerticalScroll(id="side", can_focus=False):
                yield Static(Content("Your scores"), classes="side-title")
                for name in DIMENSIONS:
                    yield DimensionBar(name, self.rubric, id=f"dim-{name}")
                yield Static(Content("The call"), classes="side-title")
                yield MetricsPanel(id="metrics")
                yield PatienceMeter(
                    self.session.state.patience, self.session.state.max_patience, id="patience"
                )
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one("#log", VerticalScroll)
        turns = list(self.session.transcript.turns)
        if not turns:
            turns = [self.session.open()]
        for number, turn in enumerate(turns, start=1):
            log.mount(self._bubble(turn, number))
        self._refresh_side(snapshot_of(self.session, self.scenario))
        self._refresh_dimensions()
        if self.resumed:
            # Said on this screen, not in a toast, so it never outlives the call.
            self._set_status(
                Content.from_markup("[dim]Resumed from the saved transcript: carry on.[/]")
            )
        self.query_one("#rep-input", RepInput).focus()
        log.scroll_end(animate=False)
        if turns and turns[-1].role == "rep" and not self.session.ended:
            # Cut off mid-reply last time: let the buyer answer the rep's last turn now.
            self._start_reply()
        else:
            self.prepare_next_turn()

    def _bubble(self, turn: Turn, number: int) -> TurnBubble:
        speaker = "You" if turn.role == "rep" else self.scenario.buyer.name
        return TurnBubble(speaker, turn, self.rubric, number=number)

    # -- the rep speaks --------------------------------------------------------------------

    @on(RepInput.Submitted, "#rep-input")
    def turn_submitted(self, event: RepInput.Submitted) -> None:
        if self.session.ended:
            self.app.show_debrief(self.session)
            return
        if self.buyer_speaking:
            # The text stays in the input; it can be sent once the buyer has finished.
            self._set_status(
                Content.from_markup(
                    "[$text-warning]$name is still speaking:[/] your turn is kept here; "
                    "press Enter again when they finish (Escape interrupts them).",
                    name=self.buyer_first_name,
                )
            )
            return
        from roleplay.session import clean_turn

        if not clean_text(event.value):
            event.input.value = ""
            return  # an empty turn is ignored
        try:
            text = clean_turn(event.value)
        except RoleplayError as exc:  # too long: keep the text so the rep can shorten it
            self._set_status(Content.from_markup("[$text-error]$reason[/]", reason=exc.message))
            return
        if self.session.awaiting_reply:
            self._set_status(
                Content.from_markup(
                    "[$text-warning]The buyer has not answered your last turn yet.[/] "
                    "Press F5 to let them answer, then send this turn."
                )
            )
            return
        event.input.value = ""
        self._stop.clear()
        self.buyer_speaking = True
        # The rep's words show at once; their score chips fill in when the worker has scored them.
        self._pending = self._bubble(
            Turn(role="rep", text=text), len(self.session.transcript.turns) + 1
        )
        self.query_one("#log", VerticalScroll).mount(self._pending)
        self._scroll_end()
        self.run_turn(text)

    @on(RepInput.Changed, "#rep-input")
    def first_turn_typed(self, event: RepInput.Changed) -> None:
        """While the rep types the call's first turn, the buyer reads it (`read_ahead`) at each
        pause: reading holds the app for a few milliseconds a word, so not at every key."""
        if self._typing_pause is not None:
            self._typing_pause.stop()
            self._typing_pause = None
        typed = clean_text(event.value)
        if typed and not self.session.transcript.rep_turns and not self.session.ended:
            self._typing_pause = self.set_timer(
                TYPING_PAUSE_SECONDS, lambda: self.read_first_turn_ahead(typed)
            )

    @work(thread=True, group="read-ahead", exit_on_error=False)
    def read_first_turn_ahead(self, typed: str) -> None:
        """Have the buyer read what the rep has typed of the first turn: the first reply then
        runs only the director's request after it. A failure is left for the reply to report."""
        from roleplay.buyer import read_ahead

        with contextlib.suppress(RoleplayError):
            read_ahead(self.session.buyer, self.scenario, typed)

    @work(thread=True, group="read-ahead", exit_on_error=False)
    def prepare_next_turn(self) -> None:
        """Ready the scorer for the rep's next turn while the rep reads and types (worker
        thread; `PracticeSession.prepare_next_turn`)."""
        self._prepare_next_turn()

    def _prepare_next_turn(self) -> None:
        # Preparing only saves time later: whatever fails here fails again, and is reported,
        # when the turn is scored.
        with contextlib.suppress(Exception):
            self.session.prepare_next_turn()

    @work(thread=True, exclusive=True, group="turn", exit_on_error=False)
    def run_turn(self, text: str) -> None:
        """Record and score the rep's turn, then stream the buyer's reply (worker thread)."""
        try:
            turn = self.session.submit(text)
        except RoleplayError as exc:
            self.post_message(TurnRejected(exc.message))
            return
        except Exception as exc:  # a bug must not lose the conversation
            self.post_message(TurnRejected(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(TurnScored(turn, snapshot_of(self.session, self.scenario)))
        self._stream_reply()

    @work(thread=True, exclusive=True, group="turn", exit_on_error=False)
    def run_reply(self) -> None:
        """Stream the buyer's reply to the rep's last turn (worker thread)."""
        self._stream_reply()

    def _stream_reply(self) -> None:
        worker = get_current_worker()

        def should_stop() -> bool:
            return worker.is_cancelled or self._stop.is_set()

        def let_the_screen_catch_up() -> None:
            # The model holds the GIL while it reads the prompt (up to a second): paint the
            # scores and any authored first words before that, not after.
            shown = threading.Event()
            self.post_message(BuyerModelStarting(shown))
            shown.wait(CATCH_UP_SECONDS)

        self.post_message(BuyerReplyStarted(len(self.session.transcript.turns) + 1))
        try:
            for chunk in self.session.reply(should_stop, let_the_screen_catch_up):
                self.post_message(BuyerReplyStreamed(chunk))
        except RoleplayError as exc:
            self.post_message(
                BuyerReplyFailed(exc.message, snapshot_of(self.session, self.scenario))
            )
            return
        except Exception as exc:
            self.post_message(
                BuyerReplyFailed(
                    f"{type(exc).__name__}: {exc}", snapshot_of(self.session, self.scenario)
                )
            )
            return
        last = self.session.last_turn
        self.post_message(
            BuyerReplyFinished(
                last if last.role == "buyer" else None, snapshot_of(self.session, self.scenario)
            )
        )
        self._prepare_next_turn()  # on this worker, while the rep reads the reply

    def _start_reply(self) -> None:
        self._stop.clear()
        self.buyer_speaking = True
        self.run_reply()

    # -- what the workers report -----------------------------------------------------------

    @on(TurnRejected)
    def turn_rejected(self, message: TurnRejected) -> None:
        if self._pending is not None:
            self.query_one("#rep-input", RepInput).value = self._pending.text
            self._pending.remove()
            self._pending = None
        self.buyer_speaking = False
        self._set_status(Content.from_markup("[$text-error]$reason[/]", reason=message.reason))

    @on(TurnScored)
    def turn_scored(self, message: TurnScored) -> None:
        if self._pending is not None:
            self._pending.set_scored(message.turn)
            self._pending = None
        else:
            self.query_one("#log", VerticalScroll).mount(
                self._bubble(message.turn, self._number_of(message.turn))
            )
        rep_index = len(self.session_rep_bubbles()) - 1
        self._select(rep_index)
        self._refresh_side(message.snapshot)
        self._refresh_dimensions()
        self._scroll_end()

    @on(BuyerReplyStarted)
    def reply_started(self, message: BuyerReplyStarted) -> None:
        self._set_status(
            Content.from_markup(
                "[dim]$name is speaking… Escape interrupts.[/]", name=self.buyer_first_name
            )
        )
        self._streaming = TurnBubble(
            self.scenario.buyer.name, None, self.rubric, number=message.number
        )
        self.query_one("#log", VerticalScroll).mount(self._streaming)
        self._scroll_end()

    @on(BuyerModelStarting)
    def model_starting(self, message: BuyerModelStarting) -> None:
        self.call_after_refresh(message.shown.set)

    @on(BuyerReplyStreamed)
    def reply_streamed(self, message: BuyerReplyStreamed) -> None:
        if self._streaming is not None:
            self._streaming.append(message.chunk)
            self._scroll_end()

    @on(BuyerReplyFinished)
    def reply_finished(self, message: BuyerReplyFinished) -> None:
        if self._streaming is not None:
            self._streaming.finish(message.turn)
            if message.turn is None or (
                not message.turn.text.strip() and message.turn.source != "interrupted"
            ):
                self._streaming.remove()
            self._streaming = None
        self.buyer_speaking = False
        self._set_status(Content(""))
        self._refresh_side(message.snapshot)
        self._scroll_end()
        if self._end_after_reply:
            self._end_after_reply = False
            self.end_call_now()
        elif message.snapshot.ended:
            self._show_ended(message.snapshot)

    @on(BuyerReplyFailed)
    def reply_failed(self, message: BuyerReplyFailed) -> None:
        if self._streaming is not None:
            self._streaming.finish(None, note="(reply failed)")
            self._streaming = None
        self.buyer_speaking = False
        self._set_status(
            Content.from_markup(
                "[b $text-error]The buyer's reply failed:[/] $error\n"
                "[dim]Your turn is saved. Press F5 to retry the reply, or F3 to end the call.[/]",
                error=message.error,
            )
        )
        if message.snapshot is not None:
            self._refresh_side(message.snapshot)

    # -- state shown on screen -------------------------------------------------------------

    def watch_buyer_speaking(self, speaking: bool) -> None:
        # Sending is locked while the buyer speaks (see `turn_submitted`), typing is not: the
        # rep may prepare the next turn, and nothing typed is lost.
        rep_input = self.query_one("#rep-input", RepInput)
        if speaking:
            rep_input.placeholder = (
                f"{self.buyer_first_name} is speaking… type your next turn (Escape interrupts)"
            )
        else:
            rep_input.placeholder = (
                "The call is over: press Enter for your debrief"
                if self.session.ended
                else "Your turn… (Enter to send)"
            )
            rep_input.focus()

    def _set_status(self, content: Content) -> None:
        status = self.query_one("#chat-status", Static)
        status.update(content)
        status.display = bool(content.plain)

    def _refresh_side(self, snapshot: SessionSnapshot) -> None:
        self.snapshot = snapshot
        self.query_one("#metrics", MetricsPanel).show(snapshot)
        self.query_one("#patience", PatienceMeter).show(snapshot.patience, snapshot.max_patience)

    def _refresh_dimensions(self) -> None:
        turns = [t for t in self.session_rep_bubbles() if t.turn is not None]
        for name in DIMENSIONS:
            values = [
                getattr(b.turn.scores, name)
                for b in turns
                if b.turn is not None and b.turn.scores is not None
            ]
            self.query_one(f"#dim-{name}", DimensionBar).set_scores(values)

    def _show_ended(self, snapshot: SessionSnapshot) -> None:
        reason = ENDINGS.get(snapshot.ended_by or "rep", "The call is over.")
        self._set_status(
            Content.from_markup("[b]$reason[/] Press Enter for your debrief.", reason=reason)
        )
        self.query_one(
            "#rep-input", RepInput
        ).placeholder = "The call is over: press Enter for your debrief"

    def _scroll_end(self) -> None:
        self.query_one("#log", VerticalScroll).scroll_end(animate=False)

    def _number_of(self, turn: Turn) -> int:
        """The turn's place in the whole call (1-based, both sides), as every view numbers it."""
        for number, recorded in enumerate(self.session.transcript.turns, start=1):
            if recorded is turn:
                return number
        return len(self.session.transcript.turns) + 1

    def session_rep_bubbles(self) -> list[TurnBubble]:
        """The rep's bubbles, in order."""
        return [b for b in self.query(TurnBubble) if b.is_rep]

    def _select(self, index: int | None) -> None:
        bubbles = self.session_rep_bubbles()
        self._selected = index
        for i, bubble in enumerate(bubbles):
            bubble.selected = i == index
        if index is not None and 0 <= index < len(bubbles):
            bubbles[index].scroll_visible(animate=False)

    # -- actions ---------------------------------------------------------------------------

    def action_interrupt(self) -> None:
        """Stop the buyer mid-reply; what was said so far is kept."""
        if self.buyer_speaking:
            self._stop.set()
            self._set_status(Content.from_markup("[dim]Interrupting…[/]"))

    def action_select_turn(self, step: int) -> None:
        """Move the selection to the previous or next rep turn."""
        bubbles = self.session_rep_bubbles()
        if not bubbles:
            return
        current = self._selected if self._selected is not None else len(bubbles) - 1
        self._select(max(0, min(len(bubbles) - 1, current + step)))

    def action_explain(self) -> None:
        """Show why the selected (or last) turn scored as it did, and a better alternative."""
        bubbles = self.session_rep_bubbles()
        if not bubbles:
            self.notify("No turn to explain yet: say something first.")
            return
        index = self._selected if self._selected is not None else len(bubbles) - 1
        turn = bubbles[min(index, len(bubbles) - 1)].turn
        if turn is None or turn.score is None:
            self.notify("That turn has not been scored yet.")
            return
        self.app.push_screen(ExplainScreen(turn, self.rubric, self._number_of(turn)))

    def action_end_call(self) -> None:
        """Ask once, then end the call and show the debrief (an ended call cannot go on)."""
        if self.session.ended:
            self.app.show_debrief(self.session)
            return
        from roleplay.tui.screens.confirm import ConfirmScreen

        def answered(end: bool | None) -> None:
            if end:
                self.end_call_now()

        self.app.push_screen(
            ConfirmScreen(
                "End the call?",
                f"{self.buyer_first_name} will not take the call up again: an ended call "
                "cannot be resumed. Your transcript is saved either way.",
                yes="End call",
                no="Keep talking",
            ),
            answered,
        )

    def end_call_now(self) -> None:
        """End the call (once the buyer's reply stops) and show the debrief."""
        if self.buyer_speaking:
            self._end_after_reply = True
            self._stop.set()
            return
        if not self.session.ended:
            try:
                self.session.end("rep")
            except RoleplayError as exc:
                self.notify(exc.message, title="Could not save", severity="error")
        self.app.show_debrief(self.session)

    def action_retry_reply(self) -> None:
        """Ask the buyer again to reply to the rep's last turn (after a failure)."""
        if self.buyer_speaking or self.session.ended:
            return
        if self.session.transcript.turns and self.session.last_turn.role == "rep":
            self._start_reply()
        else:
            self.notify("The buyer has already replied.")

    def on_unmount(self) -> None:
        self._stop.set()  # a reply still streaming is recorded as interrupted and saved

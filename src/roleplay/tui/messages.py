"""Messages the app's workers post, each named for what happened.

Workers never touch widgets: they post one of these and an `@on(...)` handler on the main
thread changes the state the screens show.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from roleplay.buyer.base import BuyerBackend
    from roleplay.rubric import Rubric
    from roleplay.scenario import Scenario
    from roleplay.scoring import TurnScorer
    from roleplay.scoring.metrics import ConversationMetrics
    from roleplay.session import PracticeSession
    from roleplay.transcript import EndedBy, Turn
    from roleplay.tui.library import History, ScenarioCatalog

Component = Literal["buyer", "scorer"]
"""The two models a call needs."""


@dataclass(frozen=True)
class SessionSnapshot:
    """The running picture of a conversation, taken in the worker after each change."""

    patience: int
    """The buyer's patience now."""
    max_patience: int
    """The buyer's patience at the start."""
    uncovered: int
    """Hidden facts uncovered so far (a count: the content waits for the debrief)."""
    facts_total: int
    """Hidden facts in the scenario."""
    turns_left: int | None
    """Rep turns left before the turn limit, if known."""
    talk_share: float | None = None
    """The rep's share of the words spoken, from 0 to 1."""
    question_count: int | None = None
    """Questions the rep asked."""
    ended: bool = False
    """Whether the conversation is over."""
    ended_by: EndedBy | None = None
    """Why it ended."""
    metrics: ConversationMetrics | None = field(default=None, compare=False)
    """The full metrics, when they could be computed."""


class ModelLoadProgressed(Message):
    """A model load moved on: a status line and the fraction done (None when unknown)."""

    def __init__(
        self, component: Component, status: str, fraction: float | None, key: str = ""
    ) -> None:
        self.component: Component = component
        self.status = status
        self.fraction = fraction
        self.key = key
        """The scenario id a buyer is loaded for (empty for the scorer)."""
        super().__init__()


class ScorerLoaded(Message):
    """The turn scorer is ready."""

    def __init__(self, scorer: TurnScorer) -> None:
        self.scorer = scorer
        super().__init__()


class BuyerLoaded(Message):
    """The buyer of scenario `key` is loaded and ready to reply."""

    def __init__(self, buyer: BuyerBackend, key: str) -> None:
        self.buyer = buyer
        self.key = key
        super().__init__()


class ModelLoadFailed(Message):
    """A model could not be loaded; `error` says what went wrong and what to do."""

    def __init__(self, component: Component, error: str, key: str = "") -> None:
        self.component: Component = component
        self.error = error
        self.key = key
        """The scenario id a buyer was loaded for (empty for the scorer)."""
        super().__init__()


class ModelsLoaded(Message):
    """Both the buyer and the scorer are ready: the conversation can start."""


class LibraryLoaded(Message):
    """The scenario files and the rubric were read (bad files are listed, not raised)."""

    def __init__(
        self, catalog: ScenarioCatalog, rubric: Rubric | None, rubric_error: str | None
    ) -> None:
        self.catalog = catalog
        self.rubric = rubric
        self.rubric_error = rubric_error
        super().__init__()


class HistoryLoaded(Message):
    """The saved transcripts were read (best scores, unfinished sessions)."""

    def __init__(self, history: History) -> None:
        self.history = history
        super().__init__()


class SessionOpened(Message):
    """A practice session was built (or rebuilt from a transcript) and the call can start."""

    def __init__(
        self, session: PracticeSession, path: Path, scenario: Scenario, resumed: bool
    ) -> None:
        self.session = session
        self.path = path
        self.scenario = scenario
        self.resumed = resumed
        super().__init__()


class SessionFailed(Message):
    """A practice session could not be started; `error` says why."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class TurnScored(Message):
    """The rep's turn was recorded and scored, before the buyer replies."""

    def __init__(self, turn: Turn, snapshot: SessionSnapshot) -> None:
        self.turn = turn
        self.snapshot = snapshot
        super().__init__()


class TurnRejected(Message):
    """The rep's turn was not accepted (empty after cleaning, or it could not be saved)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__()


class BuyerReplyStarted(Message):
    """The buyer began to reply; the reply will be turn `number` of the call (1-based)."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__()


class BuyerReplyStreamed(Message):
    """The buyer's reply grew by `chunk`."""

    def __init__(self, chunk: str) -> None:
        self.chunk = chunk
        super().__init__()


class BuyerModelStarting(Message):
    """The buyer model is about to read its prompt, holding the GIL while it does: the
    screen sets `shown` once what came before (the scores, a lead-in) is painted."""

    def __init__(self, shown: threading.Event) -> None:
        self.shown = shown
        super().__init__()


class BuyerReplyFinished(Message):
    """The buyer's reply is complete (or was interrupted) and recorded."""

    def __init__(self, turn: Turn | None, snapshot: SessionSnapshot) -> None:
        self.turn = turn
        self.snapshot = snapshot
        super().__init__()


class BuyerReplyFailed(Message):
    """The buyer backend failed mid-reply; the rep's turn is saved and the rep can go on."""

    def __init__(self, error: str, snapshot: SessionSnapshot | None = None) -> None:
        self.error = error
        self.snapshot = snapshot
        super().__init__()


class ConversationEnded(Message):
    """The conversation is over and the debrief can be shown."""

    def __init__(self, ended_by: EndedBy | None) -> None:
        self.ended_by = ended_by
        super().__init__()

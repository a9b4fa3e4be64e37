"""Building the practice app for tests: the deterministic buyer, the real scorer, a temp home.

`gated` wraps the deterministic buyer so a test can hold a reply mid-stream (to interrupt it or
to "crash" while it streams); `failing` errors mid-stream like a backend that dies.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from roleplay.buyer import load_backend
from roleplay.buyer.base import BuyerRequest, Progress
from roleplay.errors import BackendError
from roleplay.scenario import Scenario
from roleplay.tui.app import RoleplayApp, make_app

sys.path.insert(0, str(Path(__file__).parent))  # the shared Pilot steps in pilot_helpers.py

SEED = 7
"""Every test conversation uses this buyer seed, so snapshots are stable."""


class GatedBuyer:
    """The deterministic buyer, but each reply stops after its first chunk until released."""

    def __init__(self, scenario: Scenario) -> None:
        self.inner = load_backend("deterministic", scenario)
        self.model_id = self.inner.model_id
        self.continues_final_message = False  # every word of a reply comes through the gate
        self.generation = self.inner.generation
        self.release = threading.Event()
        self.holding = threading.Event()

    def load(self, progress: Progress | None = None) -> None:
        self.inner.load(progress)

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        for index, chunk in enumerate(self.inner.stream(request)):
            if index == 1:
                self.holding.set()
                while not self.release.wait(0.01):
                    if should_stop():
                        self.holding.clear()
                        return
                self.holding.clear()
            if should_stop():
                return
            yield chunk


class GatedBuyers:
    """A buyer factory for `build_app(buyer=...)` that makes gated buyers; `buyers[0]` is the
    first it made."""

    def __init__(self) -> None:
        self.made: list[GatedBuyer] = []

    def __call__(self, scenario: Scenario) -> GatedBuyer:
        self.made.append(GatedBuyer(scenario))
        return self.made[-1]

    def __getitem__(self, index: int) -> GatedBuyer:
        return self.made[index]


class FailingBuyer(GatedBuyer):
    """A buyer whose backend dies after the first chunk of every reply."""

    def stream(self, request: BuyerRequest, **kwargs: Any) -> Iterator[str]:
        for index, chunk in enumerate(self.inner.stream(request)):
            if index == 1:
                raise BackendError("the model server closed the connection")
            yield chunk


@pytest.fixture(scope="session")
def scorer(fake_scorer: Any) -> Any:
    """The app's flows are under test, not how good the scores are: the fake scorer. The
    snapshots, which show scores, ask for the real one."""
    return fake_scorer


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    """Where the app under test saves transcripts."""
    return tmp_path / "transcripts"


@pytest.fixture
def build_app(scorer: Any, transcripts: Path, project_root: Path) -> Callable[..., RoleplayApp]:
    """`build_app(buyer=..., **make_app_options)`: the app on the deterministic buyer."""

    def build(buyer: Callable[[Scenario], Any] | None = None, **options: Any) -> RoleplayApp:
        options.setdefault("scenarios_dir", project_root / "scenarios")
        options.setdefault("rubric_path", project_root / "rubrics" / "default.yaml")
        options.setdefault("seed", SEED)
        return make_app(
            buyer_factory=buyer
            if buyer is not None
            else (lambda s: load_backend("deterministic", s)),
            scorer_factory=lambda rubric: scorer,
            transcripts_dir=transcripts,
            **options,
        )

    return build

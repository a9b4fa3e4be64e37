"""Fixtures shared by every test folder.

Lanes (README, "Testing"): a test that loads a real model (the MiniLM scorer or a buyer LM) is
marked `models`, one that drives the whole app, a browser or the program in a subprocess
`functional`. A test that asks for the real `scorer` fixture is marked `models` here, so it
needs no marker of its own; a module that tests what happens with scores rather than how good
they are overrides `scorer` with `fake_scorer` and stays in the fast lane (one of its tests
that needs the real scorer asks for `minilm_scorer`). Outside `models`, loading a real model
fails the test.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that loads the real scorer (`minilm_scorer`, directly or through
    `scorer` or another fixture) `models`."""
    for item in items:
        if "minilm_scorer" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.models)


@pytest.fixture(autouse=True)
def _no_models_in_the_fast_lane(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the `models` lane, loading the real scorer or a buyer model fails the test
    and says what to do, so the fast lane stays fast as tests are added."""
    if request.node.get_closest_marker("models") is not None:
        return
    from roleplay.buyer.onnx_backend import OnnxBackend
    from roleplay.buyer.transformers_backend import TransformersBackend
    from roleplay.scoring import model

    def refuse(*args: Any, **kwargs: Any) -> None:
        pytest.fail(
            "this test loads a real model: give it fake_scorer (or override `scorer` with it) "
            "and the deterministic buyer, or mark it @pytest.mark.models",
            pytrace=False,
        )

    embedders = (model.OnnxEmbedder, model.TransformersEmbedder, model.SentenceTransformersEmbedder)
    for embedder in embedders:
        monkeypatch.setattr(embedder, "__init__", refuse)
    for backend in (OnnxBackend, TransformersBackend):
        monkeypatch.setattr(backend, "load", refuse)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep each test's transcripts, config and scenario index out of the real home and
    cache folders (the model cache, `$ROLEPLAY_CACHE`, is shared)."""
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path_factory.mktemp("home")))
    index = tmp_path_factory.mktemp("scenario-index")
    monkeypatch.setattr("roleplay.scenario_index.index_folder", lambda: index)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture(scope="session")
def scenarios_path() -> Path:
    return PROJECT_ROOT / "scenarios"


@pytest.fixture
def scenarios_copy(tmp_path: Path, scenarios_path: Path) -> Path:
    """A copy of the shipped scenario files, which a test may change."""
    import shutil

    folder = tmp_path / "scenarios"
    folder.mkdir()
    for file in scenarios_path.glob("*.yaml"):
        shutil.copy(file, folder / file.name)
    return folder


@pytest.fixture(scope="session")
def shipped_scenarios(scenarios_path: Path):  # type: ignore[no-untyped-def]
    from roleplay.scenario import load_scenarios

    scenarios, problems = load_scenarios([scenarios_path])
    assert not problems, "\n".join(map(str, problems))
    return scenarios


@pytest.fixture(scope="session")
def default_rubric():  # type: ignore[no-untyped-def]
    from roleplay.rubric import load_rubric

    return load_rubric(PROJECT_ROOT / "rubrics" / "default.yaml")


@pytest.fixture(scope="session")
def minilm_scorer(default_rubric):  # type: ignore[no-untyped-def]
    """The real turn scorer on the embedded MiniLM model, loaded once per test session."""
    from roleplay.scoring import TurnScorer

    return TurnScorer.load(default_rubric)


@pytest.fixture(scope="session")
def scorer(minilm_scorer):  # type: ignore[no-untyped-def]
    """The scorer a test gets by default: the real one. A module that tests what happens with
    scores, not how good they are, overrides this with `fake_scorer`."""
    return minilm_scorer


class FakeEmbedder:
    """A sentence embedder with no model, in the spirit of llm's `MockModel`: each word adds a
    fixed signed unit to one of 384 columns chosen by its hash, and the row is L2-normalised.

    Deterministic across runs and machines, and texts that share words are close, so the
    scorer's listening and the director's similarity still react to what was said; the values
    are not MiniLM's, so a test on it asserts behaviour, never a calibrated score.
    """

    model_id = "fake-hashing-embedder"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        """Every batch embedded, in order."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        from roleplay.scoring.model import EMBEDDING_DIM

        self.calls.append(list(texts))
        rows = np.zeros((len(texts), EMBEDDING_DIM), np.float32)
        for row, text in zip(rows, texts, strict=True):
            row[0] = 0.25  # an empty text still has a direction
            for word in re.findall(r"[a-z0-9']+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                column = int.from_bytes(digest[:4], "little") % EMBEDDING_DIM
                row[column] += 1.0 if digest[4] & 1 else -1.0
            row /= np.linalg.norm(row)
        return rows


@pytest.fixture(scope="session")
def fake_scorer(default_rubric):  # type: ignore[no-untyped-def]
    """The real `TurnScorer` code and the shipped heads on `FakeEmbedder`: deterministic, no
    model loaded. For tests of what happens with scores, not of how good they are."""
    from roleplay.scoring import TurnScorer
    from roleplay.scoring.model import load_heads

    return TurnScorer(default_rubric, FakeEmbedder(), load_heads(default_rubric.parameters_path()))


@pytest.fixture
def fake_scorer_for_commands(fake_scorer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Commands run in this process that load the scorer (`TurnScorer.load`) get one on
    `FakeEmbedder` for the rubric they name."""
    from roleplay.scoring import TurnScorer

    def load(rubric, embedder=None):  # type: ignore[no-untyped-def]
        if rubric.content_hash() == fake_scorer.rubric.content_hash():
            return fake_scorer
        from roleplay.scoring.model import load_heads

        return TurnScorer(rubric, FakeEmbedder(), load_heads(rubric.parameters_path()))

    monkeypatch.setattr(TurnScorer, "load", load)
    yield fake_scorer

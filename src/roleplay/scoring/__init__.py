"""The turn scorer: listening, context-seeking and problem focus for every rep turn.

Importing this package is cheap (numpy and pydantic only); the embedding model and its heavy
libraries load in `TurnScorer.load`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from roleplay.dimensions import weakest
from roleplay.language import ScenarioVocabulary, vocabulary_for
from roleplay.rubric import DIMENSIONS, Rubric
from roleplay.scenario import Scenario
from roleplay.scoring import suggest
from roleplay.scoring.explain import explain
from roleplay.scoring.features import CUE_NAMES, Cues, History, score_caps
from roleplay.scoring.model import (
    EMBEDDING_DIM,
    Embedder,
    FloatArray,
    Heads,
    featurise_turns,
    listening_against_history,
    load_embedder,
    load_heads,
)
from roleplay.transcript import Scores, TurnScore

__all__ = ["EmbeddingMemory", "TurnScorer"]

BETTER_MEMORY = 256
"""How many chosen better turns a scorer remembers (three per buyer line `prepare` sees)."""


class EmbeddingMemory:
    """Remembers the last `size` embeddings (all of them when `size` is None): in a
    conversation the buyer's line is embedded by the director and then again as the `previous`
    of the rep's next turn, and the buyer's earlier lines are read again for every turn; an
    evaluation of many runs embeds the same facts and prototypes in every run. While `held`,
    nothing is forgotten, so one batch, however large, embeds each of its texts once. The
    embedder gives a text the same row whatever batch it comes in, so remembering changes no
    score."""

    def __init__(self, inner: Embedder, size: int | None = 512) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.size = size
        self._rows: OrderedDict[str, FloatArray] = OrderedDict()
        self._holds = 0

    def embed(self, texts: Sequence[str]) -> FloatArray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
        if missing:
            for text, row in zip(missing, self.inner.embed(missing), strict=True):
                self._rows[text] = row
        for text in texts:
            self._rows.move_to_end(text)
        out = np.stack([self._rows[t] for t in texts]) if texts else self.inner.embed([])
        self._forget_oldest()
        return out

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep every row embedded meanwhile; the oldest beyond `size` go afterwards."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        while not self._holds and self.size is not None and len(self._rows) > self.size:
            self._rows.popitem(last=False)


class TurnScorer:
    """Scores rep turns against a rubric with sentence embeddings and fitted heads.

    Args:
        rubric: The rubric whose bands and tips are used.
        embedder: Turns texts into L2-normalised embeddings.
        heads: The fitted per-dimension heads.
        memory: How many recent embeddings to remember (None: all, as an evaluation wants).
    """

    embedder_id: str
    """The sentence-embedding model, recorded in transcripts."""

    def __init__(
        self, rubric: Rubric, embedder: Embedder, heads: Heads, memory: int | None = 512
    ) -> None:
        self.rubric = rubric
        self.embedder = embedder
        self.heads = heads
        self.embedder_id = embedder.model_id
        self._rubric_hash = rubric.content_hash()
        self._recent = EmbeddingMemory(embedder, memory)
        self._better: OrderedDict[tuple[Any, ...], tuple[Scenario | None, str]] = OrderedDict()
        """Better turns already chosen, by where they would be said and what they coach (see
        `prepare`); the scenario is kept with each so its `id()` in the key stays its own."""
        self._lock = threading.RLock()
        """One scoring at a time: `prepare` may run on one worker while a turn arrives on
        another, and the memories above are not safe to change from two threads at once."""
        if tuple(heads.cue_names) != CUE_NAMES:
            from roleplay.errors import ScoringError

            raise ScoringError(
                "the scorer's fitted parameters were made for other cues; "
                "rebuild them with scripts/fit_scorer.py"
            )

    @classmethod
    def load(cls, rubric: Rubric, embedder: Embedder | None = None) -> TurnScorer:
        """The scorer with the real MiniLM embedder (offline) and the rubric's parameters.

        Raises:
            ModelError: the embedding model is missing or broken.
            ScoringError: the fitted parameters are missing or do not fit this scorer.
        """
        params: Path | None = rubric.parameters_path()
        heads = load_heads(params)
        return cls(rubric, embedder or load_embedder(), heads)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """L2-normalised embeddings, one row per text (used by the buyer's director too)."""
        with self._lock:
            return self._recent.embed(list(texts))

    def vocabulary(self, scenario: Scenario | None) -> ScenarioVocabulary:
        """The product vocabulary of a scenario, computed once per scenario object."""
        return vocabulary_for(scenario)

    def predict(
        self,
        items: Sequence[tuple[str, str]],
        scenario: Scenario | None = None,
        histories: Sequence[History] | None = None,
        also_embed: Sequence[str] = (),
    ) -> tuple[dict[str, npt.NDArray[np.float64]], list[Cues], FloatArray]:
        """Probabilities per dimension (rules applied), the cues and the design matrix;
        `also_embed` are texts to embed with the items' (see `featurise_turns`)."""
        vocab = self.vocabulary(scenario)
        with self._recent.held():
            x, cues = featurise_turns(self._recent, items, histories, vocab, also_embed)
            probabilities = self.heads.predict(x)
            listening_against_history(
                self.heads, self._recent, items, histories, vocab, probabilities["listening"]
            )
        for i, turn_cues in enumerate(cues):
            for name, (value, _) in score_caps(turn_cues).items():
                probabilities[name][i] = min(probabilities[name][i], value)
        return probabilities, cues, x

    def score_many(
        self,
        items: Sequence[tuple[str, str]],
        scenario: Scenario | None = None,
        histories: Sequence[History] | None = None,
    ) -> list[TurnScore]:
        """Score many `(turn, previous)` pairs at once (one embedding batch).

        Args:
            items: `(turn, previous)` pairs: the rep's turn and the buyer's line before it.
            scenario: The scenario, whose vocabulary marks product talk.
            histories: Per item, the conversation before the turn, oldest first, as
                `(role, text)` with role `buyer` or `rep`; listening counts what the buyer
                said earlier too. None: only `previous` is known.
        """
        items = [(turn, previous or "") for turn, previous in items]
        if not items:
            return []
        said = [tuple(histories[i]) if histories else () for i in range(len(items))]
        with self._lock, self._recent.held():
            places = self._places(items, said, scenario)
            # Each turn's first candidate better turn is embedded in the turns' batch (while
            # their cues are read): the candidate is then scored without embedding anything.
            # A place `prepare` has seen already has its better turns: nothing to embed there.
            firsts = [
                suggest.first_candidate(place.clauses, place.opening)
                for place in places
                if not all(self._better_key(place, d, scenario) in self._better for d in DIMENSIONS)
            ]
            probabilities, cues, x = self.predict(items, scenario, histories, firsts)
            shares = {name: self.heads.heads[name].contributions(x) for name in DIMENSIONS}
            rounded: list[dict[str, float]] = [
                {name: round(float(probabilities[name][i]), 4) for name in DIMENSIONS}
                for i in range(len(items))
            ]
            requests = [
                dataclasses.replace(place, coached=weakest(values))
                for place, values in zip(places, rounded, strict=True)
            ]
            better = self._remembered_better_turns(requests, scenario)
        results = []
        for i, (turn, previous) in enumerate(items):
            values = rounded[i]
            bands: dict[str, str] = {
                name: self.rubric.dimension(name).band_for(values[name]).id for name in DIMENSIONS
            }
            contributions: dict[str, npt.NDArray[np.float64]] = {
                name: shares[name][i] for name in DIMENSIONS
            }
            nearest = self.heads.nearest_kind(x[i, :EMBEDDING_DIM])
            results.append(
                TurnScore(
                    scores=Scores(**values),
                    bands=bands,
                    explanation=explain(
                        turn,
                        previous,
                        cues[i],
                        values,
                        bands,
                        contributions,
                        self.rubric,
                        nearest[0] if nearest is not None else None,
                        x[i, -len(CUE_NAMES) :],
                        better[i],
                    ),
                    rubric_id=self.rubric.id,
                    rubric_hash=self._rubric_hash,
                )
            )
        return results

    def prepare(
        self, previous: str, scenario: Scenario | None = None, history: History = ()
    ) -> None:
        """Do now what scoring the rep's next turn needs whatever the rep says: embed the
        buyer's line and choose the better turn for each dimension it could coach there.

        The app calls this once the buyer has spoken, while the rep reads and types, so
        scoring the turn is left with the turn itself. Scores are the same either way.
        """
        said = tuple(history)
        with self._lock, self._recent.held():
            (place,) = self._places([("", previous)], [said], scenario)
            if previous.strip():
                self._recent.embed([previous])
            self._remembered_better_turns(
                [dataclasses.replace(place, coached=name) for name in DIMENSIONS], scenario
            )

    def _places(
        self,
        items: Sequence[tuple[str, str]],
        histories: Sequence[History],
        scenario: Scenario | None,
    ) -> list[suggest.Request]:
        """Per item, where a better turn would be said (its `coached` left blank)."""
        vocab = self.vocabulary(scenario)
        return [
            suggest.Request(
                previous,
                history,
                "",
                suggest.quotable_clauses(previous, history, scenario, vocab),
                suggest.at_opening(previous, scenario),
            )
            for (_, previous), history in zip(items, histories, strict=True)
        ]

    @staticmethod
    def _better_key(
        place: suggest.Request, coached: str, scenario: Scenario | None
    ) -> tuple[Any, ...]:
        return (coached, place.previous, tuple(map(tuple, place.history)), id(scenario))

    def _remembered_better_turns(
        self, requests: Sequence[suggest.Request], scenario: Scenario | None
    ) -> list[str]:
        """`better_turns`, choosing only those not chosen before (the last `BETTER_MEMORY`)."""
        keys = [self._better_key(r, r.coached, scenario) for r in requests]
        todo = [i for i, key in enumerate(keys) if key not in self._better]
        if todo:
            chosen = self.better_turns([requests[i] for i in todo], scenario)
            for i, text in zip(todo, chosen, strict=True):
                self._better[keys[i]] = (scenario, text)
        for key in keys:
            self._better.move_to_end(key)
        found = [self._better[key][1] for key in keys]
        while len(self._better) > BETTER_MEMORY:
            self._better.popitem(last=False)
        return found

    def better_turns(
        self, requests: Sequence[suggest.Request], scenario: Scenario | None = None
    ) -> list[str]:
        """For each request, a better turn aimed at its coached dimension, built from the
        buyer's words and scored strong there by this scorer (`roleplay.scoring.suggest`)."""

        def predict(
            candidates: Sequence[tuple[str, str]], where: Sequence[History] | None
        ) -> tuple[dict[str, npt.NDArray[np.float64]], list[Cues]]:
            probabilities, cues, _ = self.predict(candidates, scenario, where)
            return probabilities, cues

        return suggest.better_turns(requests, predict, suggest.bars(self.rubric))

    def score(
        self,
        turn: str,
        previous: str = "",
        scenario: Scenario | None = None,
        history: History = (),
    ) -> TurnScore:
        """Score one rep turn given the buyer's line before it and the conversation so far."""
        return self.score_many([(turn, previous)], scenario, [history])[0]

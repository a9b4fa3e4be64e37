"""The scorer remembers embeddings across turns and within a batch; what it remembers never
changes a score. A call scored turn by turn, with the buyer's lines embedded beforehand as the
director does, scores as a fresh scorer (nothing remembered) scores each turn, and as one batch
scores them all, however small the memory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from roleplay.scoring import TurnScorer
from roleplay.scoring.model import FloatArray

CALL = [
    ("buyer", "We close in about twelve working days. Our operating partner wants five by Q3."),
    ("rep", "What happens in your team during those twelve days?"),
    ("buyer", "Mostly intercompany reconciliations across four entities, in spreadsheets."),
    ("rep", "Who does that work?"),
    ("buyer", "Two senior accountants, and one of them just resigned."),
    ("rep", "So the reconciliations across four entities sit with two people, one leaving."),
    ("buyer", "It means the next close runs on one person and a lot of overtime."),
    ("rep", "Our platform automates reconciliations with a real-time close dashboard."),
    ("buyer", "Everyone says that. What would change for my team in the first month?"),
    ("rep", "Walk me through the last close that slipped. What did it cost you with the lender?"),
]


def rep_turns() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each rep turn of `CALL` with the buyer's line before it and the call so far."""
    turns = []
    for index, (role, text) in enumerate(CALL):
        if role == "rep":
            history = CALL[:index]
            previous = next(t for r, t in reversed(history) if r == "buyer")
            turns.append((text, previous, list(history)))
    return turns


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.model_id = inner.model_id  # type: ignore[attr-defined]
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> FloatArray:
        self.texts.extend(texts)
        return self.inner.embed(texts)  # type: ignore[attr-defined,no-any-return]


def fresh(scorer: TurnScorer, embedder: object | None = None) -> TurnScorer:
    """A scorer like `scorer` that remembers nothing yet."""
    return TurnScorer(scorer.rubric, embedder or scorer.embedder, scorer.heads)  # type: ignore[arg-type]


def probabilities(scorer: TurnScorer, turn: str, previous: str, history: list) -> np.ndarray:  # type: ignore[type-arg]
    found, _, _ = scorer.predict([(turn, previous)], None, [history])
    return np.array([found[name][0] for name in sorted(found)])


def test_a_call_scored_turn_by_turn_matches_a_fresh_scorer_per_turn(scorer: TurnScorer) -> None:
    remembering = fresh(scorer)
    for turn, previous, history in rep_turns():
        remembering.embed([previous])  # the director embeds the buyer's line first
        remembered = probabilities(remembering, turn, previous, history)
        from_scratch = probabilities(fresh(scorer), turn, previous, history)
        assert np.allclose(remembered, from_scratch, rtol=0, atol=1e-6), turn
        shown = remembering.score(turn, previous, None, history)
        expected = fresh(scorer).score(turn, previous, None, history)
        assert shown.model_dump(exclude={"scored_at"}) == expected.model_dump(exclude={"scored_at"})


@pytest.mark.parametrize("memory", [512, 3])
def test_a_batch_scores_as_the_turns_do_one_by_one(scorer: TurnScorer, memory: int) -> None:
    turns = rep_turns()
    batch = fresh(scorer)
    batch._recent.size = memory
    together = batch.score_many([(t, p) for t, p, _ in turns], None, [h for _, _, h in turns])
    alone = [fresh(scorer).score(t, p, None, h) for t, p, h in turns]
    for one, other in zip(together, alone, strict=True):
        for name in ("listening", "context_seeking", "problem_focus"):
            assert getattr(one.scores, name) == pytest.approx(getattr(other.scores, name), abs=1e-6)
        assert one.bands == other.bands


def test_a_batch_larger_than_the_memory_embeds_each_text_once(scorer: TurnScorer) -> None:
    counting = CountingEmbedder(scorer.embedder)
    batch = fresh(scorer, counting)
    batch._recent.size = 3
    turns = rep_turns()
    batch.score_many([(t, p) for t, p, _ in turns], None, [h for _, _, h in turns])
    assert len(counting.texts) == len(set(counting.texts))
    assert len(batch._recent._rows) == 3  # what is kept afterwards still respects the size


def test_a_turn_scored_after_prepare_scores_as_without_it(scorer: TurnScorer) -> None:
    """The app prepares the scorer once the buyer has spoken; every score, band, explanation
    and better turn is then what an unprepared scorer gives."""
    prepared = fresh(scorer)
    for turn, previous, history in rep_turns():
        prepared.prepare(previous, None, history)
        shown = prepared.score(turn, previous, None, history)
        expected = fresh(scorer).score(turn, previous, None, history)
        assert shown.model_dump(exclude={"scored_at"}) == expected.model_dump(exclude={"scored_at"})


def test_after_prepare_scoring_a_turn_embeds_only_the_turn(
    scorer: TurnScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is left for the moment the rep sends: the turn itself. The buyer's line and the
    better turn for each dimension were done while the rep typed."""
    from roleplay.scoring import suggest

    counting = CountingEmbedder(scorer.embedder)
    prepared = fresh(scorer, counting)
    turn, previous, history = rep_turns()[2]
    prepared.prepare(previous, None, history)
    counting.texts.clear()
    chosen: list[object] = []
    real = suggest.better_turns

    def counted(*args: Any) -> list[str]:
        chosen.append(args)
        return real(*args)

    monkeypatch.setattr(suggest, "better_turns", counted)
    score = prepared.score(turn, previous, None, history)
    assert counting.texts == [turn]
    assert chosen == []  # the better turn came from what was prepared
    assert score.explanation.alternative


def test_preparing_for_another_line_does_not_lend_its_better_turn(scorer: TurnScorer) -> None:
    prepared = fresh(scorer)
    turns = rep_turns()
    turn, previous, history = turns[1]
    other_previous, other_history = turns[2][1], turns[2][2]
    prepared.prepare(other_previous, None, other_history)
    shown = prepared.score(turn, previous, None, history)
    expected = fresh(scorer).score(turn, previous, None, history)
    assert shown.explanation.alternative == expected.explanation.alternative

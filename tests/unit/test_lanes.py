"""The fast lane's own promises: no real model loads outside `models`, and the fake scorer is
deterministic and still hears shared words."""

from __future__ import annotations

import numpy as np
import pytest

from roleplay.buyer import find_card
from roleplay.buyer.onnx_backend import OnnxBackend
from roleplay.scoring.model import load_embedder


def test_loading_a_real_model_outside_the_models_lane_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"mark it @pytest\.mark\.models"):
        load_embedder()
    with pytest.raises(pytest.fail.Exception, match="fake_scorer"):
        OnnxBackend(find_card("smollm2-135m")).load()


def test_the_fake_scorer_is_deterministic_and_hears_shared_words(fake_scorer) -> None:  # type: ignore[no-untyped-def]
    texts = ["Our close takes twelve days.", "Twelve days for the close?", "Do you like golf?"]
    first, again = fake_scorer.embedder.embed(texts), fake_scorer.embedder.embed(texts)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert first[0] @ first[1] > first[0] @ first[2]
    previous = "Our close takes twelve days and the board wants six."
    turn = "Twelve days when the board wants six: what gets in the way?"
    assert fake_scorer.score(turn, previous).scores == fake_scorer.score(turn, previous).scores
    assert fake_scorer.embedder_id == "fake-hashing-embedder"

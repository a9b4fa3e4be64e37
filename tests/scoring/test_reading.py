"""The one reading of a turn (`roleplay.language.read_turn`) as the scorer uses it."""

from __future__ import annotations

import pytest

from roleplay.language import read_turn


@pytest.mark.parametrize(
    "text",
    [
        "Orvia captures the change order on site, so no more verbal approvals.",
        "The platform flags duplicate payments before they go out.",
        "Closeline handles ramps and usage tiers natively.",
    ],
)
def test_a_sentence_that_makes_a_product_claim_is_a_pitching_sentence(text: str) -> None:
    reading = read_turn(text, heard="Change orders, duplicate payments, ramps and usage tiers.")
    assert all(sentence.pitch for sentence in reading.sentences)


def test_a_reflection_beside_a_product_claim_is_not_a_pitching_sentence() -> None:
    reading = read_turn("You're number forty in the IT queue. Orvia handles it without IT.")
    assert [sentence.pitch for sentence in reading.sentences] == [False, True]

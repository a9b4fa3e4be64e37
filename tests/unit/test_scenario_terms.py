"""A scenario's product terms mark product talk, so they hold product words, not function words."""

from __future__ import annotations

from typing import Any

from roleplay.language import STOPWORDS
from roleplay.scenario import Scenario


def scenario_with(
    features: list[str], name: str = "Cash Flow Pro", vendor: str = "Acme"
) -> Scenario:
    data: dict[str, Any] = {
        "id": "cfo-test",
        "title": "A test buyer",
        "briefing": "A CFO at a mid-sized logistics firm agreed to twenty minutes.",
        "buyer": {
            "name": "Dana Whitfield",
            "title": "CFO",
            "company": "Northwind",
            "industry": "Logistics",
            "company_size": "1,800 employees",
            "personality": "Measured.",
            "communication_style": "Short answers.",
            "priorities": ["Close the books faster"],
        },
        "product": {
            "name": name,
            "vendor": vendor,
            "summary": "Closes books.",
            "features": features,
        },
        "opening_line": "You have twenty minutes.",
        "hidden_facts": [
            {
                "id": "late-close",
                "summary": "The close takes twelve days.",
                "lines": ["Twelve days, every month."],
                "earned_by": ["How long does your close take?"],
            }
        ],
    }
    return Scenario.model_validate(data)


def test_function_words_are_not_product_terms() -> None:
    scenario = scenario_with(
        ["Bank feeds from every major bank, with matching that runs across all of your entities"]
    )
    terms = scenario.product_terms
    for word in ("from", "every", "with", "that", "across", "your"):
        assert word not in terms
    for word in ("bank", "feeds", "matching", "entities"):
        assert word in terms


def test_names_stay_whole_and_compounds_stay_together() -> None:
    scenario = scenario_with(
        ["Pre-built connectors for real-time sign-off", "Pre-built dashboards"],
        name="Meridian Interop",
        vendor="With Partners",
    )
    terms = scenario.product_terms
    assert "Meridian Interop" in terms
    assert "With Partners" in terms  # a name is kept even when a word of it is a function word
    assert {"pre-built", "real-time", "sign-off", "connectors"} <= set(terms)
    assert terms.count("pre-built") == 1
    assert "pre" not in terms and "built" not in terms


def test_shipped_scenarios_have_no_function_words_among_their_terms(
    shipped_scenarios: list[Scenario],
) -> None:
    for scenario in shipped_scenarios:
        names = {scenario.product.name, scenario.product.vendor}
        words = [t for t in scenario.product_terms if t not in names]
        assert words, scenario.id
        assert not set(words) & STOPWORDS, scenario.id

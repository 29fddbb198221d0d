"""Home's cards (web/home_view.py), pure: a card's state (quiet, ask, pending, done) from what
is known, its link, its version in words, its sparklines over whole periods only, and the
cards ordered by cases."""

from __future__ import annotations

from typing import Any

from journeyscope.services.overview import DesignVersion
from journeyscope.web.home_view import by_cases, card, sparklines

STATS = {"first_event": "2025-01-06T09:00:00+00:00", "last_event": "2025-01-26T18:00:00+00:00"}
WEEKS = ["2025-01-06", "2025-01-13", "2025-01-20"]


def _version(design: str = "loan application", number: int = 0) -> DesignVersion:
    return DesignVersion(design, design.title(), number, "journey: ...", None)


def _journey(cases: int, weeks: list[str] = WEEKS) -> dict[str, Any]:
    return {
        "name": "Loan application",
        "cases": cases,
        "period": "week",
        "trend": [{"period": w, "cases": 10 + i, "rate": 0.5} for i, w in enumerate(weeks)],
        "nps_trend": [{"period": WEEKS[0], "nps": 12.0}],
    }


def test_a_cards_state_follows_what_is_known() -> None:
    version = _version()
    assert card(version, None, STATS)["state"] == "quiet"  # the design does not load
    assert card(version, _journey(0), STATS)["state"] == "quiet"  # no cases
    assert card(version, _journey(5), STATS)["state"] == "ask"
    assert card(version, _journey(5), STATS, (True, None), (False, None))["state"] == "pending"
    done = card(version, _journey(5), STATS, (True, None), (True, 31.0))
    assert done["state"] == "done" and done["nps"] == (True, 31.0)


def test_a_card_links_to_its_design_and_says_which_version() -> None:
    shown = card(_version(number=0), _journey(5), STATS)
    assert shown["url"] == "/home/journeys/loan%20application?version=0"
    assert shown["version"].startswith("the designs folder's file")
    assert shown["name"] == "Loan application" and shown["cases"] == 5
    assert card(_version(), None, STATS)["name"] == "Loan Application", "the design's own name"


def test_sparklines_cover_whole_periods_only() -> None:
    # the data ends on Sunday 26 January: the week of the 20th is whole, so three weeks
    sparks = sparklines(_journey(5), None, STATS["first_event"], STATS["last_event"])
    assert sparks["cases"].startswith("<svg") and sparks["rate"].startswith("<svg")
    assert sparks["fitness"] == "", "not computed yet"
    assert sparks["nps"] == "", "one period is no line"
    cut = sparklines(_journey(5), None, STATS["first_event"], "2025-01-19T10:00:00+00:00")
    assert cut["cases"].startswith("<svg")
    too_short = sparklines(_journey(5), None, STATS["first_event"], "2025-01-15T10:00:00+00:00")
    assert too_short["cases"] == "", "only one whole week"
    fit = {"trend": [{"period": w, "mean": 0.8} for w in WEEKS]}
    assert sparklines(_journey(5), fit, None, None)["fitness"].startswith("<svg")


def test_cards_with_the_most_cases_come_first_then_by_name() -> None:
    cards = [{"name": "b", "cases": 3}, {"name": "a", "cases": 3}, {"name": "c", "cases": 9}]
    assert [c["name"] for c in by_cases(cards)] == ["c", "a", "b"]

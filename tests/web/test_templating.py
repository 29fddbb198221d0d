"""The page filters (numbers, shares, durations, moments, JSON inside a script element) and
the navigation each role is offered."""

from __future__ import annotations

import json

import pytest

from journeyscope.services.accounts import ROLES, User
from journeyscope.web import templating

FILTERS = templating.templates.env.filters


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [(1234567, 0, "1,234,567"), (1234.5678, 2, "1,234.57"), (0.5, 0, "0"), (None, 0, "–")],
)
def test_numbers_are_grouped_and_a_missing_one_is_a_dash(
    value: float | None, digits: int, shown: str
) -> None:
    assert FILTERS["number"](value, digits) == shown


def test_shares_are_percentages_and_zero_is_not_missing() -> None:
    assert FILTERS["percent"](0.4567) == "45.7%"
    assert FILTERS["percent"](0.0) == "0.0%"
    assert FILTERS["percent"](None) == "–"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 s"), (59, "59 s"), (90, "1.5 min"), (5400, "1.5 h"), (3 * 86400, "3.0 d"), (None, "–")],
)
def test_durations_take_the_largest_unit_that_fits(seconds: float | None, shown: str) -> None:
    assert FILTERS["duration"](seconds) == shown


def test_moments_are_utc() -> None:
    assert FILTERS["epoch"](0) == "1970-01-01 00:00"
    assert FILTERS["epoch"]("1746435600") == "2025-05-05 09:00"
    assert FILTERS["epoch"](None) == "–"


def test_json_for_a_script_element_cannot_close_it() -> None:
    hostile = {"name": "</script><script>alert(1)</script>"}
    text = str(FILTERS["tojs"](hostile))
    assert "</script>" not in text and "<" not in text
    assert json.loads(text) == hostile


def test_each_role_is_offered_the_pages_it_may_open() -> None:
    offered = {
        role: [label for _, label, action in templating.NAV if User(role, role, 0.0).may(action)]
        for role in ROLES
    }
    assert offered["viewer"] == [
        "Home",
        "Explore",
        "Journeys",
        "Data",
        "Insights",
        "Console",
        "API",
    ]
    assert all("Customers" in offered[r] for r in ROLES if r != "viewer")


def test_every_template_compiles_once_ahead_and_is_not_checked_on_each_page(monkeypatch) -> None:
    """The service's start compiles every template, so that no first page compiles one (ten
    users' first pages compiled the same template ten times over, beside their analysis);
    a page then asks the file system nothing."""
    env = templating.templates.env
    assert env.auto_reload is False
    monkeypatch.setattr(env, "cache", type(env.cache)(400))  # an empty cache, as at start
    templating.compile_all()
    compiled = {name for _loader, name in env.cache}
    assert compiled == set(env.list_templates()) and "explore.html" in compiled
    loads: list[str] = []
    real = env.loader.get_source  # type: ignore[union-attr]
    monkeypatch.setattr(env.loader, "get_source", lambda e, n: loads.append(n) or real(e, n))
    env.get_template("explore.html")
    assert loads == []

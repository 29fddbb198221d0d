"""Trends against hand computation on declared journeys (one unit = a day; 2024-01-01, the
common start, is a Monday), on DuckDB; and their identities on the synthetic store, on DuckDB
and Spark (conversions add up to the cases that did the event; the total line equals the
catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from analytics_kit import stored
from pydantic import ValidationError

from journeyscope.analytics import Backend, CaseRule
from journeyscope.analytics.retention import LifecycleQuery, run_lifecycle
from journeyscope.analytics.trends import OTHER, TrendsQuery, TrendsResult, run_trends
from journeyscope.errors import UnknownNameError
from journeyscope.events import Store

Declared = Callable[..., Backend]
DAY = timedelta(days=1)
# B: x twice in week 2 (web, app), y once in week 3 (web), z once in week 2 (web)
LOG = {
    "x~p1": "A@0 B/web@8 B/app@9 C@22",
    "y~p2": "A@1 C@15 B/web@16",
    "z~p3": "A@7 B/web@8",
}


def rows(points: object) -> list[tuple[str, int, int, int, int]]:
    return [
        (p.period, p.events, p.customers, p.cases, p.conversions)
        for p in points  # type: ignore[attr-defined]
    ]


def test_weekly_counts_by_hand(declared: Declared) -> None:
    r = run_trends(declared(LOG, unit=DAY), TrendsQuery(event="B"))
    assert rows(r.points) == [
        ("2024-01-01", 0, 0, 0, 0),
        ("2024-01-08", 3, 2, 2, 2),
        ("2024-01-15", 1, 1, 1, 1),
        ("2024-01-22", 0, 0, 0, 0),  # the data ends on the 23rd: shown, and partial
    ]
    assert [p.partial for p in r.points] == [False, False, False, True]
    assert (r.totals.events, r.totals.customers, r.totals.cases) == (4, 3, 3)
    assert r.first_event == "2024-01-01" and r.last_event == "2024-01-23"
    assert "conversions = cases whose first one falls in the period" in r.semantics
    assert r.breakdown == [] and set(r.definitions) == {
        "events",
        "customers",
        "cases",
        "conversions",
    }


def test_every_event_daily_and_monthly(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    daily = run_trends(backend, TrendsQuery(period="day"))
    assert len(daily.points) == 23 and daily.totals.events == 9
    assert rows(daily.points)[8] == ("2024-01-09", 2, 2, 2, 0)  # x's B and z's B
    assert sum(p.conversions for p in daily.points) == 3  # every case's first event
    monthly = run_trends(backend, TrendsQuery(period="month"))
    assert rows(monthly.points) == [("2024-01-01", 9, 3, 3, 3)]
    assert monthly.points[0].partial  # January is not over on the 23rd


def test_breakdown_by_channel_keeps_the_top_values(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    r = run_trends(backend, TrendsQuery(event="B", breakdown="channel"))
    groups = {g.value: g for g in r.breakdown}
    assert set(groups) == {"web", "app"}
    assert rows(groups["web"].points)[1] == ("2024-01-08", 2, 2, 2, 2)
    # x's first B is on the web: its conversion goes there, not to the app
    assert rows(groups["app"].points)[1] == ("2024-01-08", 1, 1, 1, 0)
    # events and conversions add up over the values; the total line counts x once
    assert sum(g.events for g in r.breakdown) == r.totals.events
    assert sum(g.conversions for g in r.breakdown) == r.totals.conversions
    assert rows(r.points)[1] == ("2024-01-08", 3, 2, 2, 2)
    top1 = run_trends(backend, TrendsQuery(event="B", breakdown="channel", top=1))
    assert [g.value for g in top1.breakdown] == ["web", OTHER]


def test_case_rule_per_customer(declared: Declared) -> None:
    log = {"a~p1": "B@0", "b~p1": "B@8", "c~p2": "B@9"}
    backend = declared(log, unit=DAY)
    given = run_trends(backend, TrendsQuery(event="B"))
    assert [p.conversions for p in given.points] == [1, 2]  # three cases
    per = run_trends(backend, TrendsQuery(event="B", case_rule=CaseRule.per_customer()))
    assert [p.conversions for p in per.points] == [1, 1]  # p1 converted in week 1 only
    assert [p.cases for p in per.points] == [1, 2]


def test_unknown_names_get_the_closest(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    with pytest.raises(UnknownNameError, match=r"'b'.*closest: 'B'"):
        run_trends(backend, TrendsQuery(event="b"))
    with pytest.raises(UnknownNameError, match="chanel"):
        run_trends(backend, TrendsQuery(breakdown="chanel"))
    with pytest.raises(ValidationError, match="period"):
        TrendsQuery(period="year")  # type: ignore[arg-type]


def check(result: TrendsResult) -> None:
    assert sum(p.conversions for p in result.points) == result.totals.cases
    assert sum(p.events for p in result.points) == result.totals.events
    for p in result.points:
        assert p.conversions <= p.cases <= p.events


@pytest.mark.both_engines
def test_synthetic_store_reconciles_with_the_catalogue(
    synthetic_store: Store, backend: str
) -> None:
    b = stored(synthetic_store, backend)
    everything = run_trends(b, TrendsQuery())
    check(everything)
    stats = synthetic_store.stats()
    assert everything.totals.events == stats["events"]
    busiest = (
        synthetic_store.con.cursor()
        .execute(
            "SELECT activity, count(*), count(DISTINCT case_id) FROM events "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        .fetchone()
    )
    assert busiest is not None
    one = run_trends(b, TrendsQuery(event=busiest[0], breakdown="channel"))
    check(one)
    assert (one.totals.events, one.totals.cases) == (busiest[1], busiest[2])
    # every customer's first active week is a new customer of the lifecycle view
    life = run_lifecycle(b, LifecycleQuery(case_rule=CaseRule.per_customer()))
    weekly = run_trends(b, TrendsQuery(case_rule=CaseRule.per_customer()))
    assert [p.new for p in life.periods if p.new] == [
        p.conversions for p in weekly.points if p.conversions
    ]

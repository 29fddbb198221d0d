"""How a trends result is shown (web/trends_view.py), on a result built by hand: the table
(the CSV export) with the four counts and the chosen measure per breakdown value, the chart
with hollow markers for partly observed periods, the headline naming the last complete
period, and an unknown measure refused naming the known ones."""

from __future__ import annotations

import pytest

from journeyscope.analytics.trends import TrendGroup, TrendPoint, TrendsResult, TrendTotals
from journeyscope.errors import InvalidQueryError
from journeyscope.web import trends_view as view


def _point(period: str, n: int, partial: bool = False) -> TrendPoint:
    return TrendPoint(
        period=period,
        events=n,
        customers=n // 2,
        cases=n // 3,
        conversions=n // 10,
        partial=partial,
    )


def _result(breakdown: bool) -> TrendsResult:
    points = [_point("2025-01-06", 120), _point("2025-01-13", 90), _point("2025-01-20", 30, True)]
    groups = [
        TrendGroup(
            value="web",
            events=160,
            conversions=16,
            points=[_point(p.period, p.events - 20, p.partial) for p in points],
        ),
        TrendGroup(
            value="phone",
            events=80,
            conversions=8,
            points=[_point(p.period, 20, p.partial) for p in points],
        ),
    ]
    return TrendsResult(
        event="Apply",
        period="week",
        first_event="2025-01-06T08:00:00+00:00",
        last_event="2025-01-22T18:00:00+00:00",
        points=points,
        totals=TrendTotals(events=240, customers=100, cases=80, conversions=24),
        breakdown_by="channel" if breakdown else None,
        breakdown=groups if breakdown else [],
        definitions={},
        case_rule="case ids",
        semantics="unit: event; weeks start on Monday.",
    )


def test_the_table_holds_every_count_and_each_groups_measure() -> None:
    plain = view.table(_result(False), "events")
    assert plain.columns == ["period", "events", "customers", "cases", "conversions"]
    assert plain.rows[0] == ["2025-01-06", 120, 60, 40, 12]
    assert plain.rows[2][0] == "2025-01-20 (partial)"
    split = view.table(_result(True), "customers")
    assert split.columns[-2:] == ["customers: channel = web", "customers: channel = phone"]
    assert split.rows[0][-2:] == [50, 10]


def test_the_chart_draws_the_measure_with_partial_periods_hollow() -> None:
    figure = view.chart(_result(False), "cases")
    (line,) = figure["data"]
    assert line["name"] == "all" and line["y"] == [40, 30, 10]
    assert line["marker"]["symbol"] == ["circle", "circle", "circle-open"]
    assert not figure["layout"]["showlegend"]
    split = view.chart(_result(True), "events")
    assert [s["name"] for s in split["data"]] == ["channel = web", "channel = phone"]
    assert split["data"][0]["line"]["color"] != split["data"][1]["line"]["color"]
    assert split["layout"]["showlegend"]


def test_the_headline_and_semantics_name_what_is_counted() -> None:
    result = _result(False)
    assert view.headline(result, "events") == (
        "Apply: 240 events by 100 customers in 80 cases, 3 weeks; "
        "last complete week (2025-01-13): 90 events"
    )
    text = view.semantics(result, "customers")
    assert text.startswith("Unit: event; weeks start on Monday. The chart draws customers: ")
    assert text.endswith("hollow markers are partly observed periods.")


def test_the_measure_comes_from_the_url_or_is_refused() -> None:
    assert view.measure_of(None) == "events"
    assert view.measure_of("cases") == "cases"
    with pytest.raises(InvalidQueryError, match="'visits' is not one of events, customers"):
        view.measure_of("visits")

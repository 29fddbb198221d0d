"""Saved insights and dashboards in the workspace database: what a saved query keeps, the
order things come back in, and the errors a person sees."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from journeyscope.errors import InsightError
from journeyscope.services.insights import KEPT_PARAMETERS, SAVED_KINDS, Insights


@pytest.fixture
def insights(tmp_path: Path) -> Insights:
    return Insights(tmp_path / "workspace.sqlite")


def test_a_saved_query_keeps_its_kinds_parameters_and_the_filters_only(insights) -> None:
    query = "step=Visit&step=Buy&window=7d&period=week&case_rule=session&gap=&nonsense=1"
    saved = insights.save("  Visit   to buy  ", "funnel", query, owner="ana")
    assert saved.name == "Visit to buy"  # spaces collapsed
    assert parse_qsl(saved.query) == [
        ("step", "Visit"),
        ("step", "Buy"),  # repeated parameters and their order are kept
        ("window", "7d"),
        ("case_rule", "session"),
    ]  # `period` is a Trends parameter, `gap` is empty, `nonsense` is no parameter
    assert saved.url == f"/explore/funnel?{saved.query}"
    trends = insights.save("Weekly", "trends", "event=Buy&period=week&step=x", owner="ana")
    assert parse_qsl(trends.query) == [("event", "Buy"), ("period", "week")]
    assert {"cohort", "by_cohort"} <= KEPT_PARAMETERS["dfg"]


def test_a_bad_kind_or_name_is_refused_with_what_is_allowed(insights) -> None:
    with pytest.raises(InsightError, match="unknown analysis 'funel'") as caught:
        insights.save("x", "funel", "", owner="ana")
    assert all(kind in str(caught.value) for kind in SAVED_KINDS)
    for name in ("   ", "x" * 121):
        with pytest.raises(InsightError, match="1 to 120 characters"):
            insights.save(name, "dfg", "", owner="ana")
    with pytest.raises(InsightError, match="no insight 99"):
        insights.insight(99)
    with pytest.raises(InsightError, match="no dashboard 7"):
        insights.dashboard(7)


def test_insights_and_dashboards_are_kept_in_the_file_newest_first(tmp_path: Path) -> None:
    first = Insights(tmp_path / "w.sqlite")
    a = first.save("A", "dfg", "", owner="ana")
    b = first.save("B", "paths", "", owner="bo")
    board = first.create_dashboard("Weekly review", owner="ana")
    again = Insights(tmp_path / "w.sqlite")  # another instance on the same file
    assert [i.name for i in again.insights()] == ["B", "A"]
    assert again.insight(a.id) == a
    assert [d.id for d in again.dashboards()] == [board]
    assert again.insight(b.id).owner == "bo"


def test_a_dashboard_holds_each_insight_once_in_the_order_added(insights) -> None:
    a = insights.save("A", "dfg", "", owner="ana")
    b = insights.save("B", "variants", "", owner="ana")
    board = insights.create_dashboard("Board", owner="ana")
    for insight in (b, a, b):  # adding B again changes nothing
        insights.add(board, insight.id)
    assert [i.name for i in insights.dashboard(board).insights] == ["B", "A"]
    with pytest.raises(InsightError, match="no insight 42"):
        insights.add(board, 42)
    with pytest.raises(InsightError, match="no dashboard 42"):
        insights.add(42, a.id)
    insights.delete(b.id)  # deleting an insight takes it off every dashboard
    assert [i.name for i in insights.dashboard(board).insights] == ["A"]
    assert [i.name for i in insights.insights()] == ["A"]

"""Retention and lifecycle against hand computation on declared journeys (one unit = a day;
2024-01-01, the common start, is a Monday), and their identities on the synthetic store and
a real log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from analytics_kit import RealLog, as_json, stored
from pydantic import ValidationError

from journeyscope.analytics import Backend, CaseRule, InvalidQueryError, VariantsQuery
from journeyscope.analytics.retention import (
    LifecycleQuery,
    LifecycleResult,
    RetentionQuery,
    period_start,
    run_lifecycle,
    run_retention,
)
from journeyscope.events import Store

Declared = Callable[..., Backend]
DAY = timedelta(days=1)
# p1 active in weeks 0, 1, 3; p2 in weeks 0, 2; p3 only in week 1
LOG = {"x~p1": "A@0 B@8 B@9 C@22", "y~p2": "A@1 C@15", "z~p3": "A@7 B@8"}


def table(result: object) -> list[tuple[str, list[int | None]]]:
    return [(c.cohort, c.retained) for c in result.cohorts]  # type: ignore[attr-defined]


def test_weekly_retention_on_and_on_or_after(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    on = run_retention(backend, RetentionQuery(periods=4, mode="on"))
    assert table(on) == [("2024-01-01", [2, 1, 1, 1, None]), ("2024-01-08", [1, 0, 0, None, None])]
    assert on.overall == [
        1.0,
        pytest.approx(1 / 3, abs=1e-6),
        pytest.approx(1 / 3, abs=1e-6),
        0.5,
        None,
    ]
    after = run_retention(backend, RetentionQuery(periods=4, mode="on_or_after"))
    assert table(after) == [
        ("2024-01-01", [2, 2, 2, 1, None]),
        ("2024-01-08", [1, 0, 0, None, None]),
    ]
    assert "period k or any later period" in after.semantics
    assert "customers" in on.unit and "not used" in on.case_rule


def test_cohort_and_return_events_and_daily_periods(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    # cohort = first B: p1 on day 8, p3 on day 8; return = C: p1 on day 22 (k = 14)
    r = run_retention(backend, RetentionQuery(cohort="B", returns="C", period="day", periods=14))
    assert [(c.cohort, c.customers) for c in r.cohorts] == [("2024-01-09", 2)]
    retained = r.cohorts[0].retained
    assert retained[14] == 1 and sum(x or 0 for x in retained[1:14]) == 0
    # a return before the cohort event does not count: p2's only C comes before no B
    assert r.cohort_event == "B" and r.return_event == "C"


def test_monthly_periods(declared: Declared) -> None:
    backend = declared({"x~p1": "A@0 B@40", "y~p2": "A@30 B@31"}, unit=DAY)
    r = run_retention(backend, RetentionQuery(period="month", periods=2))
    # p1: January then February (k = 1); p2: 31 January then 1 February (k = 1)
    assert table(r) == [("2024-01-01", [2, 2, None])]
    assert period_start(24288, "month").isoformat() == "2024-01-01"


def lifecycle_rows(result: LifecycleResult) -> list[tuple[str, int, int, int, int]]:
    return [(p.period, p.new, p.returning, p.resurrecting, p.dormant) for p in result.periods]


def test_lifecycle_by_hand(declared: Declared) -> None:
    r = run_lifecycle(declared(LOG, unit=DAY), LifecycleQuery())
    assert lifecycle_rows(r) == [
        ("2024-01-01", 2, 0, 0, 0),
        ("2024-01-08", 1, 1, 0, 1),  # p3 new, p1 returning, p2 dormant
        ("2024-01-15", 0, 0, 1, 2),  # p2 resurrecting; p1 and p3 dormant
        ("2024-01-22", 0, 0, 1, 1),  # p1 resurrecting; p2 dormant (p1's week 4 is unseen)
    ]
    only_b = run_lifecycle(declared(LOG, unit=DAY), LifecycleQuery(active="B"))
    assert lifecycle_rows(only_b) == [("2024-01-08", 2, 0, 0, 0)]


def test_unknown_events_name_the_closest_activities(declared: Declared) -> None:
    backend = declared(LOG, unit=DAY)
    with pytest.raises(
        InvalidQueryError,
        match="return event: no analysed event has activity 'c'; did you mean 'C'",
    ):
        run_retention(backend, RetentionQuery(returns="c"))
    with pytest.raises(InvalidQueryError, match="active: no analysed event has activity 'Bb'"):
        run_lifecycle(backend, LifecycleQuery(active="Bb"))


def test_bad_queries_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="period"):
        RetentionQuery(period="year")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        RetentionQuery(periods=0)


def check_identities(backend: Backend, period: str) -> tuple[int, int]:
    life = run_lifecycle(backend, LifecycleQuery(period=period))  # type: ignore[arg-type]
    previous = 0
    for p in life.periods:
        assert p.active == p.new + p.returning + p.resurrecting
        assert p.active - previous == p.new + p.resurrecting - p.dormant, p.period
        previous = p.active
    ret = run_retention(backend, RetentionQuery(period=period, periods=4))  # type: ignore[arg-type]
    news = sum(p.new for p in life.periods)
    assert sum(c.customers for c in ret.cohorts) == news
    # cohort sizes are the new customers of each period
    assert {c.cohort: c.customers for c in ret.cohorts} == {
        p.period: p.new for p in life.periods if p.new
    }
    after = run_retention(backend, RetentionQuery(period=period, periods=4, mode="on_or_after"))  # type: ignore[arg-type]
    for on_row, after_row in zip(ret.cohorts, after.cohorts, strict=True):
        for a, b in zip(on_row.retained, after_row.retained, strict=True):
            assert (a is None) == (b is None) and (a or 0) <= (b or 0)
    return news, len(life.periods)


@pytest.mark.both_engines
def test_synthetic_store_identities(synthetic_store: Store, backend: str) -> None:
    b = stored(synthetic_store, backend)
    customers, weeks = check_identities(b, "week")
    cases = b.run(VariantsQuery(case_rule=CaseRule.per_customer())).cases
    assert customers == cases > 0 and weeks > 4


@pytest.mark.slow
@pytest.mark.both_engines
def test_real_log_identities(real_log: Callable[[str], RealLog], backend: str) -> None:
    with Store(real_log("helpdesk.xes.gz").store) as store:
        b = stored(store, backend)
        customers, months = check_identities(b, "month")
        cases = b.run(VariantsQuery()).cases  # one customer per case in this log
    assert customers == cases and months > 12


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(spark: object, real_log: Callable[[str], RealLog]) -> None:
    from journeyscope.analytics import DuckDBBackend, SparkBackend

    log = real_log("receipt.csv")
    queries = [
        q
        for period in ("day", "week", "month")
        for q in (
            RetentionQuery(period=period, periods=5, mode="on_or_after"),  # type: ignore[arg-type]
            LifecycleQuery(period=period, active="T02 Check confirmation of receipt"),  # type: ignore[arg-type]
        )
    ]
    # one backend at a time: the store is opened by one of them only
    with DuckDBBackend(log.store) as duck:
        ours = [duck.run(q) for q in queries]  # type: ignore[call-overload]
    with SparkBackend(log.store, session=spark) as sparky:  # type: ignore[arg-type]
        assert as_json(*ours) == as_json(*(sparky.run(q) for q in queries))  # type: ignore[call-overload]

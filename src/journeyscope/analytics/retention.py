"""Retention by cohort, and the lifecycle of customers (new, returning, resurrecting, dormant).

The counting unit is the *customer*: the stitched ``customer_id``, or the data's ``case_id``
where no customer is known (a log without customers counts its cases). The case rule of the
query is not used.
Periods are calendar periods in UTC: days, ISO weeks (from Monday) or months.

Retention
    A customer's *cohort* is the period of their first event (or of their first ``cohort``
    event, when one is named). They are *retained in period k* (k = 1, 2, ... periods after
    the cohort period) when they have a ``returns`` event (any event, when none is named)
    after their cohort event that falls in period k (``on``), or in period k or any later
    period (``on_or_after``, "unbounded" retention). Period 0 is the cohort itself. A period
    is reported for a cohort only once it has begun by the last event in the data (the last
    period may be partly observed); later ones are ``null``, not 0.

Lifecycle
    In each period, a customer who has an ``active`` event (any event, when none is named) is
    **new** when it is their first active period, **returning** when they were also active in
    the previous period, and **resurrecting** when they were active before but not in the
    previous period. A customer active in the previous period but not in this one is
    **dormant** in this one. So ``active = new + returning + resurrecting`` and
    ``active - previous active = new + resurrecting - dormant``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field

from journeyscope.analytics.backends import ANALYSES, Backend
from journeyscope.analytics.cases import AnalysisQuery, epoch_ms, utc_time
from journeyscope.analytics.cohorts import customer, require_activities
from journeyscope.analytics.semantics import with_stated

Rows = list[dict[str, Any]]
Period = Literal["day", "week", "month"]
Mode = Literal["on", "on_or_after"]
UNIT = (
    "customers: the stitched customer_id, or the data's case_id where no customer is known "
    "(events with neither are left out)"
)
#: What results say under ``case_rule``: these analyses count customers, not cases.
NO_CASES = "not used: retention and lifecycle count customers, not cases"
_EPOCH_MONDAY = date(1969, 12, 29)


class RetentionQuery(AnalysisQuery):
    """Retention of customers by cohort period."""

    kind: Literal["retention"] = "retention"
    cohort: str | None = None
    returns: str | None = None
    period: Period = "week"
    periods: int = Field(8, ge=1, le=400)
    mode: Mode = "on"


class LifecycleQuery(AnalysisQuery):
    """New, returning, resurrecting and dormant customers per period."""

    kind: Literal["lifecycle"] = "lifecycle"
    active: str | None = None
    period: Period = "week"


# ---------------------------------------------------------------- expressions (never executed)


def period_index(ts: ibis.TimestampValue, period: Period) -> ibis.IntegerValue:
    """The calendar period of ``ts`` (UTC) as an integer: days or Monday-weeks since 1970, or
    ``12 * year + month - 1``. The same on every backend (computed from epoch milliseconds)."""
    if period == "month":
        utc = utc_time(ts)
        return utc.year().cast("int64") * 12 + utc.month().cast("int64") - 1
    days = (epoch_ms(ts) / 86_400_000).floor().cast("int64")
    if period == "day":
        return days
    return ((days + 3) / 7).floor().cast("int64")


def period_start(index: int, period: Period) -> date:
    """The first day of period ``index`` (the inverse of :func:`period_index`).

    >>> period_start(0, "week"), period_start(24300, "month")
    (datetime.date(1969, 12, 29), datetime.date(2025, 1, 1))
    """
    if period == "month":
        return date(index // 12, index % 12 + 1, 1)
    if period == "day":
        return date(1970, 1, 1) + timedelta(days=index)
    return _EPOCH_MONDAY + timedelta(weeks=index)


def _people(events: ibis.Table, period: Period) -> ibis.Table:
    t = events.mutate(who=customer(events))
    t = t.filter(t.who.notnull())
    return t.select(
        who=t.who,
        activity=t.activity,
        ms=epoch_ms(t.timestamp),
        idx=period_index(t.timestamp, period),
    )


def cohorts(events: ibis.Table, query: RetentionQuery) -> ibis.Table:
    """One row per customer: ``who``, ``cohort_ms`` (their cohort event) and ``cohort_idx``."""
    t = _people(events, query.period)
    if query.cohort is not None:
        t = t.filter(t.activity == query.cohort)
    first = t.group_by("who").aggregate(cohort_ms=t.ms.min())
    at = t.join(first, [t.who == first.who, t.ms == first.cohort_ms])
    return at.group_by(who=at.who).aggregate(cohort_ms=at.cohort_ms.min(), cohort_idx=at.idx.min())


def returns(events: ibis.Table, members: ibis.Table, query: RetentionQuery) -> ibis.Table:
    """Distinct ``(who, cohort_idx, k)``: a return event k periods after the cohort period
    (k >= 1, after the cohort event)."""
    t = _people(events, query.period)
    if query.returns is not None:
        t = t.filter(t.activity == query.returns)
    j = t.join(members, t.who == members.who)
    j = j.filter(j.ms > j.cohort_ms).mutate(k=j.idx - j.cohort_idx)
    return j.filter(j.k >= 1).select("who", "cohort_idx", "k").distinct()


def active_periods(events: ibis.Table, query: LifecycleQuery) -> ibis.Table:
    """Distinct ``(who, idx)`` with an active event, with ``previous`` and ``next`` active
    period of the same customer and ``first`` (their first active period)."""
    t = _people(events, query.period)
    if query.active is not None:
        t = t.filter(t.activity == query.active)
    d = t.select("who", "idx").distinct()
    w = ibis.window(group_by=d.who, order_by=d.idx)
    return d.mutate(
        previous=d.idx.lag().over(w),
        next=d.idx.lead().over(w),
        first=d.idx.min().over(ibis.window(group_by=d.who)),
    )


def lifecycle(periods: ibis.Table) -> ibis.Table:
    """Customers per ``idx`` and ``status`` (new, returning, resurrecting, dormant)."""
    p = periods
    status = ibis.cases(
        (p.idx == p.first, "new"),
        (p.previous == p.idx - 1, "returning"),
        else_="resurrecting",
    )
    active = p.select(idx=p.idx, status=status)
    gone = p.filter(p.next.isnull() | (p.next > p.idx + 1))
    dormant = gone.select(idx=gone.idx + 1, status=ibis.literal("dormant"))
    both = active.union(dormant, distinct=False)
    return both.group_by("idx", "status").aggregate(customers=both.count())


# -------------------------------------------------------------------------- results


class CohortRow(BaseModel):
    cohort: str
    customers: int
    retained: list[int | None]
    rates: list[float | None]


class RetentionResult(BaseModel):
    """Per cohort, customers retained in periods 0..periods; and all cohorts together."""

    period: Period
    periods: int
    mode: Mode
    cohort_event: str | None
    return_event: str | None
    unit: str
    cohorts: list[CohortRow]
    overall: list[float | None]
    case_rule: str
    semantics: str


class LifecyclePeriod(BaseModel):
    period: str
    active: int
    new: int
    returning: int
    resurrecting: int
    dormant: int


class LifecycleResult(BaseModel):
    period: Period
    active_event: str | None
    unit: str
    periods: list[LifecyclePeriod]
    case_rule: str
    semantics: str


class RetentionAnalysis:
    """Runner for :class:`RetentionQuery`."""

    def prepare(self, events: ibis.Table, query: RetentionQuery) -> ibis.Table:
        return cohorts(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: RetentionQuery
    ) -> dict[str, ibis.Table]:
        r = returns(events, prepared, query)
        last = _people(events, query.period)
        if query.mode == "on":
            kept = r.filter(r.k <= query.periods)
        else:
            furthest = r.group_by("who", "cohort_idx").aggregate(k=r.k.max())
            kept = furthest.mutate(k=ibis.least(furthest.k, query.periods))
        return {
            "activities": events.select("activity").distinct(),
            "sizes": prepared.group_by("cohort_idx").aggregate(customers=prepared.count()),
            "retained": kept.group_by("cohort_idx", "k").aggregate(customers=kept.count()),
            "last": last.aggregate(last_idx=last.idx.max()),
        }

    def result(self, query: RetentionQuery, rows: Mapping[str, Rows]) -> RetentionResult:
        named = {"cohort event": query.cohort, "return event": query.returns}  # as the options
        require_activities({k: [v] for k, v in named.items() if v}, rows["activities"])
        last = rows["last"][0]["last_idx"] if rows["last"] else None
        got = {(int(r["cohort_idx"]), int(r["k"])): int(r["customers"]) for r in rows["retained"]}
        n = query.periods
        table: list[CohortRow] = []
        for size in sorted(rows["sizes"], key=lambda r: int(r["cohort_idx"])):
            idx, customers = int(size["cohort_idx"]), int(size["customers"])
            seen = n if last is None else min(n, int(last) - idx)
            counts: list[int | None] = [customers]
            for k in range(1, n + 1):
                if k > seen:
                    counts.append(None)
                elif query.mode == "on":
                    counts.append(got.get((idx, k), 0))
                else:
                    counts.append(sum(v for (c, j), v in got.items() if c == idx and j >= k))
            table.append(
                CohortRow(
                    cohort=period_start(idx, query.period).isoformat(),
                    customers=customers,
                    retained=counts,
                    rates=[None if c is None else round(c / customers, 6) for c in counts],
                )
            )
        overall: list[float | None] = []
        for k in range(n + 1):
            observed = [row for row in table if row.retained[k] is not None]
            base = sum(row.customers for row in observed)
            kept = sum(row.retained[k] or 0 for row in observed)
            overall.append(round(kept / base, 6) if base else None)
        return RetentionResult(
            period=query.period,
            periods=n,
            mode=query.mode,
            cohort_event=query.cohort,
            return_event=query.returns,
            unit=UNIT,
            cohorts=table,
            overall=overall,
            case_rule=NO_CASES,
            semantics=with_stated(query, describe_retention(query)),
        )


class LifecycleAnalysis:
    """Runner for :class:`LifecycleQuery`."""

    def prepare(self, events: ibis.Table, query: LifecycleQuery) -> ibis.Table:
        return active_periods(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: LifecycleQuery
    ) -> dict[str, ibis.Table]:
        return {
            "activities": events.select("activity").distinct(),
            "lifecycle": lifecycle(prepared),
            "last": prepared.aggregate(last_idx=prepared.idx.max()),
        }

    def result(self, query: LifecycleQuery, rows: Mapping[str, Rows]) -> LifecycleResult:
        require_activities({"active": [query.active] if query.active else []}, rows["activities"])
        last = rows["last"][0]["last_idx"] if rows["last"] else None
        by: dict[int, dict[str, int]] = {}
        for r in rows["lifecycle"]:
            idx = int(r["idx"])
            if last is not None and idx > int(last):
                continue  # dormant after the data ends: not observed
            by.setdefault(idx, {})[str(r["status"])] = int(r["customers"])
        periods = []
        for idx in sorted(by):
            c = by[idx]
            new, back, again = c.get("new", 0), c.get("returning", 0), c.get("resurrecting", 0)
            periods.append(
                LifecyclePeriod(
                    period=period_start(idx, query.period).isoformat(),
                    active=new + back + again,
                    new=new,
                    returning=back,
                    resurrecting=again,
                    dormant=c.get("dormant", 0),
                )
            )
        return LifecycleResult(
            period=query.period,
            active_event=query.active,
            unit=UNIT,
            periods=periods,
            case_rule=NO_CASES,
            semantics=with_stated(query, describe_lifecycle(query)),
        )


def describe_retention(q: RetentionQuery) -> str:
    cohort = f"their first {q.cohort} event" if q.cohort else "their first event"
    back = f"a {q.returns} event" if q.returns else "any event"
    when = "in period k exactly" if q.mode == "on" else "in period k or any later period"
    return (
        f"unit: {UNIT}; cohort = the calendar {q.period} (UTC) of {cohort}; retained in period "
        f"k = {back} after the cohort event {when}; period 0 is the cohort; periods not yet "
        f"begun by the last event in the data are null"
    )


def describe_lifecycle(q: LifecycleQuery) -> str:
    act = f"a {q.active} event" if q.active else "any event"
    return (
        f"unit: {UNIT}; active in a calendar {q.period} (UTC) = {act} in it; new = first "
        f"active period; returning = also active in the previous period; resurrecting = "
        f"active before but not in the previous period; dormant = active in the previous "
        f"period but not in this one"
    )


def run_retention(backend: Backend, query: RetentionQuery) -> RetentionResult:
    """Run ``query`` on ``backend`` (``backend.run`` does the same once this module is loaded)."""
    result: RetentionResult = backend.run(query)  # type: ignore[call-overload]
    return result


def run_lifecycle(backend: Backend, query: LifecycleQuery) -> LifecycleResult:
    """Run ``query`` on ``backend`` (``backend.run`` does the same once this module is loaded)."""
    result: LifecycleResult = backend.run(query)  # type: ignore[call-overload]
    return result


RETENTION = RetentionAnalysis()
LIFECYCLE = LifecycleAnalysis()
ANALYSES[RetentionQuery] = RETENTION
ANALYSES[LifecycleQuery] = LIFECYCLE

"""Trends: how often an event happens over time — events, customers, cases and conversions
per calendar period, optionally broken down by a property of the event.

Periods are calendar periods in UTC — days, ISO weeks (from Monday) or months — numbered as
:func:`journeyscope.analytics.retention.period_index` numbers them, so a week here is the
retention view's week. Every period from the first to the last event of the analysed data
is listed (a period without the event shows 0); the first and last periods are marked
``partial`` when the data starts after the period began or ends before it ended.

Per period, for the chosen ``event`` (an activity; every event when none is named):

events
    events of it in the period.
customers
    distinct customers with such an event in the period: the stitched ``customer_id``, or
    the data's ``case_id`` where no customer is known (events with neither are left out).
cases
    distinct cases (by the query's case rule) with such an event in the period.
conversions
    cases whose **first** such event falls in the period: each case converts once, so the
    conversions of all periods add up to the cases that ever did it.

A breakdown splits each count by the property's value on the event itself (``channel``, or a
key of the event's properties); a conversion takes the value of the case's first such event.
The ``top`` values with the most events are kept and the rest pooled as ``(other)``; events
without a value count as ``(none)``. Distinct customers and cases are counted per value, so
one with events of two values counts in both: the groups' customers and cases may add up to
more than the total; their events and conversions add up exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal

import ibis
from pydantic import BaseModel, Field

from journeyscope.analytics import names
from journeyscope.analytics.backends import ANALYSES, Backend
from journeyscope.analytics.cases import AnalysisQuery, epoch_ms, property_value, with_cases
from journeyscope.analytics.cohorts import customer
from journeyscope.analytics.retention import period_index, period_start
from journeyscope.analytics.semantics import with_stated
from journeyscope.events.schema import COLUMNS

Rows = list[dict[str, Any]]
Period = Literal["day", "week", "month"]
MEASURES: Final = ("events", "customers", "cases", "conversions")
NONE: Final = "(none)"
OTHER: Final = "(other)"
DEFINITIONS: Final[dict[str, str]] = {
    "events": "events of the chosen event in the period",
    "customers": "distinct customers with such an event in the period (stitched customer_id, "
    "else the data's case_id)",
    "cases": "distinct cases (by the case rule) with such an event in the period",
    "conversions": "cases whose first such event falls in the period (each case converts "
    "once; the periods add up to the cases that ever did it)",
}


class TrendsQuery(AnalysisQuery):
    """Events, customers, cases and conversions of ``event`` per ``period``."""

    kind: Literal["trends"] = "trends"
    event: str | None = None
    """The activity counted; ``None``: every event."""
    period: Period = "week"
    breakdown: str | None = None
    """A column (``channel``) or a key of the events' properties."""
    top: int = Field(10, ge=1, le=100)
    """Breakdown values kept (by events); the rest are pooled as ``(other)``."""


class TrendPoint(BaseModel):
    period: str
    """The first day of the period (ISO date)."""
    events: int
    customers: int
    cases: int
    conversions: int
    partial: bool
    """The data covers only part of this period (the first or last one)."""


class TrendGroup(BaseModel):
    value: str
    events: int
    conversions: int
    points: list[TrendPoint]


class TrendTotals(BaseModel):
    events: int
    customers: int
    cases: int
    conversions: int


class TrendsResult(BaseModel):
    event: str | None
    period: Period
    first_event: str | None
    last_event: str | None
    points: list[TrendPoint]
    totals: TrendTotals
    """Over the whole range: customers and cases distinct over it (not the sum of periods)."""
    breakdown_by: str | None
    breakdown: list[TrendGroup]
    definitions: dict[str, str]
    case_rule: str
    semantics: str


# ---------------------------------------------------------------- expressions (never executed)


def _chosen(events: ibis.Table, query: TrendsQuery) -> ibis.Table:
    if query.event is None:
        return events
    return events.filter(events.activity == query.event)


def _with_group(t: ibis.Table, chosen: ibis.Table, query: TrendsQuery) -> ibis.Table:
    """``t`` with ``grp``: the breakdown value, of the ``top`` values with the most events in
    ``chosen`` (the same ranking for every count), else ``(other)``."""
    if query.breakdown is None:
        return t.mutate(grp=ibis.literal(""))
    t = t.mutate(raw=property_value(t, query.breakdown).fill_null(NONE))
    value = property_value(chosen, query.breakdown).fill_null(NONE)
    totals = chosen.group_by(raw=value).aggregate(n=chosen.count())
    ranked = totals.mutate(
        rank=ibis.row_number().over(ibis.window(order_by=[ibis.desc(totals.n), totals.raw]))
    ).select("raw", "rank")
    j = t.join(ranked, "raw")
    return j.mutate(grp=ibis.ifelse(j["rank"] < query.top, j.raw, OTHER)).drop("raw", "rank")


def trend_events(events: ibis.Table, query: TrendsQuery) -> ibis.Table:
    """The chosen events with ``who`` (customer), ``idx`` (period) and ``grp``."""
    chosen = _chosen(events, query)
    t = chosen.mutate(who=customer(chosen), idx=period_index(chosen.timestamp, query.period))
    return _with_group(t, chosen, query).select("who", "idx", "grp")


def trend_cases(events: ibis.Table, query: TrendsQuery) -> ibis.Table:
    """The chosen events of cases (by the case rule): ``case``, ``idx``, ``ms`` and ``grp``."""
    cased = with_cases(events, query.case_rule)
    t = _chosen(cased, query)
    t = t.mutate(idx=period_index(t.timestamp, query.period), ms=epoch_ms(t.timestamp))
    return _with_group(t, _chosen(events, query), query).select("case", "idx", "ms", "grp")


def conversions(cases: ibis.Table) -> ibis.Table:
    """Per case, the period and group of its first chosen event: ``case``, ``idx``, ``grp``."""
    w = ibis.window(group_by=cases.case, order_by=[cases.ms, cases.grp])
    first = cases.mutate(n=ibis.row_number().over(w))
    return first.filter(first.n == 0).select("case", "idx", "grp")


# -------------------------------------------------------------------------- the runner


class TrendsAnalysis:
    """Runner for :class:`TrendsQuery`."""

    def checks(self, events: ibis.Table, query: TrendsQuery) -> dict[str, ibis.Table]:
        out = {"activities": names.activities(events)}
        if query.breakdown is not None:
            out.update(names.property_checks(events, query.breakdown))
        return out

    def validate(self, query: TrendsQuery, rows: Mapping[str, Rows]) -> None:
        if query.event is not None:
            names.check_activities([(query.event, "trends --event")], rows)
        if query.breakdown is not None:
            names.check_property(query.breakdown, COLUMNS, rows, "trends --breakdown")

    def prepare(self, events: ibis.Table, query: TrendsQuery) -> ibis.Table:
        return trend_cases(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: TrendsQuery
    ) -> dict[str, ibis.Table]:
        ev = trend_events(events, query)
        people = ev.filter(ev.who.notnull())
        first = conversions(prepared)
        idx = period_index(events.timestamp, query.period)
        return {
            "events": ev.group_by("idx", "grp").aggregate(n=ev.count()),
            "customers": people.group_by("idx", "grp").aggregate(n=people.who.nunique()),
            "cases": prepared.group_by("idx", "grp").aggregate(n=prepared.case.nunique()),
            "conversions": first.group_by("idx", "grp").aggregate(n=first.count()),
            "customers_all": people.group_by("idx").aggregate(n=people.who.nunique()),
            "cases_all": prepared.group_by("idx").aggregate(n=prepared.case.nunique()),
            "customers_total": people.aggregate(n=people.who.nunique()),
            "range": events.aggregate(
                first_idx=idx.min(),
                last_idx=idx.max(),
                first_ms=epoch_ms(events.timestamp).min(),
                last_ms=epoch_ms(events.timestamp).max(),
            ),
        }

    def result(self, query: TrendsQuery, rows: Mapping[str, Rows]) -> TrendsResult:
        span = rows["range"][0] if rows["range"] else {}
        lo, hi = span.get("first_idx"), span.get("last_idx")
        counts: dict[str, dict[tuple[int, str], int]] = {
            m: {(int(r["idx"]), str(r["grp"])): int(r["n"]) for r in rows[m]} for m in MEASURES
        }
        periods = [] if lo is None or hi is None else list(range(int(lo), int(hi) + 1))
        first_day = _day(span.get("first_ms"))
        last_day = _day(span.get("last_ms"))

        def points(groups: set[str] | None) -> list[TrendPoint]:
            """Per period, the values in ``groups`` (``None``: every value, customers and
            cases distinct over all of them)."""
            out = []
            for idx in periods:
                got = {
                    m: sum(
                        v
                        for (i, g), v in counts[m].items()
                        if i == idx and (groups is None or g in groups)
                    )
                    for m in MEASURES
                }
                if groups is None:
                    got["customers"] = distinct["customers"].get(idx, 0)
                    got["cases"] = distinct["cases"].get(idx, 0)
                out.append(
                    TrendPoint(
                        period=period_start(idx, query.period).isoformat(),
                        partial=_partial(idx, query.period, first_day, last_day),
                        **got,
                    )
                )
            return out

        distinct = {
            m: {int(r["idx"]): int(r["n"]) for r in rows[f"{m}_all"]}
            for m in ("customers", "cases")
        }
        every = sorted({g for m in MEASURES for (_, g) in counts[m]})
        converted = sum(counts["conversions"].values())
        totals = TrendTotals(
            events=sum(counts["events"].values()),
            customers=int(rows["customers_total"][0]["n"] or 0) if rows["customers_total"] else 0,
            cases=converted,  # every case with the event converts exactly once
            conversions=converted,
        )
        groups = [
            TrendGroup(
                value=g,
                events=sum(v for (_, k), v in counts["events"].items() if k == g),
                conversions=sum(v for (_, k), v in counts["conversions"].items() if k == g),
                points=points({g}),
            )
            for g in (every if query.breakdown is not None else [])
        ]
        groups.sort(key=lambda x: (x.value == OTHER, -x.events, x.value))
        return TrendsResult(
            event=query.event,
            period=query.period,
            first_event=first_day.isoformat() if first_day else None,
            last_event=last_day.isoformat() if last_day else None,
            points=points(None),
            totals=totals,
            breakdown_by=query.breakdown,
            breakdown=groups,
            definitions=dict(DEFINITIONS),
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, describe(query)),
        )


def _day(ms: Any) -> date | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC).date()


def _partial(idx: int, period: Period, first: date | None, last: date | None) -> bool:
    """Whether the data starts after period ``idx`` began or ends before its last day."""
    if first is None or last is None:
        return False
    start, end = period_start(idx, period), period_start(idx + 1, period)
    return start < first or last < end - timedelta(days=1)


def describe(q: TrendsQuery) -> str:
    what = f"{q.event} events" if q.event else "every event"
    split = (
        f"; broken down by {q.breakdown} of the event (a conversion: of the case's first such "
        f"event), the {q.top} values with the most events kept and the rest pooled as "
        f"{OTHER}, no value as {NONE}; a customer or case with events of several values "
        "counts in each"
        if q.breakdown
        else ""
    )
    return (
        f"{what} per calendar {q.period} (UTC); events = events in the period; customers = "
        f"distinct customers (stitched customer_id, else case_id) with one in the period; "
        f"cases = distinct cases with one in the period; conversions = cases whose first one "
        f"falls in the period (the periods add up to the cases that ever did it); periods "
        f"without one show 0; the first and last periods may be partly observed{split}"
    )


def run_trends(backend: Backend, query: TrendsQuery) -> TrendsResult:
    """Run ``query`` on ``backend`` (``backend.run`` does the same once this module is loaded)."""
    result: TrendsResult = backend.run(query)  # type: ignore[call-overload]
    return result


TRENDS = TrendsAnalysis()
ANALYSES[TrendsQuery] = TRENDS

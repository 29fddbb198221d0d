"""The process map: the directly-follows graph (DFG) of activities, with frequencies and times.

``a → b`` is an edge when, in some case, an event of activity ``b`` comes right after an event
of activity ``a``. Events are ordered by timestamp; equal timestamps keep the input order
(:data:`~journeyscope.analytics.cases.ORDER_KEYS`), so ties never reorder a log.

* ``count``: how many times ``b`` directly followed ``a`` (event frequency);
* ``cases``: in how many cases it happened at least once (case frequency);
* durations: seconds from the ``a`` event to the ``b`` event (median, mean, 90th percentile,
  percentiles interpolated linearly between the two nearest values);
* ``start`` / ``end``: how many cases begin / finish with each activity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

import ibis
from pydantic import BaseModel

from journeyscope.analytics.cases import ORDER_KEYS, AnalysisQuery, CaseRule, epoch_ms, with_cases
from journeyscope.analytics.holistic import distinct_count, sorted_quantiles
from journeyscope.analytics.semantics import with_stated

DFG_SEMANTICS = (
    "directly-follows: consecutive events of a case, ordered by timestamp with ties kept in "
    "input order; count = times b directly followed a; cases = cases where that happened at "
    "least once; durations = seconds between the two events (median and p90 interpolated)"
)


EDGE = ("source", "target")
#: The percentiles of the durations, by the names :func:`duration_aggregates` gives them.
PERCENTILES: Final[Mapping[str, float]] = {"median_ms": 0.5, "p90_ms": 0.9}


def follows(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """One row per event: its case, activity, the next activity in the case and the time to it.

    Columns: ``case``, ``activity``, ``timestamp``, ``next_activity`` (null for the last
    event), ``ms_to_next`` (milliseconds) and ``first`` (true for the case's first event).
    """
    t = with_cases(events, rule)
    w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
    ms = epoch_ms(t.timestamp)
    return t.select(
        case=t.case,
        activity=t.activity,
        timestamp=t.timestamp,
        next_activity=t.activity.lead().over(w),
        ms_to_next=ms.lead().over(w) - ms,
        first=ibis.row_number().over(w) == 0,
    )


def dfg(events: ibis.Table, rule: CaseRule | None = None, *, large: bool = False) -> ibis.Table:
    """The directly-follows graph, one row per ``(source, target)``.

    ``target`` is null on the rows that count how often ``source`` ended a case; ``starts``
    counts the cases that began with ``source`` (spread over its rows; sum it per source).
    ``large``: the cases and percentiles counted by sorting (:mod:`~journeyscope.analytics.
    holistic`: the same numbers in bounded memory, slower), for more events than DuckDB holds
    the durations or the cases of each edge of.
    """
    f = follows(events, rule).rename(source="activity", target="next_activity")
    f, cases = distinct_count(f, EDGE, "case", large=large)
    figures = {
        "count": f.count(),
        "cases": cases,
        "starts": f.first.cast("int64").sum(),
        **duration_aggregates(f.ms_to_next),
    }
    if not large:
        return f.group_by(*EDGE).aggregate(**figures)
    counted = f.group_by(*EDGE).aggregate(
        **{k: v for k, v in figures.items() if k not in PERCENTILES}
    )
    ranked = sorted_quantiles(f, EDGE, "ms_to_next", PERCENTILES)
    joined = counted.left_join(ranked, [counted[k] == ranked[k] for k in EDGE])
    return joined.select(*counted.columns, *PERCENTILES)


def duration_aggregates(ms: ibis.IntegerColumn) -> dict[str, ibis.Scalar]:
    """Aggregates behind :func:`duration_stats`: exact sums, interpolated percentiles
    (:data:`PERCENTILES`)."""
    return {
        "timed": ms.count(),
        "total_ms": ms.sum(),
        **{name: ms.quantile(q) for name, q in PERCENTILES.items()},
    }


def duration_stats(row: Mapping[str, Any]) -> dict[str, float | None]:
    """Median, mean and p90 in seconds from :func:`duration_aggregates` of one row.

    The mean is computed here from the exact integer sum, and everything is rounded to
    0.1 ms, so that engines that differ in the last binary digit give identical results.
    """
    n = int(row["timed"] or 0)
    if n == 0:
        return {"median_seconds": None, "mean_seconds": None, "p90_seconds": None}
    return {
        "median_seconds": round(float(row["median_ms"]) / 1000, 4),
        "mean_seconds": round(int(row["total_ms"]) / n / 1000, 4),
        "p90_seconds": round(float(row["p90_ms"]) / 1000, 4),
    }


def activity_counts(
    events: ibis.Table, rule: CaseRule | None = None, *, large: bool = False
) -> ibis.Table:
    """Per activity: events and the cases it occurs in (``large``: counted as :func:`dfg`)."""
    t = with_cases(events, rule)
    if large:
        t = t.select("activity", "case")
    t, cases = distinct_count(t, ["activity"], "case", large=large)
    return t.group_by("activity").aggregate(events=t.count(), cases=cases)


class DfgQuery(AnalysisQuery):
    """Ask for the process map (directly-follows graph)."""

    kind: Literal["dfg"] = "dfg"
    CASES_ONLY = True


class Edge(BaseModel):
    """One directly-follows edge."""

    source: str
    target: str
    count: int
    cases: int
    median_seconds: float | None
    mean_seconds: float | None
    p90_seconds: float | None


class ActivityCount(BaseModel):
    activity: str
    events: int
    cases: int


class ProcessMap(BaseModel):
    """The directly-follows graph with start and end counts, and how it was computed."""

    edges: list[Edge]
    start: dict[str, int]
    end: dict[str, int]
    activities: list[ActivityCount]
    events: int
    cases: int
    case_rule: str
    semantics: str = DFG_SEMANTICS


class DfgAnalysis:
    """Runner for :class:`DfgQuery`."""

    sized = True

    def prepare(self, events: ibis.Table, query: DfgQuery, large: bool = False) -> ibis.Table:
        return dfg(events, query.case_rule, large=large)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: DfgQuery, large: bool = False
    ) -> dict[str, ibis.Table]:
        p = prepared
        starts = p.group_by(activity=p.source).aggregate(count=p.starts.sum())
        return {
            "edges": p.filter(p.target.notnull()).drop("starts"),
            "end": p.filter(p.target.isnull()).select(activity=p.source, count=p["count"]),
            "start": starts.filter(starts["count"] > 0),
            "activities": activity_counts(events, query.case_rule, large=large),
        }

    def result(self, query: DfgQuery, rows: Mapping[str, list[dict[str, Any]]]) -> ProcessMap:
        edges = sorted(rows["edges"], key=lambda r: (-r["count"], r["source"], r["target"]))
        activities = sorted(rows["activities"], key=lambda r: (-r["events"], r["activity"]))
        start = _counts(rows["start"])
        return ProcessMap(
            edges=[
                Edge(
                    source=r["source"],
                    target=r["target"],
                    count=r["count"],
                    cases=r["cases"],
                    **duration_stats(r),
                )
                for r in edges
            ],
            start=start,
            end=_counts(rows["end"]),
            activities=[ActivityCount(**r) for r in activities],
            events=sum(r["events"] for r in activities),
            cases=sum(start.values()),
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, DFG_SEMANTICS),
        )


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    ordered = sorted(rows, key=lambda r: (-r["count"], r["activity"]))
    return {r["activity"]: int(r["count"]) for r in ordered}


DFG = DfgAnalysis()

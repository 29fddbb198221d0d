"""Loops in customer journeys: back-edges (going back to an activity done before in the
case), rework (an activity repeated in a case), channel ping-pong (X -> Y -> X) and who went
back, counted from the sequences the paths are drawn on (:mod:`journeyscope.analytics.paths`,
which reports them with the paths)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ibis

from journeyscope.analytics.contacts import ping_pong
from journeyscope.analytics.holistic import distinct_count, first_rows
from journeyscope.analytics.paths_result import LoopEdge, Loops, PingPong, Rework
from journeyscope.analytics.repeats import with_repeats

#: Computes an intermediate once for the outputs that read it (a backend's ``keep``; see
#: :class:`~journeyscope.analytics.backends.Analysis`).
Keep = Callable[[ibis.Table], ibis.Table]


def as_is(expr: ibis.Table) -> ibis.Table:
    """A ``keep`` that keeps nothing: each output computes the intermediate itself."""
    return expr


def loops(
    seqs: ibis.Table, items: ibis.Table | None = None, keep: Keep = as_is, large: bool = False
) -> dict[str, ibis.Table]:
    """Loops as results: ``back_edges`` (a -> b where b was done before in the case),
    ``rework`` (activities repeated in a case), ``ping_pong`` (channel X -> Y -> X) and
    ``went_back`` (cases and people with at least one back-edge, out of all).

    ``items`` (default ``seqs``): the sequences of work-item instances that back-edges,
    rework and going back are counted on; ping-pong follows every event of ``seqs``.
    ``keep``: computes the back-moves and the ping-pong returns once for the two outputs that
    read each (see :class:`~journeyscope.analytics.backends.Analysis`); ``large``: by sorting."""
    items = seqs if items is None else items
    s = keep(with_repeats(items).drop("first"))
    b, cases = distinct_count(s.filter(s.back), ["prev", "node"], "case", large=large)
    back_edges = b.group_by(source=b.prev, target=b.node).aggregate(count=b.count(), cases=cases)
    rework = _rework(items, large)
    went_back = _went_back(s, large)
    pp = keep(ping_pong(seqs, "seq"))
    by, cases = distinct_count(pp, ["channel", "via"], "case", large=large)
    ping = by.group_by("channel", "via").aggregate(count=by.count(), cases=cases)
    all_, cases = distinct_count(pp, [], "case", large=large)
    ping_cases = all_.aggregate(cases=cases)
    return {
        "back_edges": back_edges,
        "rework": rework,
        "went_back": went_back,
        "ping_pong": ping,
        "ping_pong_cases": ping_cases,
    }


def _rework(items: ibis.Table, large: bool) -> ibis.Table:
    """Per activity repeated in a case: those ``cases``, and the ``repeats`` (occurrences
    after the first). ``large``: each occurrence numbered in its case and activity by a
    window, which spills (an aggregate over every case and activity did not, at 100M)."""
    if large:
        n = ibis.row_number().over(ibis.window(group_by=[items.case, items.node]))
        r = items.mutate(_n=n)
        rework = r.group_by(activity=r.node).aggregate(
            cases=(r._n == 1).cast("int64").sum(), repeats=(r._n > 0).cast("int64").sum()
        )
        return rework.filter(rework.cases > 0)
    per = items.group_by("case", "node").aggregate(n=items.count())
    per = per.filter(per.n > 1)
    return per.group_by(activity=per.node).aggregate(cases=per.count(), repeats=(per.n - 1).sum())


def _went_back(s: ibis.Table, large: bool) -> ibis.Table:
    """One row: ``cases`` (each case and person), ``cases_back`` (of them, those with a
    back-move), ``people`` and ``people_back`` likewise. ``large``: the cases too counted by
    marking first rows (at 100.5M events and 1 GB, with the kept sequences filling DuckDB's
    memory, the aggregate over 9.8M cases ran out of it)."""
    if large:
        m = first_rows(s, ["case", "person"], "_case")
        m = first_rows(m, ["case", "person"], "_case_back", where=s.back)
        m, people = distinct_count(m, [], "person", large=True)
        m, people_back = distinct_count(m, [], "person", large=True, where=s.back)
        return m.aggregate(
            cases=m._case.sum(),
            cases_back=m._case_back.sum(),
            people=people,
            people_back=people_back,
        )
    went = s.group_by("case", "person").aggregate(back=s.back.any())
    return went.aggregate(
        cases=went.count(),
        cases_back=went.back.cast("int64").sum(),
        people=went.person.nunique(),
        people_back=went.person.nunique(where=went.back),
    )


def loops_result(rows: Mapping[str, list[dict[str, Any]]]) -> Loops:
    """The :class:`Loops` from the rows of the outputs :func:`loops` names."""
    w = rows["went_back"][0]
    cases, people = int(w["cases"] or 0), int(w["people"] or 0)
    back, people_back = int(w["cases_back"] or 0), int(w["people_back"] or 0)

    back_edges = sorted(rows["back_edges"], key=lambda r: (-r["count"], r["source"], r["target"]))
    rework = sorted(rows["rework"], key=lambda r: (-r["cases"], r["activity"]))
    ping_pong = sorted(rows["ping_pong"], key=lambda r: (-r["count"], r["channel"], r["via"]))
    return Loops(
        back_edges=[LoopEdge(**r) for r in back_edges],
        rework=[Rework(**r) for r in rework],
        ping_pong=[PingPong(**r) for r in ping_pong],
        ping_pong_cases=int(rows["ping_pong_cases"][0]["cases"] or 0),
        cases=cases,
        cases_went_back=back,
        share_cases_went_back=round(back / cases, 6) if cases else 0.0,
        customers=people,
        customers_went_back=people_back,
        share_customers_went_back=round(people_back / people, 6) if people else 0.0,
    )

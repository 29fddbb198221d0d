"""How far each case gets through a funnel: the chain computation behind :mod:`.funnels`.

A *chain* is a sequence of events that does the funnel's steps in order. Every row of the
computation carries ``s``, the start time of the best chain that ends at that row, where
"best" is the **latest** start: a later start leaves the most of the conversion window for
the steps still to come, so keeping only the latest start per step is exact (this is how
ClickHouse's ``windowFunnel`` works). In ``first entry`` funnels only the case's first entry
may start a chain.

One window pass per step, ordered by time: the pass for step ``k`` takes, for each step-``k``
event, the best start among the events of the steps that may precede it (the previous step,
and the one before it when the previous step is optional). Equal timestamps are ordered by
step number (ties may advance the funnel) or against it (strictly increasing timestamps).

All functions are pure: Ibis table in, Ibis table out, one row per case that entered the
funnel, with ``case``, ``level``, ``reached_<k>``, ``continued_<k>``, ``entry_time`` and
``ms_to_convert`` (see :func:`journeyscope.analytics.funnels.funnel_cases`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import ibis

from journeyscope.analytics.cases import ORDER_KEYS, epoch_ms

if TYPE_CHECKING:
    from journeyscope.analytics.funnels import FunnelQuery

NULL_TS = ibis.null("timestamp")


def predecessors(query: FunnelQuery, k: int) -> list[int]:
    """Steps whose events may come right before step ``k`` (1-based): the previous step,
    and further back across optional steps."""
    preds = [k - 1]
    j = k - 1
    while j > 1 and query.steps[j - 1].optional:
        j -= 1
        preds.append(j)
    return sorted(preds)


def entry_steps(query: FunnelQuery) -> list[int]:
    """Steps at which a case may enter: the first, or every step of an open funnel."""
    return list(range(1, len(query.steps) + 1)) if query.open else [1]


def _within(ts: ibis.TimestampValue, start: ibis.TimestampValue, window: timedelta | None):  # type: ignore[no-untyped-def]
    ok = start.notnull()
    if window is not None:
        ok &= ts <= start + ibis.interval(microseconds=_micros(window))
    return ok


def _micros(window: timedelta) -> int:
    return int(window / timedelta(microseconds=1))


def step_codes(query: FunnelQuery) -> dict[str, list[int]]:
    """activity -> the step numbers (1-based) it does; exclusions get -1, -2, ..."""
    codes: dict[str, list[int]] = {}
    for k, step in enumerate(query.steps, start=1):
        for a in step.activities:
            codes.setdefault(a, []).append(k)
    for i, exclusion in enumerate(query.exclusions, start=1):
        for a in exclusion.activities:
            codes.setdefault(a, []).append(-i)
    return codes


def long_rows(t: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """One row per (event, step it does): ``case``, ``ts``, ``step``; events that match no
    step or exclusion are dropped. An event matching two steps gives two rows."""
    codes = step_codes(query)
    picked = t.filter(t.activity.isin(list(codes)))
    if all(len(v) == 1 for v in codes.values()):
        step = picked.activity.cases(*((a, v[0]) for a, v in codes.items()))
        return picked.select(case=picked.case, ts=picked.timestamp, step=step.cast("int64"))
    arrays = picked.activity.cases(
        *((a, ibis.literal(v, "array<int64>")) for a, v in codes.items())
    )
    return picked.select(case=picked.case, ts=picked.timestamp, step=arrays.unnest())


def _later(a: ibis.Value, b: ibis.Value) -> ibis.Value:
    """The later of two nullable timestamps (null only when both are)."""
    return ibis.cases((a.isnull(), b), (b.isnull(), a), (a >= b, a), else_=b)


# ------------------------------------------------------------------------------ sequential


def _exclusion_keys(r: ibis.Table, query: FunnelQuery, k: int) -> ibis.Table:
    """Add ``xkey``: rows of step ``k`` and of its predecessors share a key exactly when no
    applicable exclusion event lies between them (timestamps included)."""
    codes = [
        -i
        for i, x in enumerate(query.exclusions, start=1)
        if x.from_step < k <= (x.to_step or len(query.steps))
    ]
    if not codes:
        return r.mutate(xkey=ibis.literal(0, "int64"))
    hit = r.step.isin(codes).cast("int64")
    upto = hit.sum().over(ibis.window(group_by=r.case, order_by=r.ts, range=(None, 0)))
    same = hit.sum().over(ibis.window(group_by=[r.case, r.ts]))
    before = upto - same
    key = ibis.ifelse(r.step.isin(predecessors(query, k)), before, upto)
    return r.mutate(xkey=key)


def sequential(t: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """Chains for ``sequential`` funnels (other events may come between the steps)."""
    r = long_rows(t, query)
    is_entry = r.step.isin(entry_steps(query))
    if query.entry == "first":  # only the case's first entry may start a chain
        first = ibis.cases((is_entry, r.ts), else_=NULL_TS).min().over(group_by=r.case)
        own = ibis.cases((is_entry & (r.ts == first), r.ts), else_=NULL_TS)
    else:
        own = ibis.cases((is_entry, r.ts), else_=NULL_TS)
    # s1: chains that began at step 1 (time to convert); the same as s unless the funnel is open
    r = r.mutate(own=own, s=own, via=NULL_TS)
    r = r.mutate(s1=ibis.cases((r.step == 1, r.own), else_=NULL_TS))
    for k in range(2, len(query.steps) + 1):
        r = _exclusion_keys(r, query, k)
        tie = r.step if query.ties == "advance" else -r.step
        w = ibis.window(
            group_by=[r.case, r.xkey], order_by=[r.ts, tie], preceding=None, following=0
        )
        is_pred = r.step.isin(predecessors(query, k))
        best = ibis.cases((is_pred, r.s), else_=NULL_TS).max().over(w)
        via = ibis.cases((_within(r.ts, best, query.window), best), else_=NULL_TS)
        here = r.step == k
        if query.open:
            best1 = ibis.cases((is_pred, r.s1), else_=NULL_TS).max().over(w)
            via1 = ibis.cases((_within(r.ts, best1, query.window), best1), else_=NULL_TS)
        else:
            via1 = via
        r = r.mutate(
            via=ibis.ifelse(here, via, r.via),
            s=ibis.ifelse(here, r.own.fill_null(via), r.s),
            s1=ibis.ifelse(here, via1, r.s1),
        ).drop("xkey")
    last = len(query.steps)
    reached = {k: (r.step == k) & r.s.notnull() for k in range(1, last + 1)}
    out = r.group_by("case").aggregate(
        level=ibis.cases((r.s.notnull() & (r.step > 0), r.step), else_=None).max(),
        entry_time=r.own.min(),
        ms_to_convert=ibis.cases(
            ((r.step == last) & r.s1.notnull(), epoch_ms(r.ts) - epoch_ms(r.s1)), else_=None
        ).min(),
        **{f"reached_{k}": c.any() for k, c in reached.items()},
        **{f"continued_{k}": ((r.step == k) & r.via.notnull()).any() for k in range(2, last + 1)},
    )
    return out.filter(out.level.notnull())


# ---------------------------------------------------------------------------------- strict


def strict(t: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """Chains for ``strict`` funnels: each step is the case's very next event (events in
    timestamp order, equal timestamps in input order)."""
    n = len(query.steps)
    match = {k: t.activity.isin(list(s.activities)) for k, s in enumerate(query.steps, 1)}
    entries = entry_steps(query)
    can_enter = ibis.or_(*(match[k] for k in entries))
    if query.entry == "first":
        first = ibis.cases((can_enter, t.timestamp), else_=NULL_TS).min().over(group_by=t.case)
        entry_ok = can_enter & (t.timestamp == first)
    else:
        entry_ok = can_enter
    cols = {f"s{k}": ibis.cases((match[k] & entry_ok, t.timestamp), else_=NULL_TS) for k in entries}
    cols |= {f"s{k}": NULL_TS for k in range(1, n + 1) if k not in entries}
    # f<k>: chains that began at step 1 (time to convert); only differ from s<k> when open
    chains_from_one = {f"f{k}": NULL_TS for k in range(2, n + 1)} if query.open else {}
    r = t.select(
        "case",
        *ORDER_KEYS,
        own=ibis.cases((entry_ok, t.timestamp), else_=NULL_TS),
        **{f"m{k}": m for k, m in match.items()},
        **cols,
        **{f"v{k}": NULL_TS for k in range(2, n + 1)},
        **chains_from_one,
    )
    if query.open:
        r = r.mutate(f1=ibis.cases((r.m1, r.s1), else_=NULL_TS))
    f = "f" if query.open else "s"
    for k in range(2, n + 1):
        w = ibis.window(group_by=r.case, order_by=[r[c] for c in ORDER_KEYS])
        ok = r[f"m{k}"]
        if query.ties == "strict_increase":
            ok &= r.timestamp > r.timestamp.lag().over(w)
        via = _next_in(r, query, k, "s", ok, w)
        own = r[f"s{k}"] if k in entries else NULL_TS
        new = {f"v{k}": via, f"s{k}": _later(own, via) if k in entries else via}
        if query.open:
            new[f"f{k}"] = _next_in(r, query, k, "f", ok, w)
        r = r.mutate(**new)
    level = ibis.greatest(*(ibis.ifelse(r[f"s{k}"].notnull(), k, 0) for k in range(1, n + 1)))
    return (
        r.group_by("case")
        .aggregate(
            level=level.max(),
            entry_time=r.own.min(),
            ms_to_convert=(epoch_ms(r.timestamp) - epoch_ms(r[f"{f}{n}"])).min(),
            **{f"reached_{k}": r[f"s{k}"].notnull().any() for k in range(1, n + 1)},
            **{f"continued_{k}": r[f"v{k}"].notnull().any() for k in range(2, n + 1)},
        )
        .filter(ibis._.level > 0)
    )


def _next_in(
    r: ibis.Table, query: FunnelQuery, k: int, prefix: str, ok: ibis.BooleanValue, w: Any
) -> ibis.Value:
    """Start of the chain that the previous event extends to step ``k`` (columns ``prefix``)."""
    prev = _latest(*(r[f"{prefix}{j}"] for j in predecessors(query, k))).lag().over(w)
    return ibis.cases((ok & _within(r.timestamp, prev, query.window), prev), else_=NULL_TS)


def _latest(*values: ibis.Value) -> ibis.Value:
    out = values[0]
    for v in values[1:]:
        out = _later(out, v)
    return out


# ------------------------------------------------------------------------------- any order


def any_order(t: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """Chains for ``any_order`` funnels: level = the most distinct steps done within the
    window that starts at an entry (any funnel event; the first one for first entry)."""
    n = len(query.steps)
    r = long_rows(t, query)
    ahead = ibis.window(group_by=r.case, order_by=r.ts, range=(0, None))
    nxt = {
        k: ibis.cases((r.step == k, r.ts), else_=NULL_TS).min().over(ahead) for k in range(1, n + 1)
    }
    r = r.mutate(**{f"n{k}": v for k, v in nxt.items()})
    if query.entry == "first":
        r = r.mutate(entry=r.ts == r.ts.min().over(group_by=r.case))
    else:
        r = r.mutate(entry=ibis.literal(True))
    inside = [_within(r[f"n{k}"], r.ts, query.window) & r[f"n{k}"].notnull() for k in nxt]
    count = sum((c.cast("int64") for c in inside), ibis.literal(0, "int64"))
    r = r.mutate(count=ibis.ifelse(r.entry, count, 0), done=_latest(*(r[f"n{k}"] for k in nxt)))
    level = r["count"].max()
    complete = r.entry & (r["count"] == n)
    out = r.group_by("case").aggregate(
        level=level,
        entry_time=ibis.cases((r.entry, r.ts), else_=NULL_TS).min(),
        ms_to_convert=ibis.cases((complete, epoch_ms(r.done) - epoch_ms(r.ts)), else_=None).min(),
    )
    return out.mutate(
        **{f"reached_{k}": out.level >= k for k in range(1, n + 1)},
        **{f"continued_{k}": out.level >= k for k in range(2, n + 1)},
    )

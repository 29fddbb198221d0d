"""The funnel's chains over sorted arrays: one vectorised pass per step, on DuckDB's side of
the analytics backend (see :func:`journeyscope.analytics.funnels.funnel_cases`).

The semantics are those of :mod:`journeyscope.analytics.chains`, which computes the same
columns with one window pass per step (the plan Spark runs): every row carries ``s``, the
start of the best chain ending at it, where "best" is the **latest** start. Here the rows of
the funnel's events are fetched once, sorted by case and time, and each step's pass is a
running maximum over NumPy arrays instead of a window that sorts the rows again.

A start is held as the **position** of its row in the sorted rows, ``-1`` for none: within a
case, positions grow with time, so the latest start is the largest position. A running
maximum within a case (or within a stretch of it that no exclusion interrupts) is a plain
running maximum of ``segment * M + position``: positions of an earlier segment are always
smaller (:func:`running_max`).

The rows come in chunks of whole cases, so memory is bounded by the chunk, not the log.
The rows and how they are read are :mod:`journeyscope.analytics.funnel_rows`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import ibis
import numpy as np
import pyarrow as pa

from journeyscope.analytics.chains import entry_steps, predecessors
from journeyscope.analytics.funnel_rows import (
    BATCH_ROWS,
    CHUNK_ROWS,
    Rows,
    chunks,
    ordered_rows,
    take_strings,
)

if TYPE_CHECKING:
    from journeyscope.analytics.funnels import FunnelQuery

__all__ = [
    "BATCH_ROWS",
    "BIG",
    "CHUNK_ROWS",
    "NONE",
    "Rows",
    "chunks",
    "funnel_table",
    "in_memory",
    "in_order",
    "levels",
    "ordered_rows",
    "running_max",
]

NONE = -1
BIG = np.iinfo(np.int64).max

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def funnel_table(backend: Any, t: ibis.Table, query: FunnelQuery) -> pa.Table:
    """The columns of :func:`~journeyscope.analytics.funnels.funnel_cases` for ``t`` (a
    table with ``case``) on Ibis's DuckDB ``backend``, computed by the kernel: the chunks on
    as many threads as DuckDB is set to use (NumPy lets go of the interpreter in its loops)."""
    ((threads,),) = backend.con.execute("SELECT current_setting('threads')").fetchall()
    relation = backend._to_duckdb_relation(ordered_rows(t, query))
    batches = relation.to_arrow_reader(BATCH_ROWS)
    work = chunks(iter(batches), CHUNK_ROWS)
    parts = list(in_order(lambda rows: levels(rows, query), work, int(threads)))
    if not parts:
        empty = np.zeros(0, np.int64)
        nothing = Rows.of(take_strings([], empty), np.zeros(1, np.int64), empty, empty)
        return levels(nothing, query)
    return pa.concat_tables(parts)


def in_order(fn: Callable[[_In], _Out], items: Iterable[_In], threads: int) -> Iterator[_Out]:
    """``fn`` of each of ``items``, in their order, on up to ``threads`` threads, with at most
    ``threads + 1`` items taken and not yet given back (memory stays bounded by the chunks)."""
    if threads <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="funnel") as pool:
        pending: deque[Future[_Out]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def running_max(values: np.ndarray, first: np.ndarray, at: np.ndarray) -> np.ndarray:
    """At the rows ``at``: the largest of ``values`` (positions of rows, -1 for none) from
    the first row of the row's case (``first``) up to it, -1 when there is none.

    Positions of an earlier case are smaller than ``first``, so a running maximum over all
    rows needs no reset at case boundaries."""
    best = np.maximum.accumulate(values)[at] if len(at) else at.copy()
    return np.where(best >= first[at], best, NONE)


def _segmented_max(values: np.ndarray, segment: np.ndarray, first: np.ndarray) -> np.ndarray:
    """:func:`running_max` within segments (``segment`` never decreases along the rows)
    whose rows are not in position order: each position is counted from ``first``, and
    ``segment * span`` keeps a segment's values above every earlier segment's."""
    if len(values) == 0:
        return values.copy()
    local = np.where(values >= 0, values - first + 1, 0)
    span = int(local.max()) + 1
    best = np.maximum.accumulate(segment * span + local) - segment * span
    return np.where(best > 0, best - 1 + first, NONE)


def _within(
    ts: np.ndarray, start: np.ndarray, window: int | None, all_ts: np.ndarray | None = None
) -> np.ndarray:
    """``start`` (positions in ``all_ts``, by default ``ts``) where it exists and ``ts`` is
    inside its window, else -1."""
    if window is None:
        return start
    of = ts if all_ts is None else all_ts
    return np.where(ts <= of[np.maximum(start, 0)] + window, start, NONE)


def _window_micros(query: FunnelQuery) -> int | None:
    return None if query.window is None else query.window // timedelta(microseconds=1)


def levels(rows: Rows, query: FunnelQuery) -> pa.Table:
    """One row per case that entered the funnel (the columns of ``funnel_cases``)."""
    compute = {"sequential": _sequential, "strict": _strict, "any_order": _any_order}
    return compute[query.mode](rows, query)


def _member(code: np.ndarray, wanted: list[int]) -> np.ndarray:
    """``code`` is one of ``wanted`` (small integers)."""
    if len(wanted) == 1:
        found: np.ndarray = code == wanted[0]
        return found
    low = min(int(code.min(initial=0)), *wanted)
    table = np.zeros(max(int(code.max(initial=0)), *wanted) - low + 1, bool)
    table[np.array(wanted) - low] = True
    member: np.ndarray = table[code - low]
    return member


def _group_first(rows: Rows) -> np.ndarray:
    """The position of the first row with the same case and timestamp as each row."""
    n = len(rows.ts)
    new = np.ones(n, bool)
    new[1:] = rows.ts[1:] != rows.ts[:-1]
    new[rows.bounds[:-1][np.diff(rows.bounds) > 0]] = True
    starts = np.flatnonzero(new)
    return np.repeat(starts, np.diff(np.append(starts, n)))


def _exclusion_segments(rows: Rows, query: FunnelQuery, k: int) -> Any:
    """For step ``k``'s pass, when an exclusion applies to it (see
    ``chains._exclusion_keys``): rows of step ``k`` and of its predecessors share a segment
    exactly when no applicable exclusion event lies between them (timestamps included).
    Returns the rows' order sorted by segment and each of them's segment, or None."""
    codes = [
        -i
        for i, x in enumerate(query.exclusions, start=1)
        if x.from_step < k <= (x.to_step or len(query.steps))
    ]
    if not codes:
        return None
    n = len(rows.ts)
    done = np.concatenate(([0], np.cumsum(_member(rows.code, codes))))  # hits before each row
    group = _group_first(rows)
    ends = np.append(np.flatnonzero(group[1:] != group[:-1]), n - 1)
    last = np.repeat(ends, np.diff(np.concatenate(([0], ends + 1))))  # end of each group
    upto = done[last + 1] - done[rows.first]
    same = done[last + 1] - done[group]
    key = np.where(_member(rows.code, predecessors(query, k)), upto - same, upto)
    order = np.lexsort((np.arange(n), key, rows.case_of))
    case, key = rows.case_of[order], key[order]
    new = np.ones(n, bool)
    new[1:] = (case[1:] != case[:-1]) | (key[1:] != key[:-1])
    return order, np.cumsum(new) - 1


def _pass(values: np.ndarray, rows: Rows, segments: Any, at: np.ndarray) -> np.ndarray:
    """At the rows ``at``, the running maximum of ``values`` for one step's pass (within
    cases, or within the segments that exclusions leave)."""
    if segments is None:
        return running_max(values, rows.first, at)
    order, segment = segments
    out = np.empty_like(values)
    out[order] = _segmented_max(values[order], segment, rows.first[order])
    best: np.ndarray = out[at]
    return best


def _sequential(rows: Rows, query: FunnelQuery) -> pa.Table:
    """Step ``k``'s pass: a running maximum of the starts held by the rows of the steps that
    may precede it, read at the rows of step ``k`` (the only ones whose start changes)."""
    step, ts, n = rows.code, rows.ts, len(query.steps)
    size = len(ts)
    window = _window_micros(query)
    at = _rows_of_steps(step, n)
    entering = np.sort(np.concatenate([at[k] for k in entry_steps(query)]))
    if query.entry == "first":  # only the case's first entry may start a chain
        first = _first_of_runs(rows.case_of[entering])
        entering = entering[ts[entering] == ts[entering[first]][np.cumsum(first) - 1]]
    own = np.full(size, NONE)
    own[entering] = entering
    s, via = own.copy(), np.full(size, NONE)  # s: latest start of a chain ending here
    s1 = np.full(size, NONE)  # chains that began at step 1 (time to convert)
    s1[at[1]] = own[at[1]]
    for k in range(2, n + 1):
        segments = _exclusion_segments(rows, query, k)
        preds = np.concatenate([at[j] for j in predecessors(query, k)])
        here = at[k]
        via[here] = _via(s, preds, here, rows, segments, window)
        s[here] = np.maximum(own[here], via[here])  # an own entry is the latest start
        s1[here] = _via(s1, preds, here, rows, segments, window) if query.open else via[here]
    cases = len(rows.bounds) - 1
    reached = np.zeros(cases, np.int64)
    continued = np.zeros(cases, np.int64)
    for k in range(1, n + 1):
        reached[rows.case_of[at[k][s[at[k]] >= 0]]] |= 1 << k
        if k > 1:
            continued[rows.case_of[at[k][via[at[k]] >= 0]]] |= 1 << k
    level = np.zeros(cases, np.int64)
    for k in range(1, n + 1):
        level[(reached >> k) & 1 == 1] = k
    last = at[n][s1[at[n]] >= 0]
    ms = _min_per_case(rows, last, ts[last] // 1000 - ts[s1[last]] // 1000)
    entry = _min_per_case(rows, entering, ts[entering])
    return _table(rows, n, level=level, entry=entry, ms=ms, reached=reached, continued=continued)


def _first_of_runs(values: np.ndarray) -> np.ndarray:
    """Whether each value opens a run of equal values."""
    first = np.ones(len(values), bool)
    first[1:] = values[1:] != values[:-1]
    return first


def _min_per_case(rows: Rows, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per case, the least of ``values`` at the (increasing) rows ``at``; BIG for none."""
    out = np.full(len(rows.bounds) - 1, BIG)
    if len(at):
        case = rows.case_of[at]
        runs = np.flatnonzero(_first_of_runs(case))
        out[case[runs]] = np.minimum.reduceat(values, runs)
    return out


def _rows_of_steps(step: np.ndarray, n: int) -> dict[int, np.ndarray]:
    """The positions of the rows of each step 1..n, in order (one counting sort)."""
    small = np.clip(step, 0, n + 1).astype(np.int16)
    order = np.argsort(small, kind="stable")
    ends = np.cumsum(np.bincount(small, minlength=n + 2))
    return {k: order[ends[k - 1] : ends[k]] for k in range(1, n + 1)}


def _via(
    s: np.ndarray,
    preds: np.ndarray,
    here: np.ndarray,
    rows: Rows,
    segments: Any,
    window: int | None,
) -> np.ndarray:
    """At the rows ``here``: the latest start held by a row of ``preds`` before it (in its
    case, or in its segment when exclusions apply), when ``here`` is inside its window."""
    values = np.full(len(s), NONE)
    values[preds] = s[preds]
    best = _pass(values, rows, segments, here)
    return _within(ts=rows.ts[here], start=best, window=window, all_ts=rows.ts)


def _ms_between(ts: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Milliseconds from ``start`` (positions) to each row, each time floored to the
    millisecond first (as ``cases.epoch_ms``)."""
    ms: np.ndarray = ts // 1000 - ts[np.maximum(start, 0)] // 1000
    return ms


def _strict(rows: Rows, query: FunnelQuery) -> pa.Table:
    """Each step is the case's very next event: a chain passes on from the previous row."""
    ts, n = rows.ts, len(query.steps)
    pos = np.arange(len(ts))
    window = _window_micros(query)
    match = {k: (rows.code >> (k - 1)) & 1 == 1 for k in range(1, n + 1)}
    entries = entry_steps(query)
    can_enter = np.logical_or.reduce([match[k] for k in entries])
    if query.entry == "first":
        first = _per_case(np.minimum, np.where(can_enter, ts, BIG), rows)
        can_enter &= ts == first[rows.case_of]
    none = np.full(len(ts), NONE)
    s = {k: np.where(match[k] & can_enter, pos, NONE) if k in entries else none for k in match}
    f = {1: np.where(match[1], s[1], NONE)} if query.open else s  # chains from step 1
    ok = pos != rows.first  # the case's first event continues nothing
    if query.ties == "strict_increase":
        ok[1:] &= ts[1:] > ts[:-1]
    v = {}
    for k in range(2, n + 1):
        v[k] = _next_in(s, query, k, match[k] & ok, ts, window)
        s[k] = np.maximum(s[k], v[k]) if k in entries else v[k]
        if query.open:
            f[k] = _next_in(f, query, k, match[k] & ok, ts, window)
    level = np.zeros(len(ts), np.int64)
    for k in range(1, n + 1):
        level = np.where(s[k] >= 0, k, level)
    reached = np.zeros(len(ts), np.int64)
    continued = np.zeros(len(ts), np.int64)
    for k in range(1, n + 1):
        reached |= (s[k] >= 0).astype(np.int64) << k
        if k > 1:
            continued |= (v[k] >= 0).astype(np.int64) << k
    return _table(
        rows,
        n,
        level=_per_case(np.maximum, level, rows),
        entry=_per_case(np.minimum, np.where(can_enter, ts, BIG), rows),
        ms=_per_case(np.minimum, np.where(f[n] >= 0, _ms_between(ts, f[n]), BIG), rows),
        reached=_per_case(np.bitwise_or, reached, rows),
        continued=_per_case(np.bitwise_or, continued, rows),
    )


def _next_in(
    starts: dict[int, np.ndarray],
    query: FunnelQuery,
    k: int,
    ok: np.ndarray,
    ts: np.ndarray,
    window: int | None,
) -> np.ndarray:
    """The start of the chain that the previous row extends to step ``k``."""
    latest = np.maximum.reduce([starts[j] for j in predecessors(query, k)])
    previous = np.concatenate(([NONE], latest[:-1]))
    return np.where(ok, _within(ts, previous, window), NONE)


def _any_order(rows: Rows, query: FunnelQuery) -> pa.Table:
    """Level: the most distinct steps done within the window that starts at an entry (any
    funnel event; the case's first one for first entry)."""
    step, ts, n = rows.code, rows.ts, len(query.steps)
    size = len(ts)
    window = _window_micros(query)
    group = _group_first(rows)
    end = np.repeat(rows.bounds[1:], np.diff(rows.bounds))  # where each row's case ends
    entry = ts == ts[rows.first] if query.entry == "first" else np.ones(size, bool)
    count = np.zeros(size, np.int64)
    done = np.full(size, -BIG)
    for k in range(1, n + 1):
        mark = np.where(step == k, np.arange(size), size)
        following = np.minimum.accumulate(mark[::-1])[::-1]
        found = following[group]  # the first step-k row at or after the row's timestamp
        inside = found < end
        at = ts[np.where(inside, found, 0)]
        done = np.where(inside, np.maximum(done, at), done)
        if window is not None:
            inside &= at <= ts + window
        count += inside
    count = np.where(entry, count, 0)
    level = _per_case(np.maximum, count, rows)
    return _table(
        rows,
        n,
        level=level,
        entry=_per_case(np.minimum, np.where(entry, ts, BIG), rows),
        ms=_per_case(
            np.minimum, np.where(entry & (count == n), done // 1000 - ts // 1000, BIG), rows
        ),
        reached=np.left_shift(1, level + 1) - 1,  # steps 1..level
        continued=np.left_shift(1, level + 1) - 1,
    )


def _per_case(ufunc: np.ufunc, values: np.ndarray, rows: Rows) -> np.ndarray:
    """``ufunc`` reduced over each case's rows."""
    if len(values) == 0:
        return values[:0]
    reduced: np.ndarray = ufunc.reduceat(values, rows.bounds[:-1])
    return reduced


def _steps_per_case(step: np.ndarray, rows: Rows) -> np.ndarray:
    """Per case, a bit mask of the steps (1..n) found in ``step`` (0: none)."""
    return _per_case(np.bitwise_or, np.left_shift(1, step) & ~1, rows)


def _table(
    rows: Rows,
    n: int,
    *,
    level: np.ndarray,
    entry: np.ndarray,
    ms: np.ndarray,
    reached: np.ndarray,
    continued: np.ndarray,
) -> pa.Table:
    """The cases that entered (``level`` > 0) as an Arrow table of ``n`` steps: ``reached``
    and ``continued`` are bit masks of steps; ``BIG`` is a missing ``entry`` or ``ms``."""
    kept = np.flatnonzero(level > 0)
    entry, ms, reached, continued = entry[kept], ms[kept], reached[kept], continued[kept]
    columns = {
        "case": rows.cases if len(kept) == len(level) else take_strings([rows.cases], kept),
        "level": _int64(level[kept]),
        "entry_time": _int64(entry, entry == BIG, pa.timestamp("us")),
        "ms_to_convert": _int64(ms, ms == BIG),
    }
    columns |= {f"reached_{k}": _bools((reached >> k) & 1 == 1) for k in range(1, n + 1)}
    columns |= {f"continued_{k}": _bools((continued >> k) & 1 == 1) for k in range(2, n + 1)}
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))


def _int64(values: np.ndarray, missing: Any = None, kind: pa.DataType | None = None) -> pa.Array:
    """A 64-bit Arrow array (``kind``: int64 by default) of ``values``, null where
    ``missing``."""
    valid = None
    if missing is not None and missing.any():
        valid = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    data = pa.py_buffer(np.ascontiguousarray(values, np.int64))
    return pa.Array.from_buffers(kind or pa.int64(), len(values), [valid, data])


def _bools(values: np.ndarray) -> pa.Array:
    bits = pa.py_buffer(np.packbits(values, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, bits])


def in_memory(table: pa.Table) -> ibis.Table:
    """``ibis.memtable(table)`` without its dispatch on the data's type, which imports
    pandas (through ``pyarrow.dataset``) to ask whether the data is a data frame."""
    from ibis import util
    from ibis.expr import operations, schema
    from ibis.formats.pyarrow import PyArrowTableProxy

    op = operations.InMemoryTable(
        name=util.gen_name("funnel_cases"),
        schema=schema.Schema.from_pyarrow(table.schema),
        data=PyArrowTableProxy(table),
    )
    expr: ibis.Table = op.to_expr()
    return expr

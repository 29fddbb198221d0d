"""The rows the funnel kernel reads (see :mod:`journeyscope.analytics.funnel_kernel`): the
query that sorts the funnel's events by case and time, and the reading of its record batches
into :class:`Rows`, whole cases at a time, so memory is bounded by the chunk, not the log.

Cases are found where the case id differs from the row before (compared by Arrow, exactly).

Arrow arrays are read and built through their buffers, and only Arrow's ``take`` and
comparisons are called: pyarrow's conversion functions (``pa.array``, ``to_numpy`` of
booleans) import pandas, which would cost a funnel command about half a second before it
does anything (see ``tests/cli/test_startup.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeyscope.analytics.cases import ORDER_KEYS
from journeyscope.analytics.chains import long_rows

if TYPE_CHECKING:
    from journeyscope.analytics.funnels import FunnelQuery

#: Rows per chunk, the kernel's unit of work (whole cases: a chunk ends at a case boundary);
#: a chunk's arrays stay in the processor's cache (1 << 18 was slower on 5M events).
CHUNK_ROWS = 1 << 17
#: Rows per record batch read from DuckDB.
BATCH_ROWS = 1 << 16


@dataclass(frozen=True)
class Rows:
    """Rows sorted by case, then time (then the order rule of the mode)."""

    cases: pa.Array
    """The id of each case (strings)."""
    bounds: np.ndarray
    """Where each case's rows start, and the number of rows at the end."""
    ts: np.ndarray
    """Microseconds since 1970 (UTC)."""
    code: np.ndarray
    """The step (exclusions: -1, -2, ...), or for strict funnels a bit mask of the steps."""
    case_of: np.ndarray
    """The case number of each row."""
    first: np.ndarray
    """The position of the first row of each row's case."""

    @classmethod
    def of(cls, cases: pa.Array, bounds: np.ndarray, ts: np.ndarray, code: np.ndarray) -> Rows:
        sizes = np.diff(bounds)
        return cls(
            cases=cases,
            bounds=bounds,
            ts=ts,
            code=code,
            case_of=np.repeat(np.arange(len(sizes)), sizes),
            first=np.repeat(bounds[:-1], sizes),
        )


def ordered_rows(t: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """What the kernel reads, sorted by case: ``case``, ``ts``, ``code`` (see :class:`Rows`).

    Strict funnels read every event of a case (a step must be the very next event), in
    :data:`ORDER_KEYS` order; the others read one row per (event, step it does), equal
    timestamps ordered by step (ties may advance) or against it (strictly increasing)."""
    if query.mode == "strict":
        bits = [
            t.activity.isin(list(s.activities)).cast("int64") * (1 << k)
            for k, s in enumerate(query.steps)
        ]
        code = sum(bits[1:], bits[0])
        r = t.select(*ORDER_KEYS[1:], case=t.case, ts=t.timestamp, code=code)
        order = ["case", "ts", *ORDER_KEYS[1:]]
    else:
        r = long_rows(t, query).rename(code="step")
        order = [r.case, r.ts, r.code if query.ties == "advance" else -r.code]
    r = r.order_by(order)
    return r.select(case=r.case, ts=r.ts, code=r.code)


@dataclass(frozen=True)
class _Piece:
    """Rows of one record batch of :func:`ordered_rows` (or a slice of them)."""

    opens: np.ndarray
    """Whether each row's case differs from the row before it (the first row read: true)."""
    ts: np.ndarray
    code: np.ndarray
    cases: pa.Array

    @classmethod
    def of(cls, batch: pa.RecordBatch, before: str | None) -> _Piece:
        """The rows of ``batch``, read after a row of case ``before`` (None: the first)."""
        cases, ts = batch.column(0), batch.column(1)
        if cases.null_count:
            raise ValueError("events without a case cannot be in a funnel")
        if ts.null_count:
            raise ValueError("events without a timestamp cannot be in a funnel")
        scale = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": -1000}[ts.type.unit]
        micros = _numbers(ts)
        micros = micros * scale if scale > 0 else micros // -scale
        opens = np.ones(len(cases), bool)
        if len(cases) > 1:
            opens[1:] = _flags(pc.not_equal(cases.slice(1), cases.slice(0, len(cases) - 1)))
        opens[0] = before is None or cases[0].as_py() != before
        return cls(opens, micros, _numbers(batch.column(2)), cases)

    def slice(self, start: int) -> _Piece:
        return _Piece(self.opens[start:], self.ts[start:], self.code[start:], self.cases[start:])


def chunks(batches: Iterator[pa.RecordBatch], size: int = CHUNK_ROWS) -> Iterator[Rows]:
    """Whole cases from the sorted record batches of :func:`ordered_rows`, about ``size``
    rows at a time."""
    held: list[_Piece] = []
    count = 0
    before: str | None = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        held.append(_Piece.of(batch, before))
        before = batch.column(0)[-1].as_py()
        count += batch.num_rows
        if count < size:
            continue
        keep = int(np.flatnonzero(np.concatenate([p.opens for p in held]))[-1])
        if keep == 0:  # one case so far: read on
            continue
        yield _rows(held, keep)  # up to where the last case read (perhaps unfinished) opens
        held, count = _after(held, keep), count - keep
    if count:
        yield _rows(held, count)


def _after(pieces: list[_Piece], start: int) -> list[_Piece]:
    """The rows of ``pieces`` from position ``start`` on."""
    out = []
    for piece in pieces:
        size = len(piece.ts)
        if start < size:
            out.append(piece.slice(max(start, 0)))
        start -= size
    return out


def _rows(pieces: list[_Piece], stop: int) -> Rows:
    """The first ``stop`` rows of ``pieces`` (whole cases; the first row opens one)."""
    opens = np.flatnonzero(np.concatenate([p.opens for p in pieces])[:stop])
    bounds = np.append(opens, stop).astype(np.int64)
    cases = take_strings([p.cases for p in pieces], bounds[:-1])
    ts = np.concatenate([p.ts for p in pieces])[:stop]
    code = np.concatenate([p.code for p in pieces])[:stop]
    return Rows.of(cases, bounds, ts, code)


def _numbers(array: pa.Array) -> np.ndarray:
    """The values of a 64-bit numeric or timestamp array without nulls, as NumPy."""
    values = np.frombuffer(array.buffers()[1], dtype=np.int64)
    return values[array.offset : array.offset + len(array)]


def _flags(array: pa.BooleanArray) -> np.ndarray:
    """The values of a boolean array without nulls, as NumPy."""
    bits = np.frombuffer(array.buffers()[1], dtype=np.uint8)
    count = array.offset + len(array)
    flags: np.ndarray = np.unpackbits(bits, count=count, bitorder="little")[array.offset :]
    return flags.astype(bool)


def take_strings(arrays: list[pa.Array], at: np.ndarray) -> pa.Array:
    """The strings at the (increasing) positions ``at`` of ``arrays`` laid end to end, as
    one string array (Arrow's ``take``, which imports no pandas)."""
    positions = np.ascontiguousarray(at, np.int64)
    indices = pa.Array.from_buffers(pa.int64(), len(positions), [None, pa.py_buffer(positions)])
    kinds = {a.type for a in arrays}
    kind = kinds.pop() if len(kinds) == 1 else pa.large_string()
    strings = pa.chunked_array([a.cast(kind) for a in arrays], type=kind)
    taken: pa.Array = strings.take(indices).combine_chunks()
    return taken.cast(pa.large_string())

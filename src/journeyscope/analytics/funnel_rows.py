"""The rows the funnel kernel reads (see :mod:`journeyscope.analytics.funnel_kernel`): the
query that sorts the funnel's events by case and time, and the reading of its record batches
into :class:`Rows`, whole cases at a time, so memory is bounded by the chunk, not the log.

Cases are found where a hash of the case id changes; a stretch of two cases whose ids share
a hash (rare) is split where the id changes.

Arrow arrays are read and built through their buffers: pyarrow's conversion functions
(``pa.array``, ``to_numpy`` of booleans, compute functions) import pandas, which would cost
a funnel command about half a second before it does anything (see
``tests/cli/test_startup.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pyarrow as pa

from journeyscope.analytics.cases import ORDER_KEYS
from journeyscope.analytics.chains import long_rows

if TYPE_CHECKING:
    from journeyscope.analytics.funnels import FunnelQuery

#: Rows held in memory at once (whole cases: a chunk ends at a case boundary).
CHUNK_ROWS = 1 << 18
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
    """What the kernel reads, sorted by case: ``key`` (a hash of the case, to find where
    cases change), ``case``, ``ts``, ``code`` (see :class:`Rows`).

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
    return r.select(key=r.case.hash(), case=r.case, ts=r.ts, code=r.code)


@dataclass(frozen=True)
class _Piece:
    """Rows of one record batch of :func:`ordered_rows` (or a slice of them)."""

    key: np.ndarray
    ts: np.ndarray
    code: np.ndarray
    cases: pa.Array

    @classmethod
    def of(cls, batch: pa.RecordBatch) -> _Piece:
        ts = batch.column(2)
        if ts.null_count:
            raise ValueError("events without a timestamp cannot be in a funnel")
        scale = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": -1000}[ts.type.unit]
        micros = _numbers(ts)
        micros = micros * scale if scale > 0 else micros // -scale
        return cls(_numbers(batch.column(0)), micros, _numbers(batch.column(3)), batch.column(1))

    def slice(self, start: int) -> _Piece:
        return _Piece(self.key[start:], self.ts[start:], self.code[start:], self.cases[start:])


def chunks(batches: Iterator[pa.RecordBatch], size: int = CHUNK_ROWS) -> Iterator[Rows]:
    """Whole cases from the sorted record batches of :func:`ordered_rows`, about ``size``
    rows at a time."""
    held: list[_Piece] = []
    count = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        held.append(_Piece.of(batch))
        count += batch.num_rows
        if count < size:
            continue
        key = np.concatenate([p.key for p in held])
        changed = np.flatnonzero(key != key[-1])
        if len(changed) == 0:  # one case so far: read on
            continue
        keep = int(changed[-1]) + 1
        yield _rows(held, keep)
        held, count = _after(held, keep), count - keep
    if count:
        yield _rows(held, count)


def _after(pieces: list[_Piece], start: int) -> list[_Piece]:
    """The rows of ``pieces`` from position ``start`` on."""
    out = []
    for piece in pieces:
        size = len(piece.key)
        if start < size:
            out.append(piece.slice(max(start, 0)))
        start -= size
    return out


def _rows(pieces: list[_Piece], stop: int) -> Rows:
    """The first ``stop`` rows of ``pieces`` (whole cases)."""
    key = np.concatenate([p.key for p in pieces])[:stop]
    starts = np.flatnonzero(key[1:] != key[:-1]) + 1
    bounds = np.concatenate(([0], starts, [stop])).astype(np.int64)
    cases = take_strings(_cases(pieces), bounds[:-1])
    if not _same_strings(cases, take_strings(_cases(pieces), bounds[1:] - 1)).all():
        bounds = _split_collisions(pieces, bounds)
        cases = take_strings(_cases(pieces), bounds[:-1])
    ts = np.concatenate([p.ts for p in pieces])[:stop]
    code = np.concatenate([p.code for p in pieces])[:stop]
    return Rows.of(cases, bounds, ts, code)


def _cases(pieces: list[_Piece]) -> list[pa.Array]:
    return [p.cases for p in pieces]


def _numbers(array: pa.Array) -> np.ndarray:
    """The values of a 64-bit numeric or timestamp array without nulls, as NumPy."""
    values = np.frombuffer(array.buffers()[1], dtype=np.int64)
    return values[array.offset : array.offset + len(array)]


def _strings(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (one more than the strings) and bytes of a string array."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[array.offset : array.offset + len(array) + 1]
    return offsets.astype(np.int64), np.frombuffer(buffers[2] or b"", dtype=np.uint8)


def take_strings(arrays: list[pa.Array], at: np.ndarray) -> pa.Array:
    """The strings at the (increasing) positions ``at`` of ``arrays`` laid end to end, as
    one string array."""
    lengths, data = [], []
    begin = 0
    for array in arrays:
        end = begin + len(array)
        lo, hi = np.searchsorted(at, [begin, end])
        local = at[lo:hi] - begin
        offsets, raw = _strings(array)
        size = offsets[local + 1] - offsets[local]
        within = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
        lengths.append(size)
        data.append(raw[np.repeat(offsets[local], size) + within])
        begin = end
    size = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
    offsets = np.concatenate(([0], np.cumsum(size))).astype(np.int64)
    raw = np.concatenate(data) if data else np.zeros(0, np.uint8)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(raw)]
    return pa.Array.from_buffers(pa.large_string(), len(at), buffers)


def _same_strings(left: pa.Array, right: pa.Array) -> np.ndarray:
    """Whether the strings of ``left`` equal those of ``right``, pair by pair."""
    (a_offsets, a), (b_offsets, b) = _strings(left), _strings(right)
    if np.array_equal(a_offsets, b_offsets) and np.array_equal(a, b):
        return np.ones(len(left), bool)
    return np.array([x == y for x, y in zip(left.to_pylist(), right.to_pylist(), strict=True)])


def _split_collisions(pieces: list[_Piece], bounds: np.ndarray) -> np.ndarray:
    """``bounds`` found from the hash of the case, with a stretch of two cases whose hashes
    are equal (rare) split where the case changes. Rows are sorted by case, so a stretch
    holds one case exactly when its first and last case are the same."""
    firsts = take_strings(_cases(pieces), bounds[:-1])
    mixed = np.flatnonzero(~_same_strings(firsts, take_strings(_cases(pieces), bounds[1:] - 1)))
    extra = []
    for c in mixed:
        rows = np.arange(bounds[c], bounds[c + 1])
        names = take_strings(_cases(pieces), rows).to_pylist()
        extra += [int(r) for r, x, y in zip(rows[1:], names, names[1:], strict=False) if x != y]
    return np.sort(np.concatenate((bounds, np.array(extra, np.int64))))

"""The bulk path of the CSV reader: Arrow's parser, with each record's physical line.

:func:`read_bulk` hands over exactly the rows the row-by-row reader of
:mod:`~journeyscope.events.csvfile` would, in the same batches, for the records it can
vouch for, and tells that reader where to take over for the rest.

It vouches for a record only when both parsers provably split it the same way:

- the file is UTF-8 (Arrow checks every value) without NUL bytes, without a carriage return
  that is not followed by a line feed, and without a blank line before its last record
  (checked on the raw bytes first, :func:`scan`); so every line break is ``\\n`` (or
  ``\\r\\n``) and every physical line belongs to a record;
- every record has the header's number of fields (Arrow stops at the first that has not);
- no field is near :data:`MAX_FIELD` characters (the row-by-row reader quarantines longer
  ones) and, in a one-column file, no value is empty (the row-by-row reader skips those as
  blank lines).

A record then starts on the line after the previous record's last line, and spans one line
plus the line feeds inside its quoted values, which Arrow keeps as they were: the line of
every record follows from a running sum. The header Arrow read must equal the header the
:mod:`csv` module reads; the lines counted must equal the line feeds in the file; a batch
with any doubt is not handed over, and the row-by-row reader starts at its first record.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from journeyscope.events.rawio import ERROR, HIDDEN, ROW, maybe_gunzip

#: Longest field read, in characters; a longer one quarantines its row.
MAX_FIELD = 8 * 1024 * 1024
_BLOCK = 16 * 1024 * 1024  # bytes Arrow parses at a time
_SCAN_CHUNK = 16 * 1024 * 1024


@dataclass(frozen=True)
class Resume:
    """Where the row-by-row reader takes over: the first physical line whose record was
    not handed over (0: the whole file) and the good rows handed over before it."""

    line: int = 0
    good: int = 0


@dataclass(frozen=True)
class Scan:
    """What the raw bytes say: line feeds before the file's trailing line breaks, and
    whether any value can be quoted (and so hold a line break)."""

    newlines: int
    quoted: bool


def header_names(header: list[str]) -> list[str]:
    """Column names from a header record: blanks named by position, the hidden columns and
    repeats renamed.

    >>> header_names(["a", "", "a", "__row"])
    ['a', 'column1', 'a_1', 'csv:__row']
    """
    names: list[str] = []
    for i, raw in enumerate(header):
        name = raw.strip() or f"column{i}"
        if name in HIDDEN:
            name = f"csv:{name}"
        base, n = name, 1
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def scan(path: Path) -> Scan | None:
    """Check the raw bytes (see the module docstring); None when the bulk path cannot
    vouch for the file."""
    newlines = 0
    quoted = False
    first = True
    carry = b""  # line breaks at the end of what was read, not yet known to be trailing
    before = b""  # the byte before ``carry``
    with path.open("rb") as raw, maybe_gunzip(raw) as handle:
        while chunk := handle.read(_SCAN_CHUNK):
            if first:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                if chunk[:1] in (b"\r", b"\n"):
                    return None  # a blank first line
                first = False
            body = chunk.rstrip(b"\r\n")
            if not body:
                carry += chunk
                continue
            piece = before + carry + body
            crs = b"\r" in piece  # most files have none: skip the counting
            feeds = _line_feeds(piece)  # ``before`` is never one
            if (
                b"\x00" in body
                or bool(np.any(np.diff(feeds) == 1))  # a blank line: "\n\n"
                or (crs and (b"\n\r\n" in piece or piece.count(b"\r") != piece.count(b"\r\n")))
            ):
                return None
            newlines += len(feeds)
            quoted = quoted or b'"' in body
            before, carry = body[-1:], chunk[len(body) :]
    if first or not before:
        return None  # empty, or only line breaks
    return Scan(newlines, quoted)


def scan_in_thread(path: Path) -> Future[Scan | None]:
    """:func:`scan` of ``path`` in a thread, to run beside other work on the same bytes (the
    file's fingerprint): reading, NumPy and the byte searches mostly release the GIL."""
    future: Future[Scan | None] = Future()

    def work() -> None:
        try:
            future.set_result(scan(path))
        except BaseException as exc:  # raised where the result is asked for
            future.set_exception(exc)

    threading.Thread(target=work, name="csv-scan", daemon=True).start()
    return future


def _line_feeds(data: bytes) -> np.ndarray:
    """Positions of the line feeds in ``data`` (a quarter of the time of ``bytes.count`` and
    a search for ``b"\\n\\n"``, which it replaces).

    >>> _line_feeds(b"a\\nb\\n\\n").tolist()
    [1, 3, 4]
    """
    return np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))


def _header(path: Path, sep: str) -> list[str] | None:
    """The first record as the csv module reads it, or None if it cannot."""
    csv.field_size_limit(MAX_FIELD)
    try:
        with path.open("rb") as raw, maybe_gunzip(raw) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            return next(csv.reader(text, delimiter=sep, strict=False), None)
    except (csv.Error, UnicodeDecodeError):
        return None


def _open(path: Path, sep: str, width: int) -> pacsv.CSVStreamingReader:
    raw = pa.OSFile(str(path))
    magic = raw.read(2)
    raw.seek(0)
    source = pa.CompressedInputStream(raw, "gzip") if magic == b"\x1f\x8b" else raw
    fields = [f"f{i}" for i in range(width)]
    return pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(column_names=fields, block_size=_BLOCK),
        parse_options=pacsv.ParseOptions(
            delimiter=sep,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=True,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(fields, pa.string()),
            null_values=[""],  # '' is no value, quoted or not, as row by row
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            check_utf8=True,
        ),
    )


def _lines(batch: pa.RecordBatch, quoted: bool) -> np.ndarray:
    """Physical lines each record spans: one, plus the line feeds inside its values."""
    spans = np.ones(batch.num_rows, dtype=np.int64)
    if quoted:
        for column in batch.columns:
            spans += _integers(pc.count_substring(column, "\n"))
    return spans


def _integers(array: pa.Array) -> np.ndarray:
    """An integer array's values as NumPy, 0 for NULL, read from its buffers.

    (Arrow's own conversions, and any Python value handed to Arrow, import pandas: about a
    second of a command's start on a cold machine, for nothing.)"""
    width = np.int32 if array.type == pa.int32() else np.int64
    end = array.offset + len(array)
    values = np.frombuffer(array.buffers()[1], dtype=width, count=end)[array.offset :]
    if array.null_count:
        valid = np.unpackbits(np.frombuffer(array.buffers()[0], np.uint8), bitorder="little")
        values = np.where(valid[array.offset : end].astype(bool), values, 0)
    return values.astype(np.int64)


def _doubtful(batch: pa.RecordBatch) -> bool:
    """A field near the size limit, or an empty value in a one-column file."""
    for column in batch.columns:
        data = column.buffers()[2]  # every value's bytes (and maybe more, after a slice)
        if data is None or data.size < MAX_FIELD:
            continue  # no value can be that long
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is not None and longest >= MAX_FIELD:
            return True
    return batch.num_columns == 1 and int(batch.column(0).null_count) > 0


def _table(names: list[str], data: pa.Table, rows: np.ndarray) -> pa.Table:
    """The row-by-row reader's batch: text columns (NULL for ''), ``__row``, ``__error``."""
    columns: dict[str, pa.Array | pa.ChunkedArray] = dict(zip(names, data.columns, strict=True))
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    columns[ROW] = pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])
    columns[ERROR] = pa.nulls(len(rows), pa.string())
    return pa.table(columns)


def read_bulk(
    path: Path,
    sep: str,
    header: bool,
    batch_size: int,
    on_progress: Callable[[float], None] | None = None,
    scanned: Future[Scan | None] | None = None,
) -> Generator[pa.Table, None, Resume | None]:
    """Yield the batches the bulk path vouches for; return None when that was the whole
    file, else where the row-by-row reader takes over. ``scanned``: the file's
    :func:`scan_in_thread`, when the caller started it."""
    found = scan(path) if scanned is None else scanned.result()
    first = _header(path, sep) if found is not None else None
    if found is None or first is None or first == [""]:
        return Resume()
    names = header_names(first) if header else [f"column{i}" for i in range(len(first))]
    pending: list[pa.Table] = []  # parsed and checked, not handed over yet
    pending_rows: list[np.ndarray] = []
    held = 0  # rows in ``pending``
    line = 1  # the line the next record parsed starts on
    handed = Resume(1, 0)
    at_header = True
    try:
        reader = _open(path, sep, len(first))
        for batch in reader:
            if _doubtful(batch):
                return handed
            if not batch.num_rows:
                continue
            spans = _lines(batch, found.quoted)
            starts = line + np.concatenate(([0], np.cumsum(spans)[:-1]))
            line += int(spans.sum())
            table = pa.Table.from_batches([batch])
            if at_header:
                at_header = False
                if [table.column(i)[0].as_py() or "" for i in range(len(first))] != first:
                    return Resume()
                if header:
                    table, starts = table.slice(1), starts[1:]
            pending.append(table)
            pending_rows.append(starts)
            held += table.num_rows
            while held >= batch_size:
                data = pa.concat_tables(pending)
                rows = np.concatenate(pending_rows)
                yield _table(names, data.slice(0, batch_size), rows[:batch_size])
                pending, pending_rows = [data.slice(batch_size)], [rows[batch_size:]]
                held -= batch_size
                handed = Resume(int(rows[batch_size]) if held else line, handed.good + batch_size)
                if on_progress is not None:
                    on_progress(min(100.0, 100.0 * line / (found.newlines + 1)))
    except (pa.ArrowException, OSError):
        return handed  # a record Arrow cannot split as the header says: read row by row
    if line - 2 != found.newlines:
        return handed  # lines not accounted for: trust the row-by-row reader
    if held:
        yield _table(names, pa.concat_tables(pending), np.concatenate(pending_rows))
    return None

"""The delimited-text reader: rows numbered by their physical line, bad rows quarantined.

Each record is one row whose ``__row`` is the physical line it starts on (the header is line
1), so quarantine and generated event ids name the line a person finds in an editor, also
after blank lines, quoted values spanning lines, or malformed lines. A record with more or
fewer fields than the header, a field longer than :data:`MAX_FIELD` characters, or a line
that is not text in the file's encoding, is a row quarantined with the line and the reason;
the other rows are read. Every value is text, so identifiers such as ``NA`` or ``007`` stay
as written.

Two paths give the same rows. A clean UTF-8 file (no blank line between records, no NUL,
no carriage return without a line feed, every record with the header's number of fields,
no field near :data:`MAX_FIELD`) is parsed in bulk by Arrow's multi-threaded CSV parser,
and each record's physical line is computed from the line breaks inside its values; this
is several times faster than the row-by-row path. Anything else is read record by record
with Python's :mod:`csv` module, from the start of the file or, when the bulk parser meets
the first record it cannot vouch for, from the first record not handed over yet.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from journeyscope.errors import InputFormatError
from journeyscope.events.csvbulk import (
    MAX_FIELD,
    Resume,
    Scan,
    header_names,
    read_bulk,
    scan_in_thread,
)
from journeyscope.events.rawio import ERROR, ROW, maybe_gunzip

__all__ = ["MAX_FIELD", "read_csv"]

_DELIMITERS = ",;\t|"
_ASCII_COMPATIBLE = {"utf-8", "utf-8-sig", "latin-1", "iso8859-1", "ascii", "cp1252"}


def _codec(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InputFormatError(
            f"unknown encoding {encoding!r} (try utf-8, latin-1, utf-16)"
        ) from exc
    return "utf-8-sig" if name == "utf-8" else name


def _sniff(path: Path, encoding: str) -> str:
    with path.open("rb") as raw, maybe_gunzip(raw) as handle:
        sample = handle.read(64 * 1024).decode(encoding, errors="replace")
    lines = sample.splitlines()[:50] or [""]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def scan_ahead(path: Path, encoding: str) -> Future[Scan | None] | None:
    """The bulk path's scan of ``path`` started in a thread, for :func:`read_csv`'s
    ``scanned``, when the bulk path may read the file (UTF-8); else None."""
    try:
        bulk = _codec(encoding) == "utf-8-sig"
    except InputFormatError:
        return None  # read_csv says so
    return scan_in_thread(path) if bulk else None


def read_csv(
    path: Path,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    header: bool = True,
    batch_size: int = 100_000,
    on_progress: Callable[[float], None] | None = None,
    scanned: Future[Scan | None] | None = None,
) -> Iterator[pa.Table]:
    """Stream a delimited text file as Arrow tables of text columns plus ``__row``/``__error``.

    The delimiter is sniffed from the first 64 KiB unless given. Batches hold ``batch_size``
    rows each (the last fewer) whichever path reads them (see the module docstring).
    ``scanned``: the bulk path's scan of the file, started by the caller
    (:func:`~journeyscope.events.csvbulk.scan_in_thread`).
    """
    codec = _codec(encoding)
    sep = delimiter or _sniff(path, codec)
    if len(sep) != 1:
        raise InputFormatError(f"{path}: the delimiter must be one character, not {sep!r}")
    resume: Resume | None = Resume()
    if codec == "utf-8-sig" and sep.isascii() and sep not in '"\r\n':
        resume = yield from read_bulk(path, sep, header, batch_size, on_progress, scanned)
    if resume is not None:
        yield from _read_rows(path, sep, codec, encoding, header, batch_size, on_progress, resume)


def _read_rows(
    path: Path,
    sep: str,
    codec: str,
    encoding: str,
    header: bool,
    batch_size: int,
    on_progress: Callable[[float], None] | None,
    resume: Resume,
) -> Iterator[pa.Table]:
    """The row-by-row path; records starting before ``resume.line`` were handed over."""
    csv.field_size_limit(MAX_FIELD)
    size = max(path.stat().st_size, 1)
    with path.open("rb") as raw, maybe_gunzip(raw) as handle:
        # undecodable bytes become lone surrogates, found per row when the batch is built
        text = io.TextIOWrapper(handle, encoding=codec, errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=sep, strict=False)
        names: list[str] | None = None
        rows: list[tuple[int, list[str] | None, str | None]] = []
        good = resume.good
        first_problem: str | None = None
        last = 0  # physical lines read so far
        while True:
            start = last + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                last = reader.line_num
                if start >= resume.line:
                    rows.append((start, None, f"line {start}: malformed: {exc}"))
                    first_problem = first_problem or rows[-1][2]
                continue
            except UnicodeDecodeError as exc:  # only from codecs without surrogateescape
                raise InputFormatError(
                    f"{path}: line {start}: not {encoding} text: {exc.reason}"
                ) from exc
            last = reader.line_num
            if not record or record == [""]:
                continue  # a blank line is no row
            if names is None:
                if header and not all(_is_text(v) for v in record):
                    raise InputFormatError(
                        f"{path}: line {start}: the header is not {encoding} text; "
                        "give the file's encoding (--encoding latin-1, utf-16, ...)"
                    )
                names = (
                    header_names(record) if header else [f"column{i}" for i in range(len(record))]
                )
                if header:
                    continue
            if start < resume.line:
                continue  # handed over by the bulk path
            if len(record) != len(names):
                problem = f"line {start}: {len(record)} fields where the header has {len(names)}"
                rows.append((start, None, problem))
                first_problem = first_problem or problem
            else:
                rows.append((start, record, None))
                good += 1
            if len(rows) >= batch_size:
                if on_progress is not None:
                    on_progress(min(100.0, 100.0 * raw.tell() / size))
                yield _batch(names, rows, encoding)
                rows = []
    if names is None:
        raise InputFormatError(f"{path}: no header line: the file is empty")
    if not good and first_problem is not None:
        raise InputFormatError(f"{path}: cannot read any row ({first_problem})")
    if rows:
        yield _batch(names, rows, encoding)


def _batch(
    names: list[str], rows: list[tuple[int, list[str] | None, str | None]], encoding: str
) -> pa.Table:
    """Columns of text ('' is no value), ``__row`` and ``__error``; a row holding bytes
    that are not text in ``encoding`` gets that as its error instead of its values."""
    try:
        return _columns(names, rows)
    except UnicodeEncodeError:
        checked: list[tuple[int, list[str] | None, str | None]] = []
        for n, record, error in rows:
            if record is not None and not all(_is_text(v) for v in record):
                checked.append((n, None, f"line {n}: not {encoding} text"))
            else:
                checked.append((n, record, error))
        return _columns(names, checked)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _columns(names: list[str], rows: list[tuple[int, list[str] | None, str | None]]) -> pa.Table:
    blank = [""] * len(names)
    cells = list(zip(*[blank if r is None else r for _, r, _ in rows], strict=True))
    columns: dict[str, pa.Array] = {}
    for name, values in zip(names, cells or [()] * len(names), strict=True):
        array = pa.array(values, pa.string())
        columns[name] = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    columns[ROW] = pa.array([n for n, _, _ in rows], pa.int64())
    columns[ERROR] = pa.array([e for _, _, e in rows], pa.string())
    return pa.table(columns)

"""The delimited-text reader: rows numbered by their physical line, bad rows quarantined.

Each record is one row whose ``__row`` is the physical line it starts on (the header is line
1), so quarantine and generated event ids name the line a person finds in an editor, also
after blank lines, quoted values spanning lines, or malformed lines. A record with more or
fewer fields than the header, a field longer than :data:`MAX_FIELD` characters, or a line
that is not text in the file's encoding, is a row quarantined with the line and the reason;
the other rows are read. Every value is text, so identifiers such as ``NA`` or ``007`` stay
as written.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa

from journeyscope.errors import InputFormatError
from journeyscope.events.rawio import ERROR, HIDDEN, ROW, maybe_gunzip

#: Longest field read, in characters; a longer one quarantines its row.
MAX_FIELD = 8 * 1024 * 1024
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


class _Lines:
    """Text lines of a binary stream, remembering which physical lines did not decode."""

    def __init__(self, handle: IO[bytes], encoding: str) -> None:
        self.bad: dict[int, str] = {}
        self.number = 0
        if encoding in _ASCII_COMPATIBLE:
            self._lines: Iterator[str] = self._decode(handle, encoding)
        else:  # multi-byte newlines (UTF-16): decode the stream, strictly
            self._lines = iter(io.TextIOWrapper(handle, encoding=encoding, newline=""))

    def _decode(self, handle: IO[bytes], encoding: str) -> Iterator[str]:
        first = True
        for raw in handle:
            text = bytes(raw)
            try:
                line = text.decode(encoding if first else encoding.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                self.bad[self.number + 1] = f"not {encoding} text ({exc.reason})"
                line = text.decode(encoding.removesuffix("-sig"), errors="replace")
            first = False
            yield line

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.number += 1
            yield line


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


def _names(header: list[str]) -> list[str]:
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


def read_csv(
    path: Path,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    header: bool = True,
    batch_size: int = 100_000,
    on_progress: Callable[[float], None] | None = None,
) -> Iterator[pa.Table]:
    """Stream a delimited text file as Arrow tables of text columns plus ``__row``/``__error``.

    The delimiter is sniffed from the first 64 KiB unless given.
    """
    codec = _codec(encoding)
    sep = delimiter or _sniff(path, codec)
    if len(sep) != 1:
        raise InputFormatError(f"{path}: the delimiter must be one character, not {sep!r}")
    csv.field_size_limit(MAX_FIELD)
    size = max(path.stat().st_size, 1)
    with path.open("rb") as raw, maybe_gunzip(raw) as handle:
        lines = _Lines(handle, codec)
        reader = csv.reader(lines, delimiter=sep, strict=False)
        names: list[str] | None = None
        rows: list[tuple[int, list[str] | None, str | None]] = []
        good = 0
        first_problem: str | None = None
        while True:
            start = lines.number + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                rows.append((start, None, f"line {start}: malformed: {exc}"))
                continue
            except UnicodeDecodeError as exc:
                raise InputFormatError(
                    f"{path}: line {start}: not {encoding} text: {exc.reason}"
                ) from exc
            if not record or record == [""]:
                continue  # a blank line is no row
            problem = next(
                (lines.bad[n] for n in range(start, lines.number + 1) if n in lines.bad), None
            )
            if names is None:
                names = _names(record) if header else [f"column{i}" for i in range(len(record))]
                if header:
                    continue
            if problem is not None:
                rows.append((start, None, f"line {start}: {problem}"))
            elif len(record) != len(names):
                rows.append(
                    (
                        start,
                        None,
                        f"line {start}: {len(record)} fields where the header has {len(names)}",
                    )
                )
            else:
                rows.append((start, record, None))
                good += 1
            if first_problem is None and rows and rows[-1][2] is not None:
                first_problem = rows[-1][2]
            if len(rows) >= batch_size:
                if on_progress is not None:
                    on_progress(min(100.0, 100.0 * raw.tell() / size))
                yield _batch(names, rows)
                rows = []
    if names is None:
        raise InputFormatError(f"{path}: no header line: the file is empty")
    if not good and first_problem is not None:
        raise InputFormatError(f"{path}: cannot read any row ({first_problem})")
    if rows:
        yield _batch(names, rows)


def _batch(names: list[str], rows: list[tuple[int, list[str] | None, str | None]]) -> pa.Table:
    columns: dict[str, pa.Array] = {}
    good = [r for _, r, _ in rows]
    for i, name in enumerate(names):
        columns[name] = pa.array([None if r is None else (r[i] or None) for r in good], pa.string())
    columns[ROW] = pa.array([n for n, _, _ in rows], pa.int64())
    columns[ERROR] = pa.array([e for _, _, e in rows], pa.string())
    return pa.table(columns)

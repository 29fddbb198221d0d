"""Readers: turn CSV, Parquet, JSON Lines, XES and OCEL files into relations DuckDB can read.

CSV and Parquet are read by DuckDB itself (parallel, streaming). JSON Lines
(:mod:`~journeyscope.events.jsonl`) and XES (:mod:`~journeyscope.events.xes`) are parsed in
Python one line or one trace at a time and handed over in Arrow batches, so one bad line or
value is quarantined instead of refusing the file; OCEL 2.0 (:mod:`~journeyscope.events.ocel`)
is read whole. Every relation carries ``__row``: where the row is in the source (the
physical line for CSV and JSON Lines, the event's position for XES and OCEL) that quarantine
reports and that breaks timestamp ties.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from journeyscope.errors import InputFormatError
from journeyscope.events.jsonl import read_jsonl
from journeyscope.events.ocel import read_ocel
from journeyscope.events.xes import read_xes

__all__ = [
    "FORMATS",
    "CsvOptions",
    "Format",
    "detect_format",
    "duckdb_relation",
    "fingerprint",
    "read_jsonl",
    "read_ocel",
    "read_xes",
]

Format = Literal["csv", "parquet", "jsonl", "xes", "ocel"]
FORMATS: tuple[Format, ...] = ("csv", "parquet", "jsonl", "xes", "ocel")

_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xes": "xes",
    ".jsonocel": "ocel",
    ".xmlocel": "ocel",
}


def detect_format(path: Path) -> Format:
    """Guess the format from the file name (``.gz`` is looked through).

    >>> detect_format(Path("log.xes.gz")), detect_format(Path("events.csv"))
    ('xes', 'csv')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    raise InputFormatError(
        f"{path}: cannot tell the format from the name; pass --format ({', '.join(FORMATS)})"
    )


def fingerprint(path: Path) -> str:
    """A short content hash: the same bytes give the same ids, wherever the file lives."""
    digest = hashlib.blake2b(digest_size=8)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class CsvOptions:
    """How to read a delimited text file."""

    delimiter: str | None = None  # None: sniffed from the start of the file
    encoding: str = "utf-8"
    header: bool = True


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def duckdb_relation(path: Path, fmt: Format) -> str:
    """SQL for DuckDB's Parquet reader on ``path``, plus ``__row`` (1-based row in the file)."""
    if fmt != "parquet":
        raise InputFormatError(f"{path}: {fmt} is not read by DuckDB directly")
    p = _sql_str(str(path))
    return f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __row FROM read_parquet({p}, file_row_number = true))"

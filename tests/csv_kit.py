"""The CSV reader read both ways (the bulk path and the row-by-row one) and files written for
it: shared by tests/events/test_csvfile.py and tests/events/test_csvbulk.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journeyscope.errors import InputFormatError
from journeyscope.events import csvfile
from journeyscope.events.csvbulk import Resume


def row_by_row(path: Path, header: bool = True, batch_size: int = 100_000) -> Any:
    """The batches of the row-by-row path (:mod:`csv`) as lists of rows, or its error."""
    try:
        batches = list(
            csvfile._read_rows(path, ",", "utf-8-sig", "utf-8", header, batch_size, None, Resume())
        )
    except InputFormatError as exc:
        return str(exc)
    return [b.to_pylist() for b in batches]


def both_ways(path: Path, header: bool = True, batch_size: int = 100_000) -> Any:
    """The batches of the reader as ingest calls it (the bulk path where it applies)."""
    try:
        batches = list(csvfile.read_csv(path, ",", header=header, batch_size=batch_size))
    except InputFormatError as exc:
        return str(exc)
    return [b.to_pylist() for b in batches]


def write_csv(folder: str, data: bytes, name: str = "f.csv") -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path

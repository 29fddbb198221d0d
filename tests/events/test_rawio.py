"""What every reader shares (events/rawio.py): gzip found by its magic bytes, not its name;
notes for the ingest report, most frequent first; tables joined into batches without mixing
schemas or losing rows; tables read one ahead in a thread."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator

import pyarrow as pa
import pytest

from journeyscope.events.rawio import ReadNotes, grouped, maybe_gunzip, read_ahead


def test_gzip_is_found_by_its_magic_bytes() -> None:
    text = b"case_id,activity\nc1,Apply\n"
    with maybe_gunzip(io.BytesIO(gzip.compress(text))) as raw:
        assert raw.read() == text
    plain = io.BytesIO(text)
    with maybe_gunzip(plain) as raw:
        assert raw is plain and raw.read() == text, "read from the start again"
    with maybe_gunzip(io.BytesIO(b"")) as raw:
        assert raw.read() == b""


def test_notes_list_messages_then_the_values_kept_as_text() -> None:
    notes = ReadNotes(messages=["3 events duplicated by flattening"])
    notes.kept_as_text.update({"<int> amount": 2})
    notes.kept_as_text.update({"<date> due": 1200})
    assert notes.summary() == [
        "3 events duplicated by flattening",
        "1,200 × <date> due: kept as text in properties",
        "2 × <int> amount: kept as text in properties",
    ]


def test_batches_keep_every_row_and_never_mix_schemas() -> None:
    a = pa.table({"x": [1, 2]})
    b = pa.table({"x": ["p"], "y": [True]})
    out = list(grouped([a, a, b, b, a], 3, keep=lambda _: True))
    assert [t.num_rows for t in out] == [4, 2, 2]
    assert [t.schema.names for t in out] == [["x"], ["x", "y"], ["x"]]
    assert sum(t.num_rows for t in out) == 2 + 2 + 1 + 1 + 2
    assert list(grouped([], 3, keep=lambda _: True)) == []


def _counted(n: int, fail_at: int | None = None) -> tuple[list[int], Iterator[pa.Table]]:
    """A reader of ``n`` one-row tables that counts what it has read (and fails at one)."""
    read: list[int] = []

    def tables() -> Iterator[pa.Table]:
        for i in range(n):
            if i == fail_at:
                raise ValueError(f"table {i} is unreadable")
            read.append(i)
            yield pa.table({"a": [i]})

    return read, tables()


def test_reading_ahead_keeps_order_and_reads_at_most_one_table_ahead() -> None:
    read, tables = _counted(6)
    seen = []
    for table in read_ahead(tables):
        time.sleep(0.01)  # the reader has time to run ahead, if it would
        seen.append(table.column("a")[0].as_py())
        assert len(read) <= len(seen) + 1
    assert seen == list(range(6))


def test_reading_ahead_raises_what_the_reader_raised_after_the_tables_before() -> None:
    _, tables = _counted(6, fail_at=3)
    seen = []
    with pytest.raises(ValueError, match="table 3 is unreadable"):
        for table in read_ahead(tables):
            seen.append(table.column("a")[0].as_py())
    assert seen == [0, 1, 2]


def test_closing_the_read_ahead_stops_the_reader_and_closes_it() -> None:
    read, tables = _counted(100)
    ahead = read_ahead(tables)
    next(ahead)
    ahead.close()
    assert len(read) <= 2
    assert next(tables, None) is None  # the reader's generator was closed
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]

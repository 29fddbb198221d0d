"""What every reader shares (events/rawio.py): gzip found by its magic bytes, not its name;
notes for the ingest report, most frequent first; tables joined into batches without mixing
schemas or losing rows."""

from __future__ import annotations

import gzip
import io

import pyarrow as pa

from journeyscope.events.rawio import ReadNotes, grouped, maybe_gunzip


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

"""Mutated valid files through every reader: no traceback, every row accounted for, no hang.

Invariants checked on each input: ingesting either returns a report or raises one of the
project's own errors; rows read = events added + duplicates + quarantined, the store holds
exactly the events added and the quarantine exactly the rows quarantined, each with a
reason; for JSON Lines every non-blank line is a row. A case past its time budget fails
(see ``harness``).
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from harness import FUZZ, TALLY, budget, mutated
from hypothesis import given

from journeyscope.errors import JourneyscopeError
from journeyscope.events import Store

CSV = (
    b"event_id,case_id,activity,timestamp,channel,email_hash,survey_type,survey_score,note\n"
    b"e1,c1,Apply,2024-01-01T10:00:00+02:00,web,a@b.example,,,x\n"
    b'e2,c1,Call,2024-01-02 09:00,phone,,NPS,9,"two\nlines"\n'
    b"e3,c2,Apply,2024-01-03,app,+44 20 7946 0000,,,\n"
)
JSONL = (
    b'{"event_id": "e1", "case_id": "c1", "activity": "Apply", "timestamp": "2024-01-01T10:00:00Z"}\n'
    b'{"case_id": "c1", "activity": "Call", "timestamp": 1704103200, "meta": {"k": [1, 2]}}\n'
    b"\n"
    b'{"case_id": 3, "activity": "Pay", "timestamp": "2024-01-03", "cost": "12.5"}\n'
)
XES = (
    b'<?xml version="1.0" encoding="UTF-8"?><log xmlns="http://www.xes-standard.org/">'
    b'<trace><string key="concept:name" value="c1"/>'
    b'<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01T10:00:00+01:00"/>'
    b'<int key="n" value="3"/><boolean key="b" value="true"/></event>'
    b'<event><string key="concept:name" value="B"/><date key="time:timestamp" value="2024-01-02T10:00:00Z"/>'
    b'<float key="x" value="1.5"/><list key="l"><values><string key="v" value="1"/></values></list></event>'
    b'</trace><trace><string key="concept:name" value="c2"/>'
    b'<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-03"/></event>'
    b"</trace></log>"
)
OCEL = json.dumps(
    {
        "objects": [
            {
                "id": "o1",
                "type": "order",
                "attributes": [{"name": "s", "time": "2024-01-01T00:00:00Z", "value": "x"}],
                "relationships": [{"objectId": "o2", "qualifier": "q"}],
            },
            {"id": "o2", "type": "order"},
        ],
        "events": [
            {
                "id": "e1",
                "type": "A",
                "time": "2024-01-01T10:00:00Z",
                "attributes": [{"name": "who", "value": "M"}],
                "relationships": [{"objectId": "o1"}],
            },
            {
                "id": "e2",
                "type": "B",
                "time": "2024-01-02T10:00:00Z",
                "relationships": [{"objectId": "o1"}, {"objectId": "o2"}],
            },
        ],
    },
    indent=1,
).encode()


def _parquet() -> bytes:
    sink = io.BytesIO()
    table = pa.table(
        {
            "case_id": ["c1", "c1", "c2"],
            "activity": ["A", "B", "A"],
            "timestamp": [1.7e9, 1.7e9 + 60, 1.7e9 + 120],
            "cost": [1.0, None, 3.0],
        }
    )
    pq.write_table(table, sink)
    return sink.getvalue()


def check(name: str, suffix: str, data: bytes) -> None:
    """Ingest ``data`` into a fresh store and check the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{suffix}"
        path.write_bytes(data)
        store = Store(":memory:")
        try:
            with budget(name):
                try:
                    report = store.ingest(
                        path, object_type="order" if suffix == ".jsonocel" else None
                    )
                except JourneyscopeError as exc:
                    assert str(exc), "an error without a message"
                    TALLY[(name, "refused with a clear error")] += 1
                    return
            TALLY[(name, "read")] += 1
            assert report.duplicates >= 0
            assert report.rows_read == report.events_added + report.duplicates + report.quarantined
            ((stored,),) = store.con.execute("SELECT count(*) FROM events").fetchall()
            ((held, reasons),) = store.con.execute(
                "SELECT count(*), count(reason) FILTER (WHERE length(reason) > 0) FROM quarantine"
            ).fetchall()
            assert (stored, held, reasons) == (
                report.events_added,
                report.quarantined,
                report.quarantined,
            )
            if suffix == ".jsonl":
                rows = sum(1 for line in data.split(b"\n") if line.strip())
                assert report.rows_read == rows, "a JSON Lines row went unaccounted"
            TALLY[(name, "rows unaccounted")] += 0
        finally:
            store.close()


@FUZZ
@given(mutated(CSV))
def test_csv_reader(data: bytes) -> None:
    check("csv", ".csv", data)


@FUZZ
@given(mutated(JSONL))
def test_jsonl_reader(data: bytes) -> None:
    check("jsonl", ".jsonl", data)


@FUZZ
@given(mutated(XES))
def test_xes_reader(data: bytes) -> None:
    check("xes", ".xes", data)


@FUZZ
@given(mutated(OCEL))
def test_ocel_reader(data: bytes) -> None:
    check("ocel", ".jsonocel", data)


@FUZZ
@given(mutated(_parquet()))
def test_parquet_reader(data: bytes) -> None:
    check("parquet", ".parquet", data)

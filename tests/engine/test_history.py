"""Recorded histories for replay (engine/history.py): a file the event store reads becomes
engine events for the stitched customer, oldest first, with channel and properties."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from journeyscope.engine.history import read_history

CSV = (
    "case_id,activity,timestamp,channel,account_id,device_id,segment\n"
    "c2,Upload documents,2025-03-02T10:00:00+01:00,app,,d-9,\n"
    "c1,Start,2025-03-01T09:00:00Z,web,A-1,d-9,gold\n"
    "c3,Start,2025-03-01T09:00:00Z,,,,\n"
    "c1,Call,2025-03-01T12:30:00Z,phone,A-1,,\n"
)


def test_a_file_becomes_engine_events_of_stitched_customers_oldest_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.csv"
    path.write_text(CSV)
    events = read_history(path)
    assert [e.activity for e in events] == ["Start", "Start", "Call", "Upload documents"]
    # equal timestamps keep the file's order; the offset is honoured (10:00+01:00 = 09:00Z)
    assert [datetime.fromtimestamp(e.timestamp, UTC).isoformat() for e in events] == [
        "2025-03-01T09:00:00+00:00",
        "2025-03-01T09:00:00+00:00",
        "2025-03-01T12:30:00+00:00",
        "2025-03-02T09:00:00+00:00",
    ]
    first, anonymous, call, upload = events
    # c2 shares device d-9 with the account A-1: one customer, named after the account
    assert first.customer_id == call.customer_id == upload.customer_id == "acct:A-1"
    assert anonymous.customer_id == "case:c3"
    assert (first.channel, anonymous.channel) == ("web", None)
    assert first.properties == {"segment": "gold"}
    assert len({e.event_id for e in events}) == 4

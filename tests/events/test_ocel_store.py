"""The object-centric tables: an ingested OCEL log is kept whole (objects, attribute values
and changes, object-to-object links, event-to-object qualifiers) and written back equal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ocel_kit import TINY, write

from journeyscope.errors import InvalidQueryError
from journeyscope.events import Store
from journeyscope.events.ocel import load_log
from journeyscope.events.ocel_store import canonical, choose_log, export_log, logs


@pytest.mark.parametrize("object_type", ["Order", "*"])
def test_read_write_read_is_equal(tmp_path: Path, real_data: Path, object_type: str) -> None:
    for source in (write(tmp_path), real_data / "ocel20_example.jsonocel"):
        store = Store(":memory:")
        kind = object_type if source.name == "tiny.jsonocel" else "*"
        store.ingest(source, object_type=kind)
        exported = export_log(store.con, source.name)
        again = tmp_path / "again.jsonocel"
        again.write_text(json.dumps(exported))
        assert canonical(load_log(again)) == canonical(load_log(source))


def test_tables_hold_what_the_file_says(tmp_path: Path) -> None:
    store = Store(":memory:")
    store.ingest(write(tmp_path), object_type="Order")
    con = store.con
    changes = con.execute(
        "SELECT value, time_text FROM ocel_object_attributes WHERE object_id = 'o1' "
        "ORDER BY position"
    ).fetchall()
    assert changes == [("10.5", "1970-01-01T00:00:00Z"), ("12.0", "2024-03-01T12:10:00Z")]
    assert con.execute("SELECT count(*) FROM ocel_o2o").fetchone() == (3,)
    assert con.execute(
        "SELECT qualifier FROM ocel_e2o WHERE event_id = 'e1' ORDER BY position"
    ).fetchall() == [("order",), ("item",), ("item",)]
    # ingesting the same file under another case notion replaces, never doubles, the log
    store.ingest(write(tmp_path), object_type="Item")
    assert con.execute("SELECT count(*) FROM ocel_events").fetchone() == (len(TINY["events"]),)
    assert logs(con) == ["tiny.jsonocel"]


def test_choosing_a_log() -> None:
    assert choose_log(["a.jsonocel"], None, "s") == "a.jsonocel"
    with pytest.raises(InvalidQueryError, match="choose one with --log"):
        choose_log(["a.jsonocel", "b.jsonocel"], None, "s")
    with pytest.raises(InvalidQueryError, match=r"did you mean 'a\.jsonocel'"):
        choose_log(["a.jsonocel", "b.jsonocel"], "a.jsonoce", "s")

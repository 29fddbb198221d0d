"""Issue 11 findings 10-18 and the ingest items of issue 12: one regression test each.

Every test here failed on the code before the fix (a traceback, a refused file, a value
rewritten, a row lost or an id that named a person).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeyscope.errors import (
    ColumnNotFoundError,
    InputFormatError,
    NothingIngestedError,
    StoreError,
)
from journeyscope.events import Store
from journeyscope.events.identity import stitch


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def quarantine(store: Store) -> dict[int, str]:
    rows = store.con.execute("SELECT source_row, reason FROM quarantine").fetchall()
    return {int(r): str(reason) for r, reason in rows}


def events(store: Store, *cols: str) -> list[tuple[object, ...]]:
    return store.con.execute(f"SELECT {', '.join(cols)} FROM events ORDER BY source_row").fetchall()


def trace(case: str, *events_xml: str) -> str:
    return f'<trace><string key="concept:name" value="{case}"/>{"".join(events_xml)}</trace>'


def event(name: str, extra: str = "", ts: str = "2024-01-01T10:00:00+00:00") -> str:
    return (
        f'<event><string key="concept:name" value="{name}"/>'
        f'<date key="time:timestamp" value="{ts}"/>{extra}</event>'
    )


# ------------------------------------------------------------------------------- finding 10


def test_xes_values_that_do_not_fit_their_type_are_kept_as_text(tmp_path: Path) -> None:
    log = (
        "<log>"
        + trace(
            "c1",
            event("A", '<int key="n" value="1.0"/>'),
            event("B", '<float key="x" value="1,5"/>'),
            event("C", f'<int key="n" value="{2**64}"/>'),
            event("D", '<int key="n" value="7"/><boolean key="b" value="maybe"/>'),
        )
        + "</log>"
    )
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "t.xes", log))
    assert (report.events_added, report.quarantined) == (4, 0)
    props = [json.loads(str(p)) for (p,) in events(store, "properties")]
    assert [p.get("n") for p in props] == ["1.0", None, str(2**64), "7"]
    assert props[1]["x"] == "1,5" and props[3]["b"] == "maybe"
    assert "2 × <int key='n'> values that are not a valid int: kept as text in properties" in (
        report.notes
    )


def test_xes_event_outside_a_trace_is_quarantined_not_the_file(tmp_path: Path) -> None:
    log = "<log>" + event("Stray") + trace("c1", event("A"), event("B")) + "</log>"
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "s.xes", log))
    assert (report.rows_read, report.events_added, report.quarantined) == (3, 2, 1)
    assert quarantine(store) == {1: "event outside any <trace>: it belongs to no case"}


def test_xes_cut_off_keeps_what_was_read_and_says_where(tmp_path: Path) -> None:
    log = "<log>\n" + trace("c1", event("A")) + "\n" + trace("c2", event("B"), event("C"))
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "cut.xes", log[:-20]))
    assert report.events_added == 1
    reasons = list(quarantine(store).values())
    assert any(r.startswith("in a trace cut off by the fault at line 3") for r in reasons)
    assert any("the rest of the file from there was not read" in r for r in reasons)
    with pytest.raises(NothingIngestedError, match=r"line 1: not well-formed XES.*no event could"):
        store.ingest(write(tmp_path / "junk.xes", "<log><trace><event></trace>"))
    assert issubclass(NothingIngestedError, InputFormatError)  # callers catching that still do


def test_ocel_malformed_events_are_quarantined_and_bad_files_explained(tmp_path: Path) -> None:
    good = {
        "id": "e1",
        "type": "A",
        "time": "2024-01-01T00:00:00Z",
        "relationships": [{"objectId": "o1", "qualifier": "q"}],
    }
    nameless = {**good, "id": "e2", "attributes": [{"value": 1}]}
    doc = {"objects": [{"id": "o1", "type": "order"}], "events": [good, nameless, "x"]}
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "a.jsonocel", json.dumps(doc)))
    assert (report.events_added, report.quarantined) == (1, 2)
    assert sorted(quarantine(store).values()) == [
        "an attribute has no name",
        "the event is a str, not an object",
    ]
    for text, message in [
        ("[1, 2]", "the top level is a list"),
        ('{"objects": [], "events": {"e1": {}}}', "'events' is a dict, expected a list"),
        ('{"events": [\n  1,,\n]}', r"o\.jsonocel:2: not an OCEL 2.0 JSON log"),
    ]:
        with pytest.raises(InputFormatError, match=message):
            store.ingest(write(tmp_path / "o.jsonocel", text))


# ------------------------------------------------------------------------------- finding 11


def test_one_bad_json_line_is_quarantined_with_its_line(tmp_path: Path) -> None:
    text = (
        '{"case_id": "c1", "activity": "A", "timestamp": "2024-01-01T00:00:00Z"}\n'
        "\n"
        '{"case_id": "c1", "activity": "B", "timestamp": \n'
        '{"case_id": "c1", "activity": "C", "timestamp": "2024-01-02T00:00:00Z"}\n'
    )
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "e.jsonl", text))
    assert (report.rows_read, report.events_added, report.quarantined) == (3, 2, 1)
    (reason,) = quarantine(store).values()
    assert reason.startswith("line 3: not valid JSON")
    assert [r for (r,) in events(store, "source_row")] == [1, 4]


def test_parquet_timestamp_out_of_range_quarantines_that_row(tmp_path: Path) -> None:
    table = pa.table({"case_id": ["c1", "c1"], "activity": ["A", "B"], "timestamp": [1.7e9, 1e20]})
    pq.write_table(table, tmp_path / "t.parquet")
    store = Store(":memory:")
    report = store.ingest(tmp_path / "t.parquet")
    assert (report.events_added, report.quarantined) == (1, 1)
    assert quarantine(store)[2].startswith("unparseable timestamp 1e+20")


def test_a_20_mb_csv_field_quarantines_its_row(tmp_path: Path) -> None:
    big = "x" * (20 * 1024 * 1024)
    text = f"case_id,activity,timestamp\nc1,A,2024-01-01\nc1,{big},2024-01-02\nc1,C,2024-01-03\n"
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "big.csv", text))
    assert (report.events_added, report.quarantined) == (2, 1)
    assert quarantine(store)[3].startswith("line 3: malformed: field larger than field limit")
    assert [r for (r,) in events(store, "source_row")] == [2, 4]


# ------------------------------------------------------------------------------- finding 12


def test_json_lines_values_are_read_as_written_line_by_line(tmp_path: Path) -> None:
    text = (
        '{"case_id": "c1", "activity": "A", "timestamp": "2024-01-01T00:00:00Z"}\n'
        '{"case_id": ["c2"], "activity": "B", "timestamp": "2024-01-01T00:00:00Z"}\n'
        '{"case_id": "c3", "activity": "C", "timestamp": 1700000000}\n'
        '{"case_id": 7, "activity": "D", "timestamp": "2024-01-01T00:00:00Z", "n": 1.50}\n'
    )
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "e.jsonl", text))
    assert (report.events_added, report.quarantined) == (3, 1)
    rows = events(store, "case_id", "CAST(timestamp AS VARCHAR)", "properties")
    assert [r[0] for r in rows] == ["c1", "c3", "7"]
    assert rows[1][1] == "2023-11-14 22:13:20+00"
    assert json.loads(str(rows[2][2])) == {"n": 1.5}
    assert quarantine(store) == {2: "column case_id holds a list or an object, not a single value"}


# ------------------------------------------------------------------------------- finding 13


def test_csv_rows_are_numbered_by_physical_line(tmp_path: Path) -> None:
    text = (
        "case_id,activity,timestamp,note\n"
        "c1,A,2024-01-01,x\n"
        "c1,B,2024-01-02\n"  # malformed: 3 fields
        "\n"
        'c1,C,2024-01-03,"two\nlines"\n'
        "c1,D,2024-01-04,y\n"
    )
    store = Store(":memory:")
    file = write(tmp_path / "l.csv", text)
    report = store.ingest(file)
    assert (report.rows_read, report.events_added, report.quarantined) == (4, 3, 1)
    assert quarantine(store) == {3: "line 3: 3 fields where the header has 4"}
    rows = events(store, "activity", "source_row", "event_id")
    assert [(a, n) for a, n, _ in rows] == [("A", 2), ("C", 5), ("D", 7)]
    assert [str(i).split(":")[1] for _, _, i in rows] == ["2", "5", "7"]  # ids use the line


# ------------------------------------------------------------------------------- finding 14


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("epoch", "timestamp epoch is a word, not a moment"),
        ("infinity", "timestamp infinity is a word, not a moment"),
        ("-infinity", "timestamp -infinity is a word, not a moment"),
        ("2024-01-01 10:00:00+24:00", "has a UTC offset beyond ±18:00"),
        ("2024-01-01T10:00:00+25:00", "has a UTC offset beyond ±18:00"),
    ],
)
def test_timestamps_that_are_no_moment_are_quarantined(
    tmp_path: Path, raw: str, reason: str
) -> None:
    text = f"case_id,activity,timestamp\nc1,A,2024-01-01 10:00:00+02:00\nc1,B,{raw}\n"
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "t.csv", text))
    assert (report.events_added, report.quarantined) == (1, 1)
    assert reason in quarantine(store)[3]


# ------------------------------------------------------------------------------- finding 15


def test_same_event_id_with_other_content_is_a_conflicting_duplicate(tmp_path: Path) -> None:
    head = "event_id,case_id,activity,timestamp\n"
    store = Store(":memory:")
    first = store.ingest(
        write(
            tmp_path / "a.csv",
            head
            + "e1,c1,A,2024-01-01\ne1,c1,A,2024-01-01\ne2,c1,B,2024-01-02\ne2,c1,X,2024-01-02\n",
        )
    )
    assert (first.events_added, first.duplicates, first.quarantined) == (2, 1, 1)
    assert quarantine(store)[5].startswith(
        "conflicting duplicate: event id e2 is given earlier in this file (row 4)"
    )
    second = store.ingest(
        write(tmp_path / "b.csv", head + "e1,c1,A,2024-01-01\ne1,c9,A,2024-01-01\n")
    )
    assert (second.events_added, second.duplicates, second.quarantined) == (0, 1, 1)
    assert "is already stored (from a.csv row 2) with different content" in quarantine(store)[3]


# ------------------------------------------------------------------------------- finding 17


def test_a_stitch_that_never_ran_is_completed_when_the_store_is_next_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:  # ingest commits, then the command is killed before stitching
        store.ingest(
            write(
                tmp_path / "e.csv", "case_id,account_id,activity,timestamp\nc1,A-1,A,2024-01-01\n"
            )
        )
        assert events(store, "customer_id") == [(None,)]
    with Store(path) as store:
        assert events(store, "customer_id") == [("acct:A-1",)]
        assert store.con.execute("SELECT count(*) FROM pending_stitch").fetchall() == [(0,)]
        stitch(store.con)  # stitching again changes nothing
        assert events(store, "customer_id") == [("acct:A-1",)]


# ------------------------------------------------------------------------------- finding 18


def test_raw_email_and_phone_are_pseudonymised_with_the_store_key(tmp_path: Path) -> None:
    text = (
        "case_id,activity,timestamp,email_hash,phone_hash\n"
        "c1,A,2024-01-01, Alice@Example.com ,+44 20 7946 0000\n"
        "c2,B,2024-01-02,alice@example.com,0044-20-7946-0000\n"
        "c3,C,2024-01-03,9f86d081884c7d65,\n"
    )
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.ingest(write(tmp_path / "p.csv", text))
        stitch(store.con)
        rows = events(store, "email_hash", "phone_hash", "customer_id")
    assert rows[0][0] == rows[1][0] and len(str(rows[0][0])) == 64  # one person, keyed hash
    assert rows[0][1] == rows[1][1]
    assert rows[2][0] == "9f86d081884c7d65"  # already pseudonymous: kept
    assert not any("@" in str(v) or "7946" in str(v) for r in rows for v in r)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with Store(":memory:") as other:  # another store, another key
        other.ingest(write(tmp_path / "p.csv", text))
        assert events(other, "email_hash")[0][0] != rows[0][0]
        kept = Store(":memory:")
        kept.ingest(tmp_path / "p.csv", already_hashed=["email_hash"])
        assert events(kept, "email_hash")[1][0] == "alice@example.com"


# --------------------------------------------------------------------- issue 12, ingest side


def test_a_file_with_no_mappable_column_names_the_columns_and_the_flags(tmp_path: Path) -> None:
    store = Store(":memory:")
    with pytest.raises(
        ColumnNotFoundError,
        match=r"no column could be mapped to activity, timestamp, case_id \(columns seen: "
        r"Dossier, Stap, Datum\); map them with --activity COLUMN, --timestamp COLUMN, --case",
    ):
        store.ingest(write(tmp_path / "nl.csv", "Dossier,Stap,Datum\nd1,Aanvraag,2024-01-01\n"))


def test_the_same_log_in_another_format_is_flagged(tmp_path: Path) -> None:
    store = Store(":memory:")
    store.ingest(
        write(
            tmp_path / "log.csv",
            "case_id,activity,timestamp\nc1,A,2024-01-01T10:00:00Z\nc1,B,2024-01-02T10:00:00Z\n",
        )
    )
    xes = (
        "<log>"
        + trace("c1", event("A", ts="2024-01-01T10:00:00Z"), event("B", ts="2024-01-02T10:00:00Z"))
        + "</log>"
    )
    report = store.ingest(write(tmp_path / "log.xes", xes))
    assert any(
        n.startswith(
            "2 of 2 events added have the same case id, activity and timestamp as "
            "events already stored from log.csv"
        )
        for n in report.notes
    )


def test_ocel_keeps_object_attributes_and_links_and_the_case_type_is_chosen(
    tmp_path: Path,
) -> None:
    doc = {
        "objects": [
            {
                "id": "o1",
                "type": "order",
                "relationships": [{"objectId": "i1", "qualifier": "billed by"}],
                "attributes": [
                    {"name": "status", "time": "2024-01-01T00:00:00Z", "value": "new"},
                    {"name": "status", "time": "2024-01-05T00:00:00Z", "value": "paid"},
                ],
            },
            {"id": "o2", "type": "order"},
            {"id": "i1", "type": "invoice"},
        ],
        "events": [
            {
                "id": "e1",
                "type": "Place",
                "time": "2024-01-02T00:00:00Z",
                "relationships": [{"objectId": "o1"}, {"objectId": "o2"}, {"objectId": "i1"}],
            },
            {
                "id": "e2",
                "type": "Pay",
                "time": "2024-01-06T00:00:00Z",
                "relationships": [{"objectId": "o1"}],
            },
        ],
    }
    file = write(tmp_path / "l.jsonocel", json.dumps(doc))
    store = Store(":memory:")
    with pytest.raises(InputFormatError, match=r"choose which is the case with --object-type"):
        store.ingest(file)
    report = store.ingest(file, object_type="order")
    assert report.events_added == 3
    assert report.notes == (
        "flattening on 'order': 1 of 2 events are related to several case objects and were "
        "stored once per object (3 rows from 2 events)",
    )
    rows = events(store, "event_id", "case_id", "properties")
    props = {str(r[0]): json.loads(str(r[2])) for r in rows}
    assert props["e1@o1"]["case:status"] == "new" and props["e2@o1"]["case:status"] == "paid"
    assert json.loads(props["e1@o1"]["case:related_objects"]) == [
        {"objectId": "i1", "qualifier": "billed by"}
    ]


def test_opening_a_missing_store_without_create_makes_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here"):
        Store(tmp_path / "missing.duckdb", create=False)
    assert not (tmp_path / "missing.duckdb").exists()


def test_csv_bytes_that_are_not_text_quarantine_the_row_or_refuse_the_header(
    tmp_path: Path,
) -> None:
    # found by the fuzz tests: a header with a stray byte gave UnicodeEncodeError
    path = tmp_path / "b.csv"
    path.write_bytes(b"case_id,activity,timestamp\nc1,A,2024-01-01\nc1,\x80B,2024-01-02\n")
    store = Store(":memory:")
    report = store.ingest(path)
    assert (report.events_added, report.quarantined) == (1, 1)
    assert quarantine(store) == {3: "line 3: not utf-8 text"}
    path.write_bytes(b"\x80ase_id,activity,timestamp\nc1,A,2024-01-01\n")
    with pytest.raises(InputFormatError, match=r"line 1: the header is not utf-8 text"):
        store.ingest(path)

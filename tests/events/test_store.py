"""Ingestion: formats, mapping, quarantine, idempotency, time zones, strings that look like nulls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeyscope.errors import ColumnNotFoundError, InputFormatError, StoreError
from journeyscope.events import ColumnMapping, CsvOptions, Store


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def events(store: Store) -> list[dict[str, object]]:
    t = store.events()
    return t.order_by([t.source, t.source_row]).to_pyarrow().to_pylist()


def quarantined(store: Store) -> list[dict[str, object]]:
    q = store.quarantine()
    return q.order_by(q.source_row).to_pyarrow().to_pylist()


CSV = """case_id,activity,timestamp,channel,amount
NA,Apply,2024-03-01 10:00:00+02:00,web,10
NA,Call,2024-03-01T09:30:00Z,phone,
c2,Apply,2024-03-02 08:00:00,web,5
"""


def test_csv_ingests_with_ids_as_strings_and_utc_timestamps(tmp_path: Path) -> None:
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "e.csv", CSV))
    assert (report.rows_read, report.events_added, report.quarantined) == (3, 3, 0)
    rows = events(store)
    assert [r["case_id"] for r in rows] == ["NA", "NA", "c2"]  # NA is a case, not a null
    assert [r["timestamp"].isoformat() for r in rows] == [  # type: ignore[union-attr]
        "2024-03-01T08:00:00+00:00",  # +02:00 honoured
        "2024-03-01T09:30:00+00:00",
        "2024-03-02T08:00:00+00:00",  # naive = UTC
    ]
    assert json.loads(str(rows[0]["properties"])) == {"amount": "10"}
    assert json.loads(str(rows[1]["properties"])) == {"amount": None}  # no value: null
    assert rows[0]["source_row"] == 2 and rows[0]["source"] == "e.csv"  # line 2: after the header


def test_an_ingest_holds_one_batch_at_a_time_not_every_batch_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ingest is one transaction; a batch registered with DuckDB and dropped after its
    load stayed in memory until the commit (the catalog keeps what a transaction drops)."""
    from journeyscope.events import store as store_module

    rows = "".join(
        f"c{i},Apply,2024-03-01 10:00:{i % 60:02d},web,{'x' * 200}\n" for i in range(6000)
    )
    file = write(tmp_path / "big.csv", "case_id,activity,timestamp,channel,note\n" + rows)
    read_csv, real_load = store_module.read_csv, store_module.load
    held: list[int] = []

    def small_batches(*args: object, **kwargs: object) -> Iterator[pa.Table]:
        read = list(read_csv(*args, **{**kwargs, "batch_size": 1000}))  # type: ignore[arg-type]
        for batch in read:  # the reader's memory is now constant; each batch a fresh copy
            yield pa.Table.from_pylist(batch.to_pylist(), schema=batch.schema)

    def load(*args: object, **kwargs: object) -> object:
        held.append(pa.total_allocated_bytes())
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "read_csv", small_batches)
    monkeypatch.setattr(store_module, "_GROUP_ROWS", 1000)
    monkeypatch.setattr(store_module, "load", load)
    with Store(tmp_path / "s.duckdb") as store:  # a database file, as users have
        report = store.ingest(file)
    assert report.events_added == 6000 and len(held) == 6
    one = 1000 * 200  # bytes of one batch's notes alone
    assert held[-1] - held[0] < 2 * one  # the batch being loaded held, not every one before it


def test_event_ids_and_properties_are_stored_with_zstd(tmp_path: Path) -> None:
    """The two columns DuckDB's own compression choice made slowest to write."""
    rows = "".join(f"c{i},Apply,2024-03-01 10:00:{i % 60:02d},web,{i * 7}\n" for i in range(3000))
    file = write(tmp_path / "e.csv", "case_id,activity,timestamp,channel,amount\n" + rows)
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(file)
        store.con.execute("CHECKPOINT")
        found = store.con.execute(
            "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('events') "
            "WHERE column_name IN ('event_id', 'properties', 'activity') AND segment_type = "
            "'VARCHAR' GROUP BY ALL"
        ).fetchall()
    methods = {name: set(kinds) for name, kinds in found}
    assert methods["event_id"] == methods["properties"] == {"ZSTD"}
    assert methods["activity"] != {"ZSTD"}  # the others as DuckDB chooses


def test_same_file_twice_adds_nothing(tmp_path: Path) -> None:
    store = Store(":memory:")
    file = write(tmp_path / "e.csv", CSV)
    store.ingest(file)
    again = store.ingest(file)
    assert again.skipped and again.events_added == 0
    copy = write(tmp_path / "copy.csv", CSV)  # same bytes elsewhere: same event ids
    assert store.ingest(copy).skipped
    assert store.events().count().execute() == 3


def test_same_file_with_other_options_dedupes_by_event_id(tmp_path: Path) -> None:
    store = Store(":memory:")
    file = write(tmp_path / "e.csv", CSV)
    store.ingest(file)
    report = store.ingest(file, csv=CsvOptions(delimiter=","))
    assert not report.skipped
    assert (report.events_added, report.duplicates) == (0, 3)
    assert store.events().count().execute() == 3


def test_bad_rows_go_to_quarantine_with_reason_and_row(tmp_path: Path) -> None:
    text = """case_id,activity,timestamp,survey_type,survey_score,sentiment,cost
c1,Apply,2024-01-01 10:00,,,,
c1,,2024-01-01 11:00,,,,
c1,Pay,,,,,
c1,Pay,yesterday,,,,
,Pay,2024-01-01 12:00,,,,
c1,Survey,2024-01-01 13:00,NPS,11,,
c1,Survey,2024-01-01 13:00,NPS,ten,,
c1,Survey,2024-01-01 13:00,XYZ,3,,
c1,Survey,2024-01-01 13:00,CSAT,4,,
c1,Chat,2024-01-01 14:00,,,1.5,
c1,Chat,2024-01-01 14:00,,,,-2
"""
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "bad.csv", text))
    assert (report.rows_read, report.events_added, report.quarantined) == (11, 2, 9)
    reasons = {r["source_row"]: r["reason"] for r in quarantined(store)}
    assert reasons[3] == "missing activity (column 'activity')"
    assert reasons[4] == "missing timestamp (column 'timestamp')"
    assert reasons[5] == "unparseable timestamp yesterday (column 'timestamp')"
    assert reasons[6].startswith("no case id and no customer identifier")
    assert reasons[7] == "NPS score 11.0 is outside 0..10"
    assert reasons[8] == "survey score ten is not a number"
    assert reasons[9] == "survey type XYZ is not one of NPS, CSAT, CES"
    assert reasons[11] == "sentiment 1.5 is outside -1..1"
    assert reasons[12] == "cost -2.0 is negative"
    record = json.loads(str(quarantined(store)[0]["record"]))
    assert record["activity"] is None and record["case_id"] == "c1"  # the raw row is kept


def test_malformed_csv_lines_are_quarantined_not_dropped(tmp_path: Path) -> None:
    text = "case_id,activity,timestamp\nc1,A,2024-01-01\nc1,B,2024-01-02,extra,fields\nc1,C,2024-01-03\n"
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "m.csv", text))
    assert report.events_added == 2
    assert report.quarantined == 1
    (bad,) = quarantined(store)
    assert str(bad["reason"]) == "line 3: 5 fields where the header has 3"
    assert bad["source_row"] == 3


def test_strict_catalogue_quarantines_unknown_activities(tmp_path: Path) -> None:
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "e.csv", CSV), allowed_activities=["Apply"])
    assert (report.events_added, report.quarantined) == (2, 1)
    assert quarantined(store)[0]["reason"] == "activity 'Call' is not in the strict catalogue"


def test_fixing_the_mapping_releases_rows_from_quarantine(tmp_path: Path) -> None:
    text = "case,step,at\nc1,A,01-02-2024\nc1,B,02-02-2024\n"
    file = write(tmp_path / "e.csv", text)
    store = Store(":memory:")
    mapping = ColumnMapping(case_id="case", activity="step", timestamp="at")
    first = store.ingest(file, mapping=mapping)
    assert (first.events_added, first.quarantined) == (0, 2)
    assert "unparseable timestamp 01-02-2024 (column 'at')" in str(quarantined(store)[0]["reason"])
    second = store.ingest(file, mapping=mapping.model_copy(update={"timestamp_format": "%d-%m-%Y"}))
    assert second.events_added == 2
    assert store.quarantine().count().execute() == 0


def test_mapped_column_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    store = Store(":memory:")
    with pytest.raises(
        ColumnNotFoundError, match=r"activity is mapped to column 'Step'.*columns: case_id"
    ):
        store.ingest(write(tmp_path / "e.csv", CSV), mapping=ColumnMapping(activity="Step"))
    assert store.events().count().execute() == 0


def test_timestamp_format_and_latin1_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(
        "dossier;onderwerp;datum\nd1;Klacht ontvangen – café;01-02-2016 09:30\n".encode(
            "cp1252", errors="replace"
        ).replace(b"\x96", b"-")
    )
    store = Store(":memory:")
    store.ingest(
        path,
        mapping=ColumnMapping(
            case_id="dossier",
            activity="onderwerp",
            timestamp="datum",
            timestamp_format="%d-%m-%Y %H:%M",
        ),
        csv=CsvOptions(delimiter=";", encoding="latin-1"),
    )
    (row,) = events(store)
    assert row["activity"] == "Klacht ontvangen - café"
    assert row["timestamp"].isoformat() == "2016-02-01T09:30:00+00:00"  # type: ignore[union-attr]


def test_parquet_and_jsonl_keep_types_and_event_ids(tmp_path: Path) -> None:
    table = pa.table(
        {
            "event_id": ["e1", "e2", "e2"],
            "case_id": ["c1", "c1", "c1"],
            "activity": ["A", "B", "B"],
            "timestamp": pa.array(
                [1_700_000_000_000_000, 1_700_000_100_000_000, 1_700_000_100_000_000],
                pa.timestamp("us"),
            ),
            "amount": [1.5, None, None],
        }
    )
    pq.write_table(table, tmp_path / "e.parquet")
    store = Store(":memory:")
    report = store.ingest(tmp_path / "e.parquet")
    assert (report.events_added, report.duplicates) == (2, 1)  # duplicate event id kept once
    assert json.loads(str(events(store)[0]["properties"])) == {"amount": 1.5}
    lines = [
        {
            "event_id": "e3",
            "case_id": "007",
            "activity": "C",
            "timestamp": "2024-01-01T00:00:00+01:00",
            "meta": {"k": 1},
        },
        {"event_id": "e1", "case_id": "c1", "activity": "A", "timestamp": "2023-11-14T22:13:20Z"},
    ]
    write(tmp_path / "e.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    report = store.ingest(tmp_path / "e.jsonl")
    # e1 is stored from the Parquet file with other content (an amount): not a duplicate
    assert (report.events_added, report.duplicates, report.quarantined) == (1, 0, 1)
    (conflict,) = quarantined(store)
    assert str(conflict["reason"]).startswith(
        "conflicting duplicate: event id e1 is already stored"
    )
    row = next(r for r in events(store) if r["event_id"] == "e3")
    assert row["case_id"] == "007"
    assert json.loads(str(row["properties"])) == {"meta": {"k": 1}}


def test_json_lines_read_a_survey_type_as_its_text_and_null_as_no_survey(tmp_path: Path) -> None:
    """A JSON null or a quoted survey type was read as its JSON text ('null', '"NPS"'), and
    every row of a JSON Lines file with a survey_type column went to quarantine."""
    base = {"case_id": "c1", "activity": "A", "timestamp": "2024-01-01T00:00:00Z"}
    lines = [
        {**base, "survey_type": None, "survey_score": None},
        {**base, "survey_type": "nps", "survey_score": 9},
        {**base, "survey_type": " CSAT ", "survey_score": "4"},
        {**base, "survey_type": "stars", "survey_score": 4},
    ]
    store = Store(":memory:")
    report = store.ingest(
        write(tmp_path / "s.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    )
    assert (report.events_added, report.quarantined) == (3, 1)
    stored = sorted((str(r["survey_type"]), r["survey_score"]) for r in events(store))
    assert stored == [("CSAT", 4.0), ("NPS", 9.0), ("None", None)]
    assert report.reasons == {"survey type STARS is not one of NPS, CSAT, CES": 1}


def test_unreadable_inputs_raise_and_leave_the_store_unchanged(tmp_path: Path) -> None:
    store = Store(":memory:")
    with pytest.raises(InputFormatError, match="no such file"):
        store.ingest(tmp_path / "missing.csv")
    with pytest.raises(InputFormatError, match="cannot tell the format"):
        store.ingest(write(tmp_path / "e.weird", "x"))
    with pytest.raises(InputFormatError, match="not well-formed XES"):
        store.ingest(
            write(
                tmp_path / "e.xes",
                "<log><trace><event><string key='concept:name' value='A'/></trace></log>",
            )
        )
    with pytest.raises(InputFormatError, match=r"cannot read any line .*line 2: not valid JSON"):
        store.ingest(write(tmp_path / "e.jsonl", "\n{broken\n[1]\n"))
    assert store.events().count().execute() == 0
    assert store.quarantine().count().execute() == 0


def test_nothing_readable_is_reported(tmp_path: Path) -> None:
    store = Store(":memory:")
    report = store.ingest(write(tmp_path / "e.csv", "case_id,activity,timestamp\nc1,,\n"))
    assert (report.events_added, report.quarantined) == (0, 1)


def test_store_of_another_shape_is_refused(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE events (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="table 'events' has columns"):
        Store(path)


def test_store_persists_between_openings(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.ingest(write(tmp_path / "e.csv", CSV))
    with Store(path) as store:
        assert store.stats()["events"] == 3
        assert store.stats()["cases"] == 2


def test_typed_parquet_bad_rows_keep_their_reason_and_raw_values(tmp_path: Path) -> None:
    """Typed columns skip the text-only checks, yet every bad row keeps its reason, and its
    record shows the typed values as text (computed for the quarantined rows only)."""
    table = pa.table(
        {
            "case_id": ["c1", "c1", None, "c2", "c3", "c4"],
            "activity": ["Apply", "Apply", "Call", "Survey", "Call", "Pay"],
            "timestamp": pa.array(
                [1_700_000_000_000_000, None, 1_700_000_000_000_000] + [1_700_000_000_000_000] * 3,
                pa.timestamp("us", tz="UTC"),
            ),
            "survey_type": [None, None, None, "NPS", None, None],
            "survey_score": pa.array([None, None, None, 11.0, None, None], pa.float64()),
            "cost": pa.array([1.5, None, None, None, -2.0, 3], pa.float64()),
            "note": ["a", "b", "c", "d", "e", None],
        }
    )
    file = tmp_path / "t.parquet"
    pq.write_table(table, file)
    store = Store(":memory:")
    report = store.ingest(file)
    assert (report.rows_read, report.events_added, report.quarantined) == (6, 2, 4)
    bad = {int(str(r["source_row"])): r for r in quarantined(store)}
    assert bad[2]["reason"] == "missing timestamp (column 'timestamp')"
    assert bad[3]["reason"] == "no case id and no customer identifier: the event belongs to nobody"
    assert bad[4]["reason"] == "NPS score 11.0 is outside 0..10"
    assert bad[5]["reason"] == "cost -2.0 is negative"
    record = json.loads(str(bad[4]["record"]))
    assert record["survey_score"] == "11.0" and record["note"] == "d"
    assert record["timestamp"] == "2023-11-14 22:13:20+00"  # the typed value, as text
    good = events(store)
    assert [r["source_row"] for r in good] == [1, 6]
    assert json.loads(str(good[1]["properties"])) == {"note": None}


def test_direct_and_staged_paths_agree(tmp_path: Path) -> None:
    """A first ingest writes straight from the staging query; the same rows with their own
    event ids go through the staged table (duplicate checks): same events, same reasons."""
    lines = ["event_id,case_id,activity,timestamp,cost"]
    for i in range(1, 40):
        stamp = "2024-13-01 10:00" if i % 7 == 0 else f"2024-03-{i % 28 + 1:02d} 10:00"
        lines.append(f"e{i},c{i % 5},Step {i % 3},{stamp},{'-1' if i % 11 == 0 else i}")
    with_ids = write(tmp_path / "ids.csv", "\n".join(lines) + "\n")
    without = write(tmp_path / "plain.csv", "\n".join(x.split(",", 1)[1] for x in lines) + "\n")
    direct, staged = Store(":memory:"), Store(":memory:")
    a, b = direct.ingest(without), staged.ingest(with_ids)
    assert (a.rows_read, a.events_added, a.quarantined) == (
        b.rows_read,
        b.events_added,
        b.quarantined,
    )
    assert a.reasons == b.reasons and a.quarantined == 8
    keep = ("case_id", "activity", "timestamp", "cost", "source_row")
    assert [{k: r[k] for k in keep} for r in events(direct)] == [
        {k: r[k] for k in keep} for r in events(staged)
    ]
    assert [(r["source_row"], r["reason"]) for r in quarantined(direct)] == [
        (r["source_row"], r["reason"]) for r in quarantined(staged)
    ]

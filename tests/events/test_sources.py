"""Events read in place (Parquet folders with Hive partitions, CSV) give the same results as the
same events ingested into a store; on DuckDB and on Spark."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from journeyscope import synthetic
from journeyscope.analytics import DfgQuery, FunnelQuery, PathsQuery, VariantsQuery
from journeyscope.analytics.backends import SparkBackend, connect
from journeyscope.errors import InputFormatError
from journeyscope.events import Store
from journeyscope.events.schema import ColumnMapping
from journeyscope.events.sources import parse_source, read_raw, summarise

QUERIES = [
    DfgQuery(),
    VariantsQuery(top=10),
    FunnelQuery(
        steps=("Start housing application", "Upload documents", "Collect keys"),
        window=timedelta(days=60),
        breakdown="segment",
    ),
    PathsQuery(start="Start housing application", steps=4, top_edges=10),
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 synthetic customers: a store, the same rows as a Hive-partitioned Parquet folder
    (by journey) and as a CSV file with other column names."""
    return _write_lake(tmp_path_factory.mktemp("lake"), 600)


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same on 300 customers, for the whole report read twice (on the 600 customers the
    two reports cost about 100 s of CPU, most of it the silent customers' analysis; here
    about a tenth): the test compares the two reports, not figures of their own."""
    return _write_lake(tmp_path_factory.mktemp("small_lake"), 300)


def _write_lake(folder: Path, customers: int) -> Path:
    """``customers`` synthetic customers (seed 21) in ``folder``: ``store.duckdb``, the Parquet
    folder ``events`` partitioned by journey, and ``events.csv`` with other column names."""
    data = folder / "all.parquet"
    synthetic.write(synthetic.generate(customers, seed=21), data)
    table = pq.read_table(data)
    ds.write_dataset(
        table,
        folder / "events",
        format="parquet",
        partitioning=["journey"],
        partitioning_flavor="hive",
    )
    with (folder / "events.csv").open("w", newline="") as f:
        w = csv.writer(f)
        names = [
            "Case" if n == "case_id" else "Step" if n == "activity" else n
            for n in table.column_names
        ]
        w.writerow(names)
        for row in table.to_pylist():
            w.writerow(
                [
                    "" if v is None else v.isoformat() if hasattr(v, "isoformat") else v
                    for v in row.values()
                ]
            )
    with Store(folder / "store.duckdb") as store:
        store.ingest(data)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.kind)
def test_parquet_folder_in_place_equals_the_store(lake: Path, query: object) -> None:
    with connect(lake / "store.duckdb") as stored:
        expected = stored.run(query)  # type: ignore[call-overload]
    with connect(lake / "none.duckdb", source=f"parquet:{lake / 'events'}") as in_place:
        assert in_place.run(query) == expected  # type: ignore[call-overload]


def _customers(backend: object) -> dict[tuple[str, str, str], str]:
    """(case, activity, time) -> customer: event ids differ between a store and a view."""
    events = backend.events()  # type: ignore[attr-defined]
    rows = backend.rows(events.select("case_id", "activity", "timestamp", "customer_id"))  # type: ignore[attr-defined]
    return {(r["case_id"], r["activity"], r["timestamp"]): r["customer_id"] for r in rows}


def test_identities_are_stitched_in_place_as_at_ingest(lake: Path) -> None:
    with connect(lake / "store.duckdb") as stored:
        expected = _customers(stored)
    with connect(lake / "x", source=f"parquet:{lake / 'events'}") as in_place:
        assert _customers(in_place) == expected


@pytest.mark.slow
def test_csv_in_place_with_a_column_mapping(lake: Path) -> None:
    mapping = ColumnMapping(case_id="Case", activity="Step")
    with connect(lake / "store.duckdb") as stored:
        expected = stored.run(QUERIES[2])
    with connect(lake / "x", source=f"csv:{lake / 'events.csv'}", mapping=mapping) as e:
        assert e.run(QUERIES[2]) == expected


def test_rows_left_out_of_the_view_are_counted_by_reason(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "case_id,activity,timestamp\n"
        "c1,A,2024-01-01T10:00:00Z\n"
        "c1,,2024-01-01T11:00:00Z\n"
        "c1,B,yesterday\n"
        "c1,C,2024-01-01T12:00:00+02:00\n"
    )
    with connect(tmp_path / "x", source=f"csv:{path}") as e:
        rows = e.rows(e.events().order_by("timestamp"))
        con = e.events()._find_backend()
        summary = e.rows(summarise(read_raw(con, parse_source(f"csv:{path}")), ColumnMapping()))
    assert [r["activity"] for r in rows] == ["A", "C"]
    assert rows[1]["timestamp"] == "2024-01-01T10:00:00"  # offset honoured, UTC
    assert summary == [{"rows": 4, "no_activity": 1, "no_timestamp": 1, "kept": 2}]


def test_sources_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="did you mean parquet"):
        parse_source("parquett:/lake")
    with pytest.raises(InputFormatError, match="say where"):
        parse_source("csv:")
    path = tmp_path / "e.csv"
    path.write_text("id,what,when\n1,A,2024-01-01\n")
    with pytest.raises(InputFormatError, match=r"no column for activity.*id, what, when"):
        connect(tmp_path / "x", source=f"csv:{path}")


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_the_parquet_folder_in_place(lake: Path, spark: object) -> None:
    with connect(lake / "store.duckdb") as stored:
        expected = [stored.run(q) for q in QUERIES[:3]]  # type: ignore[call-overload]
    with connect(lake / "x", "spark", source=f"parquet:{lake / 'events'}") as e:
        assert isinstance(e, SparkBackend)
        assert [e.run(q) for q in QUERIES[:3]] == expected  # type: ignore[call-overload]
        with connect(lake / "store.duckdb") as stored:
            assert _customers(e) == _customers(stored)  # stitched on Spark, as at ingest


@pytest.mark.spark
@pytest.mark.slow
def test_spark_sees_in_memory_tables_in_compiled_queries(spark: object) -> None:
    import ibis

    backend = SparkBackend(session=spark, events=ibis.memtable({"activity": ["A"]}))  # type: ignore[arg-type]
    extra = ibis.memtable({"activity": ["A", "B"], "n": [1, 2]})
    joined = backend.events().join(extra, "activity")
    assert backend.rows(joined) == [{"activity": "A", "n": 1}]


@pytest.mark.slow
def test_the_report_reads_a_source_in_place(small_lake: Path, tmp_path: Path) -> None:
    """``journeyscope --source parquet:... report`` draws the same report figures as the
    store holding the same events."""
    from journeyscope.config import Settings
    from journeyscope.services.report import build_report

    stored = build_report(Settings(store=small_lake / "store.duckdb"))
    in_place = build_report(
        Settings(store=tmp_path / "none.duckdb", source=f"parquet:{small_lake / 'events'}")
    )
    assert in_place.source.startswith("parquet:")
    assert in_place.overview["events"] == stored.overview["events"]
    assert in_place.process == stored.process
    assert in_place.variants == stored.variants

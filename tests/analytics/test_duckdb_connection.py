"""DuckDB specifics of the analytics backend (analytics/duckdb_connection.py): the memory
limit set back as DuckDB shows it, the single-arrow lambdas Ibis writes, Arrow results, tables
kept in a scratch database file."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from journeyscope.analytics.duckdb_connection import (
    allow_arrow_lambdas,
    duckdb_arrow,
    same_limit,
    scratch_table,
)


def test_the_memory_limit_is_set_back_as_what_duckdb_shows() -> None:
    assert same_limit("953.6 MiB") == "953.65 MiB"
    assert same_limit("18 bytes") == "18 bytes"
    assert same_limit("unlimited") == "unlimited"


def test_duckdb_accepts_the_single_arrow_lambdas_ibis_writes() -> None:
    con = ibis.duckdb.connect()
    allow_arrow_lambdas(con.con)
    value = con.con.execute("SELECT current_setting('lambda_syntax')").fetchone()
    assert value is not None and value[0] == "ENABLE_SINGLE_ARROW"


def test_a_column_of_the_null_type_comes_back_as_nulls_of_its_type() -> None:
    con = ibis.duckdb.connect()
    t = ibis.memtable({"n": [1, 2]})
    expr = t.select(t.n, none=ibis.null().cast("string"))
    table = duckdb_arrow(con, expr)
    assert table.column("n").to_pylist() == [1, 2]
    assert table.column("none").to_pylist() == [None, None]


def test_a_scratch_table_holds_the_rows_compressed_and_goes_with_its_block(
    tmp_path: Path,
) -> None:
    """The kept table has the expression's rows and types (a zoned timestamp included), its
    properties compressed with zstd as the store's are; the file is detached and deleted
    after the block, also when the block fails, and the store can be read-only."""
    made = ibis.duckdb.connect(tmp_path / "s.duckdb")
    made.con.execute(
        "CREATE TABLE events AS SELECT i, 'x' || i AS properties, "
        "TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS ts FROM range(300000) t(i)"
    )
    made.disconnect()
    con = ibis.duckdb.connect(tmp_path / "s.duckdb", read_only=True)
    events = con.table("events")
    wanted = events.filter(events.i % 2 == 0)  # more than a row group: written compressed
    with scratch_table(con, wanted) as kept:
        assert kept.schema() == wanted.schema()
        got = kept.order_by("i").to_pyarrow()
        assert got.equals(wanted.order_by("i").to_pyarrow())
        (catalog,) = {r[0] for r in con.con.execute("SHOW ALL TABLES").fetchall()} - {"s"}
        used = con.con.execute(
            f"SELECT DISTINCT compression FROM pragma_storage_info('{catalog}.kept') "
            "WHERE column_name = 'properties' AND segment_type = 'VARCHAR'"
        ).fetchall()
        assert used == [("ZSTD",)]
        folder = next(
            Path(p[0]).parent
            for p in con.con.execute(
                f"SELECT path FROM duckdb_databases() WHERE database_name = '{catalog}'"
            ).fetchall()
        )
        assert folder.is_dir()
    assert not folder.exists()
    assert con.con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE NOT internal"
    ).fetchall() == [(1,)]
    with pytest.raises(RuntimeError), scratch_table(con, wanted) as kept:
        raise RuntimeError("a failed analysis")
    assert con.con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE NOT internal"
    ).fetchall() == [(1,)]


def test_rows_in_memory_alone_are_kept_on_the_default_backend_under_any_folder_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kept`` of an expression over in-memory rows only (Ibis's default DuckDB backend),
    with a quote in the temporary folder's name; the folder is empty again after."""
    import tempfile

    from journeyscope.analytics.duckdb_connection import kept

    folder = tmp_path / "it's here"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    t = ibis.memtable({"a": [1, 2, 3], "s": ["x", "y", "z"]})
    with kept(t.filter(t.a > 1)) as table:
        assert table.order_by("a").to_pyarrow().to_pylist() == [
            {"a": 2, "s": "y"},
            {"a": 3, "s": "z"},
        ]
        assert len(list(folder.iterdir())) == 1
    assert list(folder.iterdir()) == []

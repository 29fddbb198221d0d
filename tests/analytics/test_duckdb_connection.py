"""DuckDB specifics of the analytics backend (analytics/duckdb_connection.py): the memory
limit set back as DuckDB shows it, the single-arrow lambdas Ibis writes, Arrow results."""

from __future__ import annotations

import ibis

from journeyscope.analytics.duckdb_connection import allow_arrow_lambdas, duckdb_arrow, same_limit


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

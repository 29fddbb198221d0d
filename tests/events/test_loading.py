"""Loading's own helpers (events/loading.py; the split into events and quarantine, direct or
staged, is pinned by tests/events/test_store.py): a counting statement reports its progress
and ends at 100 %, an error inside it reaches the caller, and a count reads 0 for nothing."""

from __future__ import annotations

import duckdb
import pytest

from journeyscope.events.loading import execute_with_progress, scalar


def test_a_counting_statement_reports_progress_and_ends_at_100() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x BIGINT)")
    seen: list[float] = []
    added = execute_with_progress(con, "INSERT INTO t SELECT range FROM range(200000)", seen.append)
    assert added == 200_000
    assert seen and seen[-1] == 100.0
    assert all(0.0 <= p <= 100.0 for p in seen)
    assert execute_with_progress(con, "INSERT INTO t SELECT 1", None) == 1


def test_an_error_inside_reaches_the_caller() -> None:
    con = duckdb.connect()
    with pytest.raises(duckdb.CatalogException, match="missing"):
        execute_with_progress(con, "INSERT INTO missing SELECT 1", lambda _: None)


def test_a_count_of_nothing_is_zero() -> None:
    con = duckdb.connect()
    assert scalar(con, "SELECT NULL") == 0
    assert scalar(con, "SELECT 1 WHERE false") == 0
    assert scalar(con, "SELECT ? + 1", [41]) == 42

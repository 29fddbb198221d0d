"""SQLite and PostgreSQL behind one bulk insert and one ``ON CONFLICT``."""

from __future__ import annotations

from journeyscope.engine import dialects
from journeyscope.engine import schema as t
from journeyscope.engine.store import EngineStore


def test_bulk_insert_counts_the_rows_written_on_both_databases(database_url: str) -> None:
    columns = ("interaction", "lever")
    with EngineStore(database_url) as store:
        with store.write() as conn:
            assert dialects.bulk(conn, store.sqlite, t.levers, columns, []) == 0
            written = store.bulk(conn, t.levers, columns, [("a", 1.0), ("b", 2.0)])
            again = store.bulk(
                conn,
                t.levers,
                columns,
                [("a", 9.0), ("c", 3.0)],
                "ON CONFLICT (interaction) DO NOTHING",
            )
        assert (written, again) == (2, 1)
        assert store.knowledge().levers == {"a": 1.0, "b": 2.0, "c": 3.0}


def test_the_url_in_messages_hides_the_password() -> None:
    assert dialects.safe_url("postgresql+psycopg://u:pw@h/db") == "postgresql+psycopg://u:***@h/db"
    assert dialects.safe_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert dialects.safe_url("sqlite:///a@b.sqlite") == "sqlite:///a@b.sqlite"
    assert dialects.is_sqlite("sqlite://") and not dialects.is_sqlite("postgresql://h/db")

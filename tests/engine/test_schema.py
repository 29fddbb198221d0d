"""The orchestration database's schema (engine/schema.py): a database made before a column
existed gets it when opened (nullable, old rows keep NULL), once; the documented tables are
the ones created."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from journeyscope.engine import schema
from journeyscope.engine.store import EngineStore


def _old_database(path: Path) -> sa.Engine:
    """A database as an older release made it: outbox without case_id, one row in it."""
    engine = sa.create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        for index in sa.inspect(conn).get_indexes("outbox"):
            if "case_id" in index["column_names"]:
                conn.execute(sa.text(f"DROP INDEX {index['name']}"))
        conn.execute(sa.text("ALTER TABLE outbox DROP COLUMN case_id"))
        columns = [c["name"] for c in sa.inspect(conn).get_columns("outbox")]
        values = {c: 0 for c in columns}
        values |= {"key": "k1", "customer_id": "c1", "status": "pending", "payload": "{}"}
        names = [c for c in columns if c in values]
        conn.execute(
            sa.text(
                f"INSERT INTO outbox ({', '.join(names)}) VALUES ({', '.join(':' + c for c in names)})"
            ),
            {c: values[c] for c in names},
        )
    return engine


def test_an_older_database_gets_the_added_columns_once(tmp_path: Path) -> None:
    engine = _old_database(tmp_path / "old.sqlite")
    with engine.begin() as conn:
        assert schema.migrate(conn) == ["outbox.case_id"]
        assert schema.migrate(conn) == [], "idempotent"
        row = conn.execute(sa.text("SELECT key, case_id FROM outbox")).one()
    assert tuple(row) == ("k1", None), "an existing row keeps NULL"


def test_opening_an_older_database_migrates_it(tmp_path: Path) -> None:
    _old_database(tmp_path / "old.sqlite").dispose()
    with EngineStore(f"sqlite:///{tmp_path / 'old.sqlite'}") as store, store.read() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("outbox")}
        tables = set(sa.inspect(conn).get_table_names())
    assert "case_id" in columns
    documented = schema.__doc__ or ""
    declared = set(schema.metadata.tables)
    assert declared <= tables
    assert all(name in documented for name in declared), "every table is in the module's table"

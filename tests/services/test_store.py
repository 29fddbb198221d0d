"""Opening the event store for reading (services/store.py): read-only, in UTC, with the settings'
memory limit or this process's, sharing a file this process is writing, and a clear error for
a missing file, a file another process is writing, or a file that is no journeyscope store;
on a three-event store built here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from journeyscope.config import Settings
from journeyscope.errors import StoreError
from journeyscope.events import Store
from journeyscope.services import store as store_module
from journeyscope.services.store import limit_this_process, open_store

EVENTS = """\
case_id,activity,timestamp,channel
c1,Apply,2025-01-01T09:00:00Z,web
c1,Upload,2025-01-01T10:00:00Z,app
c2,Apply,2025-01-02T09:00:00Z,web
"""
MORE = """\
case_id,activity,timestamp,channel
c3,Call,2025-01-03T09:00:00Z,phone
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A store file holding three events (closed)."""
    (tmp_path / "events.csv").write_text(EVENTS)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "events.csv")
    return tmp_path / "store.duckdb"


@pytest.fixture(autouse=True)
def no_process_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without a process-wide limit, and leaves none behind."""
    monkeypatch.setattr(store_module, "_process_limit", None)


def _setting(store: Store, name: str) -> str:
    ((value,),) = store.con.execute(f"SELECT current_setting('{name}')").fetchall()
    return str(value).replace(" ", "")


def _count(store: Store) -> int:
    ((count,),) = store.con.execute("SELECT count(*) FROM events").fetchall()
    return int(count)


def test_a_missing_store_is_named_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(StoreError, match=r"nope\.duckdb: no such store \(ingest data first"):
        open_store(Settings(store=missing))
    assert not missing.exists()


def test_the_store_opens_read_only_in_utc_with_the_settings_memory_limit(path: Path) -> None:
    before = path.stat().st_mtime_ns
    store = open_store(Settings(store=path, memory_limit="512MB"))
    try:
        assert store.path == str(path)
        assert _count(store) == 3
        assert store.events().count().execute() == 3  # the Store API on this connection
        assert _setting(store, "TimeZone") == "UTC"
        assert _setting(store, "memory_limit") == "488.2MiB"  # 512 MB, as DuckDB writes it
        with pytest.raises(duckdb.Error, match="read-only"):
            store.con.execute("DELETE FROM events")
    finally:
        store.close()
    assert path.stat().st_mtime_ns == before
    with Store(path) as again:  # closed: the file opens for writing again
        assert _count(again) == 3


def test_two_readers_open_one_store_at_once(path: Path) -> None:
    settings = Settings(store=path)
    first, second = open_store(settings), open_store(settings)
    try:
        assert _count(first) == _count(second) == 3
    finally:
        first.close()
        second.close()


def test_this_processs_limit_overrides_the_settings_for_every_later_open(path: Path) -> None:
    store = open_store(Settings(store=path, memory_limit="2GB"))
    try:
        assert _setting(store, "memory_limit") == "1.8GiB"
    finally:
        store.close()
    limit_this_process("256MB")
    for limit in ("2GB", None):
        store = open_store(Settings(store=path, memory_limit=limit))
        try:
            assert _setting(store, "memory_limit") == "244.1MiB", limit
        finally:
            store.close()


def test_a_store_this_process_is_writing_is_shared_not_refused(path: Path, tmp_path: Path) -> None:
    (tmp_path / "more.csv").write_text(MORE)
    with Store(path) as writer:
        reader = open_store(Settings(store=path))
        try:
            assert _count(reader) == 3
            writer.ingest(tmp_path / "more.csv")
            assert _count(reader) == 4  # one database, seen by both
        finally:
            reader.close()
        assert _count(writer) == 4  # the writer's connection is still open


_WRITER = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
con.close()
"""


def test_a_store_another_process_is_writing_is_refused_with_the_reason(path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout is not None and writer.stdin is not None
        try:
            assert writer.stdout.readline().strip() == "open"
            with pytest.raises(StoreError) as refused:
                open_store(Settings(store=path))
        finally:
            writer.stdin.write("\n")
            writer.stdin.flush()
        assert writer.wait() == 0
    message = str(refused.value)
    assert message.startswith(f"{path}: cannot open the store for reading")
    assert "(another process is writing to it: wait for the ingest to finish)" in message


def test_a_file_that_is_no_duckdb_database_cannot_be_opened(tmp_path: Path) -> None:
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n" * 1000)
    with pytest.raises(StoreError, match=r"notes\.duckdb: cannot open the store for reading: "):
        open_store(Settings(store=text))


def test_a_duckdb_file_that_is_no_journeyscope_store_is_refused_and_closed(
    tmp_path: Path,
) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE events (id INTEGER, name VARCHAR)")
    with pytest.raises(StoreError) as refused:
        open_store(Settings(store=other))
    assert str(refused.value).startswith(
        f"{other}: not a journeyscope store of this version (table 'events' has columns "
        "['id', 'name'], expected ['event_id', 'case_id',"
    )
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(StoreError, match=r"table 'events' has columns \[\]"):
        open_store(Settings(store=empty))
    # the refused connection was closed: the file opens for writing in this process again
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE quarantine (x INTEGER)")


def test_a_store_without_its_quarantine_table_is_refused(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE quarantine")
    with pytest.raises(StoreError, match="not a journeyscope store of this version"):
        open_store(Settings(store=path))

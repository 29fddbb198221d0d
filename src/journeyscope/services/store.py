"""Opening an event store for reading: many readers at once, in one process or several.

An analysis only reads, so it opens the store read-only: two analyses (two CLI processes, or
a CLI and the web app) can then run on one store at the same time, where two read-write
opens fail with DuckDB's "Could not set lock". A writer (``ingest``) still needs the store
to itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from journeyscope.errors import StoreError

if TYPE_CHECKING:
    from journeyscope.config import Settings
    from journeyscope.events import Store

#: DuckDB's message when this process already holds the file open in read-write mode.
_OPEN_HERE = "different configuration"

#: This process's DuckDB memory limit in place of the settings' (``None``: the settings').
_process_limit: str | None = None


def limit_this_process(limit: str) -> None:
    """Every store this process opens from now on gets DuckDB memory limit ``limit`` whatever
    its settings say: a background child's work then spills to disk rather than take the
    memory the service's pages use (a limit is per process: DuckDB shares one database
    instance, and its limit, between a process's connections to a file)."""
    global _process_limit
    _process_limit = limit


def open_store(settings: Settings) -> Store:
    """The store of ``settings`` opened read-only, with its memory limit.

    Raises :class:`StoreError` naming the file when there is no store there, when it cannot
    be opened (another process is writing to it), or when it is not a journeyscope store.

    When this process already has the file open for writing (a test fixture, an ingest in
    the same process), DuckDB refuses a second, read-only configuration of the same file;
    the connection then shares the open database instead (no other process can be writing
    to it, since this one holds the write lock). Either way no table is created or altered.
    """
    import duckdb
    import ibis

    from journeyscope.events import Store
    from journeyscope.events.schema import COLUMNS
    from journeyscope.events.staging import literal

    path = Path(settings.store)
    if not path.is_file():
        raise StoreError(f"{path}: no such store (ingest data first, or give --store)")
    try:
        backend = ibis.duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException as exc:
        if _OPEN_HERE not in str(exc):
            raise _cannot_open(path, exc) from exc
        backend = ibis.duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise _cannot_open(path, exc) from exc
    store = Store.__new__(Store)  # the Store API on this connection, without its DDL
    store.path = str(path)
    store.ibis = backend
    store.con = backend.con
    store.con.execute("SET TimeZone = 'UTC'")
    store.con.execute("SET enable_progress_bar = false")
    limit = _process_limit or settings.memory_limit
    if limit:
        store.con.execute(f"SET memory_limit = {literal(limit)}")
    tables = {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}
    found = (
        [r[0] for r in store.con.execute("DESCRIBE events").fetchall()]
        if "events" in tables
        else []
    )
    if found != list(COLUMNS) or "quarantine" not in tables:
        store.close()
        raise StoreError(
            f"{path}: not a journeyscope store of this version (table 'events' has columns "
            f"{found}, expected {list(COLUMNS)})"
        )
    return store


def _cannot_open(path: Path, exc: Exception) -> StoreError:
    hint = (
        " (another process is writing to it: wait for the ingest to finish)"
        if "lock" in str(exc).lower()
        else ""
    )
    return StoreError(f"{path}: cannot open the store for reading{hint}: {exc}")

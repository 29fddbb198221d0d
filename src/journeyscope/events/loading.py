"""Loading: one staged input relation split into ``events`` (good rows) and ``quarantine``.

:func:`load` takes the staging query of :mod:`~journeyscope.events.staging` for one relation
and writes its good rows into ``events`` and the others, with their reason and raw record,
into ``quarantine``, inside the caller's transaction. Two ways, the same rows:

- **direct** (a file seen for the first time, ids generated from its content: no row can
  be a duplicate): the staging query feeds ``events`` and then, only when fewer rows were
  added than the input has, ``quarantine``, straight from the input, each keeping the rows
  it needs. DuckDB pushes the check below the columns built for the table written, so
  ``properties`` and the raw text are built only for the rows kept; an input without a bad
  row is read once. Nothing is staged, written and read back.
- **staged** (the data gives event ids, or the file was ingested before with other
  options): the relation is staged once into a temporary table, the duplicate checks mark
  conflicting rows there, and good rows not stored yet are copied into ``events``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from journeyscope.events.schema import COLUMNS
from journeyscope.events.staging import StagingSpec, literal, record_sql, staged_sql

QUARANTINE_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",  # the id the row would have had
    "fingerprint": "VARCHAR",  # content hash of the source file
    "source": "VARCHAR",
    "source_row": "BIGINT",  # physical line (CSV, JSON Lines) or position (XES, OCEL, Parquet)
    "reason": "VARCHAR",
    "record": "VARCHAR",  # the raw row as JSON
    "quarantined_at": "TIMESTAMPTZ",
}

Progress = Callable[[float], None]  # called with 0..100

_COLS = ", ".join(f'"{c}"' for c in COLUMNS)


@dataclass(frozen=True)
class Loaded:
    """What loading one relation did."""

    read: int
    added: int
    quarantined: int
    overlap: int  # rows added that match an event of another source (case, activity, time)
    others: frozenset[str]  # some of those sources


@dataclass(frozen=True)
class LoadPlan:
    """How to load: ``dedupe`` (staged way, see the module docstring); ``replace_held``: the
    file has rows in quarantine from before, which a row quarantined again replaces;
    ``other_sources``: events from other sources are stored (the overlap check has
    something to find)."""

    dedupe: bool
    replace_held: bool
    other_sources: bool


def load(
    con: duckdb.DuckDBPyConnection,
    spec: StagingSpec,
    plan: LoadPlan,
    progress: Progress | None = None,
) -> Loaded:
    """Split the relation of ``spec`` into quarantine and events (see the module docstring).

    ``progress`` is told DuckDB's progress of the main statement."""
    sql = staged_sql(spec)
    if not plan.dedupe:
        return _direct(con, spec, f"({sql})", plan, progress)
    execute_with_progress(con, f"CREATE OR REPLACE TEMP TABLE js_staged AS {sql}", progress)
    _mark_conflicts(con)
    quarantined, overlap, others = _quarantine_and_overlap(con, spec, "js_staged", plan)
    added = scalar(
        con,
        f"""INSERT INTO events ({_COLS})
            SELECT {_COLS} FROM js_staged s
            WHERE __reason IS NULL
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)
            QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY source_row) = 1""",
    )
    read = scalar(con, "SELECT count(*) FROM js_staged")
    con.execute("DROP TABLE js_staged")
    return Loaded(read, added, quarantined, overlap, others)


def _direct(
    con: duckdb.DuckDBPyConnection,
    spec: StagingSpec,
    staged: str,
    plan: LoadPlan,
    progress: Progress | None,
) -> Loaded:
    """Events, then quarantine when rows are left over, each straight from the staging query."""
    read = scalar(con, f"SELECT count(*) FROM {staged}")
    added = execute_with_progress(
        con,
        f"INSERT INTO events ({_COLS}) SELECT {_COLS} FROM {staged} WHERE __reason IS NULL",
        progress,
    )
    quarantined, overlap, others = _quarantine_and_overlap(
        con, spec, staged, plan, held=read > added
    )
    return Loaded(read, added, quarantined, overlap, others)


def _quarantine_and_overlap(
    con: duckdb.DuckDBPyConnection,
    spec: StagingSpec,
    staged: str,
    plan: LoadPlan,
    held: bool = True,
) -> tuple[int, int, frozenset[str]]:
    """Put the rows of ``staged`` that have a reason in quarantine (replacing this file's
    earlier reasons for them); count its good rows that overlap other sources. ``held``:
    some rows may have a reason (False: none has, and quarantine is not written)."""
    fp = literal(spec.id_prefix)
    if plan.replace_held:  # a row quarantined again gets today's reason, once
        con.execute(
            f"""DELETE FROM quarantine q USING {staged} s WHERE q.fingerprint = {fp}
            AND q.source_row = s.source_row AND q.event_id = s.event_id"""
        ).fetchall()
    quarantined = 0
    if held:
        record = record_sql(spec.mapping.resolve([c for c, _ in spec.columns]))
        quarantined = scalar(
            con,
            f"""INSERT INTO quarantine ({", ".join(QUARANTINE_COLUMNS)})
            SELECT event_id, {fp}, source, source_row, __reason, {record}, now()
            FROM {staged} s WHERE __reason IS NOT NULL""",
        )
    if not plan.other_sources:
        return quarantined, 0, frozenset()
    return quarantined, *_overlap(con, staged)


def _mark_conflicts(con: duckdb.DuckDBPyConnection) -> None:
    """Give a reason to staged rows whose event id is stored, or earlier in the file, with
    other content (every canonical field but the source, its row and the ingest time)."""
    con.execute(
        f"""UPDATE js_staged SET __reason = 'conflicting duplicate: event id ' || js_staged.event_id
            || ' is already stored (from ' || e.source || ' row ' || CAST(e.source_row AS VARCHAR)
            || ') with different content'
        FROM events e
        WHERE js_staged.__reason IS NULL AND e.event_id = js_staged.event_id
          AND {_content("e")} IS DISTINCT FROM {_content("js_staged")}"""
    )
    con.execute(
        f"""UPDATE js_staged SET __reason = 'conflicting duplicate: event id ' || d.event_id
            || ' is given earlier in this file (row ' || CAST(d.first_row AS VARCHAR)
            || ') with different content'
        FROM (SELECT source_row, event_id, content,
                     first_value(content) OVER w AS first_content,
                     first_value(source_row) OVER w AS first_row
              FROM (SELECT source_row, event_id, {_content("js_staged")} AS content
                    FROM js_staged WHERE __reason IS NULL)
              WINDOW w AS (PARTITION BY event_id ORDER BY source_row)) d
        WHERE js_staged.source_row = d.source_row AND d.content <> d.first_content"""
    )


def _overlap(con: duckdb.DuckDBPyConnection, staged: str) -> tuple[int, frozenset[str]]:
    """Good staged rows whose case, activity and timestamp are stored from another source."""
    n = scalar(
        con,
        f"SELECT count(*) FROM {staged} s WHERE s.__reason IS NULL AND EXISTS "
        "(SELECT 1 FROM events e WHERE e.case_id = s.case_id AND e.activity = s.activity "
        "AND e.timestamp = s.timestamp AND e.source <> s.source)",
    )
    if not n:
        return 0, frozenset()
    rows = con.execute(
        f"""SELECT DISTINCT e.source FROM {staged} s JOIN events e ON e.case_id = s.case_id
        AND e.activity = s.activity AND e.timestamp = s.timestamp AND e.source <> s.source
        WHERE s.__reason IS NULL LIMIT 5"""
    ).fetchall()
    return n, frozenset(str(r[0]) for r in rows)


def _content(table: str) -> str:
    """A hash of what an event says: every canonical field but its id, customer (derived),
    source, source row and ingest time."""
    fields = [
        f"{table}.{c}" if c != "timestamp" else f"CAST({table}.timestamp AS VARCHAR)"
        for c in COLUMNS
        if c not in ("event_id", "customer_id", "source", "source_row", "ingested_at")
    ]
    return f"md5(CAST(json_array({', '.join(fields)}) AS VARCHAR))"


def execute_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, progress: Progress | None
) -> int:
    """Run a counting statement (an INSERT); while it runs, report DuckDB's progress."""
    if progress is None:
        return scalar(con, sql)
    failure: list[BaseException] = []
    result: list[int] = []

    def work() -> None:
        try:
            result.append(scalar(con, sql))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        done = con.query_progress()
        if done >= 0:
            progress(done)
    progress(100.0)
    if failure:
        raise failure[0]
    return result[0]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    """The first value of the first row as an int (0 for none or NULL)."""
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0

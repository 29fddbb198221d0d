"""The event store: a DuckDB file holding ``events``, ``quarantine`` and ``ingested_files``.

Analytics see the store only through Ibis (:meth:`Store.events`), so the same analysis runs on
any Ibis backend. Ingestion uses DuckDB directly: its readers stream files in parallel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from journeyscope.errors import InputFormatError, StoreError
from journeyscope.events import readers
from journeyscope.events.readers import CsvOptions, Format
from journeyscope.events.schema import COLUMNS, ColumnMapping, create_events_sql
from journeyscope.events.staging import StagingSpec, literal, record_sql, staged_sql

QUARANTINE_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",  # the id the row would have had
    "fingerprint": "VARCHAR",  # content hash of the source file
    "source": "VARCHAR",
    "source_row": "BIGINT",  # 1-based data row; for CSV the line is source_row + 1 (header)
    "reason": "VARCHAR",
    "record": "VARCHAR",  # the raw row as JSON
    "quarantined_at": "TIMESTAMPTZ",
}

_FILES_DDL = """
CREATE TABLE IF NOT EXISTS ingested_files (
  fingerprint VARCHAR, options VARCHAR, path VARCHAR, format VARCHAR,
  rows_read BIGINT, events_added BIGINT, quarantined BIGINT, ingested_at TIMESTAMPTZ
)"""

Progress = Callable[[float], None]  # called with 0..100


@dataclass(frozen=True)
class IngestReport:
    """What one ingestion did; ``skipped`` when the same file was ingested before."""

    path: str
    format: str
    rows_read: int
    events_added: int
    duplicates: int
    quarantined: int
    reasons: dict[str, int]
    seconds: float
    skipped: bool = False


class Store:
    """A journeyscope event store in a DuckDB file (``:memory:`` for a throwaway one).

    >>> store = Store(":memory:")
    >>> store.events().count().execute()
    0
    """

    def __init__(self, path: str | Path = ":memory:", *, memory_limit: str | None = None) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.ibis = ibis.duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self.con: duckdb.DuckDBPyConnection = self.ibis.con
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {literal(memory_limit)}")
        self._create_tables()

    def _create_tables(self) -> None:
        self.con.execute(create_events_sql())
        cols = ", ".join(f'"{n}" {t}' for n, t in QUARANTINE_COLUMNS.items())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS quarantine ({cols})")
        self.con.execute(_FILES_DDL)
        found = [r[0] for r in self.con.execute("DESCRIBE events").fetchall()]
        if found != list(COLUMNS):
            raise StoreError(
                f"{self.path}: table 'events' has columns {found}, expected {list(COLUMNS)}; "
                "is this a journeyscope store of another version?"
            )

    def close(self) -> None:
        self.ibis.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading (through Ibis)

    def events(self) -> ibis.Table:
        """The canonical events table as a lazy Ibis table."""
        return self.ibis.table("events")

    def quarantine(self) -> ibis.Table:
        return self.ibis.table("quarantine")

    # ------------------------------------------------------------------------------ ingestion

    def ingest(
        self,
        path: str | Path,
        *,
        fmt: Format | None = None,
        mapping: ColumnMapping | None = None,
        csv: CsvOptions | None = None,
        allowed_activities: list[str] | None = None,
        object_type: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read one file into the store; bad rows go to quarantine with the reason.

        ``object_type`` chooses the case notion of an OCEL 2.0 log (default: every object).

        Idempotent: event ids are the data's own (``event_id`` column) or
        ``<content fingerprint>:<row>``, and rows whose id is already stored are not added
        again. Everything happens in one transaction: on an unreadable file
        (:class:`InputFormatError`) the store is left as it was.
        """
        started = time.perf_counter()
        file = Path(path)
        if not file.is_file():
            raise InputFormatError(f"{file}: no such file")
        fmt = fmt or readers.detect_format(file)
        mapping = mapping or ColumnMapping()
        fp = readers.fingerprint(file)
        options = "|".join(
            [
                mapping.model_dump_json(exclude_none=True),
                repr(csv or CsvOptions()),
                repr(sorted(allowed_activities)) if allowed_activities is not None else "",
                object_type or "",
            ]
        )
        if self.con.execute(
            "SELECT 1 FROM ingested_files WHERE fingerprint = ? AND options = ?", [fp, options]
        ).fetchall():
            return IngestReport(str(file), fmt, 0, 0, 0, 0, {}, time.perf_counter() - started, True)

        now = datetime.now(UTC).isoformat()
        dedupe = self._count_with_prefix(fp) > 0
        held_before = _scalar(
            self.con, "SELECT count(*) FROM quarantine WHERE fingerprint = ?", [fp]
        )
        read = added = invalid = malformed = 0
        self.con.execute("BEGIN")
        try:
            self.con.execute("SET preserve_insertion_order = false")
            for spec in self._staging_specs(
                file, fmt, mapping, csv, fp, now, allowed_activities, progress, object_type
            ):
                has_ids = "event_id" in spec.mapping.resolve([c for c, _ in spec.columns])
                r, a, q = self._insert_staged(spec, dedupe=dedupe or has_ids, progress=progress)
                read, added, invalid = read + r, added + a, invalid + q
            malformed = self._take_csv_rejects(file, fmt, fp)
            if held_before:  # rows that made it in this time are no longer in quarantine
                self.con.execute(
                    "DELETE FROM quarantine WHERE fingerprint = ? AND event_id IN "
                    "(SELECT event_id FROM events)",
                    [fp],
                )
            self.con.execute(
                "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [fp, options, str(file), fmt, read + malformed, added, invalid + malformed, now],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.execute("SET preserve_insertion_order = true")
        return IngestReport(
            path=str(file),
            format=fmt,
            rows_read=read + malformed,
            events_added=added,
            duplicates=read - added - invalid,
            quarantined=invalid + malformed,
            reasons=self._reasons(fp),
            seconds=time.perf_counter() - started,
        )

    def _count_with_prefix(self, fp: str) -> int:
        return _scalar(
            self.con, "SELECT count(*) FROM events WHERE starts_with(event_id, ?)", [fp + ":"]
        )

    def _staging_specs(
        self,
        file: Path,
        fmt: Format,
        mapping: ColumnMapping,
        csv: CsvOptions | None,
        fp: str,
        now: str,
        allowed: list[str] | None,
        progress: Progress | None,
        object_type: str | None,
    ) -> Iterator[StagingSpec]:
        def spec(relation: str, columns: list[tuple[str, str]]) -> StagingSpec:
            return StagingSpec(
                relation=relation,
                columns=[c for c in columns if c[0] != "__row"],
                mapping=mapping,
                source=file.name,
                id_prefix=fp,
                ingested_at=now,
                allowed_activities=allowed,
            )

        if fmt == "ocel":
            table = readers.read_ocel(file, object_type)
            self.con.register("js_ocel", table)
            yield spec("js_ocel", [(f.name, "VARCHAR") for f in table.schema])
            self.con.unregister("js_ocel")
            return
        if fmt == "xes":
            for batch in readers.read_xes(file, on_progress=progress):
                name = "js_xes_batch"
                self.con.register(name, batch)
                cols = [(f.name, _arrow_kind(f.type)) for f in batch.schema]
                yield spec(name, cols)
                self.con.unregister(name)
            return
        relation = readers.duckdb_relation(file, fmt, csv)
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        except duckdb.Error as exc:
            raise InputFormatError(f"{file}: cannot read as {fmt}: {_first_line(exc)}") from exc
        yield spec(relation, [(r[0], r[1]) for r in described])

    def _insert_staged(
        self, spec: StagingSpec, *, dedupe: bool, progress: Progress | None
    ) -> tuple[int, int, int]:
        """Split one relation into quarantine (rows with a reason) and events (the others).

        Text files (CSV, JSON Lines) are parsed once into a staged temporary table, then
        split: parsing is their main cost. Parquet files and in-memory batches are scanned
        twice instead: the first pass reads only the columns the checks need. Returns
        (rows read, events added, rows quarantined).
        """
        sql = staged_sql(spec)
        record = record_sql(spec.mapping.resolve([c for c, _ in spec.columns]))
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        qcols = ", ".join(QUARANTINE_COLUMNS)
        reported = progress if spec.relation.startswith("(") else None
        self.con.execute("DROP TABLE IF EXISTS js_reject_errors")
        self.con.execute("DROP TABLE IF EXISTS js_reject_scans")
        staged = spec.relation.startswith("(SELECT *, row_number()")  # text readers
        try:
            if staged:
                self._execute_with_progress(
                    f"CREATE OR REPLACE TEMP TABLE js_staged AS {sql}", reported
                )
                source = "js_staged"
            else:
                source = f"({sql})"
            quarantined = _scalar(
                self.con,
                f"""INSERT INTO quarantine ({qcols})
                SELECT event_id, {literal(spec.id_prefix)}, source, source_row, __reason, {record}, now()
                FROM {source} s
                WHERE __reason IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.event_id = s.event_id)""",
            )
            if dedupe:
                insert = f"""INSERT INTO events ({cols})
                SELECT {cols} FROM {source} s
                WHERE __reason IS NULL
                  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)
                QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY source_row) = 1"""
            else:
                insert = f"INSERT INTO events ({cols}) SELECT {cols} FROM {source} WHERE __reason IS NULL"
            added = self._execute_with_progress(insert, None if staged else reported)
            # without de-duplication every row was either added or quarantined
            read = (
                _scalar(self.con, f"SELECT count(*) FROM {source}")
                if dedupe
                else added + quarantined
            )
            if staged:
                self.con.execute("DROP TABLE js_staged")
        except duckdb.Error as exc:
            raise InputFormatError(f"{spec.source}: cannot read: {_first_line(exc)}") from exc
        return read, added, quarantined

    def _execute_with_progress(self, sql: str, progress: Progress | None) -> int:
        """Run a counting statement (an INSERT); while it runs, report DuckDB's progress."""
        if progress is None:
            return _scalar(self.con, sql)
        failure: list[BaseException] = []
        result: list[int] = []

        def work() -> None:
            try:
                result.append(_scalar(self.con, sql))
            except BaseException as exc:  # handed to the caller below
                failure.append(exc)

        worker = threading.Thread(target=work)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
            done = self.con.query_progress()
            if done >= 0:
                progress(done)
        progress(100.0)
        if failure:
            raise failure[0]
        return result[0]

    def _take_csv_rejects(self, file: Path, fmt: str, fp: str) -> int:
        """Move lines DuckDB's CSV reader could not parse into quarantine."""
        if fmt != "csv" or not _table_exists(self.con, "js_reject_errors"):
            return 0
        n = _scalar(
            self.con,
            f"""INSERT INTO quarantine ({", ".join(QUARANTINE_COLUMNS)})
            SELECT {literal(fp)} || ':line' || CAST(line AS VARCHAR), {literal(fp)}, {literal(file.name)},
                   line - 1, 'malformed CSV line ' || CAST(line AS VARCHAR) || ': ' || error_message,
                   to_json(csv_line), now()
            FROM (SELECT * FROM js_reject_errors QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx DESC) = 1) r
            WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                              WHERE q.event_id = {literal(fp)} || ':line' || CAST(r.line AS VARCHAR))""",
        )
        return n

    def _reasons(self, fp: str) -> dict[str, int]:
        rows = self.con.execute(
            "SELECT regexp_replace(reason, '''[^'']*''|line [0-9]+', '…') AS r, count(*) FROM quarantine "
            "WHERE fingerprint = ? GROUP BY r ORDER BY 2 DESC",
            [fp],
        ).fetchall()
        return {str(r): int(n) for r, n in rows}

    # ---------------------------------------------------------------------------------- stats

    def stats(self) -> dict[str, Any]:
        """Counts for ``journeyscope stats``.

        ``cases`` counts distinct case ids given by the data (events without one are counted
        in ``events_without_case``); ``channels`` counts, per channel, the cases with at
        least one event in it.
        """
        ((events, cases, customers, activities, first, last, no_case, sources),) = self.con.execute(
            """SELECT count(*), count(DISTINCT case_id), count(DISTINCT customer_id),
                      count(DISTINCT activity), min(timestamp), max(timestamp),
                      count(*) FILTER (WHERE case_id IS NULL), count(DISTINCT source)
               FROM events"""
        ).fetchall()
        channels = self.con.execute(
            "SELECT channel, count(DISTINCT case_id) FROM events "
            "WHERE channel IS NOT NULL AND case_id IS NOT NULL GROUP BY channel ORDER BY 2 DESC, 1"
        ).fetchall()
        return {
            "events": int(events),
            "cases": int(cases),
            "customers": int(customers),
            "activities": int(activities),
            "channels": {str(c): int(n) for c, n in channels},
            "quarantined": _scalar(self.con, "SELECT count(*) FROM quarantine"),
            "events_without_case": int(no_case),
            "first_event": first.isoformat() if first else None,
            "last_event": last.isoformat() if last else None,
            "sources": int(sources),
            "case_rule": "cases = distinct case ids given by the data; channels = cases with at "
            "least one event in the channel; customers = after identity stitching",
        }


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    rows = con.execute(sql, params or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]


def _arrow_kind(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind):
        return "BIGINT"
    if pa.types.is_floating(kind):
        return "DOUBLE"
    if pa.types.is_boolean(kind):
        return "BOOLEAN"
    return "VARCHAR"

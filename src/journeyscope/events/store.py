"""The event store: a DuckDB file holding ``events``, ``quarantine`` and ``ingested_files``.

Analytics see the store only through Ibis (:meth:`Store.events`), so the same analysis runs on
any Ibis backend. Ingestion uses DuckDB directly: its readers stream files in parallel.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from journeyscope.errors import ColumnNotFoundError, InputFormatError, StoreError
from journeyscope.events import ocel_store, pii, readers
from journeyscope.events.csvfile import read_csv
from journeyscope.events.rawio import ERROR, HIDDEN, ReadNotes
from journeyscope.events.readers import CsvOptions, Format
from journeyscope.events.schema import COLUMNS, IDENTIFIERS, ColumnMapping, create_events_sql
from journeyscope.events.staging import JSON_KIND, StagingSpec, literal, record_sql, staged_sql

QUARANTINE_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR",  # the id the row would have had
    "fingerprint": "VARCHAR",  # content hash of the source file
    "source": "VARCHAR",
    "source_row": "BIGINT",  # physical line (CSV, JSON Lines) or position (XES, OCEL, Parquet)
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
    notes: tuple[str, ...] = ()
    """What a person should know beyond the counts (values kept as text, events duplicated
    by flattening, rows that look like a log already ingested from another source)."""


class Store:
    """A journeyscope event store in a DuckDB file (``:memory:`` for a throwaway one).

    >>> store = Store(":memory:")
    >>> store.events().count().execute()
    0
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        memory_limit: str | None = None,
        create: bool = True,
    ) -> None:
        """Open (``create=False``: only open, never create) the store at ``path``.

        A new store file is readable and writable by its owner only. A store left with an
        identity stitch pending (a command killed between ingest and stitching) is stitched
        here, before anything reads it.
        """
        self.path = str(path)
        if self.path != ":memory:" and not Path(self.path).is_file():
            if not create:
                raise StoreError(
                    f"{self.path}: no store here; ingest events first (journeyscope ingest ...)"
                )
            Path(self.path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            self.ibis = ibis.duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
        self._restrict()
        self.con: duckdb.DuckDBPyConnection = self.ibis.con
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {literal(memory_limit)}")
        self._create_tables()
        pii.register(self.con)
        self.complete_pending_stitch()

    def _restrict(self) -> None:
        """Owner-only permissions on the store file and its write-ahead log."""
        if self.path == ":memory:":
            return
        for name in (self.path, self.path + ".wal"):
            with contextlib.suppress(OSError):  # not ours to change (opened read-only)
                if Path(name).exists() and Path(name).stat().st_mode & 0o077:
                    os.chmod(name, 0o600)

    def _create_tables(self) -> None:
        self.con.execute(create_events_sql())
        cols = ", ".join(f'"{n}" {t}' for n, t in QUARANTINE_COLUMNS.items())
        self.con.execute(f"CREATE TABLE IF NOT EXISTS quarantine ({cols})")
        self.con.execute(_FILES_DDL)
        self.con.execute("CREATE TABLE IF NOT EXISTS pending_stitch (since TIMESTAMPTZ)")
        found = [r[0] for r in self.con.execute("DESCRIBE events").fetchall()]
        if found != list(COLUMNS):
            raise StoreError(
                f"{self.path}: table 'events' has columns {found}, expected {list(COLUMNS)}; "
                "is this a journeyscope store of another version?"
            )

    def close(self) -> None:
        self.ibis.disconnect()
        self._restrict()

    def complete_pending_stitch(self) -> None:
        """Stitch identities when an ingest committed events that were never stitched.

        Ingest records the pending stitch in its own transaction and
        :func:`~journeyscope.events.identity.stitch` clears it in its, so a kill between the two (or
        during stitching) leaves a record, never events whose ``customer_id`` stays NULL.
        """
        if _scalar(self.con, "SELECT count(*) FROM pending_stitch"):
            from journeyscope.events.identity import stitch

            stitch(self.con)

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
        already_hashed: Collection[str] = (),
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read one file into the store; bad rows go to quarantine with the reason.

        ``object_type`` chooses the case notion of an OCEL 2.0 log (required when it has
        several object types; ``"*"``: every object). ``already_hashed`` names the columns
        of ``email_hash`` / ``phone_hash`` the data gives hashed; raw addresses and numbers
        in the others are pseudonymised (:mod:`journeyscope.events.pii`).

        Idempotent: event ids are the data's own (``event_id`` column) or
        ``<content fingerprint>:<row>``, and rows whose id is already stored with the same
        content are not added again (with other content they are quarantined as conflicting
        duplicates). Everything happens in one transaction, which also records that identity
        stitching is pending: on an unreadable file (:class:`InputFormatError`) the store is
        left as it was, and a kill before stitching is repaired when the store is next opened.
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
                ",".join(sorted(already_hashed)),
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
        other_sources = bool(
            self.con.execute(
                "SELECT 1 FROM events WHERE source <> ? LIMIT 1", [file.name]
            ).fetchall()
        )
        notes = ReadNotes()
        read = added = invalid = overlap = 0
        others: set[str] = set()
        self.con.execute("BEGIN")
        try:
            self.con.execute("SET preserve_insertion_order = false")
            checked = False
            for spec in self._staging_specs(
                file, fmt, mapping, csv, fp, now, allowed_activities, progress, object_type, notes
            ):
                spec = StagingSpec(**{**spec.__dict__, "already_hashed": tuple(already_hashed)})
                if not checked:
                    checked = self._check_mapped(file, spec)
                has_ids = "event_id" in spec.mapping.resolve([c for c, _ in spec.columns])
                counts = self._insert_staged(
                    spec,
                    dedupe=dedupe or has_ids,
                    replace_held=held_before > 0,
                    other_sources=other_sources,
                    progress=progress,
                )
                read, added, invalid = read + counts[0], added + counts[1], invalid + counts[2]
                overlap += counts[3]
                others |= counts[4]
            if held_before:  # rows that made it in this time are no longer in quarantine
                self.con.execute(
                    "DELETE FROM quarantine WHERE fingerprint = ? AND event_id IN "
                    "(SELECT event_id FROM events) AND NOT starts_with(reason, 'conflicting')",
                    [fp],
                )
            if fmt == "ocel":  # the log itself, unflattened (events/ocel_store.py)
                ocel_store.keep_file(self.con, file)
            self.con.execute(
                "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [fp, options, str(file), fmt, read, added, invalid, now],
            )
            if added:
                self.con.execute("INSERT INTO pending_stitch VALUES (now())")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.execute("SET preserve_insertion_order = true")
        if overlap:
            notes.messages.append(
                f"{overlap:,} of {added:,} events added have the same case id, activity and "
                f"timestamp as events already stored from {', '.join(sorted(others)[:3])}: "
                "the same log ingested again in another format? Both copies are stored; "
                "analyses will count those events twice"
            )
        return IngestReport(
            path=str(file),
            format=fmt,
            rows_read=read,
            events_added=added,
            duplicates=read - added - invalid,
            quarantined=invalid,
            reasons=self._reasons(fp),
            seconds=time.perf_counter() - started,
            notes=tuple(notes.summary()),
        )

    def _count_with_prefix(self, fp: str) -> int:
        return _scalar(
            self.con, "SELECT count(*) FROM events WHERE starts_with(event_id, ?)", [fp + ":"]
        )

    def _check_mapped(self, file: Path, spec: StagingSpec) -> bool:
        """Refuse a file none of whose columns feed the activity, timestamp or case; say which
        columns it has and which option maps them. False while no readable row was seen."""
        errors = "__error IS NULL" if spec.has_errors else "true"
        if not _scalar(self.con, f"SELECT count(*) FROM {spec.relation} WHERE {errors}"):
            return False
        columns = [c for c, _ in spec.columns]
        resolved = spec.mapping.resolve(columns)
        missing = [f for f in ("activity", "timestamp") if f not in resolved]
        if not any(f in resolved for f in ("case_id", *IDENTIFIERS)):
            missing.append("case_id")
        if missing:
            flags = {"activity": "--activity", "timestamp": "--timestamp", "case_id": "--case"}
            raise ColumnNotFoundError(
                f"{file}: no column could be mapped to {', '.join(missing)} "
                f"(columns seen: {', '.join(columns) or 'none'}); map them with "
                + ", ".join(f"{flags[m]} COLUMN" for m in missing)
                + " (in Python: ColumnMapping("
                + ", ".join(f"{m}=..." for m in missing)
                + "))"
            )
        return True

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
        notes: ReadNotes,
    ) -> Iterator[StagingSpec]:
        def spec(relation: str, columns: list[tuple[str, str]]) -> StagingSpec:
            return StagingSpec(
                relation=relation,
                columns=[c for c in columns if c[0] not in HIDDEN],
                mapping=mapping,
                source=file.name,
                id_prefix=fp,
                ingested_at=now,
                allowed_activities=allowed,
                has_errors=any(c[0] == ERROR for c in columns),
            )

        if fmt == "parquet":
            relation = readers.duckdb_relation(file, fmt)
            try:
                described = self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
            except duckdb.Error as exc:
                raise InputFormatError(f"{file}: cannot read as {fmt}: {_first_line(exc)}") from exc
            yield spec(relation, [(r[0], r[1]) for r in described])
            return
        batches: Iterator[pa.Table]
        if fmt == "ocel":
            batches = iter([readers.read_ocel(file, object_type, notes)])
        elif fmt == "xes":
            batches = readers.read_xes(file, on_progress=progress, notes=notes)
        elif fmt == "jsonl":
            batches = readers.read_jsonl(file, on_progress=progress)
        else:
            opts = csv or CsvOptions()
            batches = read_csv(
                file, opts.delimiter, opts.encoding, opts.header, on_progress=progress
            )
        name = "js_read_batch"
        for batch in batches:
            self.con.register(name, batch)
            yield spec(
                name,
                [
                    (f.name, JSON_KIND if fmt == "jsonl" else _arrow_kind(f.type))
                    for f in batch.schema
                ],
            )
            self.con.unregister(name)

    def _insert_staged(
        self,
        spec: StagingSpec,
        *,
        dedupe: bool,
        replace_held: bool,
        other_sources: bool,
        progress: Progress | None,
    ) -> tuple[int, int, int, int, set[str]]:
        """Split one relation into quarantine (rows with a reason) and events (the others).

        With ``dedupe``, a row whose event id is stored (or earlier in the file) with the same
        content is a duplicate and not added; with other content it is quarantined as a
        conflicting duplicate; the relation is then staged once into a temporary table that
        those checks update. Without it (a file seen for the first time, ids generated from
        its content) the staging query feeds ``events`` and ``quarantine`` directly, each
        keeping the rows it needs: no staged copy is written and read back.
        ``replace_held``: this file has rows in quarantine from before, which a row
        quarantined again replaces; ``other_sources``: events from other sources are stored
        (the overlap check has something to find). Returns (rows read, events added, rows
        quarantined, rows added that match an event of another source on case, activity and
        timestamp, those sources).
        """
        sql = staged_sql(spec)
        reported = progress if spec.relation.startswith("(") else None
        try:
            if not dedupe:
                return self._insert_direct(spec, sql, replace_held, other_sources, reported)
            self._execute_with_progress(
                f"CREATE OR REPLACE TEMP TABLE js_staged AS {sql}", reported
            )
            self._mark_conflicts()
            counts = self._insert_from(spec, "js_staged", replace_held, other_sources, dedupe=True)
            self.con.execute("DROP TABLE js_staged")
        except duckdb.Error as exc:
            raise InputFormatError(f"{spec.source}: cannot read: {_first_line(exc)}") from exc
        return counts

    def _insert_direct(
        self,
        spec: StagingSpec,
        sql: str,
        replace_held: bool,
        other_sources: bool,
        progress: Progress | None,
    ) -> tuple[int, int, int, int, set[str]]:
        """Quarantine, then events, each straight from the staging query (see above).

        The quarantine's pass computes every row's reason; when it found none (the usual
        case), the events' pass leaves the checks out instead of computing them again."""
        staged = f"({sql})"
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        quarantined, overlap, others = self._quarantine_and_overlap(
            spec, staged, replace_held, other_sources
        )
        good = " WHERE __reason IS NULL" if quarantined else ""
        added = self._execute_with_progress(
            f"INSERT INTO events ({cols}) SELECT {cols} FROM {staged}{good}", progress
        )
        return added + quarantined, added, quarantined, overlap, others

    def _insert_from(
        self,
        spec: StagingSpec,
        staged: str,
        replace_held: bool,
        other_sources: bool,
        *,
        dedupe: bool,
    ) -> tuple[int, int, int, int, set[str]]:
        """Quarantine and events from the staged table ``staged``, duplicates left out."""
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        quarantined, overlap, others = self._quarantine_and_overlap(
            spec, staged, replace_held, other_sources
        )
        insert = f"""INSERT INTO events ({cols})
            SELECT {cols} FROM {staged} s
            WHERE __reason IS NULL
              AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)
            QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY source_row) = 1"""
        added = _scalar(self.con, insert)
        read = _scalar(self.con, f"SELECT count(*) FROM {staged}")
        return read, added, quarantined, overlap, others

    def _quarantine_and_overlap(
        self, spec: StagingSpec, staged: str, replace_held: bool, other_sources: bool
    ) -> tuple[int, int, set[str]]:
        """Put the rows of ``staged`` that have a reason in quarantine (replacing this file's
        earlier reasons for them); count its good rows that overlap other sources."""
        fp = literal(spec.id_prefix)
        if replace_held:  # a row quarantined again gets today's reason, once
            self.con.execute(
                f"""DELETE FROM quarantine q USING {staged} s WHERE q.fingerprint = {fp}
                AND q.source_row = s.source_row AND q.event_id = s.event_id"""
            ).fetchall()
        record = record_sql(spec.mapping.resolve([c for c, _ in spec.columns]))
        quarantined = _scalar(
            self.con,
            f"""INSERT INTO quarantine ({", ".join(QUARANTINE_COLUMNS)})
            SELECT event_id, {fp}, source, source_row, __reason, {record}, now()
            FROM {staged} s WHERE __reason IS NOT NULL""",
        )
        overlap, others = self._overlap(staged) if other_sources else (0, set())
        return quarantined, overlap, others

    def _mark_conflicts(self) -> None:
        """Give a reason to rows whose event id is stored, or earlier in the file, with other
        content (every canonical field but the source, its row and the ingest time)."""
        self.con.execute(
            f"""UPDATE js_staged SET __reason = 'conflicting duplicate: event id ' || js_staged.event_id
                || ' is already stored (from ' || e.source || ' row ' || CAST(e.source_row AS VARCHAR)
                || ') with different content'
            FROM events e
            WHERE js_staged.__reason IS NULL AND e.event_id = js_staged.event_id
              AND {_content("e")} IS DISTINCT FROM {_content("js_staged")}"""
        )
        self.con.execute(
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

    def _overlap(self, staged: str) -> tuple[int, set[str]]:
        """Good staged rows whose case, activity and timestamp are stored from another source."""
        match = f"""FROM {staged} s JOIN events e ON e.case_id = s.case_id
            AND e.activity = s.activity AND e.timestamp = s.timestamp AND e.source <> s.source
            WHERE s.__reason IS NULL"""
        n = _scalar(
            self.con,
            f"SELECT count(*) FROM {staged} s WHERE s.__reason IS NULL AND EXISTS "
            "(SELECT 1 FROM events e WHERE e.case_id = s.case_id AND e.activity = s.activity "
            "AND e.timestamp = s.timestamp AND e.source <> s.source)",
        )
        if not n:
            return 0, set()
        rows = self.con.execute(f"SELECT DISTINCT e.source {match} LIMIT 5").fetchall()
        return n, {str(r[0]) for r in rows}

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


def _content(table: str) -> str:
    """A hash of what an event says: every canonical field but its id, customer (derived),
    source, source row and ingest time."""
    fields = [
        f"{table}.{c}" if c != "timestamp" else f"CAST({table}.timestamp AS VARCHAR)"
        for c in COLUMNS
        if c not in ("event_id", "customer_id", "source", "source_row", "ingested_at")
    ]
    return f"md5(CAST(json_array({', '.join(fields)}) AS VARCHAR))"


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

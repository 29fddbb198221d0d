"""The event store: a DuckDB file holding ``events``, ``quarantine`` and ``ingested_files``.

Analytics see the store only through Ibis (:meth:`Store.events`), so the same analysis runs on
any Ibis backend. Ingestion uses DuckDB directly: its readers stream files in parallel.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Collection, Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from journeyscope.errors import ColumnNotFoundError, InputFormatError, StoreError
from journeyscope.events import ocel_store, pii, readers
from journeyscope.events.csvbulk import Scan
from journeyscope.events.csvfile import read_csv, scan_ahead
from journeyscope.events.loading import QUARANTINE_COLUMNS, LoadPlan, Progress, load, scalar
from journeyscope.events.rawio import ERROR, HIDDEN, ReadNotes, grouped, read_ahead
from journeyscope.events.readers import CsvOptions, Format
from journeyscope.events.schema import COLUMNS, IDENTIFIERS, ColumnMapping, create_events_sql
from journeyscope.events.staging import JSON_KIND, StagingSpec, literal

#: Rows of a delimited file loaded in one statement when no duplicate check needs the
#: reader's own batches: fewer, larger appends cost less than many of the reader's 100,000.
_GROUP_ROWS = 1_000_000

_FILES_DDL = """
CREATE TABLE IF NOT EXISTS ingested_files (
  fingerprint VARCHAR, options VARCHAR, path VARCHAR, format VARCHAR,
  rows_read BIGINT, events_added BIGINT, quarantined BIGINT, ingested_at TIMESTAMPTZ
)"""


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
        if scalar(self.con, "SELECT count(*) FROM pending_stitch"):
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
        # the CSV reader's scan of the bytes runs beside their fingerprint
        scanned = scan_ahead(file, (csv or CsvOptions()).encoding) if fmt == "csv" else None
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
        held_before = scalar(
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
            specs = self._staging_specs(
                file,
                fmt,
                mapping,
                csv,
                fp,
                now,
                allowed_activities,
                progress,
                object_type,
                notes,
                dedupe,
                scanned,
            )
            with contextlib.closing(specs):  # a failed load stops the reading at once
                for spec in specs:
                    spec = StagingSpec(**{**spec.__dict__, "already_hashed": tuple(already_hashed)})
                    if not checked:
                        checked = self._check_mapped(file, spec)
                    plan = LoadPlan(
                        dedupe=dedupe
                        or "event_id" in spec.mapping.resolve([c for c, _ in spec.columns]),
                        replace_held=held_before > 0,
                        other_sources=other_sources,
                    )
                    reported = progress if spec.relation.startswith("(") else None
                    try:
                        loaded = load(self.con, spec, plan, reported)
                    except duckdb.Error as exc:
                        raise InputFormatError(
                            f"{spec.source}: cannot read: {_first_line(exc)}"
                        ) from exc
                    read, added = read + loaded.read, added + loaded.added
                    invalid, overlap = invalid + loaded.quarantined, overlap + loaded.overlap
                    others |= loaded.others
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
        return scalar(
            self.con, "SELECT count(*) FROM events WHERE starts_with(event_id, ?)", [fp + ":"]
        )

    def _check_mapped(self, file: Path, spec: StagingSpec) -> bool:
        """Refuse a file none of whose columns feed the activity, timestamp or case; say which
        columns it has and which option maps them. False while no readable row was seen."""
        errors = "__error IS NULL" if spec.has_errors else "true"
        if not scalar(self.con, f"SELECT count(*) FROM {spec.relation} WHERE {errors}"):
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
        dedupe: bool,
        scanned: Future[Scan | None] | None,
    ) -> Generator[StagingSpec, None, None]:
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
                file,
                opts.delimiter,
                opts.encoding,
                opts.header,
                on_progress=progress,
                scanned=scanned,
            )
            if not dedupe:  # no duplicate checks: batches can be loaded together
                batches = grouped(
                    batches,
                    _GROUP_ROWS,
                    keep=lambda t: (
                        "event_id"
                        not in mapping.resolve([n for n in t.column_names if n not in HIDDEN])
                    ),
                )
        name = "js_read_batch"
        current = CurrentBatch()
        schema: pa.Schema | None = None
        ahead = read_ahead(batches)  # the next batch is read while this one loads
        try:
            for batch in ahead:
                current.table = batch
                if batch.schema != schema:  # registered once per schema, not once per batch
                    if schema is not None:
                        self.con.unregister(name)
                    self.con.register(name, current)
                    schema = batch.schema
                yield spec(
                    name,
                    [
                        (f.name, JSON_KIND if fmt == "jsonl" else _arrow_kind(f.type))
                        for f in batch.schema
                    ],
                )
        finally:  # also when a load failed: the reading ends, the batch is let go
            ahead.close()
            current.table = None
        if schema is not None:  # (after a failed load the aborted transaction refuses this)
            self.con.unregister(name)

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
            "quarantined": scalar(self.con, "SELECT count(*) FROM quarantine"),
            "events_without_case": int(no_case),
            "first_event": first.isoformat() if first else None,
            "last_event": last.isoformat() if last else None,
            "sources": int(sources),
            "case_rule": "cases = distinct case ids given by the data; channels = cases with at "
            "least one event in the channel; customers = after identity stitching",
        }


class CurrentBatch:
    """The batch being loaded, as DuckDB scans it: an Arrow stream (``__arrow_c_stream__``) of
    whichever table is ``table`` when a statement reads it.

    The ingest is one transaction, and DuckDB's catalog keeps what a transaction drops until
    it ends: a table registered per batch (and unregistered after it) stayed in memory until
    the commit. Registered once, this holder keeps only the current batch (a 9.6M-event CSV:
    Arrow held 2.1 GB at the end of its ingest that way, peak RSS 3.5 GB)."""

    table: pa.Table | None = None

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        if self.table is None:
            raise StoreError("no batch is being loaded")
        return self.table.__arrow_c_stream__(requested_schema)


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

"""Events where they already live: Parquet files and folders, CSV, a catalog table, read in
place and mapped to the canonical columns by a view. Nothing is copied.

A source is written ``KIND:LOCATION``:

* ``store:PATH`` — a journeyscope store (what ``ingest`` built);
* ``parquet:PATH`` — a file, a folder (every ``*.parquet`` below it, Hive-style
  ``key=value`` folders read as columns) or a glob;
* ``csv:PATH`` — a file or glob, every column read as text (identifiers such as ``NA`` or
  ``007`` stay strings);
* ``table:NAME`` — a table (or view) the engine's catalog knows, e.g. ``crm.events`` in the
  Spark session's catalog.

The same :class:`~journeyscope.events.schema.ColumnMapping` as ``ingest`` finds the columns.
The view differs from an ingested store in three stated ways: rows without an activity or a
parseable timestamp are left out of the view — :func:`summarise` counts them by reason, since
nothing may vanish unseen; ``customer_id`` is stitched by the same rule as ingest, but by
queries on the engine where the data lives (:func:`~journeyscope.events.identity.stitch_view`;
on Spark nothing is collected to the driver), once per opened source and only when an
analysis first reads customers (:mod:`journeyscope.analytics.unstitched`); and ``event_id``
is the data's own or a hash of the row's mapped fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import ibis

from journeyscope.errors import InputFormatError, closest
from journeyscope.events.schema import COLUMNS, ColumnMapping

SourceKind = Literal["store", "parquet", "csv", "table"]
KINDS: Final[tuple[str, ...]] = ("store", "parquet", "csv", "table")


@dataclass(frozen=True)
class Source:
    """Where events are read from: ``kind`` and ``location``."""

    kind: SourceKind
    location: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.location}"


def parse_source(text: str) -> Source:
    """Read ``KIND:LOCATION``; a bare path is a store.

    >>> parse_source("parquet:/lake/events/")
    Source(kind='parquet', location='/lake/events/')
    >>> parse_source("events.duckdb").kind
    'store'
    """
    kind, sep, location = text.partition(":")
    if not sep or kind not in KINDS:
        if sep and kind.isalpha() and len(kind) > 1:
            close = closest(kind, KINDS, n=1)
            hint = f"; did you mean {close[0]}:?" if close else ""
            raise InputFormatError(
                f"source {text!r}: unknown kind {kind!r} (write store:, parquet:, csv: or "
                f"table: before the location){hint}"
            )
        return Source("store", text)
    if not location.strip():
        raise InputFormatError(f"source {text!r}: say where, e.g. {kind}:/data/events")
    return Source(kind, location)  # type: ignore[arg-type]


def read_raw(con: Any, source: Source) -> ibis.Table:
    """The source's rows as they are, through ``con`` (an Ibis DuckDB or PySpark backend)."""
    spark = con.name == "pyspark"
    if source.kind == "table":
        database, _, name = source.location.rpartition(".")
        return con.table(name, database=database or None)
    path = source.location
    if source.kind == "parquet":
        target = path
        if Path(path).is_dir() and not spark:
            target = str(Path(path) / "**" / "*.parquet")
        if spark:
            return con.read_parquet(target)
        return con.read_parquet(target, hive_partitioning=True)
    if source.kind == "csv":
        if spark:
            return con.read_csv(path, header=True, inferSchema=False)
        return con.read_csv(path, all_varchar=True)
    raise InputFormatError(f"a {source.kind} source is opened as a store, not read as rows")


def _text(value: ibis.Value) -> ibis.StringValue:
    return value.cast("string")


def _json_string(value: ibis.StringValue) -> ibis.StringValue:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return ibis.cases(
        (value.isnull(), ibis.literal("null")), else_=ibis.literal('"') + escaped + '"'
    )


def _properties(raw: ibis.Table, others: list[str]) -> ibis.StringValue:
    """The unmapped columns as a JSON object of strings (nulls kept as null)."""
    if not others:
        return ibis.literal("{}")
    parts: list[Any] = []
    for i, name in enumerate(others):
        key = name.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(ibis.literal(("{" if i == 0 else ", ") + f'"{key}": '))
        parts.append(_json_string(_text(raw[name])))
    parts.append(ibis.literal("}"))
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _timestamp(column: ibis.Value, fmt: str | None) -> ibis.TimestampValue:
    if column.type().is_timestamp():
        return column.cast("timestamp('UTC')")
    text = _text(column)
    if fmt is not None:
        return text.as_timestamp(fmt).cast("timestamp('UTC')")
    return text.try_cast("timestamp('UTC')")


def canonical_view(raw: ibis.Table, mapping: ColumnMapping, source: Source) -> ibis.Table:
    """Every row with a usable activity and timestamp, as the canonical event columns;
    ``customer_id`` is null, for :func:`~journeyscope.events.identity.stitch_view` to fill
    where the data lives."""
    found = mapping.resolve(list(raw.columns))
    if "activity" not in found or "timestamp" not in found:
        missing = [f for f in ("activity", "timestamp") if f not in found]
        raise InputFormatError(
            f"{source}: no column for {' and '.join(missing)} among {', '.join(raw.columns)}; "
            f"map one with --{missing[0].replace('_', '-')} COLUMN"
        )
    used = set(found.values())
    others = [c for c in raw.columns if c not in used]
    values: dict[str, Any] = {}
    for field, kind in COLUMNS.items():
        column = raw[found[field]] if field in found else None
        if field == "timestamp":
            values[field] = _timestamp(raw[found[field]], mapping.timestamp_format)
        elif column is None:
            values[field] = ibis.null("float64" if kind == "DOUBLE" else "string")
        elif kind == "DOUBLE":
            values[field] = _text(column).try_cast("float64")
        else:
            values[field] = _text(column)
    values["customer_id"] = ibis.null("string")  # stitched across rows by stitch_view
    if "event_id" not in found:
        key = ibis.literal("|").join(
            [values[f].cast("string").fill_null("") for f in found if f != "event_id"]
        )
        values["event_id"] = ibis.literal("row:") + key.hash().cast("string")
    values["source"] = ibis.literal(str(source))
    values["source_row"] = ibis.null("int64")
    values["ingested_at"] = ibis.null("timestamp('UTC')")
    values["properties"] = _properties(raw, others)
    view = raw.select(**{name: values[name] for name in COLUMNS})
    activity = view.activity.strip()
    return view.filter(activity.notnull() & (activity != "") & view.timestamp.notnull())


@dataclass(frozen=True)
class SourceSummary:
    """What the view keeps of a source, and what it leaves out and why."""

    rows: int
    kept: int
    no_activity: int
    no_timestamp: int


def summarise(raw: ibis.Table, mapping: ColumnMapping) -> ibis.Table:
    """One row: ``rows``, ``kept``, ``no_activity``, ``no_timestamp`` (an expression)."""
    found = mapping.resolve(list(raw.columns))
    activity = _text(raw[found["activity"]]).strip()
    ts = _timestamp(raw[found["timestamp"]], mapping.timestamp_format)
    no_activity = activity.isnull() | (activity == "")
    return raw.aggregate(
        rows=raw.count(),
        no_activity=no_activity.cast("int64").sum(),
        no_timestamp=(~no_activity & ts.isnull()).cast("int64").sum(),
        kept=(~no_activity & ts.notnull()).cast("int64").sum(),
    )

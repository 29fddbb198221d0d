"""Readers: turn CSV, Parquet, JSON Lines and XES files into relations DuckDB can stream.

CSV, Parquet and JSON Lines are read by DuckDB itself (parallel, streaming). XES is parsed
with a streaming XML parser one trace at a time and handed over in Arrow batches, so memory
stays constant whatever the size of the log. Every relation carries ``__row``: the 1-based
data row (or, for XES, the event's position in the document) that quarantine reports and
that breaks timestamp ties.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import pyarrow as pa
from lxml import etree

from journeyscope.errors import InputFormatError

Format = Literal["csv", "parquet", "jsonl", "xes", "ocel"]
FORMATS: tuple[Format, ...] = ("csv", "parquet", "jsonl", "xes", "ocel")

_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xes": "xes",
    ".jsonocel": "ocel",
}


def detect_format(path: Path) -> Format:
    """Guess the format from the file name (``.gz`` is looked through).

    >>> detect_format(Path("log.xes.gz")), detect_format(Path("events.csv"))
    ('xes', 'csv')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    raise InputFormatError(
        f"{path}: cannot tell the format from the name; pass --format ({', '.join(FORMATS)})"
    )


def fingerprint(path: Path) -> str:
    """A short content hash: the same bytes give the same ids, wherever the file lives."""
    digest = hashlib.blake2b(digest_size=8)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class CsvOptions:
    """How to read a delimited text file."""

    delimiter: str | None = None  # None: let DuckDB sniff it
    encoding: str = "utf-8"
    header: bool = True


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def duckdb_relation(path: Path, fmt: Format, csv: CsvOptions | None = None) -> str:
    """SQL for a DuckDB table function reading ``path``, plus a ``__row`` column.

    CSV columns are all read as text, so identifiers such as ``NA`` or ``007`` stay strings.
    Malformed CSV lines are skipped and recorded by DuckDB (``store_rejects``); the caller
    moves them into quarantine.
    """
    p = _sql_str(str(path))
    if fmt == "parquet":
        return f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __row FROM read_parquet({p}, file_row_number = true))"
    if fmt == "jsonl":
        reader = f"read_json({p}, format = 'newline_delimited')"
    elif fmt == "csv":
        opts = csv or CsvOptions()
        args = [
            p,
            "all_varchar = true",
            f"header = {'true' if opts.header else 'false'}",
            f"encoding = {_sql_str(_duckdb_encoding(opts.encoding))}",
            "ignore_errors = true",
            "store_rejects = true",
            "rejects_table = 'js_reject_errors'",
            "rejects_scan = 'js_reject_scans'",
        ]
        if opts.delimiter:
            args.append(f"delim = {_sql_str(opts.delimiter)}")
        reader = f"read_csv({', '.join(args)})"
    else:
        raise InputFormatError(f"{path}: {fmt} is not read by DuckDB directly")
    return f"(SELECT *, row_number() OVER () AS __row FROM {reader})"


def _duckdb_encoding(encoding: str) -> str:
    e = encoding.lower().replace("_", "-")
    aliases = {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1", "cp1252": "latin-1"}
    return aliases.get(e, e)


# --------------------------------------------------------------------------------------- XES

_XES_TYPES = {"string", "date", "int", "float", "boolean", "id"}


def _maybe_gunzip(raw: IO[bytes]) -> contextlib.AbstractContextManager[IO[bytes]]:
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return contextlib.nullcontext(raw)


@dataclass
class _Batch:
    rows: list[dict[str, object]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)

    def add(self, row: dict[str, object], kinds: dict[str, str]) -> None:
        self.rows.append(row)
        for key, kind in kinds.items():
            seen = self.kinds.get(key)
            if seen is None:
                self.kinds[key] = kind
            elif seen != kind:
                self.kinds[key] = "string"

    def to_arrow(self) -> pa.Table:
        columns: dict[str, pa.Array] = {}
        for key, kind in self.kinds.items():
            values = [row.get(key) for row in self.rows]
            columns[key] = _xes_array(values, kind)
        columns["__row"] = pa.array([row["__row"] for row in self.rows], pa.int64())
        return pa.table(columns)


def _xes_array(values: list[object], kind: str) -> pa.Array:
    if kind == "int":
        return pa.array([None if v is None else int(str(v)) for v in values], pa.int64())
    if kind == "float":
        return pa.array([None if v is None else float(str(v)) for v in values], pa.float64())
    if kind == "boolean":
        return pa.array(
            [None if v is None else str(v).lower() == "true" for v in values], pa.bool_()
        )
    return pa.array([None if v is None else str(v) for v in values], pa.string())


class _XesTarget:
    """lxml parser target: builds rows from start/end callbacks without keeping a tree."""

    def __init__(self) -> None:
        self.ready: list[tuple[dict[str, object], dict[str, str]]] = []
        self._trace: tuple[dict[str, object], dict[str, str]] | None = None
        self._events: list[tuple[dict[str, object], dict[str, str]]] = []
        self._event: tuple[dict[str, object], dict[str, str]] | None = None
        self._nested = 0  # depth inside an attribute (lists, containers, meta attributes)
        self.stray = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local in _XES_TYPES or local in ("list", "container", "values"):
            owner = self._event if self._event is not None else self._trace
            if self._nested == 0 and owner is not None and local in _XES_TYPES:
                key = attrib.get("key")
                if key is not None:
                    values, kinds = owner
                    values[key] = attrib.get("value")
                    kinds[key] = "string" if local in ("date", "id") else local
            self._nested += 1
        elif local == "event":
            self._event = ({}, {})
        elif local == "trace":
            self._trace = ({}, {})
            self._events = []

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local in _XES_TYPES or local in ("list", "container", "values"):
            self._nested -= 1
        elif local == "event" and self._event is not None:
            if self._trace is None:
                self.stray += 1
            else:
                self._events.append(self._event)
            self._event = None
        elif local == "trace" and self._trace is not None:
            values, kinds = self._trace
            case_values = {f"case:{k}": v for k, v in values.items()}
            case_kinds = {f"case:{k}": v for k, v in kinds.items()}
            for ev_values, ev_kinds in self._events:
                self.ready.append(({**case_values, **ev_values}, {**case_kinds, **ev_kinds}))
            self._trace = None
            self._events = []

    def close(self) -> None:
        return None


def read_xes(
    path: Path,
    batch_size: int = 50_000,
    on_progress: Callable[[float], None] | None = None,
) -> Iterator[pa.Table]:
    """Stream an XES (or gzipped XES) log as Arrow tables of at most ``batch_size`` events.

    Trace attributes are prefixed ``case:`` (``concept:name`` of a trace becomes
    ``case:concept:name``), as process-mining tools do. Attribute types declared in the XES
    (int, float, boolean) are kept; dates stay ISO 8601 text and are parsed downstream with
    their offsets. Nested attributes (lists, containers, meta attributes) are not flattened.
    ``<global>`` declarations are not used as fill-in values: a missing timestamp stays
    missing and is quarantined, rather than becoming 1970.
    """
    target = _XesTarget()
    parser = etree.XMLParser(target=target, huge_tree=True, remove_comments=True)
    batch = _Batch()
    position = 0
    size = max(path.stat().st_size, 1)
    with path.open("rb") as raw, _maybe_gunzip(raw) as handle:
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                parser.feed(chunk)
                for values, kinds in target.ready:
                    position += 1
                    values["__row"] = position
                    batch.add(values, kinds)
                target.ready = []
                if len(batch.rows) >= batch_size:
                    if on_progress is not None:
                        on_progress(min(100.0, 100.0 * raw.tell() / size))
                    yield batch.to_arrow()
                    batch = _Batch()
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise InputFormatError(f"{path}: not well-formed XES: {exc.msg}") from exc
        except (OSError, EOFError) as exc:
            raise InputFormatError(f"{path}: cannot read: {exc}") from exc
    if target.stray:
        raise InputFormatError(f"{path}: {target.stray} events outside any <trace>")
    if batch.rows:
        yield batch.to_arrow()


# -------------------------------------------------------------------------------- OCEL 2.0


def read_ocel(path: Path, object_type: str | None = None) -> pa.Table:
    """Flatten an OCEL 2.0 JSON log (``.jsonocel``) into one row per (event, related object).

    The related object is the case: ``case:concept:name`` is the object id, and
    ``object_type`` and ``qualifier`` say what it is. With ``object_type`` only objects of
    that type are cases (the classic flattening on one case notion); without it every
    relationship gives a row, so an event related to two objects appears in both cases.
    ``event_id`` is ``<ocel event id>@<object id>``; an event related to no (chosen) object
    keeps its bare id and no case, and is quarantined as belonging to nobody, not dropped.
    The file is read whole (OCEL JSON has no streaming layout).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        types = {o["id"]: o.get("type") for o in data.get("objects", [])}
        events = data["events"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFormatError(f"{path}: not an OCEL 2.0 JSON log: {exc}") from exc
    rows: list[dict[str, object]] = []
    for event in events:
        attributes = {a["name"]: a.get("value") for a in event.get("attributes", [])}
        related = [
            r
            for r in event.get("relationships", [])
            if object_type is None or types.get(r.get("objectId")) == object_type
        ]
        base = {
            "concept:name": event.get("type"),
            "time:timestamp": event.get("time"),
            **{k: None if v is None else str(v) for k, v in attributes.items()},
        }
        for rel in related or [None]:
            oid = None if rel is None else rel.get("objectId")
            rows.append(
                {
                    **base,
                    "event_id": str(event.get("id")) + ("" if oid is None else f"@{oid}"),
                    "case:concept:name": oid,
                    "object_type": None if oid is None else types.get(oid),
                    "qualifier": None if rel is None else rel.get("qualifier"),
                    "__row": len(rows) + 1,
                }
            )
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    columns = {
        k: pa.array([r.get(k) for r in rows], pa.int64() if k == "__row" else pa.string())
        for k in keys
    }
    return pa.table(columns)

"""The streaming XES reader: one trace at a time, handed over in Arrow batches.

Per-value problems never refuse the file. A value whose declared type does not hold (an
``<int>`` written ``1.0``, a ``<float>`` written ``1,5``, an integer beyond 64 bits, a
``<boolean>`` that is neither true nor false) is kept as the text it was, and the ingest
report says how many. An event outside any ``<trace>`` is a row of its own that is
quarantined with that reason. A file that stops being well-formed XML part way through keeps
what was read before the fault: events of the trace that was cut off are quarantined, and one
more quarantined row says at which line the rest could not be read. Only when not a single
event could be read is the file refused, with the line and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from lxml import etree

from journeyscope.errors import InputFormatError, NothingIngestedError
from journeyscope.events.rawio import ERROR, HIDDEN, ROW, ReadNotes, columns, maybe_gunzip

_XES_TYPES = {"string", "date", "int", "float", "boolean", "id"}
_CONTAINERS = ("list", "container", "values")
_INT64 = (-(2**63), 2**63 - 1)

Value = tuple[str, object, str | None]  # (kind, converted value, text as written)


def _convert(kind: str, text: str | None, key: str, notes: ReadNotes) -> Value:
    """The value of one XES attribute, typed as declared when the text allows it."""
    if text is None:  # typed columns stay typed; dates and ids are text
        return (kind if kind in ("int", "float", "boolean") else "string", None, None)
    try:
        if kind == "int":
            number = int(text.strip())
            if not _INT64[0] <= number <= _INT64[1]:
                raise ValueError("beyond 64 bits")
            return ("int", number, text)
        if kind == "float":
            return ("float", float(text.strip()), text)
        if kind == "boolean":
            flag = text.strip().lower()
            if flag not in ("true", "false", "1", "0"):
                raise ValueError("not a boolean")
            return ("boolean", flag in ("true", "1"), text)
    except ValueError:
        notes.kept_as_text[f"<{kind} key={key!r}> values that are not a valid {kind}"] += 1
        return ("string", text, text)
    return ("string", text, text)


Row = dict[str, Value]


class _Target:
    """lxml parser target: builds rows from start/end callbacks without keeping a tree."""

    def __init__(self, notes: ReadNotes) -> None:
        self.notes = notes
        self.ready: list[tuple[Row, str | None]] = []  # (row, why it cannot be read)
        self.trace: Row | None = None
        self.events: list[Row] = []
        self.event: Row | None = None
        self.nested = 0  # depth inside an attribute (lists, containers, meta attributes)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local in _XES_TYPES or local in _CONTAINERS:
            owner = self.event if self.event is not None else self.trace
            key = attrib.get("key")
            if self.nested == 0 and owner is not None and local in _XES_TYPES and key:
                name = f"xes:{key}" if key in HIDDEN else key
                owner[name] = _convert(local, attrib.get("value"), key, self.notes)
            self.nested += 1
        elif local == "event":
            self.close_event()
            self.event = {}
        elif local == "trace":
            self.close_event()
            self.close_trace()
            self.trace = {}

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local in _XES_TYPES or local in _CONTAINERS:
            self.nested = max(0, self.nested - 1)
        elif local == "event":
            self.close_event()
        elif local == "trace":
            self.close_event()
            self.close_trace()

    def close_event(self) -> None:
        if self.event is None:
            return
        if self.trace is None:
            self.ready.append((self.event, "event outside any <trace>: it belongs to no case"))
        else:
            self.events.append(self.event)
        self.event = None

    def close_trace(self, error: str | None = None) -> None:
        if self.trace is None:
            return
        case = {f"case:{k}": v for k, v in self.trace.items()}
        self.ready.extend(({**case, **ev}, error) for ev in self.events)
        self.trace = None
        self.events = []

    def close(self) -> None:
        return None


_ARROW = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "boolean": pa.bool_()}


@dataclass
class _Batch:
    rows: list[tuple[Row, str | None, int]] = field(default_factory=list)

    def to_arrow(self) -> pa.Table:
        kinds: dict[str, str] = {}
        for row, _, _ in self.rows:
            for key, (kind, _, _) in row.items():
                seen = kinds.setdefault(key, kind)
                if seen != kind:
                    kinds[key] = "string"
        text = {key for key, kind in kinds.items() if kind == "string"}  # else typed values
        table = columns(
            [
                {k: cell[2] if k in text else cell[1] for k, cell in row.items()}
                for row, _, _ in self.rows
            ],
            {key: _ARROW[kind] for key, kind in kinds.items()},
        )
        table[ROW] = pa.array([n for _, _, n in self.rows], pa.int64())
        table[ERROR] = pa.array([e for _, e, _ in self.rows], pa.string())
        return pa.table(table)


def read_xes(
    path: Path,
    batch_size: int = 50_000,
    on_progress: Callable[[float], None] | None = None,
    notes: ReadNotes | None = None,
) -> Iterator[pa.Table]:
    """Stream an XES (or gzipped XES) log as Arrow tables of at most ``batch_size`` events.

    Trace attributes are prefixed ``case:`` (``concept:name`` of a trace becomes
    ``case:concept:name``), as process-mining tools do. Attribute types declared in the XES
    (int, float, boolean) are kept when the value fits them; dates stay ISO 8601 text and
    are parsed downstream with their offsets. Nested attributes (lists, containers, meta
    attributes) are not flattened. ``<global>`` declarations are not used as fill-in values:
    a missing timestamp stays missing and is quarantined, rather than becoming 1970.
    Entities are not expanded and nothing is fetched from the network.
    """
    notes = notes if notes is not None else ReadNotes()
    target = _Target(notes)
    parser = etree.XMLParser(
        target=target, huge_tree=True, remove_comments=True, resolve_entities=False, no_network=True
    )
    batch = _Batch()
    position = good = 0
    failure: str | None = None
    size = max(path.stat().st_size, 1)

    def take() -> None:
        nonlocal position
        for row, error in target.ready:
            position += 1
            batch.rows.append((row, error, position))
        target.ready = []

    try:
        with path.open("rb") as raw, maybe_gunzip(raw) as handle:
            try:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    parser.feed(chunk)
                    take()
                    if len(batch.rows) >= batch_size:
                        if on_progress is not None:
                            on_progress(min(100.0, 100.0 * raw.tell() / size))
                        good += sum(1 for _, e, _ in batch.rows if e is None)
                        yield batch.to_arrow()
                        batch = _Batch()
                parser.close()
            except etree.XMLSyntaxError as exc:
                failure = f"line {exc.lineno}: not well-formed XES: {exc.msg}"
            except (OSError, EOFError) as exc:
                failure = f"the file is cut off or damaged: {exc}"
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot read: {exc}") from exc
    if failure is not None:
        target.close_event()
        target.close_trace(f"in a trace cut off by the fault at {failure}")
        take()
        if good + sum(1 for _, e, _ in batch.rows if e is None) == 0:
            raise NothingIngestedError(f"{path}: {failure}; no event could be read")
        position += 1
        batch.rows.append(
            ({}, f"{failure}; the rest of the file from there was not read", position)
        )
    if batch.rows:
        yield batch.to_arrow()

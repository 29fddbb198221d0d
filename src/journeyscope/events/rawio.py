"""What every reader shares: gzip detection, the hidden columns, columns from rows, notes
about the reading.

Readers that parse in Python (XES, OCEL, JSON Lines) hand over Arrow tables with two hidden
columns besides the data: ``__row``, where the row is in the source (a physical line for JSON
Lines, the event's position for XES and OCEL), and ``__error``, why the row could not be
read (NULL when it could). The store quarantines a row with an ``__error`` under that
reason, so one bad value or line never refuses the rest of the file.
"""

from __future__ import annotations

import contextlib
import gzip
import queue
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import pyarrow as pa

ROW = "__row"
ERROR = "__error"
HIDDEN = (ROW, ERROR)


def maybe_gunzip(raw: IO[bytes]) -> contextlib.AbstractContextManager[IO[bytes]]:
    """``raw`` itself, or a decompressing reader over it when it starts with the gzip magic."""
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return contextlib.nullcontext(raw)


@dataclass
class ReadNotes:
    """What a reader did that a person should know, beyond rows and reasons.

    ``kept_as_text`` counts values whose declared type did not hold (an XES ``<int>`` with
    value ``1.0``), kept as the text they were instead of refusing the event; ``messages``
    are sentences for the ingest report.
    """

    kept_as_text: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        out = list(self.messages)
        for what, n in self.kept_as_text.most_common(8):
            out.append(f"{n:,} × {what}: kept as text in properties")
        return out


def columns(rows: list[dict[str, Any]], fields: dict[str, pa.DataType]) -> dict[str, pa.Array]:
    """One column per field from rows given as dicts (a missing key: NULL), converted by
    Arrow as one struct array in C++ instead of one Python list per field.

    >>> cols = columns([{"a": "x"}, {"b": 2}], {"a": pa.string(), "b": pa.int64()})
    >>> {k: v.to_pylist() for k, v in cols.items()}
    {'a': ['x', None], 'b': [None, 2]}
    """
    objects = pa.array(rows, pa.struct(list(fields.items())))
    return dict(zip(fields, objects.flatten(), strict=True))


def grouped(
    tables: Iterable[pa.Table], rows: int, keep: Callable[[pa.Table], bool]
) -> Iterator[pa.Table]:
    """Consecutive tables of one schema joined into tables of at least ``rows`` rows (the
    last fewer); the tables unchanged when ``keep`` says no of the first one.

    >>> t = pa.table({"a": [1, 2]})
    >>> [x.num_rows for x in grouped([t, t, t], 3, keep=lambda _: True)]
    [4, 2]
    >>> [x.num_rows for x in grouped([t, t, t], 3, keep=lambda _: False)]
    [2, 2, 2]
    """
    held: list[pa.Table] = []
    count = 0
    decided: bool | None = None
    for table in tables:
        if decided is None:
            decided = keep(table)
        if not decided:
            yield table
            continue
        if held and table.schema != held[0].schema:
            yield pa.concat_tables(held)
            held, count = [], 0
        held.append(table)
        count += table.num_rows
        if count >= rows:
            yield pa.concat_tables(held)
            held, count = [], 0
    if held:
        yield pa.concat_tables(held)


def read_ahead(tables: Iterator[pa.Table]) -> Generator[pa.Table, None, None]:
    """The tables of ``tables``, each read in a thread while the caller loads the one before.

    At most two are held at once: the one handed over and the next. What ``tables`` raises
    is raised here, in order; closing this generator stops the reading after the table being
    read.

    >>> [t.num_rows for t in read_ahead(iter([pa.table({"a": [1]}), pa.table({"a": [2, 3]})]))]
    [1, 2]
    """
    handed: queue.Queue[tuple[str, Any]] = queue.Queue()
    wanted = threading.Semaphore(1)  # a table may be read: the one before was taken
    stop = threading.Event()

    def read() -> None:
        try:
            while True:
                wanted.acquire()
                if stop.is_set():
                    return
                table = next(tables, None)
                if table is None:
                    handed.put(("end", None))
                    return
                handed.put(("table", table))
        except BaseException as exc:  # handed to the caller, who raises it
            handed.put(("error", exc))

    reader = threading.Thread(target=read, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = handed.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            wanted.release()  # read the next while this one loads
            yield value
    finally:
        stop.set()
        wanted.release()
        reader.join()
        close = getattr(tables, "close", None)
        if close is not None:  # a generator: its files are closed now, not when collected
            close()

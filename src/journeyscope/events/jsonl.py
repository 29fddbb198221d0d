"""The JSON Lines reader: every line on its own, every value as written.

Each non-blank line is one row, numbered by its physical line in the file. A line that is not
valid JSON, or is JSON but not an object, is a row quarantined with the line and the reason;
the other lines are read. Values are handed over as JSON text (column kind ``JSON``), so the
staging reads each one as written: a string stays a string (``"c1"``, not ``"\\"c1\\""``), a
number given as a timestamp is seconds since 1970 while a string is parsed as a date, on the
same column, line by line. Nothing is guessed from other lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from journeyscope.errors import InputFormatError
from journeyscope.events.rawio import ERROR, HIDDEN, ROW, columns, maybe_gunzip

#: Column kind of JSON Lines columns: each cell is the JSON text of the value.
JSON_KIND = "JSON"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


#: JSON text of a string, as ``json.dumps(value, ensure_ascii=False)`` writes it (the
#: function it calls, without its per-call set-up: most values are strings).
_string = json.encoder.encode_basestring
_CONSTANTS = {None: "null", True: "true", False: "false"}


def _dump(value: Any) -> str:
    """JSON text of a parsed value; numbers keep the digits they were written with.

    >>> _dump({"a": [None, True, Decimal("1.50")], "b": "é\\n"})
    '{"a":[null,true,1.50],"b":"é\\\\n"}'
    """
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return _CONSTANTS[value]  # json.loads gives nothing else


def parse_line(raw: bytes) -> tuple[dict[str, str] | None, str | None]:
    """(columns as JSON text, None) for an object line, or (None, why it cannot be read)."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_no_constant,
        )
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text ({exc.reason})"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} (column {exc.colno})"
    except (ValueError, RecursionError) as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(value, dict):
        kind = "list" if isinstance(value, list) else type(value).__name__
        return None, f"a JSON {kind}, not an object"
    try:
        return {(f"json:{k}" if k in HIDDEN else k): _dump(v) for k, v in value.items()}, None
    except RecursionError:
        return None, "nested too deeply"


def _batch(rows: list[tuple[int, dict[str, str] | None, str | None]]) -> pa.Table:
    keys: dict[str, None] = {}
    for _, values, _ in rows:
        if values:
            keys.update(dict.fromkeys(values))
    table = columns([v or {} for _, v, _ in rows], dict.fromkeys(keys, pa.string()))
    table[ROW] = pa.array([n for n, _, _ in rows], pa.int64())
    table[ERROR] = pa.array(
        [None if e is None else f"line {n}: {e}" for n, _, e in rows], pa.string()
    )
    return pa.table(table)


def read_jsonl(
    path: Path,
    batch_size: int = 50_000,
    on_progress: Callable[[float], None] | None = None,
) -> Iterator[pa.Table]:
    """Stream a JSON Lines file (gzipped or not) as Arrow tables of at most ``batch_size`` rows.

    Every column is text holding the value's JSON (see the module docstring); ``__row`` is the
    physical line number and ``__error`` why a line could not be read.
    """
    size = max(path.stat().st_size, 1)
    rows: list[tuple[int, dict[str, str] | None, str | None]] = []
    good = 0
    first_problem: str | None = None
    try:
        with path.open("rb") as raw, maybe_gunzip(raw) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                values, error = parse_line(line)
                rows.append((number, values, error))
                good += error is None
                if error is not None and first_problem is None:
                    first_problem = f"line {number}: {error}"
                if len(rows) >= batch_size:
                    if on_progress is not None:
                        on_progress(min(100.0, 100.0 * raw.tell() / size))
                    yield _batch(rows)
                    rows = []
    except (OSError, EOFError) as exc:
        if not rows:
            with path.open("rb") as raw:
                gzipped = raw.read(2) == b"\x1f\x8b"
            how = " as gzip (it starts with gzip's signature, 1f 8b)" if gzipped else ""
            raise InputFormatError(f"{path}: cannot read{how}: {exc}") from exc
        rows.append((rows[-1][0] + 1, None, f"the file is cut off or damaged here: {exc}"))
    if not good and first_problem is not None:
        raise InputFormatError(f"{path}: cannot read any line as JSON Lines ({first_problem})")
    if rows:
        yield _batch(rows)

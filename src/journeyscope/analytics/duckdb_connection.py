"""DuckDB specifics the analytics backend relies on: the memory limit set back to the value it
shows, the lambdas Ibis writes accepted, Arrow results read without pandas, and tables kept
in a scratch database file.

>>> same_limit("1.8 GiB")
'1.85 GiB'
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
from ibis.formats.pyarrow import PyArrowData

from journeyscope.events.schema import ZSTD


def same_limit(shown: str) -> str:
    """A memory limit as DuckDB shows it (cut to one decimal: ``953.6 MiB`` for 1GB) turned
    into a value DuckDB shows the same way again: the middle of what the text stands for.
    Setting the shown text itself lowers the limit by a tenth of a unit each time.

    >>> same_limit("953.6 MiB"), same_limit("1.8 GiB"), same_limit("512 bytes")
    ('953.65 MiB', '1.85 GiB', '512 bytes')
    """
    number, _, unit = shown.partition(" ")
    try:
        value = float(number)
    except ValueError:
        return shown
    return f"{value + 0.05:.2f} {unit}" if "." in number else shown


def allow_arrow_lambdas(con: Any) -> None:
    """Let DuckDB 2.0 accept the ``x -> ...`` lambdas that Ibis 12 writes (variants use one)."""
    con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")


class _ArrowOfDuckDB(PyArrowData):  # type: ignore[misc]
    """Ibis's conversion of DuckDB's Arrow results (``DuckDBPyArrowData``): a column of the
    null type becomes nulls of the expression's type."""

    @classmethod
    def convert_scalar(cls, scalar: pa.Scalar, dtype: dt.DataType) -> pa.Scalar:
        if dtype.is_null():
            return pa.scalar(None)
        return super().convert_scalar(scalar, dtype)

    @classmethod
    def convert_column(cls, column: pa.Array, dtype: dt.DataType) -> pa.Array:
        if dtype.is_null():
            return pa.nulls(len(column))
        return super().convert_column(column, dtype)


def duckdb_arrow(backend: Any, expr: ibis.Table) -> pa.Table:
    """``expr.to_pyarrow()`` on Ibis's DuckDB ``backend``, the same steps without importing
    pandas: Ibis's module that holds the DuckDB result converters imports pandas on import
    (about 0.3 CPU s with a bytecode cache, 0.8 s without), for a conversion Arrow results do
    not use. A command that runs a DFG or a funnel then loads no pandas at all."""
    table = backend._to_duckdb_relation(expr).to_arrow_table()
    result: pa.Table = expr.__pyarrow_result__(table, data_mapper=_ArrowOfDuckDB)
    return result


@contextmanager
def scratch_table(backend: Any, expr: ibis.Table) -> Iterator[ibis.Table]:
    """``expr`` computed once into a table of a scratch database file attached to Ibis's
    DuckDB ``backend`` for the block, then detached and deleted.

    A temporary table (Ibis's ``cache``) is kept in memory uncompressed: the report's cased
    events at 10M were about 2.5 GB of it against the 1 GB memory limit, so the table itself
    and every analysis after it spilled, and string columns lost the dictionary encoding
    that lets DuckDB run a function once per distinct value (a channel's kind at 10M:
    0.08 CPU s on the store, 2.3 on a temporary table). A database file stores the table
    as the store does (the event ids and properties with zstd, :data:`ZSTD`): compressed,
    its blocks read back as needed, never written twice."""
    folder = Path(tempfile.mkdtemp(prefix="journeyscope-scratch-"))
    alias = f"scratch_{uuid.uuid4().hex}"
    con = backend.con
    path = str(folder / "scratch.duckdb").replace("'", "''")  # a quote in the temporary folder
    con.execute(f"ATTACH '{path}' AS {alias} (READ_WRITE)")
    try:
        types = backend.compiler.type_mapper
        columns = ", ".join(
            f'"{name}" {types.from_ibis(dtype).sql("duckdb")}'
            + (" USING COMPRESSION zstd" if name in ZSTD and dtype.is_string() else "")
            for name, dtype in expr.schema().items()
        )
        con.execute(f"CREATE TABLE {alias}.kept ({columns})")
        backend.insert("kept", expr, database=f"{alias}.main")
        yield backend.table("kept", database=(alias, "main"))
    finally:
        try:
            con.execute(f"DETACH {alias}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def kept(expr: ibis.Table) -> Iterator[ibis.Table]:
    """``expr`` computed once and kept while the block runs, for many queries to read: on
    DuckDB as a table of a scratch database file (:func:`scratch_table`: compressed, read
    back as the store is), on another engine by its cache."""
    backend = expr._find_backend(use_default=True)  # in-memory tables alone: Ibis's default
    if backend.name == "duckdb":
        with scratch_table(backend, expr) as table:
            yield table
        return
    cached = expr.cache()
    try:
        yield cached
    finally:
        cached.release()

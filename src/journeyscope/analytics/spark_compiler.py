"""Where Ibis's Spark SQL and DuckDB's would give different numbers, or Spark would be slow
for no reason, Spark's compilation is adapted here (:func:`adapt_spark_compiler`, applied when
the session starts); DuckDB's compilation is untouched."""

from __future__ import annotations

import math
from typing import Any

import ibis.expr.datatypes as dt


def adapt_spark_compiler() -> None:
    """Apply every adaptation below to Ibis's PySpark compiler (idempotent)."""
    _trims_whitespace_only()
    _epoch_seconds_keep_the_fraction()
    _quantiles_by_sorting()
    _float_literals_are_doubles()
    _properties_by_get_json_object()


def _trims_whitespace_only() -> None:
    """Ibis compiles ``strip()`` for Spark as ``TRIM(... FROM x)`` with Python's
    ``string.whitespace``, whose vertical tab and form feed reach Spark as ``\\v`` and ``\\f``:
    escapes Spark does not know, read as the letters ``v`` and ``f``. So "field visit" came
    back as "ield visit" (and the channel was not recognised). Trim the whitespace Spark's
    literals can say instead; DuckDB is untouched."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_strip(self: Any, op: Any, *, arg: Any) -> Any:
        return self.f.trim(arg, " \t\n\r")

    PySparkCompiler.visit_Strip = visit_strip


def _properties_by_get_json_object() -> None:
    """A property is read by DuckDB's ``json_extract_string`` at a JSON pointer, under
    ``try`` (:func:`~journeyscope.analytics.cases.property_value`). Spark has neither: compile
    the first as ``get_json_object`` at the key's bracketed path (``$['lifecycle:transition']``),
    which gives the same text and null where the text is not JSON, and the second as its
    value. A key holding ``']`` cannot be said in that path: it is an error that says so.
    DuckDB's ``epoch_us`` (:func:`~journeyscope.analytics.cases.epoch_ms`, ``epoch_seconds``),
    the microseconds since 1970, is Spark's ``unix_micros``, and its ``make_timestamp`` of
    them (:func:`~journeyscope.analytics.cases.utc_time`) Spark's ``timestamp_micros``."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    from journeyscope.errors import InvalidQueryError

    udf = PySparkCompiler.__dict__.get("_js_ibis_scalar_udf", PySparkCompiler.visit_ScalarUDF)
    PySparkCompiler._js_ibis_scalar_udf = udf  # the first call's, so this stays idempotent

    def visit_scalar_udf(self: Any, op: Any, **kw: Any) -> Any:
        name = op.__func_name__
        if name == "try":
            (value,) = kw.values()
            return value
        if name == "epoch_us":  # DuckDB's microseconds since 1970
            (ts,) = kw.values()
            return self.f.unix_micros(self.cast(ts, dt.timestamp))
        if name == "make_timestamp":  # DuckDB's time from microseconds since 1970
            (micros,) = kw.values()
            return self.f.timestamp_micros(micros)
        if name == "json_extract_string":
            properties, _ = kw.values()
            key = op.pointer.value[1:].replace("~1", "/").replace("~0", "~")
            if "']" in key:
                raise InvalidQueryError(
                    f'the property {key!r} cannot be read on Spark: its name holds "\']"'
                )
            return self.f.get_json_object(properties, f"$['{key}']")
        return udf(self, op, **kw)

    PySparkCompiler.visit_ScalarUDF = visit_scalar_udf


def _float_literals_are_doubles() -> None:
    """Ibis writes a float literal as ``1000.0``, which Spark reads as a ``DECIMAL(5,1)``: so
    ``ms / 1000.0`` is a decimal on Spark where Ibis and DuckDB have a double, and a cast to
    double after it is dropped by Ibis as a no-op. Compare's mean waiting time came back as a
    ``Decimal`` and its interval failed. Compile a finite float literal as a double; DuckDB
    is untouched."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    literal = PySparkCompiler.__dict__.get("_js_ibis_literal", PySparkCompiler.visit_NonNullLiteral)
    PySparkCompiler._js_ibis_literal = literal  # the first call's, so this stays idempotent

    def visit_non_null_literal(self: Any, op: Any, *, value: Any, dtype: Any) -> Any:
        result = literal(self, op, value=value, dtype=dtype)
        if dtype.is_floating() and math.isfinite(value):
            return self.cast(result, dt.float64)
        return result

    PySparkCompiler.visit_NonNullLiteral = visit_non_null_literal


def _epoch_seconds_keep_the_fraction() -> None:
    """Ibis compiles ``epoch_seconds()`` for Spark as ``UNIX_TIMESTAMP(x)``, whole seconds
    (the fraction dropped), where DuckDB's ``EPOCH(x)`` keeps the microseconds: a step's
    median time was 206,189.0 s on Spark and 206,188.419 s on DuckDB. Compile it for Spark as
    DuckDB computes it, the microseconds since 1970 divided by a million, so both engines
    return the same double; DuckDB is untouched."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    def visit_epoch_seconds(self: Any, op: Any, *, arg: Any) -> Any:
        micros = self.cast(self.f.unix_micros(self.cast(arg, dt.timestamp)), dt.float64)
        return micros / 1_000_000

    PySparkCompiler.visit_ExtractEpochSeconds = visit_epoch_seconds


#: An exact, linearly interpolated quantile of one group's values ``__x__`` at ``__q__``, as
#: DuckDB's ``quantile_cont`` computes it: the values sorted once, the position
#: ``(n - 1) * q`` with ``d`` its fraction, ``below * (1 - d) + above * d`` (DuckDB's formula
#: for doubles; it fuses one multiply with the addition, so the last binary digit can differ).
QUANTILE_SQL = """
element_at(transform(array(array_sort(collect_list(CAST(__x__ AS DOUBLE)))), v ->
  IF(size(v) = 0, CAST(NULL AS DOUBLE),
     element_at(v, CAST(floor((size(v) - 1) * __q__) AS INT) + 1)
       * (1 - ((size(v) - 1) * __q__ - floor((size(v) - 1) * __q__)))
     + element_at(v, CAST(ceil((size(v) - 1) * __q__) AS INT) + 1)
       * ((size(v) - 1) * __q__ - floor((size(v) - 1) * __q__)))), 1)
"""


def _quantiles_by_sorting() -> None:
    """Ibis compiles ``median()`` and ``quantile(q)`` for Spark as ``percentile``, which
    keeps a hash map of every distinct value and its count per group and merges those maps
    between the partial and final aggregation: two thirds of a DFG's query on Spark at 1M
    events (15.5 s against 5.4 s without the percentiles). Compile them instead as one sort of
    the group's values (``collect_list``, ``array_sort``) and the interpolation DuckDB's
    ``quantile_cont`` does, so both engines return the same double up to its last binary digit
    (see :data:`QUANTILE_SQL`). Quantiles of several
    levels at once (``MultiQuantile``) keep Ibis's compilation."""
    import sqlglot
    import sqlglot.expressions as sge
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    template = sqlglot.parse_one(QUANTILE_SQL, dialect="spark")

    def exact(self: Any, arg: Any, quantile: Any, where: Any) -> Any:
        if where is not None:
            arg = self.if_(where, arg, sge.Null())
        values = {"__x__": arg, "__q__": self.cast(quantile, dt.float64)}

        def fill(node: sge.Expression) -> Any:
            if isinstance(node, sge.Column) and node.name in values:
                return values[node.name].copy()
            return node

        return template.transform(fill)

    def visit_quantile(self: Any, op: Any, *, arg: Any, quantile: Any, where: Any) -> Any:
        return exact(self, arg, quantile, where)

    def visit_median(self: Any, op: Any, *, arg: Any, where: Any) -> Any:
        return exact(self, arg, sge.convert(0.5), where)

    PySparkCompiler.visit_Quantile = visit_quantile
    PySparkCompiler.visit_Median = visit_median

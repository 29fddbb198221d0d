"""Spark's compilation, adapted where Ibis's would give other numbers than DuckDB's or be
slow for no reason: exact quantiles and medians by one sort per group, equal to DuckDB's
``quantile_cont`` (nulls skipped, a group without values gives null, ``where`` honoured);
float literals as doubles."""

from __future__ import annotations

import math
import random
from typing import Any

import ibis
import pyarrow as pa
import pytest


def _groups(seed: int) -> pa.Table:
    rng = random.Random(seed)
    size = rng.randrange(1, 400)
    g = [rng.choice("abcd") for _ in range(size)] + ["none"]
    x = [rng.choice([None, rng.randrange(-(10**9), 10**9), rng.randrange(5)]) for _ in range(size)]
    return pa.table(
        {"g": g, "x": [*x, None]}, schema=pa.schema([("g", pa.string()), ("x", pa.int64())])
    )


def _quantiles(t: ibis.Table) -> ibis.Table:
    return (
        t.group_by("g")
        .aggregate(
            median=t.x.median(),
            p90=t.x.quantile(0.9),
            p0=t.x.quantile(0.0),
            p100=t.x.quantile(1.0),
            p37_big=t.x.quantile(0.37, where=t.x > 2),
        )
        .order_by("g")
    )


@pytest.mark.spark
@pytest.mark.parametrize("seed", range(6))
def test_quantiles_on_spark_equal_duckdbs(spark: Any, seed: int) -> None:
    table = _groups(seed)
    on_spark = ibis.pyspark.connect(spark).to_pyarrow(_quantiles(ibis.memtable(table)))
    on_duckdb = ibis.duckdb.connect().to_pyarrow(_quantiles(ibis.memtable(table)))
    assert on_spark.column_names == on_duckdb.column_names
    for name in on_spark.column_names:
        for a, b in zip(on_spark[name].to_pylist(), on_duckdb[name].to_pylist(), strict=True):
            if isinstance(a, float) and isinstance(b, float):
                assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-6), (name, a, b)
            else:
                assert a == b, (name, a, b)


@pytest.mark.spark
def test_a_quantile_is_compiled_as_one_sort_per_group_not_a_percentile(spark: Any) -> None:
    # Spark's percentile keeps a hash map of every distinct value per group: slow
    con = ibis.pyspark.connect(spark)
    t = ibis.memtable(_groups(0))
    sql = con.compile(t.group_by("g").aggregate(p90=t.x.quantile(0.9), m=t.x.median())).upper()
    assert "PERCENTILE" not in sql and sql.count("ARRAY_SORT(COLLECT_LIST(") == 2


@pytest.mark.spark
def test_a_float_literal_is_a_double_on_spark_as_on_duckdb(spark: Any) -> None:
    # Spark reads 1000.0 as a DECIMAL(5,1): milliseconds / 1000.0 came back as a Decimal
    t = ibis.memtable(pa.table({"ms": pa.array([1500, 2], pa.int64())}))
    expr = t.select(s=t.ms / 1000.0, half=t.ms * 0.5)
    on_spark = ibis.pyspark.connect(spark).to_pyarrow(expr)
    assert on_spark.schema.field("s").type == pa.float64()
    assert on_spark.to_pylist() == [{"s": 1.5, "half": 750.0}, {"s": 0.002, "half": 1.0}]
    assert ibis.duckdb.connect().to_pyarrow(expr).to_pylist() == on_spark.to_pylist()

"""A store's tables on Spark (services/spark_views.py): each query's rows as a temporary view
of the Spark session, gone when the block ends, even when it ends with an error."""

from __future__ import annotations

from typing import Any

import pytest

from journeyscope.config import Settings
from journeyscope.events import Store
from journeyscope.services.spark_views import spark_views

QUERIES = {
    "people": "SELECT * FROM (VALUES (1, 'Ann'), (2, 'O''Brien'), (3, NULL)) AS t(n, name)",
    "counts": "SELECT 7 AS cases, 2.5 AS share",
}


def _views(spark: Any) -> set[str]:
    return {t.name for t in spark.catalog.listTables() if t.name.startswith("js_")}


@pytest.mark.spark
def test_each_query_is_a_table_of_the_spark_session_until_the_block_ends(spark: Any) -> None:
    before = _views(spark)
    with Store(":memory:") as store, spark_views(Settings(engine="spark"), store, QUERIES) as t:
        assert set(t) == {"people", "counts"}
        rows = t["people"].order_by("n").to_pyarrow().to_pylist()
        assert rows == [
            {"n": 1, "name": "Ann"},
            {"n": 2, "name": "O'Brien"},
            {"n": 3, "name": None},
        ]
        assert t["counts"].to_pyarrow().to_pylist() == [{"cases": 7, "share": 2.5}]
        during = _views(spark) - before
        assert len(during) == 2 and all(v.startswith(("js_people_", "js_counts_")) for v in during)
    assert _views(spark) == before  # the views are dropped


@pytest.mark.spark
def test_the_views_are_dropped_when_the_block_fails(spark: Any) -> None:
    before = _views(spark)
    with (
        Store(":memory:") as store,
        pytest.raises(RuntimeError, match="stop"),
        spark_views(Settings(engine="spark"), store, {"counts": QUERIES["counts"]}),
    ):
        assert len(_views(spark) - before) == 1
        raise RuntimeError("stop")
    assert _views(spark) == before

"""A store's tables on Spark: each exported once to Parquet and registered as a temporary view
of the Spark session (nothing is written to a Spark warehouse), for the analyses that read
more than the events (the object-centric tables, the engine's journey records).

The views and the Parquet files live as long as the ``with`` block.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import ibis

if TYPE_CHECKING:
    from journeyscope.config import Settings
    from journeyscope.events import Store


@contextmanager
def spark_views(
    settings: Settings, store: Store, queries: Mapping[str, str]
) -> Iterator[dict[str, ibis.Table]]:
    """``{name: table}``: the rows of each DuckDB ``queries[name]`` on ``store``, as an Ibis
    table of the Spark session of ``settings`` (``spark_master``, ``spark_conf``)."""
    from journeyscope.analytics.spark_session import spark_session

    session = spark_session(settings.spark_master, settings.spark_conf)
    con = ibis.pyspark.connect(session)
    views: list[str] = []
    with tempfile.TemporaryDirectory(prefix="journeyscope-spark-") as folder:
        try:
            tables = {}
            for name, sql in queries.items():
                data = Path(folder) / f"{name}.parquet"
                target = str(data).replace("'", "''")
                store.con.execute(f"COPY ({sql}) TO '{target}' (FORMAT PARQUET)")
                view = f"js_{name}_{uuid.uuid4().hex[:12]}"
                session.read.parquet(str(data)).createOrReplaceTempView(view)
                views.append(view)
                tables[name] = con.table(view)
            yield tables
        finally:
            for view in views:
                session.catalog.dropTempView(view)

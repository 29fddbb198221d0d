"""Stitching where the data lives (:func:`stitch_view`, queries on the engine) names every
event's customer exactly as stitching a store (:func:`stitch`, the graph solved in memory)."""

from __future__ import annotations

import duckdb
import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from event_logs import identifier_events
from journeyscope.events.identity import KINDS, stitch, stitch_view
from lanes import examples

COLUMNS = ("event_id", *KINDS, "customer_id")
SCHEMA = pa.schema([(c, pa.string()) for c in COLUMNS])


def _table(events: list[dict[str, str | None]]) -> pa.Table:
    rows = [{"event_id": f"e{i}", "customer_id": None} | e for i, e in enumerate(events)]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _stitched_store(table: pa.Table) -> dict[str, str | None]:
    con = duckdb.connect()
    con.register("incoming", table)
    con.execute("CREATE TABLE events AS SELECT * FROM incoming")
    stitch(con, "events")
    return dict(con.execute("SELECT event_id, customer_id FROM events").fetchall())


def _stitched_view(table: pa.Table, con: ibis.BaseBackend) -> dict[str, str | None]:
    view = stitch_view(con.create_table("events", table, overwrite=True))
    return {r["event_id"]: r["customer_id"] for r in view.to_pyarrow().to_pylist()}


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None)
@given(st.lists(identifier_events(), min_size=0, max_size=30))
def test_stitching_in_place_equals_stitching_a_store(events: list[dict[str, str | None]]) -> None:
    table = _table(events)
    assert _stitched_view(table, ibis.duckdb.connect()) == _stitched_store(table)


def test_a_chain_through_every_kind_is_one_customer_named_after_its_account() -> None:
    # cookie z -- device y -- phone x -- e-mail w -- account A, one link per event
    chain = [
        {"anonymous_id": "z", "device_id": "y"},
        {"device_id": "y", "phone_hash": "x"},
        {"phone_hash": "x", "email_hash": "w"},
        {"email_hash": "w", "account_id": "A"},
        {"case_id": "c9"},  # alone: its own customer
        {},  # no identifier: no customer
    ]
    table = _table([{k: e.get(k) and f"{k[:2]}-{e[k]}" for k in KINDS} for e in chain])
    got = _stitched_view(table, ibis.duckdb.connect())
    assert set(got[f"e{i}"] for i in range(4)) == {"acct:ac-A"}
    assert got["e4"] == "case:ca-c9" and got["e5"] is None


@pytest.mark.spark
@pytest.mark.slow
def test_stitching_on_spark_equals_stitching_a_store(spark: object) -> None:
    import random

    rng = random.Random(5)
    events = [
        {k: rng.choice([None, None, *(f"{k[:2]}-{v}" for v in "abcdefgh")]) for k in KINDS}
        for _ in range(200)
    ]
    table = _table(events)
    from pyspark.sql.pandas.types import from_arrow_schema

    name = f"js_stitch_{rng.randrange(10**9)}"  # a temporary view: nothing written to disk
    frame = spark.createDataFrame(table.to_pandas(), schema=from_arrow_schema(table.schema))  # type: ignore[attr-defined]
    frame.createOrReplaceTempView(name)
    view = stitch_view(ibis.pyspark.connect(spark).table(name))
    got = {r["event_id"]: r["customer_id"] for r in view.to_pyarrow().to_pylist()}
    assert got == _stitched_store(table)


def test_a_long_chain_settles_in_a_few_rounds_and_is_named_after_its_smallest_device() -> None:
    # cookie z00 -- device y00 -- cookie z01 -- device y01 -- ... : 120 links in a line, in
    # shuffled order, so label propagation alone would need 120 rounds (pointer jumping: few)
    import random

    links = [{"anonymous_id": f"z{k:02d}", "device_id": f"y{k:02d}"} for k in range(60)]
    links += [{"device_id": f"y{k:02d}", "anonymous_id": f"z{k + 1:02d}"} for k in range(60)]
    random.Random(3).shuffle(links)
    table = _table([{k: e.get(k) for k in KINDS} for e in links])
    got = _stitched_view(table, ibis.duckdb.connect())
    assert set(got.values()) == {"device:y00"}
    assert got == _stitched_store(table)

"""The object-centric directly-follows graphs: by hand on a tiny log, and against a plain
Python reference implementation on the real OCEL 2.0 example."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from analytics_kit import as_json
from ocel_kit import ITEM_EDGES, ORDER_EDGES, write

from journeyscope.analytics.object_centric import ObjectDfgQuery, ObjectDfgResult
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, UnknownEngineError
from journeyscope.events import Store
from journeyscope.events.ocel import load_log
from journeyscope.services.ocel import object_dfg


def ingest(tmp_path: Path, source: Path, backend: str = "duckdb") -> Settings:
    store = Store(tmp_path / "s.duckdb")
    store.ingest(source, object_type="*")
    store.close()
    return Settings(store=tmp_path / "s.duckdb", engine=backend)


def edges(result: ObjectDfgResult, kind: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    m = next(m for m in result.object_types if m.object_type == kind)
    return {
        (e.source, e.target): (e.count, e.event_pairs, e.objects, e.median_seconds) for e in m.edges
    }


def test_tiny_log_by_hand(tmp_path: Path, backend: str) -> None:
    settings = ingest(tmp_path, write(tmp_path), backend)
    r = object_dfg(settings, ObjectDfgQuery())
    assert [m.object_type for m in r.object_types] == ["Item", "Order"]
    assert edges(r, "Order") == ORDER_EDGES
    assert edges(r, "Item") == ITEM_EDGES  # e3b before e3: equal times keep file order
    item, order = r.object_types
    assert (item.objects, item.events, item.relations, item.duplicated) == (3, 8, 10, 2)
    assert (order.objects, order.events, order.relations, order.duplicated) == (2, 5, 5, 0)
    assert item.start == {"Place": 3} and item.end == {"Ship": 3}
    assert order.start == {"Place": 2} and order.end == {"Pay": 1, "Ship": 1}
    assert r.activities == {"Pick": 3, "Place": 2, "Ship": 2, "Check": 1, "Pay": 1}
    assert r.events == 9
    assert r.left_out == {
        "events without a timestamp": 1,
        "relationships to undeclared objects": 1,
    }
    only = object_dfg(settings, ObjectDfgQuery(object_types=("Order",), top=1))
    assert [m.object_type for m in only.object_types] == ["Order"]
    assert edges(only, "Order") == {("Place", "Ship"): ORDER_EDGES[("Place", "Ship")]}
    assert only.activities == {"Place": 2, "Ship": 2, "Pay": 1}


def test_unknown_object_type_names_the_closest(tmp_path: Path) -> None:
    settings = ingest(tmp_path, write(tmp_path))
    with pytest.raises(InvalidQueryError, match="did you mean 'Order'"):
        object_dfg(settings, ObjectDfgQuery(object_types=("Ordr",)))


def test_store_without_an_ocel_log_says_so(tmp_path: Path) -> None:
    Store(tmp_path / "s.duckdb").close()
    with pytest.raises(InvalidQueryError, match="no object-centric log"):
        object_dfg(Settings(store=tmp_path / "s.duckdb"), ObjectDfgQuery())


def reference(data: dict[str, Any]) -> dict[str, Counter[tuple[str, str]]]:
    """Directly-follows counts per object type, computed in plain Python from the file."""
    kinds = {o["id"]: o["type"] for o in data["objects"]}
    journeys: dict[str, list[tuple[datetime, int, str]]] = defaultdict(list)
    for position, e in enumerate(data["events"]):
        when = datetime.fromisoformat(e["time"].replace("Z", "+00:00"))
        for oid in dict.fromkeys(r["objectId"] for r in e.get("relationships") or []):
            if oid in kinds:
                journeys[oid].append((when, position, e["type"]))
    out: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for oid, events in journeys.items():
        events.sort()
        for (_, _, a), (_, _, b) in itertools.pairwise(events):
            out[kinds[oid]][(a, b)] += 1
    return out


@pytest.mark.both_engines
def test_real_example_matches_a_reference_implementation(
    real_data: Path, tmp_path: Path, backend: str
) -> None:
    source = real_data / "ocel20_example.jsonocel"
    r = object_dfg(ingest(tmp_path, source, backend), ObjectDfgQuery())
    expected = reference(load_log(source))
    got = {
        m.object_type: Counter({(e.source, e.target): e.count for e in m.edges})
        for m in r.object_types
    }
    assert {k: v for k, v in got.items() if v} == dict(expected)
    assert r.events == 13
    flattened = sum(m.relations for m in r.object_types)
    assert flattened == 20  # the rows that ingesting with --object-type '*' stores
    assert statistics.fmean(m.duplicated for m in r.object_types) == 0


@pytest.mark.spark
@pytest.mark.slow
def test_spark_gives_duckdb_s_map_of_the_tiny_log(tmp_path: Path, spark: object) -> None:
    """Every figure of the result (medians included) equal on both backends."""
    settings = ingest(tmp_path, write(tmp_path))
    duck = object_dfg(settings, ObjectDfgQuery())
    on_spark = object_dfg(settings.model_copy(update={"engine": "spark"}), ObjectDfgQuery())
    assert as_json(on_spark) == as_json(duck)


def test_an_unknown_engine_is_named(tmp_path: Path) -> None:
    settings = ingest(tmp_path, write(tmp_path)).model_copy(update={"engine": "sprak"})
    with pytest.raises(UnknownEngineError, match="unknown engine 'sprak'"):
        object_dfg(settings, ObjectDfgQuery())

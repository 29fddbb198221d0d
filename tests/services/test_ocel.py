"""Object-centric logs through the services (services/ocel.py), on the tiny log of the OCEL
kit with its hand-computed answers: the per-object-type process map read from the store
read-only, an unknown backend refused, and the stored log written back as OCEL 2.0 JSON and
XML with the counts of what was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ocel_kit import ITEM_EDGES, ORDER_EDGES, write

from journeyscope.analytics.object_centric import ObjectDfgQuery
from journeyscope.config import Settings
from journeyscope.errors import UnknownEngineError
from journeyscope.events import Store
from journeyscope.services import ocel


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(write(tmp_path), object_type="Order")
    return Settings(store=tmp_path / "store.duckdb")


def test_the_process_map_per_object_type_has_the_hand_computed_edges(settings: Settings) -> None:
    result = ocel.object_dfg(settings, ObjectDfgQuery())
    maps = {m.object_type: m for m in result.object_types}
    assert set(maps) == {"Order", "Item"}
    for kind, expected in (("Order", ORDER_EDGES), ("Item", ITEM_EDGES)):
        got = {
            (e.source, e.target): (e.count, e.event_pairs, e.objects, e.median_seconds)
            for e in maps[kind].edges
        }
        assert got == expected, kind
    only = ocel.object_dfg(settings, ObjectDfgQuery(object_types=("Item",)))
    assert [m.object_type for m in only.object_types] == ["Item"]


def test_an_unknown_backend_is_refused(settings: Settings) -> None:
    with pytest.raises(UnknownEngineError, match="unknown engine 'duck'"):
        ocel.object_dfg(settings.model_copy(update={"engine": "duck"}), ObjectDfgQuery())


def test_the_stored_log_is_written_back_as_json_and_xml(settings: Settings, tmp_path: Path) -> None:
    counts = ocel.export(settings, tmp_path / "out" / "log.jsonocel")
    data = json.loads((tmp_path / "out" / "log.jsonocel").read_text())
    assert counts["events"] == len(data["events"]) and counts["objects"] == len(data["objects"])
    assert counts["object types"] == 2
    assert {o["type"] for o in data["objects"]} == {"Order", "Item"}
    again = ocel.export(settings, tmp_path / "out" / "log.xmlocel")
    assert again == counts
    assert (tmp_path / "out" / "log.xmlocel").read_bytes().lstrip().startswith(b"<?xml")

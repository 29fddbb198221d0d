"""The OCEL 2.0 reader (events/ocel.py): a log flattened onto one case notion, on the tiny log of
``ocel_kit`` and hand-made documents, with malformed events quarantined and bad files refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ocel_kit import TINY, write

from journeyscope.errors import InputFormatError
from journeyscope.events.ocel import load_log, read_ocel, valid_events
from journeyscope.events.ocelxml import to_xml
from journeyscope.events.rawio import ERROR, ROW, ReadNotes

O1_LINKS = [
    {"objectId": "i1", "qualifier": "contains"},
    {"objectId": "i2", "qualifier": "contains"},
]


def _rows(table: Any) -> dict[str, dict[str, Any]]:
    return {str(r["event_id"]): r for r in table.to_pylist()}


def _doc(events: list[Any], objects: list[Any] | None = None) -> dict[str, Any]:
    return {
        "objects": [{"id": "o1", "type": "order"}] if objects is None else objects,
        "events": events,
    }


def _event(eid: object = "e1", **extra: object) -> dict[str, Any]:
    return {
        "id": eid,
        "type": "Place",
        "time": "2024-01-01T00:00:00Z",
        "relationships": [{"objectId": "o1", "qualifier": "q"}],
        **extra,
    }


def test_flattening_on_orders_gives_one_row_per_event_and_order(tmp_path: Path) -> None:
    notes = ReadNotes()
    table = read_ocel(write(tmp_path), "Order", notes)
    rows = _rows(table)
    # the item-only events keep their bare id and no case; e8's "ghost" is no Order
    assert list(rows) == [
        "e1@o1", "e2@o2", "e3b", "e3", "e4", "e5", "e6@o1", "e7@o2", "e8@o1", "e9@o1",
    ]  # fmt: skip
    assert [r[ROW] for r in table.to_pylist()] == list(range(1, 11))
    assert table.column(ERROR).null_count == 10
    assert notes.messages == []  # no event is related to two orders
    place = rows["e1@o1"]
    assert place["case:concept:name"] == "o1" and place["object_type"] == "Order"
    assert place["concept:name"] == "Place" and place["qualifier"] == "order"
    assert place["time:timestamp"] == "2024-03-01T10:00:00Z" and place["clerk"] == "Ann"
    assert json.loads(place["case:related_objects"]) == O1_LINKS
    assert json.loads(rows["e2@o2"]["case:related_objects"]) == [
        {"objectId": "i3", "qualifier": "item"}
    ]
    assert rows["e7@o2"]["express"] == "false"  # non-text values as JSON
    lone = rows["e3"]
    assert lone["case:concept:name"] is None and lone["object_type"] is None
    assert lone["qualifier"] is None and lone["case:related_objects"] is None


def test_a_case_attribute_is_the_value_in_force_at_the_event(tmp_path: Path) -> None:
    rows = _rows(read_ocel(write(tmp_path), "Order"))
    # o1's value: 10.5 from 1970, 12.0 from 12:10
    assert rows["e1@o1"]["case:value"] == "10.5"  # 10:00
    assert rows["e6@o1"]["case:value"] == "10.5"  # 12:00, before the change
    assert rows["e8@o1"]["case:value"] == "12.0"  # 13:00
    assert rows["e9@o1"]["case:value"] == "10.5"  # no offset, no moment: the first value
    assert rows["e2@o2"]["case:value"] is None  # o2 has no attributes


def test_values_listed_out_of_order_still_give_the_latest_before_the_event(
    tmp_path: Path,
) -> None:
    order = {
        "id": "o1",
        "type": "order",
        "attributes": [
            {"name": "status", "time": "2024-01-09T00:00:00Z", "value": "paid"},
            {"name": "status", "time": "2024-01-01T00:00:00Z", "value": "new"},
            {"name": "status", "time": "2024-01-03T00:00:00Z", "value": "checked"},
            {"name": "note", "value": "undated"},
        ],
    }
    events = [
        _event("e1", time="2024-01-02T00:00:00Z"),
        _event("e2", time="2024-01-05T00:00:00Z"),
        _event("e3", time="2024-01-10T00:00:00Z"),
    ]
    path = tmp_path / "l.jsonocel"
    path.write_text(json.dumps(_doc(events, [order])))
    rows = _rows(read_ocel(path))
    assert [rows[f"e{i}@o1"]["case:status"] for i in (1, 2, 3)] == ["new", "checked", "paid"]
    assert {rows[f"e{i}@o1"]["case:note"] for i in (1, 2, 3)} == {"undated"}


def test_every_object_as_a_case_duplicates_events_and_says_how_many(tmp_path: Path) -> None:
    notes = ReadNotes()
    rows = _rows(read_ocel(write(tmp_path), "*", notes))
    # e1 and e6 have three objects, e2, e7 and e8 two: 10 events, 17 rows
    assert len(rows) == 17
    assert {k for k in rows if k.startswith("e1@")} == {"e1@o1", "e1@i1", "e1@i2"}
    assert rows["e1@i1"]["object_type"] == "Item" and rows["e1@i1"]["case:weight"] == "3"
    ghost = rows["e8@ghost"]  # named by the event, declared nowhere: a case with no type
    assert ghost["case:concept:name"] == "ghost" and ghost["object_type"] is None
    assert notes.messages == [
        "flattening on every object: 5 of 10 events are related to several case objects and "
        "were stored once per object (17 rows from 10 events)"
    ]


def test_duplication_is_noted_under_the_chosen_type(tmp_path: Path) -> None:
    notes = ReadNotes()
    read_ocel(write(tmp_path), "Item", notes)
    # e1 and e6 touch two items each
    assert notes.messages == [
        "flattening on 'Item': 2 of 10 events are related to several case objects and were "
        "stored once per object (12 rows from 10 events)"
    ]


def test_several_object_types_need_a_choice_and_an_unknown_type_is_named(
    tmp_path: Path,
) -> None:
    path = write(tmp_path)
    with pytest.raises(InputFormatError) as refused:
        read_ocel(path)
    assert "choose which is the case with --object-type" in str(refused.value)
    assert "'Item' (3 objects), 'Order' (2 objects)" in str(refused.value)
    with pytest.raises(
        InputFormatError, match=r"no objects of type 'Shipment' \(object types: Item, Order\)"
    ):
        read_ocel(path, "Shipment")


def test_one_object_type_or_none_needs_no_choice(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonocel"
    path.write_text(json.dumps(_doc([_event()])))
    assert list(_rows(read_ocel(path))) == ["e1@o1"]
    bare = tmp_path / "bare.jsonocel"
    bare.write_text(json.dumps(_doc([_event()], objects=[])))
    only = read_ocel(bare).to_pylist()  # every related object is a case, declared or not
    assert [(r["event_id"], r["object_type"]) for r in only] == [("e1@o1", None)]
    with pytest.raises(InputFormatError, match=r"object types: none"):
        read_ocel(bare, "order")


@pytest.mark.parametrize(
    ("event", "reason", "ident"),
    [
        ("x", "the event is a str, not an object", None),
        (_event(None), "the event has no id", None),
        (_event(True), "the event has no id", "true"),
        (_event(attributes={"a": 1}), "'attributes' is a dict, not a list", "e1"),
        (_event(relationships="o1"), "'relationships' is a str, not a list", "e1"),
        (_event(attributes=[1]), "an entry of 'attributes' is a int, not an object", "e1"),
        (_event(attributes=[{"value": 1}]), "an attribute has no name", "e1"),
        (_event(relationships=[{"qualifier": "q"}]), "a relationship has no objectId", "e1"),
    ],
)
def test_a_malformed_event_is_a_quarantined_row_with_its_reason(
    tmp_path: Path, event: object, reason: str, ident: str | None
) -> None:
    path = tmp_path / "bad.jsonocel"
    path.write_text(json.dumps(_doc([_event("ok"), event])))
    rows = read_ocel(path).to_pylist()
    assert [(r["event_id"], r[ERROR], r[ROW]) for r in rows] == [
        ("ok@o1", None, 1),
        (ident, reason, 2),
    ]
    assert [e["id"] for e in valid_events(load_log(path))] == ["ok"]


def test_an_integer_id_and_attributes_named_like_hidden_columns_are_kept(
    tmp_path: Path,
) -> None:
    event = _event(
        7,
        attributes=[{"name": ROW, "value": "mine"}, {"name": "n", "value": 2}],
        relationships=[{"objectId": 1}],
    )
    path = tmp_path / "l.jsonocel"
    path.write_text(json.dumps(_doc([event], [{"id": 1, "type": "order"}])))
    (row,) = read_ocel(path).to_pylist()
    assert row["event_id"] == "7@1" and row["case:concept:name"] == "1"
    assert row[f"ocel:{ROW}"] == "mine" and row[ROW] == 1 and row["n"] == "2"
    assert row["qualifier"] is None


def test_an_event_related_to_no_case_keeps_its_bare_id_and_no_case(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonocel"
    path.write_text(json.dumps(_doc([_event(relationships=[]), _event("e2", relationships=None)])))
    rows = read_ocel(path, "order").to_pylist()
    assert [(r["event_id"], r["case:concept:name"]) for r in rows] == [("e1", None), ("e2", None)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", r"o\.jsonocel: not UTF-8 text"),
        (b'{"events": [\n  1,,\n]}', r"o\.jsonocel:2: not an OCEL 2\.0 JSON log: .*\(column \d+\)"),
        (b"[1, 2]", "the top level is a list, expected an object with 'objects' and 'events'"),
        (b'{"objects": []}', "'events' is missing, expected a list of events"),
        (b'{"events": {"e1": {}}}', "'events' is a dict, expected a list of events"),
        (b'"a string"', "not an OCEL 2.0 JSON log: the top level is a str"),
    ],
)
def test_a_file_that_is_no_ocel_json_log_is_refused_with_why(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "o.jsonocel"
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match=message):
        load_log(path)
    with pytest.raises(InputFormatError, match=message):
        read_ocel(path, "*")


def test_an_unreadable_path_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"missing\.jsonocel: cannot read"):
        load_log(tmp_path / "missing.jsonocel")


def test_xml_is_recognised_by_its_suffix_or_its_first_character(tmp_path: Path) -> None:
    for name in ("log.xmlocel", "log.XML", "log.jsonocel"):
        path = tmp_path / name
        path.write_bytes(to_xml(TINY))
        data = load_log(path)
        assert [e["id"] for e in data["events"]] == [e["id"] for e in TINY["events"]], name
    json_path = write(tmp_path)
    assert load_log(json_path) == TINY


def test_an_object_listed_twice_is_one_case_row_with_both_qualifiers(tmp_path: Path) -> None:
    links = [
        {"objectId": "o1", "qualifier": "placed"},
        {"objectId": "o1", "qualifier": "paid"},
        {"objectId": "o1", "qualifier": "placed"},
    ]
    path = tmp_path / "twice.jsonocel"
    path.write_text(json.dumps(_doc([_event(relationships=links)])))
    notes = ReadNotes()
    rows = read_ocel(path, notes=notes).to_pylist()
    assert [(r["event_id"], r["qualifier"]) for r in rows] == [("e1@o1", "placed, paid")]
    assert notes.messages == []  # not "related to several case objects"

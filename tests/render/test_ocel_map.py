"""The object-centric map: one colour per object type over shared activity boxes, counts on
the arrows, the flattening figures in the legend; well-formed SVG."""

from __future__ import annotations

from lxml import etree

from journeyscope.analytics.object_centric import (
    ObjectActivity,
    ObjectDfgResult,
    ObjectEdge,
    ObjectTypeMap,
)
from journeyscope.render.ocel_map import ocel_map_svg, type_colours


def _map(kind: str, edges: list[tuple[str, str, int]], duplicated: int) -> ObjectTypeMap:
    acts = {a for s, t, _ in edges for a in (s, t)}
    return ObjectTypeMap(
        object_type=kind,
        objects=2,
        events=4,
        relations=4 + duplicated,
        duplicated=duplicated,
        activities=[ObjectActivity(activity=a, events=2, objects=2) for a in sorted(acts)],
        edges=[
            ObjectEdge(source=s, target=t, count=n, event_pairs=n, objects=1, median_seconds=60.0)
            for s, t, n in edges
        ],
        start={},
        end={},
    )


RESULT = ObjectDfgResult(
    log="tiny.jsonocel",
    events=5,
    object_types=[
        _map("Item", [("Place", "Pick", 7), ("Pick", "Ship", 5), ("Pick", "Pick", 2)], 2),
        _map("Order", [("Place", "Ship", 3), ("Ship", "Place", 1)], 0),
    ],
    activities={"Place": 3, "Pick": 3, "Ship": 2},
    left_out={},
)


def test_types_share_boxes_and_keep_their_colours() -> None:
    svg = ocel_map_svg(RESULT, embed_font=False)
    root = etree.fromstring(svg.encode())
    assert svg.count('class="activity"') == 3  # shared nodes, not one per type
    colours = type_colours(RESULT)
    assert len(set(colours.values())) == 2
    for kind, colour in colours.items():
        assert svg.count(f'stroke="{colour}"') == len(
            next(m for m in RESULT.object_types if m.object_type == kind).edges
        )
    counts = [t[-1].tail for t in root.iter("{*}text") if t.get("class") == "count"]
    assert sorted(counts, key=int) == ["1", "2", "3", "5", "7"]
    assert "flattened on it: 6 rows, 2 events duplicated" in svg
    assert "stroke-dasharray" in svg  # Ship → Place runs against the flow


def test_a_type_without_moves_says_so() -> None:
    lone = _map("Payment", [], 0)
    svg = ocel_map_svg(RESULT.model_copy(update={"object_types": [lone]}), embed_font=False)
    assert (
        "Payment: 2 objects, 4 events; flattened on it: 4 rows, 0 events duplicated; no moves"
        in svg
    )


def test_nothing_to_draw() -> None:
    empty = RESULT.model_copy(update={"object_types": [], "activities": {}})
    assert "No related events to draw." in ocel_map_svg(empty, embed_font=False)

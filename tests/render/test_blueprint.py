"""The service blueprint: lanes in blueprint order, the three lines, cards, hand-offs."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_kit import all_text, big_journey, by_class, overlapping, parse, text_lines

from journeyscope.definitions import load_journey
from journeyscope.render._grid import ROW_W, rows_of
from journeyscope.render.blueprint import blueprint_svg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture(scope="module")
def tenancy():
    return load_journey(EXAMPLES / "tenancy.yaml")


def test_lanes_and_lines_in_blueprint_order(tenancy):
    root = parse(blueprint_svg(tenancy))
    rows = len(rows_of(tenancy))
    assert float(root.get("width")) <= ROW_W  # the stages wrap onto rows: fits 1,024 px
    lanes = [r.get("data-lane") for r in by_class(root, "rect", "lane-box")]
    assert lanes == rows * [
        "stages",
        "steps",
        "evidence",
        "customer",
        "frontstage",
        "backstage",
        "support",
        "systems",
    ]
    lines = by_class(root, "line", "blueprint-line")
    assert [line.get("data-line") for line in lines] == rows * [
        "line of interaction",
        "line of visibility",
        "line of internal interaction",
    ]
    boxes = {r.get("data-lane"): r for r in by_class(root, "rect", "lane-box")[:8]}  # row 1
    ys = [float(line.get("y1")) for line in lines[:3]]
    # each line lies between the two lanes it separates
    for y, (above, below) in zip(
        ys,
        [("customer", "frontstage"), ("frontstage", "backstage"), ("backstage", "support")],
        strict=True,
    ):
        a, b = boxes[above], boxes[below]
        assert float(a.get("y")) + float(a.get("height")) <= y <= float(b.get("y"))
    assert lines[1].get("stroke-dasharray")  # visibility: dashed


def test_one_card_per_item(tenancy):
    root = parse(blueprint_svg(tenancy))
    for key, items in {
        "customer": lambda s: [s.blueprint.customer_action] if s.blueprint.customer_action else [],
        "frontstage": lambda s: s.blueprint.frontstage,
        "backstage": lambda s: s.blueprint.backstage,
        "support": lambda s: s.blueprint.support_processes,
        "systems": lambda s: s.blueprint.systems,
        "evidence": lambda s: s.blueprint.physical_evidence,
    }.items():
        expected = sum(min(len(items(s)), 4) for s in tenancy.steps)
        assert len(by_class(root, "rect", f"card-{key}")) == expected, key
    text = all_text(root)
    for step in tenancy.steps:
        for item in step.blueprint.backstage:
            assert item in text


def test_handoffs_cross_the_lines_where_both_sides_have_work(tenancy):
    root = parse(blueprint_svg(tenancy))
    handoffs = by_class(root, "line", "handoff")
    expected = sum(
        bool(a) and bool(b)
        for s in tenancy.steps
        for a, b in (
            (s.blueprint.customer_action, s.blueprint.frontstage),
            (s.blueprint.frontstage, s.blueprint.backstage),
            (s.blueprint.backstage, s.blueprint.support_processes),
        )
    )
    assert len(handoffs) == expected


@pytest.mark.parametrize("stages,steps", [(1, 1), (8, 40)])
def test_no_text_overlaps(stages, steps):
    root = parse(blueprint_svg(big_journey(stages, steps)))
    lines = text_lines(root)
    assert overlapping(lines) == []
    assert min(line.size for line in lines) >= 10


def test_no_overlap_on_the_example(tenancy):
    assert overlapping(text_lines(parse(blueprint_svg(tenancy)))) == []

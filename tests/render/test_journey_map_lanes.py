"""The journey map's design lanes (render/journey_map_lanes.py): step boxes of one height,
what the customer does, channel pills and touchpoints, moments of truth and bulleted lists
that stop at their budget and say how many more there are."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from render_kit import NS, one_stage

from journeyscope.render import palette as pal
from journeyscope.render._grid import Cell, Column, rows_of
from journeyscope.render._svg import Svg, line_height
from journeyscope.render.journey_map_lanes import (
    action_cell,
    list_cell,
    moment_cell,
    step_cells,
    touchpoint_cell,
)

PAIN = [f"Pain number {i} is a somewhat long sentence to wrap" for i in range(6)]


@pytest.fixture(scope="module")
def columns() -> list[Column]:
    journey = one_stage(
        [
            {
                "id": "apply",
                "name": "Apply online for a tenancy agreement today",
                "channels": ["web", "phone"],
                "touchpoints": [
                    {"name": f"Touch {i}", "channel": c}
                    for i, c in enumerate(["web", "email", None, "app", "web", "chat"])
                ],
                "description": "Reads the form",
                "blueprint": {"customer_action": "Fills in the form"},
                "moment_of_truth": {"why": "First impression <matters>"},
                "pain_points": PAIN,
            },
            {
                "id": "wait",
                "name": "Wait",
                "description": "Waits for the answer",
                "optional": True,
                "anytime": True,
            },
        ]
    )
    return rows_of(journey)[0]


def _draw(cell: Cell, column: Column, y: float = 0.0) -> tuple[float, ET.Element]:
    svg = Svg()
    used = cell(svg, column, y)
    return used, ET.fromstring(svg.render(1000, 1000, title="t", embed_font=False))


def _texts(root: ET.Element) -> list[str]:
    out = []
    for t in root.iter(f"{NS}text"):
        title = t.find(f"{NS}title")
        spans = t.findall(f"{NS}tspan")
        own = (t.text or "") + (title.tail or "" if title is not None else "")
        out.append(" ".join(s.text or "" for s in spans) if spans else own)
    return out


def test_step_boxes_are_as_tall_as_the_tallest_and_mark_moments_and_tags(columns) -> None:
    draw = step_cells(columns)
    (h1, apply), (h2, wait) = _draw(draw, columns[0]), _draw(draw, columns[1])
    assert h1 == h2 == 3 * line_height(12) + 12  # the long name takes three lines
    box = apply.find(f"{NS}rect")
    assert (box.get("data-step"), box.get("stroke"), box.get("height")) == (
        "apply",
        pal.MOMENT,
        "57",
    )
    star = next(t for t in apply.iter(f"{NS}text") if t.get("class") == "moment-star")
    assert star.find(f"{NS}title").text == "Moment of truth: First impression <matters>"
    name = next(t for t in apply.iter(f"{NS}text") if t.get("class") == "step-name")
    assert name.find(f"{NS}title").text == "Apply online for a tenancy agreement today"  # cut
    wait_box = wait.find(f"{NS}rect")
    assert wait_box.get("stroke-dasharray") == "5 3" and wait_box.get("height") == "57"
    assert "optional · any time" in _texts(wait)
    assert "optional" not in " ".join(_texts(apply))


def test_the_customer_action_is_preferred_to_the_description(columns) -> None:
    used, root = _draw(action_cell, columns[0])
    assert _texts(root) == ["Fills in the form"] and used == line_height(11)
    assert _texts(_draw(action_cell, columns[1])[1]) == ["Waits for the answer"]


def test_channels_are_pills_once_each_and_four_touchpoints_are_listed(columns) -> None:
    used, root = _draw(touchpoint_cell, columns[0])
    pills = [r.get("data-channel") for r in root.iter(f"{NS}rect")]
    assert pills == ["web", "phone", "email", "app", "chat"]  # the step's, then touchpoints'
    assert all(
        r.get("fill") == pal.channel_colour(r.get("data-channel")) for r in root.iter(f"{NS}rect")
    )
    texts = _texts(root)
    assert [t for t in texts if t.startswith("•")] == [f"• Touch {i}" for i in range(4)]
    more = next(t for t in root.iter(f"{NS}text") if t.get("class") == "muted")
    assert more.find(f"{NS}title").text == "Touch 4; Touch 5" and "+2 more" in texts
    rows = {float(r.get("y")) for r in root.iter(f"{NS}rect")}
    assert len(rows) == 2  # five pills do not fit one line of the column
    assert used > 2 * 20 + 4 * line_height(11)
    assert _draw(touchpoint_cell, columns[1])[0] == 0.0  # no channel, no touchpoint


def test_a_moment_of_truth_is_starred_with_its_reason(columns) -> None:
    used, root = _draw(moment_cell, columns[0], 10.0)
    assert _texts(root) == ["★", "First impression <matters>"]
    assert used == 2 * line_height(11)
    used, root = _draw(moment_cell, columns[1])
    assert used == 0.0 and _texts(root) == []  # no moment of truth: nothing drawn


def test_a_list_stops_at_eight_lines_and_says_how_many_more(columns) -> None:
    cell = list_cell(lambda s: s.pain_points, "–")
    used, root = _draw(cell, columns[0])
    texts = _texts(root)
    assert texts.count("–") == 3  # three items: 3 + 3 + 2 lines
    assert texts[-1] == "+3 more"
    last = list(root.iter(f"{NS}text"))[-1]
    assert last.find(f"{NS}title").text == "; ".join(PAIN[3:])
    assert used == pytest.approx(8 * line_height(11) + 3 * 3 + line_height(11))
    assert _draw(cell, columns[1])[0] == 0.0
    short = list_cell(lambda s: ["Too slow"], "+")
    used, root = _draw(short, columns[0])
    assert _texts(root) == ["+", "Too slow"] and used == line_height(11) + 3

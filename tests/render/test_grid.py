"""The grid of the journey map and the blueprint (render/_grid.py): steps as columns in rows
that fit a 1,024 px screen, stage spans and bands, lanes with their labels and heights."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from journeyscope.definitions import Journey
from journeyscope.render._grid import (
    COL_W,
    LABEL_W,
    MARGIN,
    PAD,
    ROW_W,
    label_height,
    lane,
    right_edge,
    rows_of,
    stage_bands,
    stage_lane,
    stage_spans,
)
from journeyscope.render._svg import Svg, line_height

NS = "{http://www.w3.org/2000/svg}"


def _journey(*sizes: int, goal: str = "") -> Journey:
    """Stages of ``sizes`` steps each: stage ``st{k}``, steps ``s{k}_{i}``."""
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "d"},
            "stages": [
                {
                    "id": f"st{k}",
                    "name": f"Stage {k}",
                    "goal": goal,
                    "steps": [{"id": f"s{k}_{i}", "name": f"Step {i}"} for i in range(n)],
                }
                for k, n in enumerate(sizes)
            ],
        }
    )


def _ids(journey: Journey, max_width: float = ROW_W) -> list[list[str]]:
    return [[c.step.id for c in row] for row in rows_of(journey, max_width)]


def _parse(svg: Svg) -> ET.Element:
    return ET.fromstring(svg.render(1000, 1000, title="t", embed_font=False))


def test_five_steps_fit_a_row_and_a_stage_that_does_not_fit_moves_on() -> None:
    assert int((ROW_W - 2 * MARGIN - LABEL_W) // COL_W) == 5
    assert [len(r) for r in rows_of(_journey(3, 4))] == [3, 4]  # 3 + 4 > 5: the stage wraps
    assert [len(r) for r in rows_of(_journey(2, 2, 2))] == [4, 2]
    assert [len(r) for r in rows_of(_journey(5, 1))] == [5, 1]
    assert _ids(_journey(1)) == [["s0_0"]]


def test_a_stage_longer_than_a_row_is_split_between_steps() -> None:
    rows = rows_of(_journey(7))
    assert _ids(_journey(7)) == [[f"s0_{i}" for i in range(5)], ["s0_5", "s0_6"]]
    first = MARGIN + LABEL_W
    assert [[c.x for c in row] for row in rows] == [
        [first + i * COL_W for i in range(5)],
        [first, first + COL_W],  # every row starts at the left
    ]
    assert rows[0][0].cx == first + COL_W / 2
    assert right_edge(rows[0]) == first + 5 * COL_W <= ROW_W
    assert [len(r) for r in rows_of(_journey(3), max_width=100)] == [1, 1, 1]  # one at least
    wide = _ids(_journey(3, 4), max_width=10_000)
    assert wide == [["s0_0", "s0_1", "s0_2", "s1_0", "s1_1", "s1_2", "s1_3"]]


def test_stage_spans_group_the_columns_of_a_stage_in_a_row() -> None:
    columns = rows_of(_journey(2, 3))[0]
    spans = [(stage.id, a.step.id, b.step.id) for stage, a, b in stage_spans(columns)]
    assert spans == [("st0", "s0_0", "s0_1"), ("st1", "s1_0", "s1_2")]
    split = rows_of(_journey(7))
    assert [len(stage_spans(row)) for row in split] == [1, 1]  # the split stage in both rows


def test_a_lane_is_as_tall_as_its_tallest_cell_or_label_plus_padding() -> None:
    columns = rows_of(_journey(2, 3))[0]
    heights = {"s0_0": 20.0, "s0_1": 50.0}
    svg = Svg()
    bottom = lane(
        svg, "pain", "Pain points", columns, 100, lambda s, c, y: heights.get(c.step.id, 0)
    )
    assert bottom == 100 + 50 + 2 * PAD
    # cells get the lane's content top; an empty lane keeps a line's height
    tops: list[float] = []
    lane(svg, "x", "X", columns, 7, lambda s, c, y: tops.append(y) or 0.0)
    assert tops == [7 + PAD] * len(columns)
    assert lane(Svg(), "x", "X", columns, 0, lambda s, c, y: 0.0) == label_height("X") + 2 * PAD
    root = _parse(svg)
    box = root.find(f"{NS}rect")
    assert (box.get("class"), box.get("data-lane"), box.get("height")) == ("lane-box", "pain", "66")
    assert [g.get("class") for g in root.iter(f"{NS}g")] == ["lane lane-pain", "lane lane-x"]
    assert len(root.findall(f"{NS}line")) == 2  # a rule under each lane
    ruled = Svg()
    lane(ruled, "x", "X", columns, 0, lambda s, c, y: 0.0, rule=False)
    assert _parse(ruled).find(f"{NS}line") is None


def test_lane_labels_wrap_onto_three_lines_at_most() -> None:
    assert label_height("Stage") == line_height(12)
    assert label_height("A very long lane label that goes on and on for ever and ever") == 3 * 15


def test_the_stage_lane_names_each_stage_and_its_goal() -> None:
    columns = rows_of(_journey(2, 3))[0]
    svg = Svg()
    bottom = stage_lane(svg, columns, 10)
    assert bottom == pytest.approx(10 + line_height(14) + 2 * PAD)  # one line of 14 px names
    names = [t for t in _parse(svg).iter(f"{NS}text") if t.get("class") == "stage-name"]
    assert ["".join(s.text for s in t) for t in names] == ["Stage 0", "Stage 1"]
    assert [float(t[0].get("x")) for t in names] == [columns[0].x + PAD, columns[2].x + PAD]
    with_goal = rows_of(_journey(2, 3, goal="A goal of the stage"))[0]
    svg = Svg()
    bottom = stage_lane(svg, with_goal, 10)
    assert bottom == pytest.approx(10 + line_height(14) + 2 + line_height(11) + 2 * PAD)
    goals = [t for t in _parse(svg).iter(f"{NS}text") if "stage-goal" in (t.get("class") or "")]
    assert len(goals) == 2


def test_stage_bands_alternate_and_a_rule_separates_stages() -> None:
    columns = rows_of(_journey(2, 3))[0]
    svg = Svg()
    stage_bands(svg, columns, 0, 100)
    root = _parse(svg)
    bands = root.findall(f"{NS}rect")
    assert [(b.get("data-stage"), b.get("fill")) for b in bands] == [
        ("st0", "#FFFFFF"),
        ("st1", "#F3F6F9"),
    ]
    assert [float(b.get("width")) for b in bands] == [2 * COL_W, 3 * COL_W]
    rules = root.findall(f"{NS}line")
    assert [float(r.get("x1")) for r in rules] == [columns[2].x]  # between the two stages

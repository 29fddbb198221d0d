"""The journey map: structure, text that fits and never overlaps, colours, the overlay."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_kit import (
    all_text,
    big_journey,
    by_class,
    colours,
    overlapping,
    parse,
    size_of,
    text_lines,
)

from journeyscope.definitions import load_journey
from journeyscope.render import palette as pal
from journeyscope.render._grid import COL_W, LABEL_W, MARGIN, ROW_W, rows_of
from journeyscope.render.journey_map import journey_map_svg
from journeyscope.render.overlay import JourneyOverlay, StepActual

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"
LANES = [
    "stages",
    "steps",
    "actions",
    "touchpoints",
    "emotion",
    "moments",
    "pain_points",
    "opportunities",
]


@pytest.fixture(scope="module")
def tenancy():
    return load_journey(EXAMPLES / "tenancy.yaml")


def _overlay(journey, felt: bool = True) -> JourneyOverlay:
    steps = {}
    for i, s in enumerate(journey.steps):
        steps[s.id] = StepActual(
            cases=1000 - 60 * i,
            drop_off=0.05 + 0.01 * i,
            median_seconds=3600 * (i + 1) * 7,
            felt_emotion=s.emotion - 0.4 if felt and s.emotion is not None else None,
            felt_n=200,
            conformance=0.9,
            late=0.1,
        )
    return JourneyOverlay(steps=steps, cases=1000, reached_outcome=640, label="1,000 cases")


def test_one_column_and_box_per_step_and_every_lane(tenancy):
    root = parse(journey_map_svg(tenancy))
    boxes = by_class(root, "rect", "step-box")
    assert [b.get("data-step") for b in boxes] == [s.id for s in tenancy.steps]
    rows = rows_of(tenancy)
    assert len(rows) > 1  # 13 steps do not fit one 1,024 px screen: the stages wrap
    assert [c.step.id for row in rows for c in row] == [s.id for s in tenancy.steps]
    lanes = [r.get("data-lane") for r in by_class(root, "rect", "lane-box")]
    assert lanes == LANES * len(rows)  # every row has every lane
    # stage bands: one per stage (none is longer than a row), each as wide as its steps
    bands = by_class(root, "rect", "stage-band")
    assert [b.get("data-stage") for b in bands] == [s.id for s in tenancy.stages]
    for band, stage in zip(bands, tenancy.stages, strict=True):
        assert float(band.get("width")) == pytest.approx(COL_W * len(stage.steps))
    width, _ = size_of(root)
    widest = max(len(row) for row in rows)
    assert width == pytest.approx(2 * MARGIN + LABEL_W + COL_W * widest, abs=1)
    assert width <= ROW_W  # the whole map is visible at 1,024 px


def test_every_name_can_be_read_or_hovered(tenancy):
    root = parse(journey_map_svg(tenancy))
    text = all_text(root)
    for stage in tenancy.stages:
        assert stage.name in text
    for step in tenancy.steps:
        assert step.name in text
        for point in step.pain_points + step.opportunities:
            assert point in text or point.split()[0] in text


def _no_text_leaves_its_column(root) -> None:
    """Every text line inside a stage band stays in its column (stage names: in its band)."""
    lines = text_lines(root)
    assert overlapping(lines) == []
    bands = [
        (float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height")))
        for b in by_class(root, "rect", "stage-band")
    ]
    edges = [MARGIN + LABEL_W + k * COL_W for k in range(int(ROW_W // COL_W) + 1)]
    inside = 0
    for line in lines:
        band = next(
            (
                b
                for b in bands
                if b[0] <= line.x0 + 0.5 < b[0] + b[2] and b[1] < line.y0 < b[1] + b[3]
            ),
            None,
        )
        if band is None or "overlay-title" in line.classes:
            continue
        inside += 1
        if "stage-name" in line.classes or "stage-goal" in line.classes:
            assert line.x1 <= band[0] + band[2] + 0.5, f"{line.text!r} leaves its stage"
            continue
        crossed = [e for e in edges if line.x0 + 0.5 < e < line.x1 - 0.5]
        assert not crossed, f"{line.text!r} crosses a column edge"
    assert inside > 0
    width, height = size_of(root)
    assert all(line.x0 >= 0 and line.x1 <= width and line.y1 <= height for line in lines)


def test_no_text_overlaps_and_no_text_leaves_its_column(tenancy):
    _no_text_leaves_its_column(parse(journey_map_svg(tenancy, _overlay(tenancy))))


def test_step_names_wrap_between_words(tenancy):
    """A step name breaks between words; a word is never cut unmarked ("confirme" / "d")."""
    root = parse(journey_map_svg(tenancy, _overlay(tenancy)))
    names = {s.name for s in tenancy.steps}
    checked = 0
    for line in text_lines(root):
        if "step-name" not in line.classes:
            continue
        words = line.text.rstrip("…").split()
        name = next(n for n in names if line.text.rstrip("…-").split()[0] in n.split())
        whole = set(name.split())
        assert all(w in whole for w in words[:-1]), line.text
        last = words[-1]
        assert last in whole or line.text.endswith(("…", "-")), line.text
        checked += 1
    assert checked >= len(names)


def test_legible_at_eight_stages_and_forty_steps():
    journey = big_journey(stages=8, steps=40)
    svg = journey_map_svg(journey, _overlay(journey))
    root = parse(svg)
    lines = text_lines(root)
    assert overlapping(lines) == []
    assert min(line.size for line in lines) >= 10
    assert len(by_class(root, "rect", "step-box")) == 40
    assert len(by_class(root, "rect", "stage-band")) >= 8
    text = all_text(root)
    for step in journey.steps:  # long names wrap or are cut, and the tooltip holds them
        assert step.name in text
    width, height = size_of(root)
    assert width <= ROW_W
    rows = rows_of(journey)
    assert height < 1200 * len(rows)  # lanes are capped: long lists end with "+n more"


def test_overlay_adds_actual_lanes_and_the_felt_curve(tenancy):
    plain = parse(journey_map_svg(tenancy))
    root = parse(journey_map_svg(tenancy, _overlay(tenancy)))
    lanes = [r.get("data-lane") for r in by_class(root, "rect", "lane-box")]
    assert lanes == [*LANES, "reach", "drop_off", "time", "conformance"] * len(rows_of(tenancy))
    assert by_class(plain, "path", "emotion-felt") == []
    assert by_class(root, "path", "emotion-felt")
    felt_points = by_class(root, "rect", "felt")
    assert len(felt_points) == sum(1 for s in tenancy.steps if s.emotion is not None)
    text = all_text(root)
    assert "reached by 640 of 1,000 cases (64%)" in text
    assert "940 cases · 94%" in text  # the second step


def test_partial_overlay_draws_only_what_was_measured(tenancy):
    overlay = JourneyOverlay(steps={"upload_documents": StepActual(cases=10)}, cases=20)
    root = parse(journey_map_svg(tenancy, overlay))
    lanes = [r.get("data-lane") for r in by_class(root, "rect", "lane-box")]
    assert lanes == [*LANES, "reach"] + LANES * (len(rows_of(tenancy)) - 1)  # row 1 has it
    assert by_class(root, "path", "emotion-felt") == []


def test_moments_of_truth_are_marked_three_ways(tenancy):
    root = parse(journey_map_svg(tenancy))
    moments = [s for s in tenancy.steps if s.moment_of_truth]
    assert moments
    assert len(by_class(root, "circle", "moment-ring")) == len(moments)
    assert len(by_class(root, "text", "moment-star")) >= 2 * len(moments)


def test_colours_come_from_the_colour_blind_safe_palette(tenancy):
    svg = journey_map_svg(tenancy, _overlay(tenancy))
    allowed = {c.upper() for c in pal.CATEGORICAL} | {c.upper() for c in pal.EMOTION.values()}
    allowed |= {pal.INK, pal.MUTED, pal.RULE, pal.PANEL, "#FFFFFF", "#F3F6F9", "#8C959F", "#E7ECF0"}
    assert colours(svg) <= {c.upper() for c in allowed}


def test_pure_and_deterministic(tenancy):
    assert journey_map_svg(tenancy) == journey_map_svg(tenancy)


def test_font_is_embedded_unless_the_page_has_it(tenancy):
    assert "@font-face" in journey_map_svg(tenancy)
    assert "@font-face" not in journey_map_svg(tenancy, embed_font=False)

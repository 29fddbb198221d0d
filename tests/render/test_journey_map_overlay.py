"""The journey map's overlay lanes (render/journey_map_overlay.py): reach, drop-off, time and
conformance, each drawn only where something was measured, bars on a 0..1 scale."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from render_kit import NS, one_stage

from journeyscope.definitions import Journey
from journeyscope.render import palette as pal
from journeyscope.render._grid import COL_W, PAD, Column, rows_of
from journeyscope.render._svg import Svg
from journeyscope.render.journey_map_overlay import overlay_lanes
from journeyscope.render.overlay import JourneyOverlay, StepActual

BAR_W = COL_W - 2 * PAD


@pytest.fixture(scope="module")
def design() -> tuple[Journey, list[Column]]:
    journey = one_stage(
        [
            {"id": "s1", "name": "One", "time_limit": "2 days"},
            {"id": "s2", "name": "Two"},
            {"id": "s3", "name": "Three", "time_limit": "3d"},
        ]
    )
    return journey, rows_of(journey)[0]


def _draw(design, overlay: JourneyOverlay, y: float = 0.0) -> tuple[float, ET.Element]:
    journey, columns = design
    svg = Svg()
    bottom = overlay_lanes(svg, journey, columns, y, overlay)
    return bottom, ET.fromstring(svg.render(1000, 1000, title="t", embed_font=False))


def _lanes(root: ET.Element) -> list[str]:
    return [r.get("data-lane") for r in root.iter(f"{NS}rect") if r.get("class") == "lane-box"]


def _cells(root: ET.Element, lane: str) -> list[tuple[float | None, str]]:
    """(bar width or None, label) of each drawn cell of ``lane``, left to right."""
    group = next(g for g in root.iter(f"{NS}g") if g.get("data-lane") == lane)
    out: list[tuple[float | None, str]] = []
    bar: float | None = None
    for e in group:
        if e.tag == f"{NS}rect" and e.get("class") == "bar":
            bar = float(e.get("width"))
        elif e.tag == f"{NS}text":
            out.append((bar, " ".join(s.text for s in e.findall(f"{NS}tspan"))))
            bar = None
    return out


def test_every_measured_number_gets_its_lane_with_bars_to_scale(design) -> None:
    overlay = JourneyOverlay(
        steps={
            "s1": StepActual(
                cases=800, drop_off=0.25, median_seconds=7200, late=0.1, conformance=0.9
            ),
            "s2": StepActual(cases=400, median_seconds=60),
            "s3": StepActual(median_seconds=86_400 * 4),
        },
        cases=1000,
        label="1,000 cases, 2025",
    )
    bottom, root = _draw(design, overlay, y=50.0)
    title = next(t for t in root.iter(f"{NS}text") if t.get("class") == "overlay-title")
    assert title.text == "Actual journey: 1,000 cases, 2025"
    assert _lanes(root) == ["reach", "drop_off", "time", "conformance"]
    assert _cells(root, "reach") == [
        (pytest.approx(0.8 * BAR_W), "800 cases · 80%"),
        (pytest.approx(0.4 * BAR_W), "400 cases · 40%"),
    ]
    assert _cells(root, "drop_off") == [(pytest.approx(0.25 * BAR_W), "25% left here")]
    assert _cells(root, "time") == [  # a time has no bar; the step's limit beside it
        (None, "median 2.0 h (limit 2 days, 10% late)"),
        (None, "median 1.0 min"),
        (None, "median 4.0 d (limit 3 days)"),
    ]
    assert _cells(root, "conformance") == [(pytest.approx(0.9 * BAR_W), "90% arrived as designed")]
    colours = {r.get("fill") for r in root.iter(f"{NS}rect") if r.get("class") == "bar"}
    assert colours == {pal.EXPECTED, pal.ACTUAL, pal.OKABE_ITO["bluish_green"]}
    last_rule = list(root.iter(f"{NS}line"))[-1]
    assert float(last_rule.get("y1")) == pytest.approx(bottom, abs=0.1) and bottom > 50.0


def test_only_the_measured_lanes_are_drawn(design) -> None:
    bottom, root = _draw(design, JourneyOverlay(steps={"s2": StepActual(cases=5)}))
    assert _lanes(root) == ["reach"]
    assert _cells(root, "reach") == [(None, "5 cases")]  # no total: no share, no bar
    empty_bottom, empty = _draw(design, JourneyOverlay())
    assert _lanes(empty) == [] and empty_bottom == 32.0  # the rule and the title alone
    assert bottom > empty_bottom


def test_a_share_outside_zero_to_one_is_clamped_and_an_unknown_one_has_no_bar(design) -> None:
    overlay = JourneyOverlay(
        steps={
            "s1": StepActual(drop_off=1.5),
            "s2": StepActual(drop_off=0.0),
            "s3": StepActual(drop_off=math.nan),
        }
    )
    _, root = _draw(design, overlay)
    assert _cells(root, "drop_off") == [
        (BAR_W, "150% left here"),  # the bar ends at the track's end
        (1.0, "0% left here"),  # a zero is still a visible sliver
        (None, "– left here"),
    ]

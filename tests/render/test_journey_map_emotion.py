"""The journey map's emotion lane (render/journey_map_emotion.py): the −2..+2 scale, a point
per step with an expected emotion, curves broken by any-time steps and gaps, and the felt
emotion beside the expected one."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from render_kit import NS, one_stage

from journeyscope.definitions import Journey
from journeyscope.render import palette as pal
from journeyscope.render._grid import Column, rows_of
from journeyscope.render._svg import Svg
from journeyscope.render.journey_map_emotion import EMOTION_H, emotion_lane
from journeyscope.render.overlay import JourneyOverlay, StepActual


@pytest.fixture(scope="module")
def design() -> tuple[Journey, list[Column]]:
    journey = one_stage(
        [
            {"id": "s1", "name": "One", "emotion": 2},
            {"id": "s2", "name": "Two", "emotion": -1, "moment_of_truth": {"why": "w"}},
            {"id": "s3", "name": "Three", "emotion": 0},
            {"id": "s4", "name": "Any", "emotion": 1, "anytime": True},
            {"id": "s5", "name": "Five"},
        ]
    )
    return journey, rows_of(journey, max_width=10_000)[0]


def _lane(design, overlay: JourneyOverlay | None, y: float = 0.0) -> tuple[float, ET.Element]:
    journey, columns = design
    svg = Svg()
    bottom = emotion_lane(svg, journey, columns, y, overlay)
    return bottom, ET.fromstring(svg.render(1000, 400, title="t", embed_font=False))


def _of(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if cls in (e.get("class") or "").split()]


def _label(root: ET.Element) -> str:
    label = _of(root, "text", "lane-label")[0]
    return " ".join(s.text for s in label)


def test_the_scale_runs_from_plus_two_at_the_top_to_minus_two(design) -> None:
    bottom, root = _lane(design, None, y=100.0)
    assert bottom == 100.0 + EMOTION_H
    assert _label(root) == "Expected emotion"
    assert _of(root, "rect", "lane-box")[0].get("data-lane") == "emotion"
    axis = [(t.text, float(t.get("y")) - 4) for t in _of(root, "text", "axis-label")]
    assert [label for label, _ in axis] == ["−2", "−1", "0", "+1", "+2"]  # a true minus sign
    ys = [y for _, y in axis]
    assert ys[-1] == 100 + 24 and ys[0] == 100 + EMOTION_H - 24
    assert all(b - a == ys[1] - ys[0] for a, b in itertools.pairwise(ys))  # even
    lines = list(root.iter(f"{NS}line"))[:5]
    assert [line.get("stroke-dasharray") for line in lines].count(None) == 1  # zero: solid


def test_a_point_per_expected_emotion_and_curves_broken_by_any_time_steps(design) -> None:
    columns = design[1]
    _, root = _lane(design, None)
    level = {
        int(t.text.replace("−", "-")): float(t.get("y")) - 4
        for t in _of(root, "text", "axis-label")
    }
    points = _of(root, "circle", "expected")
    assert [float(p.get("cx")) for p in points] == [c.cx for c in columns[:4]]  # s5: no emotion
    assert [float(p.get("cy")) for p in points] == [level[2], level[-1], level[0], level[1]]
    assert [p.get("fill") for p in points] == [pal.emotion_colour(v) for v in (2, -1, 0, 1)]
    rings = _of(root, "circle", "moment-ring")
    assert [float(r.get("cx")) for r in rings] == [columns[1].cx]
    curves = _of(root, "path", "emotion-expected")
    assert len(curves) == 1  # s1..s3; the any-time s4 stands alone: a point, no curve
    d = curves[0].get("d")
    assert d.startswith(f"M{columns[0].cx:.1f},{level[2]:.1f}")
    assert d.endswith(f"{columns[2].cx:.1f},{level[0]:.1f}")
    tips = [t.find(f"{NS}title").text for t in _of(root, "text", "emotion-value")]
    assert tips[:2] == ["One: expected emotion +2", "Two: expected emotion -1"]
    assert not _of(root, "rect", "felt") and not _of(root, "path", "emotion-felt")


def test_the_felt_emotion_is_drawn_beside_the_expected_and_kept_on_the_scale(design) -> None:
    columns = design[1]
    overlay = JourneyOverlay(
        steps={
            "s1": StepActual(felt_emotion=1.4, felt_n=30),
            "s2": StepActual(felt_emotion=-2.6),  # beyond the scale
        }
    )
    _, root = _lane(design, overlay)
    assert _label(root) == "Emotion: expected and felt"
    level = {t.text: float(t.get("y")) - 4 for t in _of(root, "text", "axis-label")}
    felt = _of(root, "rect", "felt")
    assert len(felt) == 2
    centres = [(float(r.get("x")) + 5, float(r.get("y")) + 5) for r in felt]
    assert centres[0][0] == columns[0].cx + 7  # felt right of centre, expected left of it
    assert float(_of(root, "circle", "expected")[0].get("cx")) == columns[0].cx - 7
    assert centres[1][1] == level["−2"]  # drawn at the scale's end ...
    values = [t.find(f"{NS}title").tail for t in _of(root, "text", "felt")]
    assert values == ["+1.4", "−2.6"]  # ... and labelled with its value
    tips = [t.find(f"{NS}title").text for t in _of(root, "text", "felt")]
    assert tips == ["One: felt emotion +1.4 (30 measurements)", "Two: felt emotion -2.6"]
    curve = _of(root, "path", "emotion-felt")
    assert len(curve) == 1 and curve[0].get("stroke-dasharray") == "6 4"
    assert curve[0].get("stroke") == pal.ACTUAL


def test_an_overlay_without_felt_emotion_draws_the_design_alone(design) -> None:
    _, root = _lane(design, JourneyOverlay(steps={"s1": StepActual(cases=10)}, cases=10))
    assert _label(root) == "Expected emotion"
    assert not _of(root, "rect", "felt")
    assert [float(p.get("cx")) for p in _of(root, "circle", "expected")] == [
        c.cx for c in design[1][:4]
    ]  # not moved aside: there is nothing beside them

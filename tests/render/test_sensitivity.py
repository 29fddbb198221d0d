"""The sensitivity curve as SVG (render/sensitivity.py): well-formed, one point per sweep value,
band and truth drawn, the estimate marked, zero marked when in view."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from journeyscope.analytics.sensitivity import Sensitivity, SensitivityPoint, sweep
from journeyscope.render.sensitivity import sensitivity_svg

NS = "{http://www.w3.org/2000/svg}"


def test_the_curve_is_valid_svg_with_every_point() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 11, 2_000).astype(float)
    answered = rng.random(2_000) < 0.3
    metric = np.where(y >= 9, 100.0, np.where(y <= 6, -100.0, 0.0))
    s = sweep(metric, y, answered, np.full(2_000, 0.3), scale=(0, 10), strategy="combined")
    svg = sensitivity_svg(s, metric="NPS", band=(-30.0, -20.0), truth=-25.0)
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and "combined" in (root.get("aria-label") or "")
    assert len(root.findall(f"{NS}circle")) == len(s.points) == 13
    assert root.find(f"{NS}rect") is not None  # the headline band
    titles = [t.text or "" for t in root.iter(f"{NS}title")]
    assert any("truth -25.0" in t for t in titles)
    assert any("x1.00 per point" in t for t in titles)  # the estimate itself


def test_an_empty_curve_is_refused() -> None:
    s = sweep(
        np.zeros(3),
        np.zeros(3),
        np.array([True, False, True]),
        np.full(3, 0.5),
        scale=(0, 10),
        strategy="mar",
    )
    s.points = []
    with pytest.raises(ValueError, match="no points"):
        sensitivity_svg(s, metric="NPS")


def _curve(values: dict[float, float]) -> Sensitivity:
    return Sensitivity(
        strategy="mar",
        parameter="delta",
        crosses_zero_at=None,
        rule="r",
        points=[
            SensitivityPoint(delta=d, odds_ratio_per_point=math.exp(d), value=v)
            for d, v in values.items()
        ],
    )


def test_the_estimate_is_the_big_point_and_higher_values_are_drawn_higher() -> None:
    root = ET.fromstring(sensitivity_svg(_curve({-1.0: 20.0, 0.0: 10.0, 1.0: 5.0}), metric="CSAT"))
    circles = root.findall(f"{NS}circle")
    assert [c.get("r") for c in circles] == ["2.5", "4", "2.5"]  # delta 0: the estimate
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    assert xs == sorted(xs) and xs[0] == 56 and xs[-1] == 560 - 16  # the plot's left and right
    assert ys == sorted(ys)  # 20 above 10 above 5 (SVG's y grows downwards)
    ticks = [t.text for t in root.iter(f"{NS}text")]
    assert "×1.00" in ticks and "×2.72" in ticks and "×0.37" in ticks  # odds ratio, not delta
    assert "+20" in ticks and "+5" in ticks
    # no band, no truth, and zero is out of view: no rectangle, no dashed line
    assert root.find(f"{NS}rect") is None
    assert not [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray")]


def test_zero_is_marked_when_the_band_reaches_it() -> None:
    svg = sensitivity_svg(_curve({-0.5: 4.0, 0.0: 2.0, 0.5: 1.0}), metric="NPS", band=(-3.0, 6.0))
    root = ET.fromstring(svg)
    band = root.find(f"{NS}rect")
    assert band is not None and band.find(f"{NS}title").text == "headline -3.0 .. +6.0"
    dashed = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 1
    zero_y = float(dashed[0].get("y1"))
    top, bottom = float(band.get("y")), float(band.get("y")) + float(band.get("height"))
    assert top < zero_y < bottom  # zero lies inside the band -3 .. +6


def test_a_metric_name_with_markup_characters_stays_well_formed() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 11, 500).astype(float)
    answered = rng.random(500) < 0.4
    s = sweep(y, y, answered, np.full(500, 0.4), scale=(0, 10), strategy="combined")
    root = ET.fromstring(sensitivity_svg(s, metric="CSAT <4 & up", band=None, truth=None))
    titles = [t.text or "" for t in root.iter(f"{NS}title")]
    assert any("CSAT <4 & up" in t for t in titles)

"""The sensitivity curve as SVG: well-formed, one point per sweep value, band and truth drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from journeyscope.analytics.sensitivity import sweep
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

"""The sparkline: an SVG line over periods, scaled to its box, broken at missing values,
with a title that says what it shows."""

from __future__ import annotations

import re

from journeyscope.render.sparkline import HEIGHT, WIDTH, sparkline


def coordinates(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [(float(x), float(y)) for x, y in (p.split(",") for p in run.split())]
        for run in re.findall(r'points="([^"]+)"', svg)
    ]


def test_scaled_to_the_box_lowest_at_the_bottom() -> None:
    svg = sparkline([("w1", 2.0), ("w2", 5.0), ("w3", 3.5)], label="cases by week")
    [run] = coordinates(svg)
    xs, ys = [x for x, _ in run], [y for _, y in run]
    assert xs == sorted(xs) and xs[0] >= 0 and xs[-1] <= WIDTH
    assert ys[1] < ys[2] < ys[0] and min(ys) >= 0 and max(ys) <= HEIGHT  # SVG y grows down
    assert "cases by week: w1 to w3; lowest 2, highest 5, latest 4" in svg  # 3.5 rounds to 4
    assert svg.count("<circle") == 1  # the latest value


def test_missing_values_break_the_line_and_nothing_known_draws_nothing() -> None:
    svg = sparkline(
        [("a", 1.0), ("b", 2.0), ("c", None), ("d", 1.0), ("e", 3.0)],
        label="x",
        fmt=lambda v: f"{v:.1f}",
    )
    assert len(coordinates(svg)) == 2 and "latest 3.0" in svg
    assert sparkline([("a", None)], label="x") == ""
    flat = sparkline([("a", 4.0), ("b", 4.0)], label="flat")
    assert {y for _, y in coordinates(flat)[0]} == {HEIGHT / 2}


def test_labels_are_escaped() -> None:
    assert "<b>" not in sparkline([("a", 1.0), ("b", 2.0)], label="<b>")

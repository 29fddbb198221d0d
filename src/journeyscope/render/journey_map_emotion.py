"""The journey map's emotion lane: the expected emotion per step as a curve on the -2..+2
scale, and with an overlay the felt (measured) emotion beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from journeyscope.definitions.models import Journey
from journeyscope.render import palette as pal
from journeyscope.render._grid import COL_W, LABEL_W, MARGIN, PAD, Column
from journeyscope.render._svg import Svg, fmt_number
from journeyscope.render.overlay import JourneyOverlay

EMOTION_H: Final = 132.0  # height of the emotion plot


def _emotion_y(top: float, value: float) -> float:
    value = min(max(value, -2.0), 2.0)  # the scale's ends
    return top + 24 + (2 - value) / 4 * (EMOTION_H - 48)


def _signed(value: float, decimals: int) -> str:
    """``+1``, ``0``, ``−1.5``: a signed score with a true minus sign."""
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def _smooth(points: list[tuple[float, float]]) -> str:
    """A Catmull-Rom spline through ``points`` as an SVG path (no overshoot beyond ±2)."""
    if len(points) == 1:
        return ""
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for i in range(len(points) - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < len(points) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        lo, hi = min(p1[1], p2[1]), max(p1[1], p2[1])
        c1 = (c1[0], min(max(c1[1], lo), hi))
        c2 = (c2[0], min(max(c2[1], lo), hi))
        d += f" C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}"
    return d


def _runs(columns: list[Column], value: Callable[[Column], float | None]) -> list[list[Column]]:
    """Consecutive flow steps with a value (``anytime`` steps and gaps break the curve)."""
    runs: list[list[Column]] = [[]]
    for column in columns:
        if column.step.anytime or value(column) is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(column)
    return [r for r in runs if r]


def emotion_lane(
    svg: Svg, journey: Journey, columns: list[Column], y: float, overlay: JourneyOverlay | None
) -> float:
    h = EMOTION_H
    label = "Emotion: expected and felt" if overlay and overlay.has_emotion else "Expected emotion"
    svg.rect(
        MARGIN, y, LABEL_W - 6, h, fill=pal.PANEL, rx=4, class_="lane-box", data_lane="emotion"
    )
    svg.text_block(
        MARGIN + 8,
        y + PAD,
        label,
        width=LABEL_W - 50,
        size=12,
        bold=True,
        max_lines=3,
        class_="lane-label",
    )
    left, right = MARGIN + LABEL_W, columns[-1].x + COL_W
    svg.open("g", class_="lane lane-emotion", data_lane="emotion")
    for level in range(-2, 3):
        gy = _emotion_y(y, level)
        svg.line(
            left,
            gy,
            right,
            gy,
            stroke=pal.RULE,
            stroke_width=1.6 if level == 0 else 0.8,
            stroke_dasharray=None if level == 0 else "2 3",
        )
        svg.text(
            MARGIN + LABEL_W - 14,
            gy + 4,
            _signed(level, 0),
            size=10,
            anchor="end",
            class_="muted axis-label",
        )

    def expected(c: Column) -> float | None:
        return None if c.step.emotion is None else float(c.step.emotion)

    def felt(c: Column) -> float | None:
        return overlay.step(c.step.id).felt_emotion if overlay is not None else None

    series: list[tuple[str, Callable[[Column], float | None], str, str | None]] = [
        ("expected", expected, pal.EXPECTED, None),
    ]
    if overlay is not None and overlay.has_emotion:
        series.append(("felt", felt, pal.ACTUAL, "6 4"))
    for name, value, colour, dash in series:
        for run in _runs(columns, value):
            points = [(c.cx, _emotion_y(y, float(value(c) or 0))) for c in run]
            d = _smooth(points)
            if d:
                svg.path(
                    d,
                    fill="none",
                    stroke=colour,
                    stroke_width=2.5,
                    stroke_dasharray=dash,
                    class_=f"emotion-curve emotion-{name}",
                )
        for c in columns:
            v = value(c)
            if v is None:
                continue
            cy = _emotion_y(y, v)
            offset = -7 if name == "expected" else 7  # the two series side by side
            cx = c.cx + (offset if len(series) > 1 else 0)
            if name == "expected":
                if c.step.moment_of_truth is not None:
                    svg.circle(
                        cx,
                        cy,
                        9.5,
                        fill="none",
                        stroke=pal.MOMENT,
                        stroke_width=2.5,
                        class_="moment-ring",
                    )
                svg.circle(
                    cx,
                    cy,
                    5.5,
                    fill=pal.emotion_colour(v),
                    stroke="#FFFFFF",
                    stroke_width=1.5,
                    class_="emotion-point expected",
                )
                tip = f"{c.step.name}: expected emotion {v:+.0f}"
            else:
                svg.rect(
                    cx - 5,
                    cy - 5,
                    10,
                    10,
                    fill=colour,
                    stroke="#FFFFFF",
                    stroke_width=1.5,
                    class_="emotion-point felt",
                )
                n = overlay.step(c.step.id).felt_n if overlay is not None else None
                tip = f"{c.step.name}: felt emotion {v:+.1f}" + (
                    f" ({fmt_number(n)} measurements)" if n else ""
                )
            ring = name == "expected" and c.step.moment_of_truth is not None
            # the higher of the two values is labelled above, the lower below: never crossed
            e, f = expected(c), felt(c)
            above = (name == "expected") != (e is not None and f is not None and f > e)
            label_y = (cy - (14 if ring else 9)) if above else cy + (22 if ring else 18)
            svg.text(
                cx,
                label_y,
                _signed(v, 1 if name == "felt" else 0),
                size=10,
                anchor="middle",
                class_=f"emotion-value {name}",
                title=tip,
            )
    svg.close("g")
    svg.line(left, y + h, right, y + h, stroke=pal.RULE)
    return y + h

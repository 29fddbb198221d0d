"""The journey map: the designed journey in one picture, with what really happened on top.

Stages run across, each step is a column; lanes run down: the step, what the customer
does, touchpoints and channels, the expected emotion as a curve, moments of truth, pain
points and opportunities. With a :class:`~journeyscope.render.overlay.JourneyOverlay` the
map adds the actual journey: the felt emotion beside the expected curve, and lanes for the
customers reaching each step, the drop-off there, the median time from the previous step
and the share of arrivals that followed the design.

:func:`journey_map_svg` is a pure function: model (and overlay) in, SVG text out.

>>> from journeyscope.definitions import Journey
>>> design = Journey.model_validate({"id": "j", "name": "Renew", "job_to_be_done": "renew",
...     "outcome": {"description": "done", "step": "b"},
...     "stages": [{"id": "s", "name": "Apply", "steps": [
...         {"id": "a", "name": "Apply online", "emotion": 1},
...         {"id": "b", "name": "Receive", "emotion": 2}]}]})
>>> svg = journey_map_svg(design, embed_font=False)
>>> svg.startswith("<svg") and "Apply online" in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

from journeyscope.definitions.models import Journey, Step, format_duration
from journeyscope.render import palette as pal
from journeyscope.render._grid import (
    COL_W,
    LABEL_W,
    MARGIN,
    PAD,
    ROW_GAP,
    SIZE,
    Cell,
    Column,
    lane,
    right_edge,
    rows_of,
    stage_bands,
    stage_lane,
)
from journeyscope.render._svg import (
    Svg,
    ellipsize,
    fmt_duration,
    fmt_number,
    fmt_share,
    line_height,
    text_width,
    wrap,
)
from journeyscope.render.overlay import JourneyOverlay, StepActual

EMOTION_H: Final = 132.0  # height of the emotion plot
CSS_CLASS: Final = "js-journey-map"

_CSS: Final = (
    f".{CSS_CLASS} .lane-label{{fill:{pal.INK};}}"
    f".{CSS_CLASS} .muted{{fill:{pal.MUTED};}}"
    f".{CSS_CLASS} text{{fill:{pal.INK};}}"
    f".{CSS_CLASS} .on-dark{{fill:#FFFFFF;}}"
)


def journey_map_svg(
    journey: Journey,
    overlay: JourneyOverlay | None = None,
    *,
    embed_font: bool = True,
) -> str:
    """The journey map of ``journey`` as an SVG document.

    Parameters
    ----------
    journey
        The designed journey (apply a variant first with :meth:`Journey.variant`).
    overlay
        Actual numbers per step; ``None`` draws the design alone.
    embed_font
        Inline the typeface (leave it out when the page around the SVG already has it).
    """
    rows = rows_of(journey)
    width = max((right_edge(columns) for columns in rows), default=400.0) + MARGIN
    svg = Svg()
    y = _header(svg, journey, overlay, width)
    for i, columns in enumerate(rows):
        y = _row(svg, journey, columns, y + (ROW_GAP if i else 0.0), overlay)
    y = _legend(svg, journey, y + 12, overlay, width)
    return svg.render(
        width,
        y + MARGIN,
        title=f"Journey map: {journey.name}",
        css=_CSS,
        embed_font=embed_font,
        class_=CSS_CLASS,
    )


def _row(
    svg: Svg, journey: Journey, columns: list[Column], y: float, overlay: JourneyOverlay | None
) -> float:
    """One row of stages with every lane; returns its bottom."""
    stage_top = y
    body = Svg()
    y = stage_lane(body, columns, y)
    lanes: list[tuple[str, str, Cell]] = [
        ("steps", "Step", _step_cells(columns)),
        ("actions", "Customer does", _action_cell),
        ("touchpoints", "Touchpoints and channels", _touchpoint_cell),
    ]
    for key, label, cell in lanes:
        y = lane(body, key, label, columns, y, cell)
    y = _emotion_lane(body, journey, columns, y, overlay)
    more: list[tuple[str, str, Cell]] = [
        ("moments", "Moments of truth", _moment_cell),
        ("pain_points", "Pain points", _list_cell(lambda s: s.pain_points, "–")),
        ("opportunities", "Opportunities", _list_cell(lambda s: s.opportunities, "+")),
    ]
    for key, label, cell in more:
        y = lane(body, key, label, columns, y, cell)
    if overlay is not None:
        y = _overlay_lanes(body, journey, columns, y, overlay)
    stage_bands(svg, columns, stage_top, y)
    svg.parts.extend(body.parts)
    return y


# ------------------------------------------------------------------------------ header


def _header(svg: Svg, journey: Journey, overlay: JourneyOverlay | None, width: float) -> float:
    y = MARGIN
    inner = max(width - 2 * MARGIN, 400.0)
    svg.text_block(
        MARGIN, y, journey.name, width=inner, size=18, bold=True, max_lines=1, class_="map-title"
    )
    y += line_height(18) + 2
    job = f"Job to be done: {journey.job_to_be_done}"
    y += svg.text_block(
        MARGIN, y, job, width=min(inner, 900.0), size=12, max_lines=2, class_="muted"
    )
    outcome = f"Outcome: {journey.outcome.description}"
    if journey.outcome.within is not None:
        outcome += f" (within {format_duration(journey.outcome.within)})"
    if overlay is not None and overlay.cases:
        reached = (
            f" — reached by {fmt_number(overlay.reached_outcome)} of {fmt_number(overlay.cases)} "
            f"cases ({fmt_share(overlay.reached_outcome / overlay.cases)})"
            if overlay.reached_outcome is not None
            else ""
        )
        outcome += reached
    y += svg.text_block(
        MARGIN, y, outcome, width=min(inner, 900.0), size=12, max_lines=2, class_="muted"
    )
    return y + 10


# ------------------------------------------------------------------------------- lanes


def _step_box_height(step: Step) -> float:
    inner = COL_W - PAD - 16 - (14 if step.moment_of_truth else 0)
    lines, _ = wrap(step.name, inner, 12, max_lines=3, bold=True)
    tags = step.optional or step.anytime
    return len(lines) * line_height(12) + 12 + (line_height(10) if tags else 0)


def _step_cells(columns: list[Column]) -> Cell:
    """Step boxes, all as tall as the tallest."""
    h = max(_step_box_height(c.step) for c in columns)

    def draw(svg: Svg, column: Column, y: float) -> float:
        step = column.step
        x, w = column.x + PAD / 2, COL_W - PAD
        inner = w - 16 - (14 if step.moment_of_truth else 0)
        tags = [t for t, on in (("optional", step.optional), ("any time", step.anytime)) if on]
        dash = "5 3" if step.optional or step.anytime else None
        border = pal.MOMENT if step.moment_of_truth else "#8C959F"
        svg.rect(
            x,
            y,
            w,
            h,
            rx=6,
            fill="#FFFFFF",
            stroke=border,
            stroke_width=2.5 if step.moment_of_truth else 1.2,
            stroke_dasharray=dash,
            class_="step-box",
            data_step=step.id,
        )
        svg.text_block(
            x + 8,
            y + 6,
            step.name,
            width=inner,
            size=12,
            bold=True,
            max_lines=3,
            class_="step-name",
        )
        if step.moment_of_truth:
            svg.text(
                x + w - 16,
                y + 18,
                "★",
                size=14,
                fill=pal.MOMENT,
                class_="moment-star",
                title=f"Moment of truth: {step.moment_of_truth.why}",
            )
        if tags:
            svg.text(x + 8, y + h - 6, " · ".join(tags), size=10, class_="muted step-tags")
        return h

    return draw


def _action_cell(svg: Svg, column: Column, y: float) -> float:
    text = column.step.blueprint.customer_action or column.step.description
    if not text:
        return 0.0
    return svg.text_block(
        column.x + PAD, y, text, width=COL_W - 2 * PAD, size=SIZE, max_lines=5, class_="cell-text"
    )


def _pill(svg: Svg, x: float, y: float, label: str, *, max_w: float) -> float:
    """A channel pill at (x, y); returns its width."""
    size = 10.0
    shown = ellipsize(label, max_w - 12, size)
    w = text_width(shown, size) + 12
    fill = pal.channel_colour(label)
    svg.rect(x, y, w, 16, rx=8, fill=fill, class_="channel-pill", data_channel=label)
    svg.text(
        x + 6,
        y + 12,
        shown,
        size=size,
        fill=pal.text_on(fill),
        class_="on-dark channel-label" if pal.text_on(fill) != pal.INK else "channel-label",
        title=label if shown != label else None,
    )
    return w


def _touchpoint_cell(svg: Svg, column: Column, y: float) -> float:
    step = column.step
    x0, right = column.x + PAD, column.x + COL_W - PAD
    x, top = x0, y
    channels = list(
        dict.fromkeys([*step.channels, *(t.channel for t in step.touchpoints if t.channel)])
    )
    for channel in channels:
        w = text_width(ellipsize(channel, right - x0 - 12, 10), 10) + 12
        if x + w > right and x > x0:
            x, top = x0, top + 20
        x += _pill(svg, x, top, channel, max_w=right - x0) + 4
    used = (top - y + 20) if channels else 0.0
    shown = step.touchpoints[:4]
    for tp in shown:
        used += 3
        label = tp.name
        used += svg.text_block(
            x0,
            y + used,
            f"• {label}",
            width=right - x0,
            size=SIZE,
            max_lines=2,
            class_="touchpoint",
        )
    hidden = step.touchpoints[4:]
    if hidden:
        used += 2
        svg.text(
            x0,
            y + used + SIZE,
            f"+{len(hidden)} more",
            size=SIZE,
            class_="muted",
            title="; ".join(t.name for t in hidden),
        )
        used += line_height(SIZE)
    return used


def _moment_cell(svg: Svg, column: Column, y: float) -> float:
    moment = column.step.moment_of_truth
    if moment is None:
        return 0.0
    x = column.x + PAD
    svg.text(x, y + 12, "★", size=13, fill=pal.MOMENT, class_="moment-star")
    return svg.text_block(
        x + 16,
        y,
        moment.why,
        width=COL_W - 2 * PAD - 16,
        size=SIZE,
        max_lines=6,
        class_="cell-text",
    )


def _list_cell(items: Callable[[Step], list[str]], bullet: str) -> Cell:
    def draw(svg: Svg, column: Column, y: float) -> float:
        used = 0.0
        entries = items(column.step)
        budget = 8  # lines in all
        for i, item in enumerate(entries):
            if budget <= 0:
                rest = entries[i:]
                svg.text(
                    column.x + PAD,
                    y + used + SIZE,
                    f"+{len(rest)} more",
                    size=SIZE,
                    class_="muted",
                    title="; ".join(rest),
                )
                return used + line_height(SIZE)
            x = column.x + PAD
            svg.text(x, y + used + SIZE * 0.95, bullet, size=SIZE, bold=True, class_="bullet")
            lines, _ = wrap(item, COL_W - 2 * PAD - 12, SIZE, max_lines=min(3, budget))
            svg.text_block(
                x + 12,
                y + used,
                item,
                width=COL_W - 2 * PAD - 12,
                size=SIZE,
                max_lines=min(3, budget),
                class_="cell-text",
            )
            used += len(lines) * line_height(SIZE) + 3
            budget -= len(lines)
        return used

    return draw


# ----------------------------------------------------------------------------- emotion


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


def _emotion_lane(
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


# ----------------------------------------------------------------------------- overlay


def _bar_cell(
    value: Callable[[StepActual, Step], tuple[float | None, str]], colour: str
) -> Callable[[JourneyOverlay], Cell]:
    """A cell with a bar (share 0..1) and a label; ``value`` -> (share, label)."""

    def make(overlay: JourneyOverlay) -> Cell:
        def draw(svg: Svg, column: Column, y: float) -> float:
            share, label = value(overlay.step(column.step.id), column.step)
            if not label:
                return 0.0
            x, w = column.x + PAD, COL_W - 2 * PAD
            if share is not None and not math.isnan(share):
                svg.rect(x, y, w, 8, fill="#E7ECF0", rx=2, class_="bar-track")
                svg.rect(
                    x,
                    y,
                    max(w * min(max(share, 0.0), 1.0), 1.0),
                    8,
                    fill=colour,
                    rx=2,
                    class_="bar",
                )
                top = y + 12
            else:
                top = y
            svg.text_block(x, top, label, width=w, size=SIZE, max_lines=2, class_="cell-text")
            return top - y + line_height(SIZE) * len(wrap(label, w, SIZE, max_lines=2)[0])

        return draw

    return make


def _reach(a: StepActual, s: Step, total: int | None) -> tuple[float | None, str]:
    if a.cases is None:
        return None, ""
    share = a.share_of(total)
    return (
        share,
        f"{fmt_number(a.cases)} cases" + (f" · {fmt_share(share)}" if share is not None else ""),
    )


def _drop(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.drop_off is None:
        return None, ""
    return a.drop_off, f"{fmt_share(a.drop_off)} left here"


def _time(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.median_seconds is None:
        return None, ""
    label = f"median {fmt_duration(a.median_seconds)}"
    if s.time_limit is not None:
        label += f" (limit {format_duration(s.time_limit)}"
        label += f", {fmt_share(a.late)} late)" if a.late is not None else ")"
    return None, label


def _conform(a: StepActual, s: Step) -> tuple[float | None, str]:
    if a.conformance is None:
        return None, ""
    return a.conformance, f"{fmt_share(a.conformance)} arrived as designed"


def _overlay_lanes(
    svg: Svg, journey: Journey, columns: list[Column], y: float, overlay: JourneyOverlay
) -> float:
    svg.rect(
        MARGIN, y + 6, columns[-1].x + COL_W - MARGIN, 2, fill=pal.ACTUAL, class_="overlay-rule"
    )
    svg.text(
        MARGIN,
        y + 24,
        f"Actual journey: {overlay.label}",
        size=13,
        bold=True,
        class_="overlay-title",
    )
    y += 32
    lanes: list[tuple[str, str, Cell]] = [
        (
            "reach",
            "Cases reaching the step",
            _bar_cell(lambda a, s: _reach(a, s, overlay.cases), pal.EXPECTED)(overlay),
        ),
        ("drop_off", "Drop-off here", _bar_cell(_drop, pal.ACTUAL)(overlay)),
        ("time", "Time from the previous step", _bar_cell(_time, pal.MUTED)(overlay)),
        (
            "conformance",
            "Followed the design",
            _bar_cell(_conform, pal.OKABE_ITO["bluish_green"])(overlay),
        ),
    ]
    for key, label, cell in lanes:
        if any(cell(Svg(), c, 0.0) > 0 for c in columns):
            y = lane(svg, key, label, columns, y, cell)
    return y


# ------------------------------------------------------------------------------ legend


def _legend(
    svg: Svg,
    journey: Journey,
    y: float,
    overlay: JourneyOverlay | None,
    width: float,
) -> float:
    x = MARGIN
    right = width - MARGIN
    items: list[tuple[str, Callable[[float, float], None], float]] = []

    def expected(px: float, py: float) -> None:
        svg.line(px, py, px + 24, py, stroke=pal.EXPECTED, stroke_width=2.5)
        svg.circle(px + 12, py, 5, fill=pal.EXPECTED)

    def felt(px: float, py: float) -> None:
        svg.line(px, py, px + 24, py, stroke=pal.ACTUAL, stroke_width=2.5, stroke_dasharray="6 4")
        svg.rect(px + 7, py - 5, 10, 10, fill=pal.ACTUAL)

    def star(px: float, py: float) -> None:
        svg.text(px, py + 5, "★", size=14, fill=pal.MOMENT)
        svg.circle(px + 24, py, 7, fill="none", stroke=pal.MOMENT, stroke_width=2.5)

    def optional(px: float, py: float) -> None:
        svg.rect(px, py - 7, 24, 14, rx=3, fill="#FFFFFF", stroke="#8C959F", stroke_dasharray="5 3")

    items.append(("expected emotion (−2 very negative … +2 very positive)", expected, 30))
    if overlay is not None and overlay.has_emotion:
        items.append(("felt emotion (measured)", felt, 30))
    if any(s.moment_of_truth for s in journey.steps):
        items.append(("moment of truth", star, 34))
    if any(s.optional or s.anytime for s in journey.steps):
        items.append(("optional or any-time step", optional, 30))
    svg.open("g", class_="legend")
    row_h = 22.0
    for label, mark, mark_w in items:
        w = mark_w + 6 + text_width(label, SIZE) + 22
        if x + w > right and x > MARGIN:
            x, y = MARGIN, y + row_h
        mark(x, y + 8)
        svg.text(x + mark_w + 6, y + 12, label, size=SIZE, class_="legend-label")
        x += w
    svg.close("g")
    return y + row_h

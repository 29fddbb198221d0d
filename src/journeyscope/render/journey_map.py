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

from collections.abc import Callable
from typing import Final

from journeyscope.definitions.models import Journey, format_duration
from journeyscope.render import palette as pal
from journeyscope.render._grid import (
    MARGIN,
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
from journeyscope.render._svg import Svg, fmt_number, fmt_share, line_height, text_width
from journeyscope.render.journey_map_emotion import emotion_lane
from journeyscope.render.journey_map_lanes import (
    action_cell,
    list_cell,
    moment_cell,
    step_cells,
    touchpoint_cell,
)
from journeyscope.render.journey_map_overlay import overlay_lanes
from journeyscope.render.overlay import JourneyOverlay

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
        ("steps", "Step", step_cells(columns)),
        ("actions", "Customer does", action_cell),
        ("touchpoints", "Touchpoints and channels", touchpoint_cell),
    ]
    for key, label, cell in lanes:
        y = lane(body, key, label, columns, y, cell)
    y = emotion_lane(body, journey, columns, y, overlay)
    more: list[tuple[str, str, Cell]] = [
        ("moments", "Moments of truth", moment_cell),
        ("pain_points", "Pain points", list_cell(lambda s: s.pain_points, "–")),
        ("opportunities", "Opportunities", list_cell(lambda s: s.opportunities, "+")),
    ]
    for key, label, cell in more:
        y = lane(body, key, label, columns, y, cell)
    if overlay is not None:
        y = overlay_lanes(body, journey, columns, y, overlay)
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

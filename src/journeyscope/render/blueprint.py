"""The service blueprint: what happens behind each step, from the customer to the systems.

Steps run across (grouped by stage, as on the journey map); lanes run down in the classic
order of a service blueprint, with its three lines drawn across:

* physical evidence — what the customer sees, holds or receives;
* customer actions;
* — line of interaction —
* frontstage — what the organisation does where the customer sees it;
* — line of visibility —
* backstage — what staff do out of the customer's sight;
* — line of internal interaction —
* support processes — internal processes and partners;
* systems.

A vertical arrow crosses a line where the step has work on both sides of it: the hand-offs.

>>> from journeyscope.definitions import Journey
>>> design = Journey.model_validate({"id": "j", "name": "Renew", "job_to_be_done": "renew",
...     "outcome": {"description": "done", "step": "a"},
...     "stages": [{"id": "s", "name": "Apply", "steps": [{"id": "a", "name": "Apply online",
...         "blueprint": {"customer_action": "Fills in the form",
...                       "frontstage": ["Online form"], "backstage": ["Case worker checks"]}}]}]})
>>> svg = blueprint_svg(design, embed_font=False)
>>> "line of visibility" in svg and "Case worker checks" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from journeyscope.definitions.models import Journey, Step
from journeyscope.render import palette as pal
from journeyscope.render._grid import (
    COL_W,
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
from journeyscope.render._svg import Svg, line_height, wrap

CSS_CLASS: Final = "js-blueprint"
_CSS: Final = (
    f".{CSS_CLASS} text{{fill:{pal.INK};}}"
    f".{CSS_CLASS} .muted{{fill:{pal.MUTED};}}"
    f".{CSS_CLASS} .line-label{{fill:{pal.INK};font-style:italic;}}"
)
_CARD_TEXT_W: Final = COL_W - 2 * PAD - 14
_MAX_CARDS: Final = 4
_LINE_GAP: Final = 22.0  # room for a blueprint line and its label between two lanes


@dataclass(frozen=True)
class _LaneSpec:
    key: str
    label: str
    items: Callable[[Step], list[str]]
    fill: str
    stroke: str


#: The lanes top to bottom, and the line drawn under each (None: an ordinary rule).
_LANES: Final[tuple[tuple[_LaneSpec, str | None], ...]] = (
    (
        _LaneSpec(
            "evidence",
            "Physical evidence",
            lambda s: s.blueprint.physical_evidence,
            "#F2F2F2",
            "#8C959F",
        ),
        None,
    ),
    (
        _LaneSpec(
            "customer",
            "Customer actions",
            lambda s: [s.blueprint.customer_action] if s.blueprint.customer_action else [],
            "#DCEBF7",
            pal.OKABE_ITO["blue"],
        ),
        "line of interaction",
    ),
    (
        _LaneSpec(
            "frontstage",
            "Frontstage (seen by the customer)",
            lambda s: s.blueprint.frontstage,
            "#FCEFD4",
            pal.OKABE_ITO["orange"],
        ),
        "line of visibility",
    ),
    (
        _LaneSpec(
            "backstage",
            "Backstage (out of sight)",
            lambda s: s.blueprint.backstage,
            "#D9F0E8",
            pal.OKABE_ITO["bluish_green"],
        ),
        "line of internal interaction",
    ),
    (
        _LaneSpec(
            "support",
            "Support processes",
            lambda s: s.blueprint.support_processes,
            "#F5E1EC",
            pal.OKABE_ITO["reddish_purple"],
        ),
        None,
    ),
    (
        _LaneSpec(
            "systems",
            "Systems",
            lambda s: s.blueprint.systems,
            "#EAEEF2",
            pal.MUTED,
        ),
        None,
    ),
)
#: How each line is drawn.
_LINE_STYLE: Final[dict[str, tuple[str | None, float]]] = {
    "line of interaction": (None, 2.0),
    "line of visibility": ("8 5", 2.0),
    "line of internal interaction": ("2 4", 2.0),
}


def _cards(spec: _LaneSpec, spans: dict[tuple[str, str], tuple[float, float]]) -> Cell:
    """Stacked cards, one per item; records each column's (top, bottom) of its cards."""

    def draw(svg: Svg, column: Column, y: float) -> float:
        items = spec.items(column.step)
        used = 0.0
        x, w = column.x + PAD, COL_W - 2 * PAD
        for i, item in enumerate(items[:_MAX_CARDS]):
            if i == _MAX_CARDS - 1 and len(items) > _MAX_CARDS:
                rest = items[i:]
                item = f"+{len(rest)} more: " + "; ".join(rest)
            lines, _ = wrap(item, _CARD_TEXT_W, SIZE, max_lines=3)
            h = len(lines) * line_height(SIZE) + 10
            svg.rect(
                x,
                y + used,
                w,
                h,
                rx=5,
                fill=spec.fill,
                stroke=spec.stroke,
                stroke_width=1,
                class_=f"card card-{spec.key}",
            )
            svg.text_block(
                x + 7,
                y + used + 5,
                item,
                width=_CARD_TEXT_W,
                size=SIZE,
                max_lines=3,
                class_="card-text",
            )
            used += h + 5
        if items:
            spans[(spec.key, column.step.id)] = (y, y + used - 5)
        return max(used - 5, 0.0)

    return draw


def blueprint_svg(journey: Journey, *, embed_font: bool = True) -> str:
    """The service blueprint of ``journey`` as an SVG document."""
    rows = rows_of(journey)
    width = max((right_edge(columns) for columns in rows), default=400.0) + MARGIN
    svg = Svg()
    y = MARGIN
    svg.text_block(
        MARGIN,
        y,
        f"Service blueprint: {journey.name}",
        width=width - 2 * MARGIN,
        size=18,
        bold=True,
        max_lines=1,
        class_="map-title",
    )
    y += line_height(18) + 10
    for i, columns in enumerate(rows):
        y = _row(svg, columns, y + (ROW_GAP if i else 0.0))
    svg.add(
        f'<defs><marker id="js-bp-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{pal.MUTED}"/></marker></defs>'
    )
    return svg.render(
        width,
        y + MARGIN,
        title=f"Service blueprint: {journey.name}",
        css=_CSS,
        embed_font=embed_font,
        class_=CSS_CLASS,
    )


def _row(svg: Svg, columns: list[Column], y: float) -> float:
    """One row of stages with every lane and the blueprint's lines; returns its bottom."""
    top = y
    body = Svg()
    y = stage_lane(body, columns, y)
    y = lane(body, "steps", "Step", columns, y, _step_names(columns))
    spans: dict[tuple[str, str], tuple[float, float]] = {}
    lines: list[tuple[str, float, str, str]] = []  # (label, y, lane above, lane below)
    for i, (spec, line_below) in enumerate(_LANES):
        y = lane(
            body, spec.key, spec.label, columns, y, _cards(spec, spans), rule=line_below is None
        )
        if line_below is not None:
            lines.append((line_below, y + _LINE_GAP / 2, spec.key, _LANES[i + 1][0].key))
            y += _LINE_GAP
    stage_bands(svg, columns, top, y)
    svg.parts.extend(body.parts)
    for label, ly, above, below in lines:
        dash, stroke_w = _LINE_STYLE[label]
        svg.line(
            MARGIN,
            ly,
            right_edge(columns),
            ly,
            stroke=pal.INK,
            stroke_width=stroke_w,
            stroke_dasharray=dash,
            class_="blueprint-line",
            data_line=label,
        )
        svg.text(MARGIN + 2, ly - 4, label, size=10, class_="line-label")
        for column in columns:
            a, b = spans.get((above, column.step.id)), spans.get((below, column.step.id))
            if a and b:
                _arrow(svg, column.cx, a[1] + 1, b[0] - 1)
    return y


def _arrow(svg: Svg, x: float, y1: float, y2: float) -> None:
    """A two-way hand-off arrow across a line, from one lane's cards to the next lane's."""
    if y2 - y1 < 6:
        return
    svg.line(
        x,
        y1,
        x,
        y2,
        stroke=pal.MUTED,
        stroke_width=1.3,
        marker_end="url(#js-bp-arrow)",
        marker_start="url(#js-bp-arrow)",
        class_="handoff",
    )


def _step_names(columns: list[Column]) -> Cell:
    def draw(svg: Svg, column: Column, y: float) -> float:
        return svg.text_block(
            column.x + PAD,
            y,
            column.step.name,
            width=COL_W - 2 * PAD,
            size=12,
            bold=True,
            max_lines=3,
            class_="step-name",
        )

    return draw

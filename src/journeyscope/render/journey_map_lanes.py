"""The journey map's design lanes: step boxes, what the customer does, touchpoints and
channels, moments of truth, and the bulleted lists (pain points, opportunities).

Each is a :data:`~journeyscope.render._grid.Cell`: it draws one step's cell and returns its
height."""

from __future__ import annotations

from collections.abc import Callable

from journeyscope.definitions.models import Step
from journeyscope.render import palette as pal
from journeyscope.render._grid import COL_W, PAD, SIZE, Cell, Column
from journeyscope.render._svg import Svg, ellipsize, line_height, text_width, wrap


def _step_box_height(step: Step) -> float:
    inner = COL_W - PAD - 16 - (14 if step.moment_of_truth else 0)
    lines, _ = wrap(step.name, inner, 12, max_lines=3, bold=True)
    tags = step.optional or step.anytime
    return len(lines) * line_height(12) + 12 + (line_height(10) if tags else 0)


def step_cells(columns: list[Column]) -> Cell:
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


def action_cell(svg: Svg, column: Column, y: float) -> float:
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


def touchpoint_cell(svg: Svg, column: Column, y: float) -> float:
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


def moment_cell(svg: Svg, column: Column, y: float) -> float:
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


def list_cell(items: Callable[[Step], list[str]], bullet: str) -> Cell:
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

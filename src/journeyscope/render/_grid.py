"""The grid shared by the journey map and the service blueprint: steps as columns grouped by
stage, lanes as rows with a label on the left, stage bands behind them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from journeyscope.definitions.models import Journey, Stage, Step
from journeyscope.render import palette as pal
from journeyscope.render._svg import Svg, line_height, wrap

MARGIN: Final = 16.0
LABEL_W: Final = 150.0  # lane label column
COL_W: Final = 172.0  # one step
PAD: Final = 8.0
SIZE: Final = 11.0  # body text


@dataclass(frozen=True)
class Column:
    """One step's column."""

    step: Step
    stage: Stage
    x: float  # left edge

    @property
    def cx(self) -> float:
        return self.x + COL_W / 2


#: Draws one cell at the lane's content top ``y``; returns the height it used.
Cell = Callable[[Svg, Column, float], float]


def columns_of(journey: Journey) -> list[Column]:
    columns: list[Column] = []
    x = MARGIN + LABEL_W
    for stage in journey.stages:
        for step in stage.steps:
            columns.append(Column(step, stage, x))
            x += COL_W
    return columns


def right_edge(columns: list[Column]) -> float:
    return columns[-1].x + COL_W


def stage_spans(columns: list[Column]) -> list[tuple[Stage, Column, Column]]:
    spans: list[tuple[Stage, Column, Column]] = []
    for column in columns:
        if spans and spans[-1][0] is column.stage:
            spans[-1] = (column.stage, spans[-1][1], column)
        else:
            spans.append((column.stage, column, column))
    return spans


def label_height(label: str) -> float:
    return len(wrap(label, LABEL_W - 22, 12, max_lines=3, bold=True)[0]) * line_height(12)


def lane_label(svg: Svg, label: str, y: float, h: float, key: str) -> None:
    svg.rect(MARGIN, y, LABEL_W - 6, h, fill=pal.PANEL, rx=4, class_="lane-box", data_lane=key)
    svg.text_block(
        MARGIN + 8,
        y + PAD,
        label,
        width=LABEL_W - 22,
        size=12,
        bold=True,
        max_lines=3,
        class_="lane-label",
    )


def stage_lane(svg: Svg, columns: list[Column], y: float) -> float:
    """Stage names (and goals) across the stages' columns."""
    cells = Svg()
    height = 0.0
    for stage, first, last in stage_spans(columns):
        w = last.x + COL_W - first.x - 2 * PAD
        used = cells.text_block(
            first.x + PAD,
            y + PAD,
            stage.name,
            width=w,
            size=14,
            bold=True,
            max_lines=2,
            class_="stage-name",
        )
        if stage.goal:
            used += 2 + cells.text_block(
                first.x + PAD,
                y + PAD + used + 2,
                stage.goal,
                width=w,
                size=SIZE,
                max_lines=3,
                class_="muted stage-goal",
            )
        height = max(height, used)
    h = max(height, label_height("Stage")) + 2 * PAD
    lane_label(svg, "Stage", y, h, "stages")
    svg.parts.extend(cells.parts)
    svg.line(MARGIN + LABEL_W, y + h, right_edge(columns), y + h, stroke=pal.RULE)
    return y + h


def lane(
    svg: Svg,
    key: str,
    label: str,
    columns: list[Column],
    y: float,
    cell: Cell,
    *,
    rule: bool = True,
) -> float:
    """One lane: its label, then a cell per column; returns the lane's bottom."""
    cells = Svg()
    height = 0.0
    for column in columns:
        height = max(height, cell(cells, column, y + PAD))
    h = max(height, label_height(label), line_height(SIZE)) + 2 * PAD
    lane_label(svg, label, y, h, key)
    svg.open("g", class_=f"lane lane-{key}", data_lane=key)
    svg.parts.extend(cells.parts)
    svg.close("g")
    if rule:
        svg.line(MARGIN + LABEL_W, y + h, right_edge(columns), y + h, stroke=pal.RULE)
    return y + h


def stage_bands(svg: Svg, columns: list[Column], top: float, bottom: float) -> None:
    """Alternating backgrounds behind each stage's columns, and a rule between stages."""
    for i, (stage, first, last) in enumerate(stage_spans(columns)):
        svg.rect(
            first.x,
            top,
            last.x + COL_W - first.x,
            bottom - top,
            fill="#FFFFFF" if i % 2 == 0 else "#F3F6F9",
            class_="stage-band",
            data_stage=stage.id,
        )
    for before, column in itertools.pairwise(columns):
        if column.stage is not before.stage:
            svg.line(column.x, top, column.x, bottom, stroke=pal.RULE, stroke_width=1.5)

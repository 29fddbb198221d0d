"""The grid shared by the journey map and the service blueprint: steps as columns grouped by
stage, lanes as rows with a label on the left, stage bands behind them.

A journey with more steps than fit in :data:`ROW_W` pixels is drawn in **rows**: its stages
wrap onto the next row (a stage longer than a row is split between steps), each row with all
its lanes, so the picture fits a 1,024 px screen at full size instead of running off the
right edge."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from journeyscope.definitions.models import Journey, Stage, Step
from journeyscope.render import palette as pal
from journeyscope.render._svg import Svg, line_height, wrap

MARGIN: Final = 16.0
LABEL_W: Final = 140.0  # lane label column
COL_W: Final = 150.0  # one step
ROW_W: Final = 960.0  # the widest a picture draws before its stages wrap onto another row
ROW_GAP: Final = 28.0  # between two rows of stages
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


def rows_of(journey: Journey, max_width: float = ROW_W) -> list[list[Column]]:
    """The step columns in rows at most ``max_width`` wide: a stage moves to the next row when
    it does not fit whole on this one; a stage longer than a row is split between steps.

    >>> from journeyscope.definitions import Journey
    >>> steps = lambda n: [{"id": f"s{n}{i}", "name": f"Step {i}"} for i in range(n)]
    >>> j = Journey.model_validate({"id": "j", "name": "J", "job_to_be_done": "x",
    ...     "outcome": {"description": "d"}, "stages": [
    ...     {"id": "a", "name": "A", "steps": steps(3)},
    ...     {"id": "b", "name": "B", "steps": steps(4)}]})
    >>> [len(row) for row in rows_of(j)]
    [3, 4]
    >>> [len(row) for row in rows_of(j, max_width=10_000)]
    [7]
    """
    per_row = max(1, int((max_width - 2 * MARGIN - LABEL_W) // COL_W))
    rows: list[list[tuple[Step, Stage]]] = []
    current: list[tuple[Step, Stage]] = []
    for stage in journey.stages:
        if current and len(current) + len(stage.steps) > per_row:
            rows.append(current)
            current = []
        for step in stage.steps:
            if len(current) == per_row:
                rows.append(current)
                current = []
            current.append((step, stage))
    if current:
        rows.append(current)
    return [
        [Column(step, stage, MARGIN + LABEL_W + i * COL_W) for i, (step, stage) in enumerate(row)]
        for row in rows
    ]


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

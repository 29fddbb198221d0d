"""The Sankey of paths: how cases flow from their start, step by step, to their end.

Columns are positions in the journey: a case's first activity is in column 1, the next new
activity in column 2, and so on. When a case goes back to an activity it already did, the
flow returns to the node of that first visit: a **back-flow**, coloured vermillion, which
Plotly routes as a loop under the nodes. So every flow to the left is a real loop, never
an artefact of customers doing steps in different orders (those appear as the same
activity in two columns). Cases end at the outcome (when the design names one) or leave
before it.

Input: the most frequent paths (variants) as :class:`PathCount`; output: a Plotly figure as
a plain dict (JSON-ready), to draw with the plotly.js the report inlines.

>>> fig = sankey_figure([PathCount(("Apply", "Pay"), 8), PathCount(("Apply",), 2)],
...                     outcome={"Pay"})
>>> fig["data"][0]["node"]["customdata"]
['Start', 'Apply', 'Pay', 'Reached the outcome', 'Left before the outcome']
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import plotly.graph_objects as go

from journeyscope.render import palette as pal
from journeyscope.render._svg import FONT_FAMILY, wrap

_LABEL_W: Final = 128.0  # node labels wrap at this width, two lines at most
_COLUMN_W: Final = 170.0  # room per column: a node and its label
_LABELLED: Final = 0.015  # nodes with less of the cases than this are named on hover only
_START: Final = "Start"
_REACHED: Final = "Reached the outcome"
_LEFT: Final = "Left before the outcome"
_END: Final = "End"

Node = tuple[str, int]  # (name, column)


@dataclass(frozen=True)
class PathCount:
    """One path (the activities of a case, in order) and how many cases took it."""

    activities: tuple[str, ...]
    cases: int


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _flows(
    paths: Sequence[PathCount], goal: set[str], collapse_repeats: bool
) -> tuple[dict[tuple[Node, Node], int], set[tuple[Node, Node]]]:
    """Flows between (name, column) nodes, and which of them go back to an earlier visit."""
    flows: dict[tuple[Node, Node], int] = defaultdict(int)
    back: set[tuple[Node, Node]] = set()
    ends: list[tuple[Node, str, int]] = []
    last_column = 0
    for path in paths:
        steps = list(path.activities)
        if collapse_repeats:
            steps = [a for i, a in enumerate(steps) if i == 0 or steps[i - 1] != a]
        if not steps:
            continue
        first_visit: dict[str, int] = {}
        here: Node = (_START, 0)
        for activity in steps:
            if activity in first_visit:
                node = (activity, first_visit[activity])
                if node[1] <= here[1]:
                    back.add((here, node))
            else:
                first_visit[activity] = len(first_visit) + 1
                node = (activity, first_visit[activity])
            flows[(here, node)] += path.cases
            here = node
        last_column = max(last_column, len(first_visit))
        finish = (_REACHED if goal.intersection(steps) else _LEFT) if goal else _END
        ends.append((here, finish, path.cases))
    for here, finish, cases in ends:
        flows[(here, (finish, last_column + 1))] += cases
    return flows, back


def sankey_figure(
    paths: Sequence[PathCount],
    *,
    outcome: Collection[str] = (),
    collapse_repeats: bool = True,
    title: str = "",
    height: int | None = None,
) -> dict[str, Any]:
    """A Plotly Sankey figure of ``paths``.

    Parameters
    ----------
    outcome
        Activities that mean the outcome was reached: paths through one end at
        "Reached the outcome", the others at "Left before the outcome". Empty: one "End".
    collapse_repeats
        Draw immediate repeats of an activity (``A, A``) once.
    """
    flows, back = _flows(paths, set(outcome), collapse_repeats)
    total = sum(p.cases for p in paths) or 1
    size: dict[Node, int] = defaultdict(int)
    for (a, b), v in flows.items():
        size[a] = max(size[a], 0)
        size[b] += v
    size[(_START, 0)] = total
    rank = _activity_rank(flows)
    nodes = sorted(size, key=lambda n: (n[1], rank.get(n[0], len(rank)), n[0]))
    index = {n: i for i, n in enumerate(nodes)}
    columns = max((n[1] for n in nodes), default=1) or 1
    x, y = _positions(nodes, size, columns)
    colour = {
        _START: pal.OKABE_ITO["bluish_green"],
        _REACHED: pal.OKABE_ITO["blue"],
        _LEFT: "#8C8C8C",
        _END: "#57606A",
    }
    links = sorted(flows.items(), key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))
    is_back = [k in back for k, _ in links]
    trace = go.Sankey(
        arrangement="snap",
        valueformat=",d",
        valuesuffix=" cases",
        node=dict(
            label=[_label(n[0]) if size[n] >= _LABELLED * total else "" for n in nodes],
            x=[x[n] for n in nodes],
            y=[y[n] for n in nodes],
            customdata=[n[0] for n in nodes],
            hovertemplate="%{customdata}<br>%{value:,d} cases<extra></extra>",
            color=[colour.get(n[0], pal.OKABE_ITO["sky_blue"]) for n in nodes],
            pad=26,
            thickness=14,
            line=dict(color="#FFFFFF", width=0.5),
        ),
        link=dict(
            source=[index[a] for (a, _), _ in links],
            target=[index[b] for (_, b), _ in links],
            value=[v for _, v in links],
            customdata=[
                f"{a[0]} → {b[0]}" + (" (back to a step done before)" if bk else "")
                for ((a, b), _), bk in zip(links, is_back, strict=True)
            ],
            hovertemplate="%{customdata}<br>%{value:,d} cases<extra></extra>",
            color=[_rgba(pal.LOOP, 0.55) if bk else "rgba(87,96,106,0.28)" for bk in is_back],
        ),
    )
    per_column: dict[int, int] = defaultdict(int)
    for n in nodes:
        per_column[n[1]] += 1
    tallest = max(per_column.values(), default=1)
    layout = go.Layout(
        title=dict(text=title) if title else None,
        font=dict(family=FONT_FAMILY, size=12, color=pal.INK),
        height=height or max(480, min(1400, 62 * tallest + 240)),
        width=max(900, int(_COLUMN_W * (columns + 1))),
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        paper_bgcolor="#FFFFFF",
    )
    figure: dict[str, Any] = json.loads(go.Figure(data=[trace], layout=layout).to_json())
    return figure


def _activity_rank(flows: dict[tuple[Node, Node], int]) -> dict[str, int]:
    """Activities by the cases flowing into them, most first: the order within a column."""
    into: dict[str, int] = defaultdict(int)
    for (_, b), v in flows.items():
        into[b[0]] += v
    ordered = sorted(into, key=lambda a: (-into[a], a))
    rank = {a: i for i, a in enumerate(ordered)}
    rank[_START] = -1
    for i, end in enumerate((_REACHED, _LEFT, _END)):
        rank[end] = len(ordered) + i
    return rank


def _label(name: str) -> str:
    """A node label wrapped onto at most two lines (the full name is on hover)."""
    lines, _ = wrap(name, _LABEL_W, 12, max_lines=2)
    return "<br>".join(html.escape(line) for line in lines)


def _positions(
    nodes: list[Node], size: dict[Node, int], columns: int
) -> tuple[dict[Node, float], dict[Node, float]]:
    """Node centres in 0..1: x by column, y stacked by flow within the column."""
    x = {n: 0.001 + 0.998 * n[1] / columns for n in nodes}
    by_column: dict[int, list[Node]] = defaultdict(list)
    for n in nodes:
        by_column[n[1]].append(n)
    heaviest = max((sum(size[n] for n in col) for col in by_column.values()), default=1) or 1
    y: dict[Node, float] = {}
    for col in by_column.values():
        total = sum(size[n] for n in col) or 1
        span = 0.9 * total / heaviest
        at = 0.0
        for n in col:
            y[n] = 0.05 + span * (at + size[n] / 2) / total
            at += size[n]
    return x, y

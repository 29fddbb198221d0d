"""The Sankey of paths: how cases flow from their start through activities to their end.

Each activity is one node, so a case that goes back to something it already did draws a
**back-flow**: Plotly routes it as a loop under the nodes, and it is coloured vermillion.
Cases end either at the outcome (when the design names one) or leave before it.

Input: the most frequent paths (variants) as :class:`PathCount`; output: a Plotly figure as
a plain dict (JSON-ready), to draw with the plotly.js the report inlines.

>>> fig = sankey_figure([PathCount(("Apply", "Pay"), 8), PathCount(("Apply",), 2)],
...                     outcome={"Pay"})
>>> fig["data"][0]["node"]["customdata"]
['Start', 'Apply', 'Pay', 'Reached the outcome', 'Left before the outcome']
"""

from __future__ import annotations

import html
import itertools
import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import plotly.graph_objects as go

from journeyscope.render import palette as pal
from journeyscope.render._layered import layered_layout
from journeyscope.render._svg import FONT_FAMILY, wrap

_LABEL_W: Final = 118.0  # node labels wrap at this width, three lines at most
_COLUMN_W: Final = 158.0  # room per column: a node and its label


@dataclass(frozen=True)
class PathCount:
    """One path (the activities of a case, in order) and how many cases took it."""

    activities: tuple[str, ...]
    cases: int


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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
    start, reached, left, end = "Start", "Reached the outcome", "Left before the outcome", "End"
    flows: dict[tuple[str, str], int] = defaultdict(int)
    back: dict[tuple[str, str], int] = defaultdict(int)
    position: dict[str, list[int]] = defaultdict(list)
    through: dict[str, int] = defaultdict(int)
    goal = set(outcome)
    for path in paths:
        steps = list(path.activities)
        if collapse_repeats:
            steps = [a for i, a in enumerate(steps) if i == 0 or steps[i - 1] != a]
        if not steps:
            continue
        finish = (reached if goal.intersection(steps) else left) if goal else end
        seen: set[str] = set()
        chain = [start, *steps, finish]
        for i, (a, b) in enumerate(itertools.pairwise(chain)):
            flows[(a, b)] += path.cases
            if b in seen:
                back[(a, b)] += path.cases
            seen.add(a)
            if 0 < i + 1 < len(chain) - 1:
                position[b].append(i)
                through[b] += path.cases
    activities = sorted(position, key=lambda a: (-through[a], a))
    ends = [n for n in (reached, left, end) if any(t == n for _, t in flows)]
    labels = [start, *activities, *ends]
    index = {n: i for i, n in enumerate(labels)}
    placed = layered_layout(
        labels,
        [(a, b, float(v)) for (a, b), v in flows.items()],
        width=dict.fromkeys(labels, 1.0),
        first=start,
        last=tuple(ends),
        gap=1.0,
    )
    columns = max(placed.layer.values(), default=1)
    x, y = _positions(labels, placed.layer, placed.order, flows)
    node_colour = {
        start: pal.OKABE_ITO["bluish_green"],
        reached: pal.OKABE_ITO["blue"],
        left: "#8C8C8C",
        end: "#57606A",
    }
    links = sorted(flows.items(), key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))
    is_back = [back.get(k, 0) * 2 > v for k, v in links]
    trace = go.Sankey(
        arrangement="snap",
        valueformat=",d",
        valuesuffix=" cases",
        node=dict(
            label=[_label(n) for n in labels],
            x=[x[n] for n in labels],
            y=[y[n] for n in labels],
            customdata=labels,
            hovertemplate="%{customdata}<br>%{value:,d} cases<extra></extra>",
            color=[node_colour.get(n, pal.OKABE_ITO["sky_blue"]) for n in labels],
            pad=14,
            thickness=14,
            line=dict(color="#FFFFFF", width=0.5),
        ),
        link=dict(
            source=[index[a] for (a, _), _ in links],
            target=[index[b] for (_, b), _ in links],
            value=[v for _, v in links],
            customdata=[
                f"{a} → {b}" + (" (back-flow: done before)" if bk else "")
                for ((a, b), _), bk in zip(links, is_back, strict=True)
            ],
            hovertemplate="%{customdata}<br>%{value:,d} cases<extra></extra>",
            color=[_rgba(pal.LOOP, 0.55) if bk else "rgba(87,96,106,0.28)" for bk in is_back],
        ),
    )
    tallest = max((len(r) for r in placed.order), default=1)
    layout = go.Layout(
        title=dict(text=title) if title else None,
        font=dict(family=FONT_FAMILY, size=12, color=pal.INK),
        height=height or max(460, min(1200, 64 * tallest + 220)),
        width=max(900, int(_COLUMN_W * (columns + 1))),
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        paper_bgcolor="#FFFFFF",
    )
    figure: dict[str, Any] = json.loads(go.Figure(data=[trace], layout=layout).to_json())
    return figure


def _label(name: str) -> str:
    """A node label wrapped onto at most three lines (the full name is on hover)."""
    lines, _ = wrap(name, _LABEL_W, 12, max_lines=3)
    return "<br>".join(html.escape(line) for line in lines)


def _positions(
    labels: list[str],
    layer: dict[str, int],
    order: list[list[str]],
    flows: dict[tuple[str, str], int],
) -> tuple[dict[str, float], dict[str, float]]:
    """Node centres in 0..1: columns from the layered layout, rows stacked by flow."""
    size: dict[str, int] = defaultdict(int)
    for (a, b), v in flows.items():
        size[a] += v
        size[b] += v
    columns = max(layer.values(), default=1)
    x = {n: 0.001 + 0.998 * layer[n] / max(columns, 1) for n in labels}
    y: dict[str, float] = {}
    rows = [[n for n in row if n in layer] for row in order]
    heaviest = max((sum(size[n] for n in row) for row in rows), default=1) or 1
    for row in rows:
        total = sum(size[n] for n in row) or 1
        span = 0.92 * total / heaviest
        at = 0.0
        for n in row:
            y[n] = 0.04 + span * (at + size[n] / 2) / total
            at += size[n]
    return x, y

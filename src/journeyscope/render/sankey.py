"""The Sankey of paths: how cases flow from their start, step by step, to their end.

Columns are positions in the journey: a case's first activity is in column 1, the next new
activity in column 2, and so on. When a case goes back to an activity it already did, the
flow is drawn as a **back-move**: a short vermillion link from where the case was into a
marked node "↺ back to X" just right of it; the case carries on from X's node, where it
first did X. So no flow runs leftwards under the nodes (Plotly draws those as wide loops that
cross the labels), every back-move is a real loop, never an artefact of customers doing
steps in different orders (those appear as the same activity in two columns), and an
activity that is repeated is not redrawn in column after column. Cases end at the outcome
(when the design names one) or leave before it.

Options a reader can choose: ``depth`` (how many columns are drawn; a longer path goes
straight to its end after the last one, the link saying how many steps were left out) and
``hide`` (activities taken out of every path before drawing, e.g. a survey that is sent
at many points and would appear in many columns).

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
BACK: Final = "↺ back to "  # the name of a back-move's node starts with this

Node = tuple[str, float]  # (name, column); a back-move's node sits half a column right


@dataclass(frozen=True)
class PathCount:
    """One path (the activities of a case, in order) and how many cases took it."""

    activities: tuple[str, ...]
    cases: int


@dataclass
class _Flows:
    """Cases between (name, column) nodes, with what each link means."""

    cases: dict[tuple[Node, Node], int]
    back: set[tuple[Node, Node]]  # a back-move: the case returns to an activity done before
    cut: dict[tuple[Node, Node], int]  # links past ``depth``: the most steps left out


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _flows(
    paths: Sequence[PathCount],
    goal: set[str],
    collapse_repeats: bool,
    depth: int | None,
    hide: set[str],
) -> _Flows:
    flows = _Flows(defaultdict(int), set(), {})
    ends: list[tuple[Node, str, int, int]] = []
    last_column = 0
    for path in paths:
        done = goal.intersection(path.activities)
        steps = [a for a in path.activities if a not in hide]
        if collapse_repeats:
            steps = [a for i, a in enumerate(steps) if i == 0 or steps[i - 1] != a]
        if not steps:
            continue
        first_visit: dict[str, int] = {}
        here: Node = (_START, 0)
        left_out = 0
        for k, activity in enumerate(steps):
            if activity in first_visit:
                node: Node = (activity, first_visit[activity])
                if node[1] <= here[1]:  # a back-move: into its own marked node
                    stub: Node = (BACK + activity, here[1] + 0.5)
                    flows.cases[(here, stub)] += path.cases
                    flows.back.add((here, stub))
                    here = node
                    continue
            elif depth is not None and len(first_visit) >= depth:
                left_out = len(steps) - k
                break
            else:
                first_visit[activity] = len(first_visit) + 1
                node = (activity, first_visit[activity])
            flows.cases[(here, node)] += path.cases
            here = node
        last_column = max(last_column, len(first_visit))
        finish = (_REACHED if done else _LEFT) if goal else _END
        ends.append((here, finish, path.cases, left_out))
    for here, finish, cases, left_out in ends:
        link = (here, (finish, last_column + 1))
        flows.cases[link] += cases
        if left_out:
            flows.cut[link] = max(flows.cut.get(link, 0), left_out)
    return flows


def sankey_figure(
    paths: Sequence[PathCount],
    *,
    outcome: Collection[str] = (),
    collapse_repeats: bool = True,
    depth: int | None = None,
    hide: Collection[str] = (),
    title: str = "",
    height: int | None = None,
) -> dict[str, Any]:
    """A Plotly Sankey figure of ``paths``.

    Parameters
    ----------
    outcome
        Activities that mean the outcome was reached: paths through one end at
        "Reached the outcome", the others at "Left before the outcome". Empty: one "End".
        A path reaches the outcome by its whole list of activities, hidden or cut ones too.
    collapse_repeats
        Draw immediate repeats of an activity (``A, A``) once.
    depth
        Draw at most this many activity columns (``None``: all of them).
    hide
        Activities left out of every path before it is drawn.
    """
    if depth is not None and depth < 1:
        raise ValueError(f"depth: at least 1 column, not {depth}")
    flows = _flows(paths, set(outcome), collapse_repeats, depth, set(hide))
    total = sum(p.cases for p in paths) or 1
    size: dict[Node, int] = defaultdict(int)
    out: dict[Node, int] = defaultdict(int)
    for (a, b), v in flows.cases.items():
        size[a] = max(size[a], 0)
        size[b] += v
        out[a] += v
    for n in size:  # Plotly sizes a node by the larger of what flows in and out
        size[n] = max(size[n], out[n])
    size[(_START, 0)] = total
    rank = _activity_rank(flows.cases)
    nodes = sorted(size, key=lambda n: (n[1], rank.get(n[0], len(rank)), n[0]))
    index = {n: i for i, n in enumerate(nodes)}
    columns = max((n[1] for n in nodes), default=1) or 1
    x, y = _positions(nodes, size, columns)
    for a, b in flows.back:  # a back-move's node sits just below and right of its source
        y[b] = min(0.97, y[a] + 0.04)
    colour = {
        _START: pal.OKABE_ITO["bluish_green"],
        _REACHED: pal.OKABE_ITO["blue"],
        _LEFT: "#8C8C8C",
        _END: "#57606A",
    }
    links = sorted(flows.cases.items(), key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))
    trace = go.Sankey(
        arrangement="snap",
        valueformat=",d",
        valuesuffix=" cases",
        node=dict(
            label=[_node_label(n[0]) if size[n] >= _LABELLED * total else "" for n in nodes],
            x=[x[n] for n in nodes],
            y=[y[n] for n in nodes],
            customdata=[n[0] for n in nodes],
            hovertemplate="%{customdata}<br>%{value:,d} cases passing<extra></extra>",
            color=[
                pal.LOOP if n[0].startswith(BACK) else colour.get(n[0], pal.OKABE_ITO["sky_blue"])
                for n in nodes
            ],
            pad=26,
            thickness=14,
            line=dict(color="#FFFFFF", width=0.5),
        ),
        link=dict(
            source=[index[a] for (a, _), _ in links],
            target=[index[b] for (_, b), _ in links],
            value=[v for _, v in links],
            customdata=[_link_text(k, flows) for k, _ in links],
            hovertemplate="%{customdata}<br>%{value:,d} cases<extra></extra>",
            color=[_link_colour(k, flows) for k, _ in links],
        ),
    )
    per_column: dict[float, int] = defaultdict(int)
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


def scattered(paths: Sequence[PathCount], min_columns: int = 4) -> list[str]:
    """Activities that first occur at ``min_columns`` or more different positions of the
    paths: drawn, each would repeat in that many columns (a survey sent after any step, an
    error that can happen anywhere). Most cases first, then by name.

    >>> scattered([PathCount(("A", "S"), 3), PathCount(("A", "B", "S"), 2)], min_columns=2)
    ['S']
    """
    where: dict[str, set[int]] = defaultdict(set)
    cases: dict[str, int] = defaultdict(int)
    for path in paths:
        seen: list[str] = []
        for activity in path.activities:
            if activity not in seen:
                seen.append(activity)
                where[activity].add(len(seen))
                cases[activity] += path.cases
    found = [a for a, columns in where.items() if len(columns) >= min_columns]
    return sorted(found, key=lambda a: (-cases[a], a))


def _link_text(link: tuple[Node, Node], flows: _Flows) -> str:
    a, b = link
    if link in flows.back:
        return (
            f"{a[0]} → back to {b[0].removeprefix(BACK)} (done before; the case carries on there)"
        )
    if link in flows.cut:
        more = flows.cut[link]
        return f"{a[0]} → {b[0]}, up to {more} more step{'' if more == 1 else 's'} not drawn"
    return f"{a[0]} → {b[0]}"


def _link_colour(link: tuple[Node, Node], flows: _Flows) -> str:
    if link in flows.back:
        return _rgba(pal.LOOP, 0.6)
    if link in flows.cut:
        return "rgba(87,96,106,0.14)"
    return "rgba(87,96,106,0.28)"


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


def _node_label(name: str) -> str:
    """A node label wrapped at word boundaries onto at most two lines (the full name is on
    hover); a back-move's node reads "↺ X"."""
    if name.startswith(BACK):
        name = "↺ " + name.removeprefix(BACK)
    lines, _ = wrap(name, _LABEL_W, 12, max_lines=2)
    return "<br>".join(html.escape(line) for line in lines)


def _positions(
    nodes: list[Node], size: dict[Node, int], columns: float
) -> tuple[dict[Node, float], dict[Node, float]]:
    """Node centres in 0..1: x by column, y stacked by flow within the column."""
    x = {n: 0.001 + 0.998 * n[1] / columns for n in nodes}
    by_column: dict[float, list[Node]] = defaultdict(list)
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

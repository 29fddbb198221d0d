"""The process map: activities as boxes, directly-follows moves as arrows, laid out in layers.

Two modes: **frequency** (box shade and arrow thickness by how often) and **duration**
(arrow colour, thickness and label by the median time between the two activities). Loops
and back-flows are dashed vermillion arrows drawn against the main direction.

Readable at 30 and more activities: only the most frequent activities and moves are drawn
(the caption says how many are hidden, and every activity keeps its strongest way in and
out), the layered layout keeps crossings few, and arrow labels that would collide with a
box or another label are left to the arrow's tooltip.

Input is a small typed :class:`ProcessGraph`, so any directly-follows result (or a
hand-written one) can be drawn.

>>> graph = ProcessGraph(
...     nodes=(Activity("Apply", 10), Activity("Pay", 8)),
...     edges=(Move(None, "Apply", 10), Move("Apply", "Pay", 8), Move("Pay", None, 8),
...            Move("Apply", None, 2)),
...     cases=10,
... )
>>> svg = process_map_svg(graph, embed_font=False)
>>> svg.count('class="activity"'), "ended here: 2" in svg
(2, True)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from journeyscope.render import palette as pal
from journeyscope.render._layered import Layout, RoutedEdge, layered_layout
from journeyscope.render._svg import (
    Box,
    Svg,
    fmt_duration,
    fmt_number,
    fmt_share,
    line_height,
    text_width,
    wrap,
)

Mode = Literal["frequency", "duration"]

CSS_CLASS: Final = "js-process-map"
_START: Final = "\x01start"
NODE_W: Final = 188.0
START_W: Final = 150.0
V_GAP: Final = 66.0
H_GAP: Final = 48.0
MARGIN: Final = 20.0
_NAME: Final = 12.0
_SMALL: Final = 10.5
_CSS: Final = (
    f".{CSS_CLASS} text:not([fill]){{fill:{pal.INK};}} .{CSS_CLASS} .muted{{fill:{pal.MUTED};}}"
)


@dataclass(frozen=True)
class Activity:
    """A box: an activity and how many events (or visits) it has."""

    name: str
    count: int
    cases: int | None = None


@dataclass(frozen=True)
class Move:
    """An arrow: ``count`` times ``target`` directly followed ``source``.

    ``source=None``: cases started at ``target``; ``target=None``: cases ended at ``source``.
    """

    source: str | None
    target: str | None
    count: int
    median_seconds: float | None = None


@dataclass(frozen=True)
class ProcessGraph:
    """A directly-follows graph, ready to draw."""

    nodes: tuple[Activity, ...]
    edges: tuple[Move, ...]
    cases: int | None = None
    counts: str = "events"
    """What an activity's count counts (shown in the boxes)."""


@dataclass(frozen=True)
class _Shown:
    nodes: list[Activity]
    edges: list[Move]  # between shown nodes, start moves included, end moves excluded
    ends: dict[str, int]
    hidden_nodes: int
    hidden_edges: int


def _select(graph: ProcessGraph, max_activities: int, max_moves: int | None) -> _Shown:
    ranked = sorted(graph.nodes, key=lambda n: (-n.count, n.name))
    nodes = ranked[:max_activities]
    keep = {n.name for n in nodes}
    ends: dict[str, int] = defaultdict(int)
    candidates: list[Move] = []
    for e in graph.edges:
        if e.target is None:
            if e.source in keep:
                ends[e.source] += e.count
        elif e.target in keep and (e.source is None or e.source in keep):
            candidates.append(e)
    candidates.sort(key=lambda e: (-e.count, e.source or "", e.target or ""))
    budget = max_moves if max_moves is not None else max(12, round(1.6 * len(nodes)))
    chosen = {id(e) for e in candidates[:budget]}
    best_in: dict[str, Move] = {}
    best_out: dict[str, Move] = {}
    for e in candidates:  # strongest first: the first seen is the strongest
        assert e.target is not None
        best_in.setdefault(e.target, e)
        if e.source is not None and e.source != e.target:
            best_out.setdefault(e.source, e)
    for e in [*best_in.values(), *best_out.values()]:
        chosen.add(id(e))
    edges = [e for e in candidates if id(e) in chosen]
    real_edges = sum(1 for e in graph.edges if e.target is not None)
    return _Shown(nodes, edges, dict(ends), len(graph.nodes) - len(nodes), real_edges - len(edges))


def process_map_svg(
    graph: ProcessGraph,
    *,
    mode: Mode = "frequency",
    max_activities: int = 30,
    max_moves: int | None = None,
    title: str = "Process map",
    embed_font: bool = True,
) -> str:
    """Draw ``graph`` as an SVG document.

    Parameters
    ----------
    mode
        ``frequency`` or ``duration`` (median time of each move).
    max_activities
        Draw at most this many activities, the most frequent.
    max_moves
        Draw at most this many moves (default: about two per activity), the most frequent;
        every drawn activity also keeps its strongest incoming and outgoing move.
    """
    shown = _select(graph, max_activities, max_moves)
    if not shown.nodes:
        svg = Svg()
        svg.text(MARGIN, MARGIN + 14, "No activities to draw.", size=13, class_="muted")
        return svg.render(320, 50, title=title, css=_CSS, embed_font=embed_font, class_=CSS_CLASS)
    names = [n.name for n in shown.nodes]
    node_h = max(_node_height(n, shown.ends.get(n.name, 0)) for n in shown.nodes)
    widths = {n: NODE_W for n in names} | {_START: START_W}
    flow = [(e.source or _START, e.target or "", float(e.count)) for e in shown.edges]
    has_start = any(e.source is None for e in shown.edges)
    layout = layered_layout(
        ([_START] if has_start else []) + names,
        flow,
        width=widths,
        first=_START if has_start else None,
        gap=H_GAP,
    )
    top = MARGIN + line_height(16) + 8

    def layer_y(k: float) -> float:
        return top + k * (node_h + V_GAP)

    boxes: dict[str, Box] = {}
    for n in layout.layer:
        w = widths[n]
        h = 30.0 if n == _START else node_h
        boxes[n] = Box(MARGIN + layout.x[n] - w / 2, layer_y(layout.layer[n]), w, h)
    svg = Svg()
    svg.text(MARGIN, MARGIN + 14, f"{title} — {mode}", size=16, bold=True, class_="map-title")
    by_pair = {(e.source or _START, e.target): e for e in shown.edges}
    routed = list(layout.edges)
    loops = [e for e in shown.edges if e.source == e.target]
    labels: list[Box] = list(boxes.values())
    max_count = max((e.count for e in shown.edges), default=1)
    durations = [e.median_seconds for e in shown.edges if e.median_seconds is not None]
    max_dur = max(durations, default=0.0)
    ports = _ports(routed, boxes, layout, layer_y, node_h)
    paths: list[tuple[float, str]] = []
    label_parts: list[str] = []
    for r in routed:
        move = by_pair[(r.source, r.target)]
        width, colour, opacity = _edge_style(move, r.reversed, mode, max_count, max_dur)
        head = max(7.0, width * 1.3)
        d, mid_points, tip_at = _edge_path(r, boxes, ports, layer_y, node_h, head)
        text = _edge_text(move, mode)
        tip = _edge_tip(move)
        paths.append(
            (width, _move(d, tip_at, head, width, colour, opacity, r.reversed, move, tip, ""))
        )
        if text:
            placed = _place_label(text, mid_points, labels)
            if placed is not None:
                labels.append(placed)
                label_parts.append(_label(placed, text, tip, r.reversed))
    for _width, element in sorted(paths, key=lambda p: p[0]):
        svg.add(element)
    for move in loops:
        assert move.source is not None
        b = boxes[move.source]
        text = _edge_text(move, mode)
        width, colour, opacity = _edge_style(move, True, mode, max_count, max_dur)
        x0, y0, y1 = b.x + b.w, b.y + b.h * 0.3, b.y + b.h * 0.7
        head = max(7.0, width * 1.3)
        d = (
            f"M{x0:.1f},{y0:.1f} C{x0 + 34:.1f},{y0 - 8:.1f} {x0 + 34:.1f},{y1 + 8:.1f} "
            f"{x0 + head:.1f},{y1:.1f}"
        )
        svg.add(
            _move(d, (x0, y1), head, width, colour, opacity, True, move, _edge_tip(move), "left")
        )
        if text:
            spot = Box(x0 + 36, (y0 + y1) / 2 - 8, text_width(text, _SMALL) + 8, 16)
            if not any(spot.overlaps(o, 1) for o in labels):
                labels.append(spot)
                label_parts.append(_label(spot, text, _edge_tip(move), True))
    for n, b in boxes.items():
        if n == _START:
            _start_node(svg, b, sum(e.count for e in shown.edges if e.source is None))
        else:
            node = next(a for a in shown.nodes if a.name == n)
            _activity_node(svg, b, node, shown.ends.get(n, 0), mode, graph)
    for part in label_parts:
        svg.add(part)
    bottom = max(b.y + b.h for b in boxes.values()) + 24
    right = max(max(b.x + b.w for b in labels), MARGIN + layout.width) + MARGIN
    caption = _caption(graph, shown, mode)
    lines, _ = wrap(caption, max(right - 2 * MARGIN, 420.0), _SMALL, max_lines=4)
    svg.text_block(
        MARGIN,
        bottom,
        caption,
        width=max(right - 2 * MARGIN, 420.0),
        size=_SMALL,
        max_lines=4,
        class_="muted caption",
    )
    height = bottom + len(lines) * line_height(_SMALL) + MARGIN
    return svg.render(
        max(right, 460.0), height, title=title, css=_CSS, embed_font=embed_font, class_=CSS_CLASS
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


def _move(
    d: str,
    tip_at: tuple[float, float],
    head: float,
    width: float,
    colour: str,
    opacity: float,
    back: bool,
    move: Move,
    tip: str,
    pointing: str,
) -> str:
    """One arrow: its stroke and a filled head whose tip is at ``tip_at``.

    ``pointing``: ``left`` (a self-loop coming back into the box), else down (forward) or
    up (back-flow).
    """
    x, y = tip_at
    half = max(4.0, width * 0.9)
    if pointing == "left":
        head_d = f"M{x:.1f},{y:.1f} L{x + head:.1f},{y - half:.1f} L{x + head:.1f},{y + half:.1f} z"
    else:
        sign = 1 if back else -1  # back-flows arrive from below, pointing up
        head_d = (
            f"M{x:.1f},{y:.1f} L{x - half:.1f},{y + sign * head:.1f} "
            f"L{x + half:.1f},{y + sign * head:.1f} z"
        )
    dash = ' stroke-dasharray="7 4"' if back else ""
    kind = "move back-flow" if back else "move"
    if move.source == move.target:
        kind += " self-loop"
    return (
        f'<g class="{kind}" data-source="{_attr(move.source or "start")}" '
        f'data-target="{_attr(move.target or "")}"><title>{_esc(tip)}</title>'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" '
        f'stroke-opacity="{opacity:.2f}"{dash}/>'
        f'<path d="{head_d}" fill="{colour}" fill-opacity="{min(1.0, opacity + 0.2):.2f}"/></g>'
    )


def _node_height(node: Activity, ended: int) -> float:
    lines, _ = wrap(node.name, NODE_W - 16, _NAME, max_lines=2, bold=True)
    rows = 1 + (1 if ended else 0)
    return 10 + len(lines) * line_height(_NAME) + rows * line_height(_SMALL) + 6


def _activity_node(
    svg: Svg, b: Box, node: Activity, ended: int, mode: Mode, graph: ProcessGraph
) -> None:
    top = max(a.count for a in graph.nodes)
    if mode == "frequency":
        fill = pal.ramp(pal.BLUES, math.sqrt(node.count / top) if top else 0)
    else:
        fill = "#F6F8FA"
    ink = pal.text_on(fill)
    svg.rect(
        b.x,
        b.y,
        b.w,
        b.h,
        rx=7,
        fill=fill,
        stroke="#44505C",
        stroke_width=1.2,
        class_="activity",
        data_activity=node.name,
    )
    used = svg.text_block(
        b.x + 8,
        b.y + 7,
        node.name,
        width=b.w - 16,
        size=_NAME,
        bold=True,
        max_lines=2,
        fill=ink,
        class_="activity-name",
    )
    count = f"{fmt_number(node.count)} {graph.counts}"
    if node.cases is not None and graph.counts != "cases":
        count += f" · {fmt_number(node.cases)} cases"
    y = b.y + 7 + used + _SMALL
    svg.text(b.x + 8, y, count, size=_SMALL, fill=ink, class_="activity-count")
    if ended:
        share = f" ({fmt_share(ended / node.cases)})" if node.cases else ""
        svg.text(
            b.x + 8,
            y + line_height(_SMALL),
            f"ended here: {fmt_number(ended)}{share}",
            size=_SMALL,
            fill=ink,
            class_="activity-ended",
            title=f"{fmt_number(ended)} cases ended after {node.name}",
        )


def _start_node(svg: Svg, b: Box, cases: int) -> None:
    svg.rect(b.x, b.y, b.w, b.h, rx=15, fill=pal.OKABE_ITO["bluish_green"], class_="start")
    svg.text(
        b.x + b.w / 2,
        b.y + 19,
        f"Start · {fmt_number(cases)} cases",
        size=_SMALL,
        bold=True,
        anchor="middle",
        fill="#FFFFFF",
        class_="start-label",
    )


def _edge_style(
    move: Move, back: bool, mode: Mode, max_count: int, max_dur: float
) -> tuple[float, str, float]:
    if mode == "duration" and move.median_seconds is not None and max_dur > 0:
        t = math.sqrt(move.median_seconds / max_dur)
        colour = pal.LOOP if back else pal.ramp(pal.ORANGES[2:], t)
        return 1.2 + 7 * t, colour, 0.9
    t = move.count / max_count if max_count else 0
    colour = pal.LOOP if back else "#44505C"
    return 1.2 + 8.8 * t, colour, 0.45 + 0.5 * math.sqrt(t)


def _edge_text(move: Move, mode: Mode) -> str:
    if mode == "duration":
        return fmt_duration(move.median_seconds) if move.median_seconds is not None else ""
    return fmt_number(move.count)


def _edge_tip(move: Move) -> str:
    source = move.source or "start"
    tip = f"{source} → {move.target}: {move.count:,}"
    if move.median_seconds is not None:
        tip += f", median {fmt_duration(move.median_seconds)}"
    return tip


_Ports = dict[tuple[str, str, str], float]  # (node, side, other end) -> x


def _ports(
    routed: list[RoutedEdge],
    boxes: dict[str, Box],
    layout: Layout,
    layer_y: Callable[[float], float],
    node_h: float,
) -> _Ports:
    """Spread the arrows leaving or entering a box side along it, ordered by where they go."""
    sides: dict[tuple[str, str], list[tuple[float, str, str]]] = defaultdict(list)
    for r in routed:
        first_x = r.points[0][0] + MARGIN if r.points else boxes[r.target].x + boxes[r.target].w / 2
        last_x = r.points[-1][0] + MARGIN if r.points else boxes[r.source].x + boxes[r.source].w / 2
        if r.reversed:  # leaves the source's top, enters the target's bottom
            sides[(r.source, "top")].append((first_x, r.target, r.source))
            sides[(r.target, "bottom")].append((last_x, r.source, r.target))
        else:
            sides[(r.source, "bottom")].append((first_x, r.target, r.source))
            sides[(r.target, "top")].append((last_x, r.source, r.target))
    ports: _Ports = {}
    for (node, side), ends in sides.items():
        b = boxes[node]
        ends.sort()
        n = len(ends)
        span = b.w * (0.7 if n > 1 else 0)
        for i, (_, other, _me) in enumerate(ends):
            ports[(node, side, other)] = (
                b.x + b.w / 2 - span / 2 + (span * i / (n - 1) if n > 1 else 0)
            )
    return ports


def _edge_path(
    r: RoutedEdge,
    boxes: dict[str, Box],
    ports: _Ports,
    layer_y: Callable[[float], float],
    node_h: float,
    head: float,
) -> tuple[str, list[tuple[float, float]], tuple[float, float]]:
    """The arrow's SVG path (stopping ``head`` short of the box), candidate label spots
    (midpoints of its gap crossings), and where the arrow's tip goes."""
    s, t = boxes[r.source], boxes[r.target]
    if r.reversed:
        start = (ports[(r.source, "top", r.target)], s.y)
        tip_at = (ports[(r.target, "bottom", r.source)], t.y + t.h + 1)
        end = (tip_at[0], tip_at[1] + head)
        via = [(x + MARGIN, float(k)) for x, k in r.points]
        points = [start]
        for x, k in via:  # going up: enter the dummy layer at its bottom, leave at its top
            points += [(x, layer_y(k) + node_h), (x, layer_y(k))]
        points.append(end)
    else:
        start = (ports[(r.source, "bottom", r.target)], s.y + s.h)
        tip_at = (ports[(r.target, "top", r.source)], t.y - 1)
        end = (tip_at[0], tip_at[1] - head)
        points = [start]
        for x, k in r.points:
            points += [(x + MARGIN, layer_y(k)), (x + MARGIN, layer_y(k) + node_h)]
        points.append(end)
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    mids: list[tuple[float, float]] = []
    for i in range(len(points) - 1):
        (x1, y1), (x2, y2) = points[i], points[i + 1]
        if i % 2 == 1:  # straight through a dummy's layer
            d += f" L{x2:.1f},{y2:.1f}"
            continue
        dy = (y2 - y1) / 2
        d += f" C{x1:.1f},{y1 + dy:.1f} {x2:.1f},{y2 - dy:.1f} {x2:.1f},{y2:.1f}"
        mids.append(((x1 + x2) / 2, (y1 + y2) / 2))
    middle = len(mids) // 2
    ranked = sorted(range(len(mids)), key=lambda i: abs(i - middle))
    return d, [mids[i] for i in ranked], tip_at


def _place_label(text: str, spots: list[tuple[float, float]], taken: list[Box]) -> Box | None:
    w, h = text_width(text, _SMALL) + 8, 16.0
    for x, y in spots:
        for dx in (0.0, w / 2 + 6, -w / 2 - 6, w + 10, -w - 10):
            for dy in (0.0, -12.0, 12.0):
                box = Box(x + dx - w / 2, y + dy - h / 2, w, h)
                if not any(box.overlaps(o, 1.5) for o in taken):
                    return box
    return None


def _label(box: Box, text: str, tip: str, back: bool) -> str:
    colour = pal.LOOP if back else pal.INK
    return (
        f'<g class="move-label"><title>{_esc(tip)}</title>'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="3" '
        f'fill="#FFFFFF" fill-opacity="0.9"/>'
        f'<text x="{box.x + box.w / 2:.1f}" y="{box.y + 12:.1f}" font-size="{_SMALL}" '
        f'text-anchor="middle" style="fill:{colour}">{_esc(text)}</text></g>'
    )


def _caption(graph: ProcessGraph, shown: _Shown, mode: Mode) -> str:
    moves = sum(1 for e in graph.edges if e.target is not None)
    parts = [
        f"Boxes: activities ({graph.counts}). Arrows: one activity directly followed by the "
        f"next; {'thickness and colour: median time of the move' if mode == 'duration' else 'thickness: how often'}; "
        "dashed vermillion: a back-flow (loop).",
        f"Showing {len(shown.nodes)} of {len(graph.nodes)} activities and "
        f"{len(shown.edges)} of {moves} moves, the most frequent; every activity keeps its "
        "strongest way in and out. Hover an arrow for its numbers.",
    ]
    return " ".join(parts)

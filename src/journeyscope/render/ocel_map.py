"""The object-centric process map: one directly-follows graph per object type, drawn together.

Activities are shared boxes (each says how many events it has); every object type has its
own colour, and its moves are arrows of that colour, side by side where two types share a
move, labelled with how often the move happened over that type's objects. Arrows against
the main direction (back-flows) are dashed; a move from an activity to itself is a small
loop on the box's right. The legend names each type with its objects, events and what
flattening on it would do (rows, events duplicated). The layout is the layered one of the
process map (:mod:`journeyscope.render._layered`).

Input is the typed :class:`~journeyscope.analytics.object_centric.ObjectDfgResult`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from journeyscope.render import palette as pal
from journeyscope.render._layered import layered_layout
from journeyscope.render._svg import Box, Svg, fmt_duration, fmt_number, line_height, text_width

if TYPE_CHECKING:
    from journeyscope.analytics.object_centric import ObjectDfgResult, ObjectEdge

CSS_CLASS: Final = "js-ocel-map"
NODE_W: Final = 180.0
NODE_H: Final = 60.0
V_GAP: Final = 78.0
H_GAP: Final = 56.0
MARGIN: Final = 20.0
LANE: Final = 7.0  # x offset between the arrows of two types on the same move
_CSS: Final = (
    f".{CSS_CLASS} text:not([fill]){{fill:{pal.INK};}} .{CSS_CLASS} .muted{{fill:{pal.MUTED};}}"
    f" .{CSS_CLASS} .count{{paint-order:stroke;stroke:#fff;stroke-width:3px;}}"
)


def type_colours(result: ObjectDfgResult) -> dict[str, str]:
    """One colour per object type, in the order of the result (colour-blind safe palette)."""
    cats = pal.CATEGORICAL
    return {m.object_type: cats[i % len(cats)] for i, m in enumerate(result.object_types)}


def ocel_map_svg(
    result: ObjectDfgResult, *, title: str = "Object-centric process map", embed_font: bool = True
) -> str:
    """Draw ``result`` as one SVG document."""
    colours = type_colours(result)
    svg = Svg()
    svg.text(MARGIN, MARGIN + 14, f"{title} — {result.log}", size=16, bold=True)
    y = MARGIN + line_height(16) + 10
    legend_w = 0.0
    for m in result.object_types:
        text = (
            f"{m.object_type}: {_plural(m.objects, 'object')}, {_plural(m.events, 'event')}; "
            f"flattened on it: {_plural(m.relations, 'row')}, "
            f"{_plural(m.duplicated, 'event')} duplicated"
            + ("; no moves (no object has two events)" if not m.edges else "")
        )
        svg.rect(MARGIN, y + 2, 22, 4, fill=colours[m.object_type], rx=2)
        svg.text(MARGIN + 30, y + 8, text, size=11.5)
        legend_w = max(legend_w, 30 + text_width(text, 11.5))
        y += line_height(11.5) + 2
    top = y + 14
    events = result.activities
    names = list(events)
    if not names:
        svg.text(MARGIN, top + 14, "No related events to draw.", size=13, class_="muted")
        return svg.render(
            max(320, legend_w + 2 * MARGIN),
            top + 40,
            title=title,
            css=_CSS,
            embed_font=embed_font,
            class_=CSS_CLASS,
        )
    drawn: list[tuple[str, ObjectEdge]] = [
        (m.object_type, e) for m in result.object_types for e in m.edges if e.source != e.target
    ]
    loops = [
        (m.object_type, e) for m in result.object_types for e in m.edges if e.source == e.target
    ]
    layout = layered_layout(
        names,
        [(e.source, e.target, float(e.count)) for _, e in drawn],
        width={n: NODE_W for n in names},
        gap=H_GAP,
    )

    def layer_y(k: float) -> float:
        return top + k * (NODE_H + V_GAP)

    boxes = {
        n: Box(MARGIN + layout.x[n] - NODE_W / 2, layer_y(layout.layer[n]), NODE_W, NODE_H)
        for n in names
    }
    order = {t: i for i, t in enumerate(colours)}
    half = (len(colours) - 1) / 2
    labels: list[Box] = list(boxes.values())
    arrows: list[str] = []
    texts: list[tuple[Box, str, str, str]] = []
    for (kind, edge), routed in zip(drawn, layout.edges, strict=True):
        dx = (order[kind] - half) * LANE
        a, b = boxes[edge.source], boxes[edge.target]
        down = b.y > a.y
        start = (a.x + a.w / 2 + dx, a.y + a.h if down else a.y)
        end = (b.x + b.w / 2 + dx, b.y if down else b.y + b.h)
        mids = [(MARGIN + px + dx, layer_y(k) + NODE_H / 2) for px, k in routed.points]
        points = [start, *mids, end]
        d = f"M{points[0][0]:.1f},{points[0][1]:.1f}" + "".join(
            f" L{px:.1f},{py:.1f}" for px, py in points[1:]
        )
        tip = _tip(kind, edge)
        dash = "" if down else ' stroke-dasharray="6 4"'
        arrows.append(
            f'<path d="{d}" fill="none" stroke="{colours[kind]}" stroke-width="2"{dash} '
            f'marker-end="url(#head-{order[kind]})"><title>{_esc(tip)}</title></path>'
        )
        mid = (
            points[len(points) // 2]
            if len(points) > 2
            else ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        )
        texts.append(
            (_label_box(str(edge.count), mid, labels), str(edge.count), colours[kind], tip)
        )
    for kind, edge in loops:
        box = boxes[edge.source]
        cy = box.y + box.h / 2 + (order[kind] - half) * LANE
        x0 = box.x + box.w
        d = f"M{x0:.1f},{cy - 5:.1f} C{x0 + 26:.1f},{cy - 16:.1f} {x0 + 26:.1f},{cy + 16:.1f} {x0 + 2:.1f},{cy + 5:.1f}"
        tip = _tip(kind, edge)
        arrows.append(
            f'<path d="{d}" fill="none" stroke="{colours[kind]}" stroke-width="2" '
            f'marker-end="url(#head-{order[kind]})"><title>{_esc(tip)}</title></path>'
        )
        texts.append(
            (
                _label_box(str(edge.count), (x0 + 32, cy), labels),
                str(edge.count),
                colours[kind],
                tip,
            )
        )
    svg.add(
        "<defs>"
        + "".join(
            f'<marker id="head-{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{c}"/></marker>'
            for i, c in enumerate(colours.values())
        )
        + "</defs>"
    )
    for n, box in boxes.items():
        tip = f"{n}: " + "; ".join(
            f"{m.object_type} {a.events} events, {a.objects} objects"
            for m in result.object_types
            for a in m.activities
            if a.activity == n
        )
        svg.open("g", class_="activity")
        svg.add(f"<title>{_esc(tip)}</title>")
        svg.rect(box.x, box.y, box.w, box.h, rx=6, fill=pal.PANEL, stroke=pal.RULE)
        svg.text_block(box.x + 10, box.y + 6, n, width=box.w - 20, size=12, max_lines=2, bold=True)
        svg.text(
            box.x + 10,
            box.y + box.h - 7,
            _plural(events[n], "event"),
            size=10.5,
            class_="muted",
        )
        svg.close("g")
    for element in arrows:
        svg.add(element)
    for box, text, colour, tip in texts:
        svg.text(
            box.x + box.w / 2,
            box.y + box.h - 3,
            text,
            size=11,
            bold=True,
            anchor="middle",
            fill=colour,
            class_="count",
            title=tip,
        )
    width = max(layout.width + 2 * MARGIN + 40, legend_w + 2 * MARGIN)
    height = max(b.y + b.h for b in boxes.values()) + MARGIN
    return svg.render(width, height, title=title, css=_CSS, embed_font=embed_font, class_=CSS_CLASS)


def _plural(n: int, word: str) -> str:
    return f"{fmt_number(n)} {word}{'' if n == 1 else 's'}"


def _tip(kind: str, edge: ObjectEdge) -> str:
    return (
        f"{kind}: {edge.source} → {edge.target}: {edge.count} times, {edge.objects} objects, "
        f"{edge.event_pairs} event pairs, median {fmt_duration(edge.median_seconds)}"
    )


def _label_box(text: str, at: tuple[float, float], taken: list[Box]) -> Box:
    """Where the count goes: at ``at``, moved down until it overlaps no box or label."""
    w, h = text_width(text, 11, bold=True) + 6, 15.0
    box = Box(at[0] - w / 2, at[1] - h / 2, w, h)
    for step in range(12):
        candidate = Box(box.x + (step % 2) * 0, box.y + step * 8, w, h)
        if not any(candidate.overlaps(t, 1) for t in taken):
            box = candidate
            break
    taken.append(box)
    return box


def _esc(text: str) -> str:
    from html import escape

    return escape(text, quote=True)

"""How each analysis result is shown: its table (also the CSV export), its chart (a Plotly
figure as JSON, drawn by the browser with the packaged plotly.js) and its semantics line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

LABELS = {
    "funnel": "Funnel",
    "paths": "Paths",
    "dfg": "Process map",
    "variants": "Variants",
    "channels": "Channels",
}
_FONT = {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13}
_BLUE, _ORANGE = "#1f4e79", "#e8833a"
PALETTE = ["#1f4e79", "#e8833a", "#3b9c6e", "#8e5ea2", "#c44e52", "#5a8fcb", "#b9a23b"]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    numeric: set[int]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def stacked(column: str, tables: list[tuple[str, Table]]) -> Table:
    """Tables of the same kind, one per group, as one table whose first ``column`` names the
    group (a CSV export of a result split into groups)."""
    first = tables[0][1]
    return Table(
        [column, *first.columns],
        [[group, *row] for group, t in tables for row in t.rows],
        {i + 1 for i in first.numeric},
    )


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.1f}%"


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def table(kind: str, r: Any) -> Table:
    if kind == "funnel":
        cols = ["step", "name", "cases", "from previous", "from start", "dropped"]
        rows = [
            [
                s.step,
                s.name + (" (optional)" if s.optional else ""),
                s.cases,
                _pct(s.conversion_from_previous),
                _pct(s.conversion_from_start),
                s.dropped,
            ]
            for s in r.steps
        ]
        if r.breakdown:
            cols += [f"{r.breakdown_by} = {g.value}" for g in r.breakdown]
            for i, row in enumerate(rows):
                row += [g.steps[i] for g in r.breakdown]
        return Table(cols, rows, {0, 2, 5, *range(6, len(cols))})
    if kind == "paths":
        return Table(
            ["step", "from", "to", "cases", "of which back-moves"],
            [[e.step, e.source, e.target, e.cases, e.back_cases] for e in r.edges],
            {0, 3, 4},
        )
    if kind == "dfg":
        return Table(
            ["from", "to", "transitions", "cases", "median time", "p90 time"],
            [
                [e.source, e.target, e.count, e.cases, _dur(e.median_seconds), _dur(e.p90_seconds)]
                for e in r.edges
            ],
            {2, 3},
        )
    if kind == "variants":
        return Table(
            ["rank", "cases", "share", "cumulative", "variant"],
            [
                [
                    v.rank,
                    v.cases,
                    _pct(v.share),
                    _pct(v.cumulative_share),
                    " → ".join(v.activities),
                ]
                for v in r.top
            ],
            {0, 1},
        )
    return Table(
        ["from channel", "to channel", "transitions", "cases"],
        [[c.source, c.target, c.transitions, c.cases] for c in r.switches],
        {2, 3},
    )


def _widest(r: Any) -> int:
    """The most nodes any step of a paths result has (the Sankey's tallest column)."""
    per: dict[int, int] = {}
    for n in r.nodes:
        per[n.step] = per.get(n.step, 0) + 1
    return max(per.values(), default=1)


def _sankey_positions(
    index: dict[tuple[int, str], int], links: list[tuple[int, int, int, bool]]
) -> tuple[list[float], list[float]]:
    """Each node's place (Plotly's normalised x and y, strictly inside 0..1): its path step
    as the column, so a node whose incoming links were grouped away still sits at its own
    step rather than in the first column; in a column, nodes from the most cases down."""
    size = [0] * len(index)
    into = [0] * len(index)
    for src, dst, value, _back in links:
        size[src] += value
        into[dst] += value
    size = [max(out, inn) for out, inn in zip(size, into, strict=True)]
    steps = sorted({step for step, _name in index})
    first, last = steps[0], steps[-1]
    xs, ys = [0.0] * len(index), [0.0] * len(index)
    for step in steps:
        column = sorted((i for (k, _n), i in index.items() if k == step), key=lambda i: -size[i])
        total = sum(size[i] for i in column) or 1
        gap = min(0.04, 0.4 / max(1, len(column) - 1))  # at most 40% of the height
        scale = (0.98 - gap * (len(column) - 1)) / total
        at = 0.01
        for i in column:
            xs[i] = 0.01 + 0.98 * ((step - first) / (last - first) if last > first else 0.0)
            ys[i] = round(at + size[i] * scale / 2, 4)
            at += size[i] * scale + gap
    return xs, ys


def _layout(**extra: Any) -> dict[str, Any]:
    return {
        "font": _FONT,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "autosize": True,
        **extra,
    }


def chart(kind: str, r: Any) -> dict[str, Any]:
    """A Plotly figure (``data`` and ``layout``) for the result."""
    if kind == "funnel":
        names = [s.name for s in r.steps]
        if r.breakdown:
            data = [
                {
                    "type": "bar",
                    "name": g.value,
                    "x": names,
                    "y": g.steps,
                    "marker": {"color": PALETTE[i % len(PALETTE)]},
                }
                for i, g in enumerate(r.breakdown)
            ]
            return {
                "data": data,
                "layout": _layout(
                    barmode="group",
                    yaxis={"title": {"text": "cases"}},
                    legend={"title": {"text": r.breakdown_by}},
                ),
            }
        return {
            "data": [
                {
                    "type": "funnel",
                    "y": names,
                    "x": [s.cases for s in r.steps],
                    "textinfo": "value+percent initial",
                    "marker": {"color": _BLUE},
                }
            ],
            "layout": _layout(margin={"l": 200, "r": 20, "t": 20, "b": 30}),
        }
    if kind == "paths":
        labels: list[str] = []
        index: dict[tuple[int, str], int] = {}

        def node(step: int, name: str) -> int:
            key = (step, name)
            if key not in index:
                index[key] = len(labels)
                labels.append(name)
            return index[key]

        # A link's back-moves (cases for which the target was done before) are drawn as a
        # link of their own, in orange, beside the forward part of the same link.
        links: list[tuple[int, int, int, bool]] = []
        for e in r.edges:
            ahead = e.cases - e.back_cases
            if ahead:
                links.append((node(e.step, e.source), node(e.step + 1, e.target), ahead, False))
            if e.back_cases:
                links.append(
                    (node(e.step, e.source), node(e.step + 1, e.target), e.back_cases, True)
                )
        xs, ys = _sankey_positions(index, links)
        return {
            "data": [
                {
                    "type": "sankey",
                    "arrangement": "snap",
                    "node": {"label": labels, "pad": 14, "color": _BLUE, "x": xs, "y": ys},
                    "link": {
                        "source": [s for s, _t, _v, _b in links],
                        "target": [t for _s, t, _v, _b in links],
                        "value": [v for _s, _t, v, _b in links],
                        "color": [
                            "rgba(232,131,58,0.55)" if b else "rgba(31,78,121,0.25)"
                            for *_x, b in links
                        ],
                        "customdata": ["back-move" if b else "" for *_x, b in links],
                        "hovertemplate": "%{source.label} → %{target.label}: %{value:,} "
                        "cases %{customdata}<extra></extra>",
                    },
                }
            ],
            "layout": _layout(height=max(460, 40 * _widest(r) + 80)),
        }
    if kind == "dfg":
        top = sorted(r.activities, key=lambda a: -a.cases)[:25]
        return {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [a.activity for a in top][::-1],
                    "x": [a.cases for a in top][::-1],
                    "marker": {"color": _BLUE},
                    "name": "cases",
                }
            ],
            "layout": _layout(
                height=max(300, 22 * len(top) + 80),
                margin={"l": 220, "r": 20, "t": 20, "b": 40},
                xaxis={"title": {"text": "cases with the activity"}},
            ),
        }
    if kind == "variants":
        return {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [p.variants for p in r.curve],
                    "y": [p.share for p in r.curve],
                    "line": {"color": _BLUE},
                    "name": "coverage",
                }
            ],
            "layout": _layout(
                xaxis={"title": {"text": "variants (most frequent first)"}},
                yaxis={"title": {"text": "share of cases covered"}, "tickformat": ".0%"},
            ),
        }
    channels = sorted({v.channel for v in r.volumes})
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": ch,
                "x": [v.period for v in r.volumes if v.channel == ch],
                "y": [v.cases for v in r.volumes if v.channel == ch],
                "line": {"color": PALETTE[i % len(PALETTE)]},
            }
            for i, ch in enumerate(channels)
        ],
        "layout": _layout(yaxis={"title": {"text": f"cases per {r.period}"}}),
    }


def svg(kind: str, r: Any) -> str | None:
    """The drawn picture, where the render layer has one (the process map), as SVG markup."""
    if kind != "dfg":
        return None
    from journeyscope.render.process_map import process_map_svg
    from journeyscope.render.report_sections import process_graph

    return process_map_svg(process_graph(r), max_activities=20, embed_font=False)


def semantics(kind: str, r: Any) -> str:
    """How the result was computed, in sentences, with the case rule."""
    text = r.semantics.description if kind == "funnel" else str(getattr(r, "semantics", ""))
    text = text.strip()
    if text and not text.endswith("."):
        text += "."
    if "cases:" not in text.lower():  # most semantics state the case rule first already
        text = f"{text} Cases: {r.case_rule.rstrip(' .')}.".strip()
    return f"{text[:1].upper()}{text[1:]}"


def headline(kind: str, r: BaseModel) -> str:
    x: Any = r
    if kind == "funnel":
        return (
            f"{x.entered:,} cases entered, {x.converted:,} converted "
            f"({x.conversion * 100:.1f}%); median time to convert "
            f"{_dur(x.time_to_convert.median_seconds) or '–'}"
        )
    if kind == "paths":
        went_back = (
            f"; {x.loops.share_cases_went_back * 100:.1f}% of cases went back" if x.loops else ""
        )
        back = x.shaping.back_move_events
        moves = (
            f"; {back:,} back-moves collapsed"
            if x.shaping.back_moves == "collapse"
            else f"; back-moves in orange ({back:,} in all)"
        )
        return f"{x.paths:,} cases on paths ({x.direction}){went_back}{moves}"
    if kind == "dfg":
        return f"{x.cases:,} cases, {x.events:,} events, {len(x.edges):,} transitions"
    if kind == "variants":
        return (
            f"{x.variants:,} variants over {x.cases:,} cases; {x.variants_for_coverage:,} "
            f"cover {x.coverage * 100:.0f}%"
        )
    d = x.digital
    return (
        f"digital completion {d.digital_completion * 100:.1f}% of {d.completed:,} completed "
        f"cases; {x.repeats.repeats:,} repeat contacts within {x.repeats.within}"
    )

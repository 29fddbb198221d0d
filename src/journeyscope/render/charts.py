"""Charts drawn with Plotly: the funnel with its drop-off, the emotion curve (felt against
expected) and the channel-switch heat map.

Each function takes a small typed input and returns a Plotly figure as a plain dict,
JSON-ready; the report draws it with the plotly.js it inlines. Colours are colour-blind
safe (Okabe–Ito, viridis) and every value is also written as text.

>>> fig = funnel_figure([FunnelBar("Apply", 100), FunnelBar("Pay", 60)])
>>> [t["name"] for t in fig["data"]]
['reached the step', 'dropped since the previous step']
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import plotly.graph_objects as go

from journeyscope.render import palette as pal
from journeyscope.render._svg import FONT_FAMILY, ellipsize, fmt_number, fmt_share, wrap

_TICK_W: Final = 112.0  # funnel step labels wrap at this width
_EMOTION_TICK_W: Final = 86.0  # emotion curve step labels wrap at this width


def _figure(data: list[Any], layout: go.Layout) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(go.Figure(data=data, layout=layout).to_json())
    return out


def _base_layout(height: int, **more: Any) -> go.Layout:
    settings: dict[str, Any] = dict(
        font=dict(family=FONT_FAMILY, size=12, color=pal.INK),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        height=height,
        margin=dict(l=60, r=20, t=30, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
    )
    settings.update(more)
    return go.Layout(**settings)


def _tick(label: str, width: float = _TICK_W) -> str:
    """A category label wrapped onto at most three lines (Plotly breaks at ``<br>``)."""
    lines, _ = wrap(label, width, 11, max_lines=3)
    return "<br>".join(lines) or label


# ---------------------------------------------------------------------------------- funnel


@dataclass(frozen=True)
class FunnelBar:
    """One funnel step: its name and the cases that reached it."""

    name: str
    cases: int


def funnel_figure(bars: Sequence[FunnelBar], *, title: str = "") -> dict[str, Any]:
    """Bars of the cases reaching each step; stacked on top, in hatched vermillion, the cases
    lost since the previous step. Labels give the share of the first step and the drop."""
    names = [_tick(b.name, _TICK_W) for b in bars]
    first = bars[0].cases if bars else 0
    reached = [b.cases for b in bars]
    dropped: list[int | None] = [None]
    dropped += [max(a.cases - b.cases, 0) for a, b in itertools.pairwise(bars)]
    reached_text = [
        f"{fmt_number(b.cases)}<br>{fmt_share(b.cases / first) if first else '–'}" for b in bars
    ]
    dropped_text = [
        f"−{fmt_number(d)} ({fmt_share(d / bars[i - 1].cases)})" if d and bars[i - 1].cases else ""
        for i, d in enumerate(dropped)
    ]
    data = [
        go.Bar(
            name="reached the step",
            x=names,
            y=reached,
            marker=dict(color=pal.OKABE_ITO["blue"]),
            text=reached_text,
            textposition="inside",
            insidetextanchor="middle",
            textfont=dict(color="#FFFFFF"),
            customdata=[b.name for b in bars],
            hovertemplate="%{customdata}: %{y:,d} cases reached<extra></extra>",
        ),
        go.Bar(
            name="dropped since the previous step",
            x=names,
            y=dropped,
            marker=dict(
                color="#FBE3D1",
                line=dict(color=pal.OKABE_ITO["vermillion"], width=1),
                pattern=dict(shape="/", fgcolor=pal.OKABE_ITO["vermillion"], size=8, solidity=0.2),
            ),
            text=dropped_text,
            textposition="outside",
            textfont=dict(color=pal.INK),
            cliponaxis=False,
            customdata=[b.name for b in bars],
            hovertemplate="%{customdata}: %{y:,d} cases dropped since the previous step<extra></extra>",
        ),
    ]
    layout = _base_layout(
        460,
        width=max(900, int((_TICK_W + 24) * len(bars) + 120)),
        barmode="stack",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        bargap=0.25,
        title=dict(text=title) if title else None,
        yaxis=dict(title="cases", gridcolor=pal.RULE, rangemode="tozero"),
        xaxis=dict(tickangle=0, automargin=True),
    )
    return _figure(data, layout)


# --------------------------------------------------------------------------------- emotion


@dataclass(frozen=True)
class EmotionPoint:
    """One step of the emotion curve, on the design's scale −2 … +2."""

    step: str
    expected: float | None = None
    felt: float | None = None
    felt_n: int | None = None
    """How many measurements the felt value rests on."""
    moment_of_truth: bool = False


def emotion_figure(points: Sequence[EmotionPoint], *, title: str = "") -> dict[str, Any]:
    """Expected (blue, circles) and felt (vermillion, dashed, squares) emotion per step;
    moments of truth marked with a star above the curve."""
    x = [_tick(p.step, _EMOTION_TICK_W) for p in points]
    # each label goes on the side away from the other curve, so the two never collide
    felt_above = [
        p.felt is not None and p.expected is not None and p.felt > p.expected for p in points
    ]
    data: list[Any] = [
        go.Scatter(
            name="expected (design)",
            x=x,
            y=[p.expected for p in points],
            mode="lines+markers+text",
            line=dict(color=pal.EXPECTED, width=3, shape="spline", smoothing=0.3),
            marker=dict(size=10, symbol="circle", color=pal.EXPECTED),
            text=[_signed(p.expected) for p in points],
            textposition=["bottom center" if up else "top center" for up in felt_above],
            connectgaps=False,
            customdata=[p.step for p in points],
            hovertemplate="%{customdata}: expected %{y:+.0f}<extra></extra>",
        )
    ]
    if any(p.felt is not None for p in points):
        data.append(
            go.Scatter(
                name="felt (measured)",
                x=x,
                y=[p.felt for p in points],
                mode="lines+markers+text",
                line=dict(color=pal.ACTUAL, width=3, dash="dash", shape="spline", smoothing=0.3),
                marker=dict(size=10, symbol="square", color=pal.ACTUAL),
                text=[_signed(p.felt, 1) for p in points],
                textposition=["top center" if up else "bottom center" for up in felt_above],
                connectgaps=False,
                customdata=[
                    f"{p.step}: felt {p.felt:+.2f}"
                    + (f" ({p.felt_n:,} measurements)" if p.felt_n else "")
                    if p.felt is not None
                    else p.step
                    for p in points
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    moments = [p for p in points if p.moment_of_truth]
    if moments:
        data.append(
            go.Scatter(
                name="moment of truth",
                x=[_tick(p.step, _EMOTION_TICK_W) for p in moments],
                y=[2.45] * len(moments),
                mode="markers",
                marker=dict(size=16, symbol="star", color=pal.MOMENT),
                hovertemplate="moment of truth<extra></extra>",
            )
        )
    layout = _base_layout(
        440,
        width=max(900, int((_EMOTION_TICK_W + 16) * len(points) + 160)),
        title=dict(text=title) if title else None,
        yaxis=dict(
            range=[-2.6, 2.75],
            tickvals=[-2, -1, 0, 1, 2],
            ticktext=["−2 very negative", "−1", "0 neutral", "+1", "+2 very positive"],
            gridcolor=pal.RULE,
            zeroline=True,
            zerolinecolor="#8C959F",
        ),
        xaxis=dict(tickangle=0, automargin=True),
        margin=dict(l=120, r=20, t=40, b=40),
    )
    return _figure(data, layout)


def _signed(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


# -------------------------------------------------------------------------------- channels


@dataclass(frozen=True)
class ChannelSwitch:
    """Customers (or cases) whose next interaction after ``source`` was in ``target``."""

    source: str
    target: str
    count: int


def channel_switch_figure(
    switches: Sequence[ChannelSwitch], *, title: str = "", unit: str = "switches"
) -> dict[str, Any]:
    """A heat map, from-channel (rows) by to-channel (columns), in viridis, with the counts
    written in the cells; staying in the same channel is left out (the diagonal is blank)."""
    channels = sorted(
        {s.source for s in switches} | {s.target for s in switches},
        key=lambda c: (-sum(s.count for s in switches if c in (s.source, s.target)), c),
    )
    cell = {(s.source, s.target): s.count for s in switches if s.source != s.target}
    z: list[list[float | None]] = [
        [cell.get((a, b)) if a != b else None for b in channels] for a in channels
    ]
    top = max((v for row in z for v in row if v is not None), default=0)
    text = [[fmt_number(v) if v else "" for v in row] for row in z]
    names = [ellipsize(c, 110, 12) for c in channels]
    data = [
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            colorscale="Viridis",
            zmin=0,
            zmax=top or 1,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=12),
            hovertemplate="from %{y} to %{x}: %{z:,d} " + unit + "<extra></extra>",
            colorbar=dict(title=dict(text=unit), thickness=14),
            xgap=2,
            ygap=2,
        )
    ]
    size = max(360, 60 * len(channels) + 140)
    layout = _base_layout(
        size,
        title=dict(text=title) if title else None,
        xaxis=dict(title="to channel", side="bottom", tickangle=0, automargin=True),
        yaxis=dict(title="from channel", autorange="reversed", automargin=True),
        margin=dict(l=110, r=20, t=30, b=60),
    )
    return _figure(data, layout)

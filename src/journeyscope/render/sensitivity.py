"""The sensitivity curve of the silent-customer headline, as a self-contained SVG (pure).

x: how much more (right) or less (left) likely each point of score makes a customer to
answer than the answering model estimated (odds ratio per point, log scale); y: the metric
of every customer. The estimate itself sits at ratio 1; the band is the headline's interval
or range; a dashed line marks zero when it is in view.

>>> from journeyscope.analytics.sensitivity import Sensitivity, SensitivityPoint
>>> s = Sensitivity(strategy="combined", parameter="delta", crosses_zero_at=None, rule="r",
...     points=[SensitivityPoint(delta=d, odds_ratio_per_point=1.0, value=v)
...             for d, v in ((-0.5, 10.0), (0.0, 0.0), (0.5, -10.0))])
>>> svg = sensitivity_svg(s, metric="NPS", band=(-4.0, 3.0))
>>> svg.startswith("<svg") and svg.count("<polyline") == 1
True
"""

from __future__ import annotations

import math
from html import escape

from journeyscope.analytics.sensitivity import Sensitivity
from journeyscope.render._svg import FONT_FAMILY

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 44


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    for mult in (1, 2, 5, 10):
        if span / (step * mult) <= count:
            step *= mult
            break
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def sensitivity_svg(
    sensitivity: Sensitivity,
    *,
    metric: str,
    band: tuple[float, float] | None = None,
    truth: float | None = None,
) -> str:
    """The curve of ``sensitivity`` with the headline's ``band`` (its interval or range)
    shaded and, on synthetic data, the ``truth`` as a dotted line."""
    pts = sensitivity.points
    if not pts:
        raise ValueError("sensitivity has no points to draw")
    xs = [p.delta for p in pts]
    ys: list[float] = [p.value for p in pts] + [v for v in (*(band or ()), truth) if v is not None]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad = (y1 - y0) * 0.08 or 1.0
    y0, y1 = y0 - pad, y1 + pad
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(d: float) -> float:
        return LEFT + (d - x0) / ((x1 - x0) or 1.0) * w

    def sy(v: float) -> float:
        return TOP + (y1 - v) / (y1 - y0) * h

    label = (
        f"{metric} of every customer as the score drives answering more or less than the "
        f"{sensitivity.strategy} model estimated"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="11">',
        f"<title>{escape(label)}</title>",
    ]
    if band is not None:
        top, bottom = sy(max(band)), sy(min(band))
        out.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{w}" height="{bottom - top:.1f}" '
            f'fill="#dbe7f3"><title>headline {min(band):+.1f} .. {max(band):+.1f}</title></rect>'
        )
    for t in _ticks(y0, y1):
        y = sy(t)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{t:+g}</text>')
    if y0 < 0 < y1:
        y = sy(0)
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#999" '
            f'stroke-dasharray="4 3"/>'
        )
    if truth is not None:
        y = sy(truth)
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#2a7d2a" '
            f'stroke-dasharray="1 3"><title>truth {truth:+.1f}</title></line>'
        )
    for t in _ticks(x0, x1):
        x = sx(t)
        out.append(
            f'<text x="{x:.1f}" y="{TOP + h + 16}" text-anchor="middle">×{math.exp(t):.2f}</text>'
        )
    line = " ".join(f"{sx(p.delta):.1f},{sy(p.value):.1f}" for p in pts)
    out.append(f'<polyline points="{line}" fill="none" stroke="#1f4e79" stroke-width="2"/>')
    for p in pts:
        out.append(
            f'<circle cx="{sx(p.delta):.1f}" cy="{sy(p.value):.1f}" r="{4 if p.delta == 0 else 2.5}" '
            f'fill="#1f4e79"><title>odds x{p.odds_ratio_per_point:.2f} per point: '
            f"{escape(metric)} {p.value:+.1f}</title></circle>"
        )
    out.append(
        f'<text x="{LEFT + w / 2}" y="{HEIGHT - 6}" text-anchor="middle">odds of answering per '
        f"point of score, relative to the model (×1.00 = the estimate)</text>"
    )
    out.append(f'<text x="{LEFT}" y="{TOP - 10}">{escape(metric)}</text>')
    out.append("</svg>")
    return "\n".join(out)

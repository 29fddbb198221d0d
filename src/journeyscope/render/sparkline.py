"""A sparkline: a small line of values over periods, drawn as inline SVG on the server.

Pure: the same points give the same text. The line runs left to right in period order; a
missing value (``None``) breaks it; the last value is marked with a dot. The ``<title>``
names the first and last periods and the lowest and highest values, so the picture has a
text a screen reader (or a hover) can give; the caller labels what is drawn.

>>> svg = sparkline([("2024-01-01", 1.0), ("2024-01-08", 3.0)], label="cases")
>>> svg.startswith("<svg") and "cases: 2024-01-01 to 2024-01-08" in svg
True
>>> sparkline([], label="cases")
''
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Final

WIDTH: Final = 120
HEIGHT: Final = 28
_PAD: Final = 3
COLOUR: Final = "#1f4e79"


def sparkline(
    points: Sequence[tuple[str, float | None]],
    *,
    label: str,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    width: int = WIDTH,
    height: int = HEIGHT,
    colour: str = COLOUR,
) -> str:
    """The SVG of ``points`` (period, value), or ``''`` when no value is known."""
    known = [v for _, v in points if v is not None]
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = hi - lo or 1.0
    step = (width - 2 * _PAD) / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = height - _PAD - (v - lo) / span * (height - 2 * _PAD) if hi > lo else height / 2
        return _PAD + i * step if len(points) > 1 else width / 2, y

    runs: list[list[str]] = [[]]
    last: tuple[float, float] | None = None
    for i, (_, v) in enumerate(points):
        if v is None:
            runs.append([])
            continue
        last = xy(i, v)
        runs[-1].append(f"{last[0]:.1f},{last[1]:.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
        'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
        for run in runs
        if len(run) > 1
    )
    dot = (
        f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.2" fill="{colour}"/>'
        if last is not None
        else ""
    )
    title = (
        f"{label}: {points[0][0]} to {points[-1][0]}; lowest {fmt(lo)}, highest {fmt(hi)}, "
        f"latest {fmt(known[-1])}"
    )
    return (
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{lines}{dot}</svg>'
    )

"""How a trends result is shown: its table (also the CSV export), its chart (a Plotly figure
as JSON, drawn by the browser with the packaged plotly.js), its headline and semantics line.

``measure`` is the count the chart draws (events, customers, cases or conversions); the table
always holds the four, and with a breakdown the chosen measure of each value.
"""

from __future__ import annotations

from typing import Any, Final

from journeyscope.analytics.trends import DEFINITIONS, MEASURES, TrendsResult
from journeyscope.web.views import PALETTE, Table

MEASURE_LABELS: Final = {
    "events": "Events",
    "customers": "Customers",
    "cases": "Cases",
    "conversions": "Conversions",
}


def measure_of(text: str | None) -> str:
    """The measure named in a URL (``events`` when none); an unknown one is an error."""
    from journeyscope.errors import InvalidQueryError

    chosen = text or "events"
    if chosen not in MEASURES:
        raise InvalidQueryError(f"measure: {chosen!r} is not one of {', '.join(MEASURES)}")
    return chosen


def _period(p: Any) -> str:
    return f"{p.period} (partial)" if p.partial else str(p.period)


def table(r: TrendsResult, measure: str) -> Table:
    columns = ["period", *MEASURES]
    rows: list[list[Any]] = [
        [_period(p), p.events, p.customers, p.cases, p.conversions] for p in r.points
    ]
    for g in r.breakdown:
        columns.append(f"{measure}: {r.breakdown_by} = {g.value}")
        for row, p in zip(rows, g.points, strict=True):
            row.append(getattr(p, measure))
    return Table(columns, rows, set(range(1, len(columns))))


def chart(r: TrendsResult, measure: str) -> dict[str, Any]:
    """Lines of ``measure`` per period: the total, or one per breakdown value. Partly observed
    periods are drawn as hollow markers."""
    series = (
        [(f"{r.breakdown_by} = {g.value}", g.points) for g in r.breakdown]
        if r.breakdown
        else [("all", r.points)]
    )
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [p.period for p in points],
            "y": [getattr(p, measure) for p in points],
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
            "marker": {
                "color": PALETTE[i % len(PALETTE)],
                "size": 7,
                "symbol": ["circle-open" if p.partial else "circle" for p in points],
            },
            "hovertemplate": f"%{{x}}: %{{y:,}} {measure}<extra>{name}</extra>",
        }
        for i, (name, points) in enumerate(series)
    ]
    return {
        "data": data,
        "layout": {
            "font": {"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13},
            "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "autosize": True,
            "showlegend": bool(r.breakdown),
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "xaxis": {"title": {"text": f"{r.period} (UTC, first day)"}, "type": "date"},
            "yaxis": {"title": {"text": measure}, "rangemode": "tozero", "tickformat": ",d"},
        },
    }


def headline(r: TrendsResult, measure: str) -> str:
    what = r.event or "every event"
    t = r.totals
    shown = [p for p in r.points if not p.partial] or r.points
    last = shown[-1] if shown else None
    tail = (
        f"; last complete {r.period} ({last.period}): {getattr(last, measure):,} {measure}"
        if last is not None
        else ""
    )
    return (
        f"{what}: {t.events:,} events by {t.customers:,} customers in {t.cases:,} cases, "
        f"{len(r.points)} {r.period}s{tail}"
    )


def semantics(r: TrendsResult, measure: str) -> str:
    text = r.semantics.strip().rstrip(".")
    return (
        f"{text[:1].upper()}{text[1:]}. The chart draws {measure}: {DEFINITIONS[measure]}; "
        "hollow markers are partly observed periods."
    )

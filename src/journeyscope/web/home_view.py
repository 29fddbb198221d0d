"""Home's cards: what one design's card shows (its version, its figures, whether the slow
ones are asked for or still being computed) and its small pictures, one sparkline per
figure (cases, outcome rate, mean fitness, respondents' NPS), drawn on the server
(:func:`journeyscope.render.sparkline`). Pure: the figures come in, the card goes out."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from journeyscope.render.sparkline import sparkline
from journeyscope.services.overview import DesignVersion, complete_periods

#: A slow figure: ``(done, value)``; ``value`` ``None`` when done means "not available".
Slow = tuple[bool, Any]


def sparklines(
    journey: dict[str, Any],
    fit: dict[str, Any] | None,
    first: str | None = None,
    last: str | None = None,
) -> dict[str, str]:
    """``cases``, ``rate``, ``fitness`` and ``nps`` sparklines of one journey's figures over
    the periods wholly between ``first`` and ``last`` (the store's first and last event; a
    partly observed period is left out), ``''`` when there is nothing to draw: fewer than
    two periods, or the figure is not computed yet (``fit`` ``None``)."""
    period = journey.get("period", "week")

    def draw(rows: list[dict[str, Any]], key: str, label: str, fmt: Any) -> str:
        kept = complete_periods(rows, period, first, last)
        points = [(str(r["period"]), r[key]) for r in kept]
        if len(points) < 2:
            return ""
        return sparkline(points, label=f"{label} by {period}", fmt=fmt)

    return {
        "cases": draw(journey["trend"], "cases", "cases", lambda v: f"{v:,.0f}"),
        "rate": draw(journey["trend"], "rate", "outcome rate", lambda v: f"{v:.0%}"),
        "fitness": draw(fit["trend"], "mean", "mean fitness", lambda v: f"{v:.2f}") if fit else "",
        "nps": draw(
            journey.get("nps_trend", []),
            "nps",
            "NPS of those who answered (not corrected)",
            lambda v: f"{v:+.0f}",
        ),
    }


def card(
    version: DesignVersion,
    journey: dict[str, Any] | None,
    stats: dict[str, Any],
    fitness: Slow | None = None,
    nps: Slow | None = None,
) -> dict[str, Any]:
    """One design's card: ``journey`` (its :func:`~journeyscope.services.overview.
    journey_headline`, ``None`` when the version does not load or has no steps) and the
    slow figures when asked for (``None``: not asked yet, the card asks when it is seen).

    ``state``: ``"quiet"`` (nothing to ask: no cases, or the design does not load),
    ``"ask"`` (the slow figures not asked for yet), ``"pending"`` (asked, not all done),
    ``"done"``."""
    fdone, fit = fitness if fitness is not None else (False, None)
    ndone, shown = nps if nps is not None else (False, None)
    if journey is None or not journey["cases"]:
        state = "quiet"
    elif fitness is None or nps is None:
        state = "ask"
    else:
        state = "done" if fdone and ndone else "pending"
    return {
        "id": version.id,
        "name": journey["name"] if journey else version.name,
        "version": version.describe(),
        "problem": version.problem,
        "j": journey,
        "cases": journey["cases"] if journey else 0,
        "state": state,
        "url": f"/home/journeys/{quote(version.id, safe='')}?version={version.number}",
        "fitness": (fdone, fit),
        "nps": (ndone, shown),
        "sparks": sparklines(
            journey, fit if fdone else None, stats.get("first_event"), stats.get("last_event")
        )
        if journey
        else {},
    }


def by_cases(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards, the journeys with the most cases first (then by name)."""
    return sorted(cards, key=lambda c: (-c["cases"], c["name"]))

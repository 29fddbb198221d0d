"""Home's small pictures: one sparkline per journey figure (cases, outcome rate, mean
fitness, respondents' NPS), drawn on the server (:func:`journeyscope.render.sparkline`)."""

from __future__ import annotations

from typing import Any

from journeyscope.render.sparkline import sparkline
from journeyscope.services.overview import complete_periods


def sparklines(
    journeys: list[dict[str, Any]],
    fitness: dict[str, tuple[bool, Any]],
    first: str | None = None,
    last: str | None = None,
) -> dict[str, dict[str, str]]:
    """Per journey id: ``cases``, ``rate``, ``fitness`` and ``nps`` sparklines over the
    periods wholly between ``first`` and ``last`` (the store's first and last event; a partly
    observed period is left out), ``''`` when there is nothing to draw: fewer than two
    periods, or the figure is not computed yet."""
    out: dict[str, dict[str, str]] = {}
    for j in journeys:
        period = j.get("period", "week")

        def draw(
            rows: list[dict[str, Any]], key: str, label: str, fmt: Any, by: str = period
        ) -> str:
            kept = complete_periods(rows, by, first, last)
            points = [(str(r["period"]), r[key]) for r in kept]
            if len(points) < 2:
                return ""
            return sparkline(points, label=f"{label} by {by}", fmt=fmt)

        done, fit = fitness.get(j["id"], (False, None))
        out[j["id"]] = {
            "cases": draw(j["trend"], "cases", "cases", lambda v: f"{v:,.0f}"),
            "rate": draw(j["trend"], "rate", "outcome rate", lambda v: f"{v:.0%}"),
            "fitness": draw(fit["trend"], "mean", "mean fitness", lambda v: f"{v:.2f}")
            if done and fit
            else "",
            "nps": draw(j.get("nps_trend", []), "nps", "respondents' NPS", lambda v: f"{v:+.0f}"),
        }
    return out

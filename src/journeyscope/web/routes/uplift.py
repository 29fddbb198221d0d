"""Did it help? ``GET /console/{journey}/uplift`` (the page) and ``GET /api/uplift`` (JSON).

Both run :func:`journeyscope.services.analyses.uplift` (the same call as ``journeyscope uplift
--json``) on the app's event store, once per store state and parameters (the services'
memo). Every role may view them (``journeys:read``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from journeyscope.errors import JourneyscopeError, UnknownNameError
from journeyscope.services import results
from journeyscope.services.accounts import Session
from journeyscope.web.auth import Principal, page, principal
from journeyscope.web.templating import render

if TYPE_CHECKING:
    from journeyscope.analytics.uplift import Difference

router = APIRouter(tags=["workspace"])
Reader = Annotated[Principal, Depends(principal("journeys:read"))]


def compute(
    request: Request,
    journey: str | None,
    outcome: str | None,
    window: str,
    since: date | None,
    until: date | None,
    survey: str | None,
) -> Any:
    """The uplift result for these parameters (typed), computed once per store state."""
    from journeyscope.analytics.cases import parse_duration
    from journeyscope.analytics.uplift import UpliftQuery
    from journeyscope.services.analyses import uplift

    settings = request.app.state.settings
    if not settings.store.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no event store yet: ingest events first")
    query = UpliftQuery(
        journey=journey or None,
        outcome=outcome or None,
        window=parse_duration(window),
        since=since,
        until=until,
        survey_type=survey or None,
    )
    key = f"uplift:{query.model_dump_json()}"
    return results.memo(settings, key, lambda: uplift(settings, query))


def interval_picture(d: Difference | None, scale: float = 1.0) -> dict[str, Any] | None:
    """Coordinates (0-400 wide) of a difference, its 95 % interval and zero, for the page's
    small SVG; ``scale`` 100 shows rates in points. None when there is no interval."""
    if d is None or d.difference is None or d.low is None or d.high is None:
        return None
    low, high, mid = d.low * scale, d.high * scale, d.difference * scale
    span = max(abs(low), abs(high), 1e-9) * 1.15

    def x(v: float) -> float:
        return round(20 + (v + span) / (2 * span) * 360, 1)

    return {
        "zero": x(0.0),
        "low": x(low),
        "high": x(high),
        "mid": x(mid),
        "low_text": f"{low:+.1f}" if scale != 1.0 else f"{low:+.2f}",
        "high_text": f"{high:+.1f}" if scale != 1.0 else f"{high:+.2f}",
        "excludes_zero": low > 0 or high < 0,
    }


@router.get("/api/uplift", summary="Did it help? (as `journeyscope uplift --json`)")
def uplift_json(
    request: Request,
    _: Reader,
    journey: Annotated[
        str | None, Query(description="Orchestrated journey (default: all with a holdout).")
    ] = None,
    outcome: Annotated[
        str | None, Query(description="Outcome activity (default: the journey's goal records).")
    ] = None,
    window: Annotated[str, Query(description="Outcome window after entry, e.g. 30d.")] = "30d",
    since: Annotated[date | None, Query(description="Entries from this day (UTC).")] = None,
    until: Annotated[date | None, Query(description="Entries up to this day (UTC).")] = None,
    survey: Annotated[str | None, Query(description="Survey type: NPS, CSAT or CES.")] = None,
) -> dict[str, Any]:
    result = compute(request, journey, outcome, window, since, until, survey)
    data: dict[str, Any] = result.model_dump(mode="json")
    return data


def _unknown_journey(exc: Exception) -> bool:
    return isinstance(exc, UnknownNameError) and str(exc).startswith("uplift: no journey")


@router.get("/console/{journey}/uplift", response_class=HTMLResponse, include_in_schema=False)
def uplift_page(
    request: Request,
    journey: str,
    _: Annotated[Session, Depends(page("read"))],
    outcome: str = "",
    window: str = "30d",
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    survey: str = "",
) -> Response:
    form = {
        "outcome": outcome,
        "window": window,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "survey": survey,
    }
    try:
        result = compute(request, journey, outcome, window, since, until, survey)
    except JourneyscopeError as exc:  # the form stays, with the message (closest names)
        return render(
            request,
            "uplift.html",
            status_code=404 if _unknown_journey(exc) else 422,
            title=f"Did it help? {journey}",
            journey=journey,
            form=form,
            error=str(exc),
        )
    found = next((j for j in result.journeys if j.journey == journey), None)
    return render(
        request,
        "uplift.html",
        title=f"Did it help? {journey}",
        journey=journey,
        j=found,
        result=result,
        outcome_picture=interval_picture(found.outcome, 100.0) if found else None,
        satisfaction_picture=interval_picture(found.satisfaction) if found else None,
        form=form,
    )

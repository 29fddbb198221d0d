"""Explore > Trends: events, customers, cases and conversions of an event over time.

``/explore/trends?event=Apply&period=week&measure=conversions&breakdown=channel`` with
Explore's filters and case rule (``since``, ``until``, ``channel``, ``where``,
``first_channel``, ``cohort``, ``case_rule``, ``gap``, ``case_activity``; ``by_cohort``
compares cohorts as the breakdown, as the funnel does), checked as every Explore view
checks them (:func:`journeyscope.web.routes.explore.prepare`). The query runs as a background
job through the shared result cache (:mod:`journeyscope.services.results`) and is the one
analysis behind ``journeyscope trends`` (:func:`journeyscope.services.analyses.trends`);
``/api/trends`` returns what ``journeyscope trends --json`` prints.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

import journeyscope.analytics.trends  # noqa: F401  (registers the analysis with the engines)
from journeyscope.analytics.trends import TrendsQuery
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, closest
from journeyscope.services import results
from journeyscope.services.accounts import Session
from journeyscope.web import trends_view, waiting
from journeyscope.web.auth import Principal, page, principal
from journeyscope.web.routes.explore import (
    TABS,
    breakdown_of,
    catalogue,
    cohort_choices,
    params_of,
    prepare,
    progress_of,
)
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["workspace"])
KIND = "trends"


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = [v.strip() for v in params.get(name, []) if v.strip()]
    return values[-1] if values else None


def trends_prepare(
    settings: Settings, params: dict[str, list[str]]
) -> tuple[TrendsQuery | None, results.Filters, str, str | None]:
    """The query, filters and measure of a URL, or the message saying what is wrong.

    The case rule and filters are read and checked by Explore's own :func:`prepare` (as for
    a process map, which takes nothing else), the event and breakdown against the store's
    catalogue, so a typo is an inline message naming the closest names."""

    base, filters, error = prepare(settings, "dfg", params)
    if base is None:
        return None, filters, "events", error
    try:
        measure = trends_view.measure_of(_one(params, "measure"))
        known = catalogue(settings)
        event = _one(params, "event")
        if event is not None and event not in known.names:
            close = closest(event, known.names, cutoff=0.5)
            hint = f"; closest: {', '.join(repr(c) for c in close)}" if close else ""
            raise InvalidQueryError(f"event: no activity {event!r} in the store{hint}")
        breakdown = breakdown_of(_one(params, "breakdown"), filters, known)
        top = _one(params, "top") or "10"
        if not top.isdigit():
            raise InvalidQueryError(f"top: {top!r} is not a whole number")
        period = _one(params, "period") or "week"
        if period not in ("day", "week", "month"):
            raise InvalidQueryError(f"period: {period!r} is not day, week or month")
        query = TrendsQuery(
            event=event,
            period=period,  # type: ignore[arg-type]
            breakdown=breakdown,
            top=max(1, min(100, int(top))),
            case_rule=base.case_rule,
        )
        return query, filters, measure, None
    except InvalidQueryError as exc:
        return None, filters, "events", str(exc)


def trends_context(
    query: TrendsQuery, filters: results.Filters, measure: str, r: Any
) -> dict[str, Any]:
    return {
        "result": r,
        "table": trends_view.table(r, measure),
        "figure": trends_view.chart(r, measure),
        "svg": None,
        "semantics": trends_view.semantics(r, measure),
        "filters_text": results.describe_filters(filters),
        "headline": trends_view.headline(r, measure),
    }


@router.get("/explore/trends", response_class=HTMLResponse)
def trends_page(request: Request, session: Annotated[Session, Depends(page("read"))]) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.store.is_file():
        return render(
            request, "trends.html", kind=KIND, no_store=True, params={}, tabs=TABS, cohorts=[]
        )
    params = params_of(request)
    query, filters, measure, error = trends_prepare(settings, params)
    context: dict[str, Any] = {}
    job = None
    if query is not None:
        job = results.submit(settings, query, filters)
        with suppress(TimeoutError):  # not ready within a second: the page polls
            context = trends_context(query, filters, measure, job.result(timeout=1.0))
    return render(
        request,
        "trends.html",
        kind=KIND,
        tabs=TABS,
        params=params,
        measures=trends_view.MEASURE_LABELS,
        query_string=urlencode(list(request.query_params.multi_items())),
        catalogue=catalogue(settings),
        **cohort_choices(settings),
        error=error,
        **(progress_of([job]) if job is not None and not context else {}),
        may_save=session.user.may("insights"),
        **context,
    )


@router.get("/explore/trends/result", response_class=HTMLResponse)
async def trends_result(
    request: Request, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    """The result part of the page, which a pending page asks for: answered as soon as the
    job is done (a long poll, :mod:`journeyscope.web.waiting`), or with its progress."""
    submitted = await run_in_threadpool(_submitted, request)
    if submitted[0] is not None:
        await waiting.until_done([submitted[0].future])
    return await run_in_threadpool(_result_part, request, session, submitted)


def _submitted(request: Request) -> tuple[results.Job | None, Any]:
    """The page's job (started or reused) and its prepared query, filters, measure, error."""
    settings: Settings = request.app.state.settings
    prepared = trends_prepare(settings, params_of(request))
    query, filters = prepared[0], prepared[1]
    return (results.submit(settings, query, filters) if query is not None else None), prepared


def _result_part(
    request: Request, session: Session, submitted: tuple[results.Job | None, Any]
) -> Response:
    job, (query, filters, measure, error) = submitted
    if job is None:
        return render(request, "_result.html", kind=KIND, error=error or "no query")
    query_string = urlencode(list(request.query_params.multi_items()))
    if not job.done():
        return render(
            request, "_result.html", kind=KIND, query_string=query_string, **progress_of([job])
        )
    return render(
        request,
        "_result.html",
        kind=KIND,
        query_string=query_string,
        may_save=session.user.may("insights"),
        **trends_context(query, filters, measure, job.result()),
    )


@router.get("/explore/trends/csv")
def trends_csv(request: Request, _: Annotated[Session, Depends(page("read"))]) -> Response:
    settings: Settings = request.app.state.settings
    query, filters, measure, error = trends_prepare(settings, params_of(request))
    if query is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "no query")
    table = trends_view.table(results.run(settings, query, filters), measure)  # type: ignore[arg-type]
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="trends.csv"'},
    )


@api_router.get("/trends", summary="Trends (as `journeyscope trends --json`)")
def trends_api(
    request: Request,
    _: Annotated[Principal, Depends(principal("journeys:read"))],
    event: str | None = None,
    period: str = "week",
    breakdown: str | None = None,
    top: int = 10,
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    since: str | None = None,
    until: str | None = None,
    channel: Annotated[
        list[str] | None, Query(description="Only events in these channels.")
    ] = None,
    where: Annotated[
        list[str] | None, Query(description="Only customers with an event where PROPERTY=VALUE.")
    ] = None,
    first_channel: Annotated[
        list[str] | None, Query(description="Only customers whose first event was here.")
    ] = None,
    cohort: Annotated[str | None, Query(description="Only this saved cohort.")] = None,
    by_cohort: Annotated[
        list[str] | None, Query(description="Compare these saved cohorts (the breakdown).")
    ] = None,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    query, filters, _measure, error = trends_prepare(settings, params_of(request))
    if query is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "no query")
    data: dict[str, Any] = results.run(settings, query, filters).model_dump(mode="json")
    return data

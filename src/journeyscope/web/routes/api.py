"""``/api/``: every analysis the pages show as JSON, taking the CLI command's parameters and
returning what its ``--json`` prints (the same typed result, one implementation behind both).
Usable with a signed-in session (cookie; CSRF header on writes) or an API key
(``X-API-Key``)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from journeyscope.errors import CustomerNotFoundError, InvalidQueryError
from journeyscope.services import customers, overview, queries, results
from journeyscope.web.auth import Principal, principal
from journeyscope.web.routes.explore import groups, params_of, prepare

router = APIRouter(tags=["workspace"])
Reader = Annotated[Principal, Depends(principal("journeys:read"))]
CohortParam = Annotated[
    str | None, Query(description="Only the customers of this saved cohort (its name).")
]
ByCohortParam = Annotated[
    list[str] | None,
    Query(
        description="Split by these saved cohorts (names; a customer counts in the first "
        "listed cohort they are in): the funnel's breakdown, or one result per group."
    ),
]


def _analysis(request: Request, kind: str) -> dict[str, Any]:
    """The result as the CLI's ``--json``; split by cohorts (``by_cohort``, a view other than
    the funnel): ``{"by_cohort": [...], "groups": [{"group": NAME, "result": ...}]}``, the
    last group the rest, ``(no cohort)``."""
    settings = request.app.state.settings
    query, filters, error = prepare(settings, kind, params_of(request))
    if query is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error or "step: give steps")
    parts = groups(kind, filters)
    if len(parts) > 1:
        return {
            "by_cohort": [c.name for c in filters.by_cohort],
            "groups": [
                {"group": g, "result": results.run(settings, query, f).model_dump(mode="json")}
                for g, f in parts
            ],
        }
    data: dict[str, Any] = results.run(settings, query, filters).model_dump(mode="json")
    return data


@router.get("/funnel", summary="Funnel (as `journeyscope funnel --json`)")
def funnel(
    request: Request,
    _: Reader,
    step: Annotated[list[str], Query(description="The steps' activities, in order.")],
    window: str | None = None,
    mode: str = "sequential",
    entry: str = "furthest",
    ties: str = "advance",
    exclude: Annotated[list[str] | None, Query()] = None,
    optional: Annotated[list[int] | None, Query()] = None,
    open: bool = False,
    breakdown: str | None = None,
    dropped: int = 20,
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    cohort: CohortParam = None,
    by_cohort: ByCohortParam = None,
    since: str | None = None,
    until: str | None = None,
    channel: Annotated[
        list[str] | None, Query(description="Only events in these channels.")
    ] = None,
    where: Annotated[
        list[str] | None,
        Query(description="Only customers with an event where PROPERTY=VALUE."),
    ] = None,
) -> dict[str, Any]:
    return _analysis(request, "funnel")


@router.get("/paths", summary="Paths (as `journeyscope paths --json`)")
def paths(
    request: Request,
    _: Reader,
    start: str | None = None,
    end: str | None = None,
    steps: int = 5,
    top: int = 20,
    clean: Annotated[list[str] | None, Query()] = None,
    collapse_repeats: bool = False,
    hide: Annotated[
        list[str] | None, Query(description="Activities left out of the paths.")
    ] = None,
    min_cases: Annotated[
        int, Query(description="Activities in fewer cases are grouped as (rare events).")
    ] = 0,
    back_moves: Annotated[
        str, Query(description="show (marked links) or collapse (each activity once).")
    ] = "show",
    loops: bool = True,
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    cohort: CohortParam = None,
    by_cohort: ByCohortParam = None,
) -> dict[str, Any]:
    return _analysis(request, "paths")


@router.get("/dfg", summary="Process map (as `journeyscope dfg --json`)")
def dfg(
    request: Request,
    _: Reader,
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    cohort: CohortParam = None,
    by_cohort: ByCohortParam = None,
) -> dict[str, Any]:
    return _analysis(request, "dfg")


@router.get("/variants", summary="Variants (as `journeyscope variants --json`)")
def variants(
    request: Request,
    _: Reader,
    top: int = 20,
    coverage: float = 0.8,
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    cohort: CohortParam = None,
    by_cohort: ByCohortParam = None,
) -> dict[str, Any]:
    return _analysis(request, "variants")


@router.get("/channels", summary="Channels (as `journeyscope channels --json`)")
def channels(
    request: Request,
    _: Reader,
    digital: str = "web,app",
    assisted: str = "phone,branch,chat,email",
    outcome: Annotated[list[str] | None, Query()] = None,
    repeat_within: str = "7d",
    period: str = "week",
    case_rule: str = "given",
    gap: str | None = None,
    case_activity: Annotated[list[str] | None, Query()] = None,
    cohort: CohortParam = None,
    by_cohort: ByCohortParam = None,
) -> dict[str, Any]:
    return _analysis(request, "channels")


@router.get("/stats", summary="Store counts (as `journeyscope stats --json`) and freshness")
def stats(request: Request, _: Reader) -> dict[str, Any]:
    return overview.headline(request.app.state.settings)


@router.get("/catalogue", summary="Activities, channels and property names in the store")
def catalogue(request: Request, _: Reader) -> dict[str, Any]:
    return dataclasses.asdict(overview.catalogue(request.app.state.settings))


@router.get("/quarantine", summary="Quarantined rows with reasons")
def quarantine(
    request: Request, _: Reader, reason: str | None = None, source: str | None = None
) -> dict[str, Any]:
    return overview.quarantine(request.app.state.settings, reason=reason, source=source)


@router.get("/customers", summary="Customers carrying an identifier")
def search_customers(
    request: Request,
    _: Annotated[Principal, Depends(principal("customers:read"))],
    q: str,
) -> list[dict[str, Any]]:
    try:
        return customers.search(request.app.state.settings, q)
    except CustomerNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


@router.get("/customers/{customer_id}", summary="A customer's stitched timeline")
def customer(
    request: Request,
    customer_id: str,
    _: Annotated[Principal, Depends(principal("customers:read"))],
) -> dict[str, Any]:
    try:
        found = customers.timeline(
            request.app.state.settings, customer_id, engine=request.app.state.engine.store
        )
    except CustomerNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return dataclasses.asdict(found)


__all__ = ["InvalidQueryError", "queries", "router"]

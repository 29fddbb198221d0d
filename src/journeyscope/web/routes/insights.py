"""Saved insights and dashboards: save an Explore result by name, compose dashboards of saved
insights; a dashboard runs each insight on the store as it is now (cached per store state)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from journeyscope.config import Settings
from journeyscope.errors import InsightError
from journeyscope.services import results
from journeyscope.services.accounts import Session, workspace_database
from journeyscope.services.insights import Insights
from journeyscope.web.auth import csrf, page
from journeyscope.web.routes import trends
from journeyscope.web.routes.explore import groups, panels, prepare
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)


def _store(request: Request) -> Insights:
    found = getattr(request.app.state, "insights", None)
    if found is None:
        found = Insights(workspace_database(request.app.state.settings))
        request.app.state.insights = found
    return found


@router.get("/insights", response_class=HTMLResponse)
def list_insights(request: Request, session: Annotated[Session, Depends(page("read"))]) -> Response:
    store = _store(request)
    return render(
        request,
        "insights.html",
        insights=store.insights(),
        dashboards=store.dashboards(),
        may_save=session.user.may("insights"),
    )


@router.post("/insights")
def save_insight(
    request: Request,
    session: Annotated[Session, Depends(csrf("insights"))],
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    query: Annotated[str, Form()] = "",
) -> Response:
    try:
        insight = _store(request).save(name, kind, query, session.user.name)
    except InsightError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return RedirectResponse(f"/insights?saved={insight.id}", status_code=303)


@router.post("/insights/{insight_id}/delete")
def delete_insight(
    request: Request, insight_id: int, _: Annotated[Session, Depends(csrf("insights"))]
) -> Response:
    _store(request).delete(insight_id)
    return RedirectResponse("/insights", status_code=303)


@router.post("/dashboards")
def create_dashboard(
    request: Request,
    session: Annotated[Session, Depends(csrf("insights"))],
    name: Annotated[str, Form()],
) -> Response:
    try:
        new_id = _store(request).create_dashboard(name, session.user.name)
    except InsightError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return RedirectResponse(f"/dashboards/{new_id}", status_code=303)


@router.post("/dashboards/{dashboard_id}/add")
def add_to_dashboard(
    request: Request,
    dashboard_id: int,
    _: Annotated[Session, Depends(csrf("insights"))],
    insight_id: Annotated[int, Form()],
) -> Response:
    try:
        _store(request).add(dashboard_id, insight_id)
    except InsightError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return RedirectResponse(f"/dashboards/{dashboard_id}", status_code=303)


def _tile(settings: Settings, kind: str, query_string: str) -> dict[str, Any]:
    """A saved query run on the store as it is now, as the page of its kind shows it."""
    if not settings.store.is_file():  # each tile says so; the board itself still opens
        return {
            "error": f"no event store at {settings.store.name} yet: upload a file on the Data page"
        }
    params = parse_qs(query_string)
    if kind == trends.KIND:
        found, filters, measure, error = trends.trends_prepare(settings, params)
        if found is None:
            return {"error": error}
        answer = results.run(settings, found, filters)
        return {"kind": kind, **trends.trends_context(found, filters, measure, answer)}
    query, filters, error = prepare(settings, kind, params)
    if query is None:
        return {"error": error}
    parts = groups(kind, filters)  # split by cohort: one result per group, as the page shows
    done = [results.run(settings, query, f) for _group, f in parts]
    return {"kind": kind, "panels": panels(kind, query, parts, done)}


@router.get("/dashboards/{dashboard_id}", response_class=HTMLResponse)
def dashboard(
    request: Request, dashboard_id: int, session: Annotated[Session, Depends(page("read"))]
) -> Response:
    store = _store(request)
    try:
        board = store.dashboard(dashboard_id)
    except InsightError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    settings = request.app.state.settings
    tiles: list[dict[str, Any]] = []
    for insight in board.insights:
        tiles.append({"insight": insight, **_tile(settings, insight.kind, insight.query)})
    return render(
        request,
        "dashboard.html",
        board=board,
        tiles=tiles,
        insights=store.insights(),
        may_save=session.user.may("insights"),
    )

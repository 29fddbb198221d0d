"""The workspace's pages other than Explore: sign-in and out, Home, Customers, Data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from journeyscope.errors import AccountError, CustomerNotFoundError, SignInRefused
from journeyscope.services import customers, overview, results, uploads
from journeyscope.services.accounts import Session
from journeyscope.web import home_view
from journeyscope.web.auth import (
    COOKIE,
    PRE_COOKIE,
    accounts,
    csrf,
    page,
    session_of,
    set_session_cookie,
)
from journeyscope.web.templating import render

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> object:
    return request.app.state.settings


def _safe_next(target: str | None) -> str:
    """Only paths on this site (no scheme, no host, no ``//``) are followed after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# ---------------------------------------------------------------------------------- sign-in


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str = "/") -> Response:
    if session_of(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    token = request.cookies.get(PRE_COOKIE) or os.urandom(24).hex()
    response = render(request, "signin.html", next=_safe_next(next), pre_token=token)
    response.set_cookie(
        PRE_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(PRE_COOKIE, "")
    if not expected or csrf_token != expected:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the sign-in form expired; reload the page (CSRF check)"
        )
    address = request.client.host if request.client else ""
    try:
        token, session = accounts(request).sign_in(username, password, address=address)
    except SignInRefused as exc:
        response = render(
            request,
            "signin.html",
            status_code=429,
            next=_safe_next(next),
            pre_token=expected,
            error=str(exc),
            username=username,
        )
        response.headers["Retry-After"] = str(int(exc.retry_after) + 1)
        return response
    except AccountError as exc:
        return render(
            request,
            "signin.html",
            status_code=401,
            next=_safe_next(next),
            pre_token=expected,
            error=str(exc),
            username=username,
        )
    del session
    done = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(done, request, token, accounts(request).absolute)
    done.delete_cookie(PRE_COOKIE)
    return done


@router.post("/signout")
def signout(request: Request, _: Annotated[Session, Depends(csrf("read"))]) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        accounts(request).sign_out(token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# ------------------------------------------------------------------------------------- home


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Annotated[Session, Depends(page("read"))]) -> Response:
    """Home: the store's counts and freshness, and a card for each design with the figures
    that are quick to count (cases, outcome rate). The slow ones (mean fitness, corrected
    NPS) are not started here: each card asks for them (:func:`home_card`) when it comes
    into view."""
    settings = request.app.state.settings
    if not settings.store.is_file():
        return render(request, "home.html", stats=None, cards=[])
    stats = results.memo(settings, "headline", lambda: overview.headline(settings))
    period = results.memo(settings, "trend period", lambda: overview.trend_period(settings))
    cards = [
        home_view.card(version, overview.journey_headline(settings, version, period), stats)
        for version in overview.home_designs(settings)
    ]
    return render(request, "home.html", stats=stats, cards=home_view.by_cases(cards))


@router.get("/home/journeys/{design}", response_class=HTMLResponse)
def home_card(
    request: Request,
    design: str,
    session: Annotated[Session, Depends(page("read"))],
    version: int = 0,
) -> Response:
    """One Home card with its slow figures, all of ``version`` of ``design`` (the one the
    page showed): the mean fitness and the corrected NPS start on the background worker the
    first time a card asks (once per store state and design text; later asks join them), and
    the card asks again until they are there."""
    from journeyscope.services.designs import DesignNotFound

    settings = request.app.state.settings
    try:
        found = overview.design_version(settings, design, version)
    except DesignNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    stats = results.memo(settings, "headline", lambda: overview.headline(settings))
    period = results.memo(settings, "trend period", lambda: overview.trend_period(settings))
    headline = overview.journey_headline(settings, found, period)
    slow = {}
    if headline and headline["cases"]:
        slow = {
            "fitness": overview.fitness_later(settings, found, period),
            "nps": overview.nps_later(settings, found),
        }
    return render(request, "_home_card.html", c=home_view.card(found, headline, stats, **slow))


# -------------------------------------------------------------------------------- customers


@router.get("/customers", response_class=HTMLResponse)
def customer_search(
    request: Request, _: Annotated[Session, Depends(page("customers"))], q: str = ""
) -> Response:
    found, error = [], None
    if q.strip():
        try:
            found = customers.search(request.app.state.settings, q)
        except CustomerNotFoundError as exc:
            error = str(exc)
        if len(found) == 1:
            return RedirectResponse(
                f"/customers/{quote(found[0]['customer_id'], safe='')}", status_code=303
            )
    return render(request, "customers.html", q=q, found=found, error=error)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_timeline(
    request: Request, customer_id: str, _: Annotated[Session, Depends(page("customers"))]
) -> Response:
    try:
        timeline = customers.timeline(
            request.app.state.settings, customer_id, engine=request.app.state.engine.store
        )
    except CustomerNotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    return render(request, "timeline.html", t=timeline)


# ------------------------------------------------------------------------------------- data


@router.get("/data", response_class=HTMLResponse)
def data(
    request: Request,
    session: Annotated[Session, Depends(page("read"))],
    reason: str = "",
    source: str = "",
) -> Response:
    settings = request.app.state.settings
    has_store = settings.store.is_file()
    return render(
        request,
        "data.html",
        has_store=has_store,
        history=results.memo(settings, "history", lambda: overview.history(settings))
        if has_store
        else [],
        quarantine=results.memo(
            settings,
            f"quarantine:{reason}:{source}",
            lambda: overview.quarantine(settings, reason=reason, source=source),
        )
        if has_store
        else None,
        catalogue=overview.cached_catalogue(settings) if has_store else None,
        reason=reason,
        source=source,
        may_ingest=session.user.may("ingest"),
        mapping_fields=uploads.MAPPING_FIELDS,
    )


@router.post("/data/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: Annotated[Session, Depends(csrf("ingest"))],
    file: Annotated[UploadFile, File()],
) -> Response:
    form = await request.form()

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() or None if isinstance(value, str) else None

    job = uploads.start(
        request.app.state.settings,
        name=file.filename or "upload",
        data=await file.read(),
        user=session.user.name,
        fmt=text("format"),
        mapping={f: text(f) for f in uploads.MAPPING_FIELDS},
        delimiter=text("delimiter"),
        encoding=text("encoding") or "utf-8",
        object_type=text("object_type"),
    )
    return render(request, "_upload.html", job=job)


@router.get("/data/upload/{job_id}", response_class=HTMLResponse)
def upload_status(
    request: Request, job_id: str, _: Annotated[Session, Depends(page("ingest"))]
) -> Response:
    job = uploads.job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such upload (the server restarted?)")
    return render(request, "_upload.html", job=job)


# ----------------------------------------------------------------------------------- assets


@router.get("/assets/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly's browser bundle, from the plotly package itself."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(path, media_type="text/javascript")

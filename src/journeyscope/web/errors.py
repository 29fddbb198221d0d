"""Request ids and friendly failures: a page (or JSON under ``/api/`` and ``/v1/``) that says
what went wrong and gives the request id to quote, never a traceback or a server path; the
traceback goes to the server log under the same id."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from journeyscope.errors import JourneyscopeError
from journeyscope.web.auth import SignInRequired
from journeyscope.web.templating import render

log = logging.getLogger("journeyscope.web")
_MACHINE = ("/api/", "/v1/", "/openapi.json", "/healthz")


def _wants_json(request: Request) -> bool:
    """Machines get JSON: the API paths, calls with an API key, and clients that do not ask
    for HTML (browsers do, in their ``Accept`` header)."""
    if request.url.path.startswith(_MACHINE):
        return True
    if request.headers.get("x-api-key") or request.headers.get("authorization"):
        return True
    return "text/html" not in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = secrets.token_hex(6)
        try:
            response = await call_next(request)
        except Exception:  # the handler below answers; this keeps the id on the log line
            log.exception("request %s failed", request.state.request_id)
            response = _failure(request)
        response.headers["X-Request-ID"] = request.state.request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        if request.url.path.startswith(_MACHINE):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = f"/signin?next={exc.next_url}"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request) or exc.status_code in (405,):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            title=_titles.get(exc.status_code, "Something went wrong"),
            message=str(exc.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return render(
            request, "error.html", status_code=422, title="Check the input", message=problems
        )

    @app.exception_handler(JourneyscopeError)
    async def known(request: Request, exc: JourneyscopeError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return render(
            request, "error.html", status_code=422, title="Check the input", message=str(exc)
        )


_titles = {
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    422: "Check the input",
    429: "Too many attempts",
}


def _failure(request: Request) -> Response:
    rid = getattr(request.state, "request_id", "")
    if _wants_json(request):
        return JSONResponse(
            {"detail": "internal error; quote the request id", "request_id": rid}, status_code=500
        )
    return render(
        request,
        "error.html",
        status_code=500,
        title="Something went wrong",
        message="The workspace could not answer this request. It has been logged; quote the "
        "request id below if you report it.",
    )

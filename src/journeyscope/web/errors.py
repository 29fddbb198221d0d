"""Request ids and friendly failures: a page (or JSON under ``/api/`` and ``/v1/``) that says
what went wrong and gives the request id to quote, never a traceback or a server path; the
traceback goes to the server log under the same id."""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


#: Headers every answer carries (beside its request id), unless the answer set its own.
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class RequestIds:
    """Plain ASGI middleware: each request gets an id (``request.state.request_id``), every
    answer carries it and :data:`SAFE_HEADERS`, and a request that fails is logged under its
    id and answered by :func:`_failure`. Plain ASGI rather than ``@app.middleware``, which runs
    each request in a task of its own and streams the answer through a queue, for nothing
    this middleware needs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = secrets.token_hex(6)
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                for name, value in SAFE_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:  # the handlers below answered all they know; this is the rest
            log.exception("request %s failed", rid)
            if started:  # half an answer is out: nothing else can be said
                raise
            await _failure(Request(scope))(scope, receive, sending)


def install(app: FastAPI) -> None:
    app.add_middleware(RequestIds)

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

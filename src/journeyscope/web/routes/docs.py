"""``/docs`` and ``/openapi.json``: the API's documentation, offline (Swagger UI's script and
styles are served from the package) and behind sign-in (or an API key) unless the app was
built with ``public_docs``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from journeyscope.web.auth import principal

router = APIRouter(include_in_schema=False)


async def _allowed(request: Request) -> None:
    if not request.app.state.public_docs:
        await principal("journeys:read")(request)


@router.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    await _allowed(request)
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> HTMLResponse:
    if not request.app.state.public_docs:
        from journeyscope.web.auth import page

        page("read")(request)
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="journeyscope API",
        swagger_js_url="/static/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )

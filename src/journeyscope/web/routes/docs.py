"""``/docs`` and ``/openapi.json``: the API's documentation, offline (Swagger UI's script and
styles are served from the package). The ``/docs`` page is behind sign-in unless the app was
built with ``public_docs``; the OpenAPI schema itself stays public (it describes the routes,
holds no data, and machines with an API key read it before they authenticate)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
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

"""The app factory: ``create_app(settings)``; ``journeyscope serve`` runs it with uvicorn.

Routers are mounted in :func:`create_app`; a new group of pages adds its router there. The
orchestration engine (store and, unless disabled, an embedded worker thread) lives in
``app.state.engine`` for the lifetime of the app; the workspace's accounts (users, sessions)
in ``app.state.accounts`` and its settings in ``app.state.settings``.

The workspace (``/``, sign-in, pages, ``/api/``) is served beside the engine API (``/v1``).
``/docs`` and ``/openapi.json`` need a signed-in user or an API key unless ``public_docs``
(``JOURNEYSCOPE_PUBLIC_DOCS=1``); their scripts and styles are served from the package.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from journeyscope import __version__
from journeyscope.config import Settings
from journeyscope.engine.store import EngineStore
from journeyscope.services import background, overview
from journeyscope.services.accounts import Accounts
from journeyscope.web import errors, templating
from journeyscope.web.deps import EngineContext
from journeyscope.web.limits import FailedAuth, Gate
from journeyscope.web.routes import api as api_routes
from journeyscope.web.routes import console as console_routes
from journeyscope.web.routes import docs as docs_routes
from journeyscope.web.routes import engine as engine_routes
from journeyscope.web.routes import explore as explore_routes
from journeyscope.web.routes import insights as insights_routes
from journeyscope.web.routes import pages as page_routes
from journeyscope.web.routes import report as report_routes
from journeyscope.web.routes import studio as studio_routes
from journeyscope.web.routes import studio_versions as studio_version_routes
from journeyscope.web.routes import trends as trends_routes
from journeyscope.web.routes import uplift as uplift_routes

STATIC = os.path.join(os.path.dirname(__file__), "static")


def create_app(
    settings: Settings | None = None,
    *,
    store: EngineStore | None = None,
    embedded_worker: bool | None = None,
    accounts: Accounts | None = None,
    public_docs: bool = False,
) -> FastAPI:
    """Build the service.

    ``store``: an open :class:`EngineStore` (default: one on ``settings.database_url``,
    closed with the app). ``embedded_worker``: run a worker thread in the service (default:
    on for SQLite, off for PostgreSQL, where ``journeyscope worker`` processes do the work).
    ``accounts``: the workspace's users and sessions (default: ``workspace.sqlite`` beside the
    event store). ``public_docs``: serve ``/docs`` without sign-in.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = EngineContext.open(settings, store=store, embedded_worker=embedded_worker)
        app.state.engine = context
        overview.warm_catalogue(settings)  # the first Explore request need not wait for it
        threading.Thread(target=templating.compile_all, name="templates", daemon=True).start()
        try:
            yield
        finally:
            background.stop_running()  # no figure goes on computing for a stopped service
            context.close()

    app = FastAPI(
        title="journeyscope",
        version=__version__,
        summary="Design, measure and orchestrate customer journeys.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(  # body limit, key check before parsing, failed-auth limit
        Gate,
        max_body=settings.max_body_bytes,
        failed_auth=FailedAuth(settings.failed_auth_limit, settings.failed_auth_window),
    )
    app.state.settings = settings
    app.state.accounts = accounts  # None: opened on first use (web.auth.accounts)
    app.state.public_docs = public_docs
    app.state.report_cache = report_routes.ReportCache()  # made here: one per app, no race
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(engine_routes.router, prefix="/v1")
    app.include_router(report_routes.router)
    app.include_router(page_routes.router)
    app.include_router(trends_routes.router)  # before /explore/{kind}
    app.include_router(explore_routes.router)
    app.include_router(insights_routes.router)
    app.include_router(studio_version_routes.router)
    app.include_router(studio_routes.router)
    app.include_router(console_routes.router)
    app.include_router(api_routes.router, prefix="/api")
    app.include_router(trends_routes.api_router, prefix="/api")
    app.include_router(uplift_routes.router)
    app.include_router(docs_routes.router)

    @app.get("/healthz", tags=["service"])
    def healthz() -> JSONResponse:
        healthy, details = app.state.engine.health()
        body = {"status": "ok" if healthy else "degraded"} | details
        return JSONResponse(body, status_code=200 if healthy else 503)

    return app


def app_from_env() -> FastAPI:
    """A factory for an ASGI server started on its own (``uvicorn --factory
    journeyscope.web.app:app_from_env``): settings from the environment
    (``JOURNEYSCOPE_DATABASE_URL``; ``JOURNEYSCOPE_EMBEDDED_WORKER=0/1`` to choose;
    ``JOURNEYSCOPE_PUBLIC_DOCS=1`` for ``/docs`` without sign-in). ``journeyscope serve``
    does not use it: it calls :func:`create_app` with its own settings."""
    settings = Settings()
    return create_app(
        settings, embedded_worker=settings.embedded_worker, public_docs=settings.public_docs
    )

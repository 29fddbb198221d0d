"""The journey report as a page: ``GET /report`` (``?design=<journey id>``).

The report of the app's event store (``settings.store``), drawn by
:mod:`journeyscope.render.report`: the same single self-contained HTML file that
``journeyscope report`` writes. Designs are looked up by journey id among the YAML files of
``settings.designs`` (``JOURNEYSCOPE_DESIGNS``, default ``examples/journeys``); no path comes
from the request, and no server path goes into a response. A report is computed once per
store state and design (the files' modification times) and then served from the app's
bounded cache; computing happens outside the cache's lock, so one slow report never holds up
another (two requests for the same report wait for one computation).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse

from journeyscope.config import Settings
from journeyscope.definitions import Journey, load_journey
from journeyscope.errors import JourneyscopeError
from journeyscope.web.deps import require

router = APIRouter(tags=["report"])

KEPT = 4  # reports kept in memory (each is about 5 MB)


class ReportCache:
    """The last :data:`KEPT` report pages by key, and one lock per key being computed."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self.pages: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self.lock = threading.Lock()
        self.computing: dict[tuple[object, ...], threading.Lock] = {}

    def get(self, key: tuple[object, ...], compute: object) -> str:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
                return page
            mine = self.computing.setdefault(key, threading.Lock())
        try:
            with mine:  # one computation per key; other keys go on
                with self.lock:
                    page = self.pages.get(key)
                if page is None:
                    page = compute()  # type: ignore[operator]
                    with self.lock:
                        self.pages[key] = page
                        while len(self.pages) > self.kept:
                            self.pages.popitem(last=False)
        finally:  # a failed computation leaves no lock behind either
            with self.lock:
                self.computing.pop(key, None)
        return page


def find_design(settings: Settings, journey_id: str) -> tuple[Journey, Path]:
    """The design whose ``id`` is ``journey_id`` among ``settings.designs``; 404 if none,
    naming the journeys there (not the folder)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", journey_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "design: a journey id")
    known = []
    for path in sorted(Path(settings.designs).glob("*.y*ml")):
        try:
            journey = load_journey(path)
        except JourneyscopeError:
            continue
        if journey.id == journey_id:
            return journey, path
        known.append(journey.id)
    raise HTTPException(
        status.HTTP_404_NOT_FOUND,
        f"no design {journey_id!r} (designs: {', '.join(known) or 'none'})",
    )


@router.get(
    "/report",
    response_class=HTMLResponse,
    summary="The journey report of the event store",
    dependencies=[Depends(require("journeys:read"))],
)
def report(
    request: Request,
    design: Annotated[
        str | None, Query(description="Id of a designed journey to map and compare with.")
    ] = None,
) -> HTMLResponse:
    from datetime import UTC, datetime

    from journeyscope.render.report import report_html
    from journeyscope.services.report import build_report

    settings: Settings = request.app.state.settings
    store = settings.store
    if not store.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no event store yet: ingest events first")
    journey, path = find_design(settings, design) if design is not None else (None, None)
    key = (
        str(store.resolve()),
        store.stat().st_mtime_ns,
        design,
        path.stat().st_mtime_ns if path is not None else None,
    )
    cache: ReportCache = request.app.state.report_cache

    def compute() -> str:
        try:
            data = build_report(settings, journey)
        except JourneyscopeError as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
        return report_html(data, now=datetime.now(UTC))

    return HTMLResponse(cache.get(key, compute))

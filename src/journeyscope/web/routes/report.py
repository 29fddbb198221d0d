"""The journey report as a page: ``GET /report`` (``?design=<journey id>``).

The report of the configured event store (``JOURNEYSCOPE_STORE``), drawn by
:mod:`journeyscope.render.report`: the same single self-contained HTML file that
``journeyscope report`` writes. Designs are looked up by journey id among the YAML files of
``JOURNEYSCOPE_DESIGNS`` (default ``examples/journeys``); no path comes from the request.
A report is computed once per store state and design (the store file's modification time)
and then served from memory.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import HTMLResponse

from journeyscope.config import Settings
from journeyscope.definitions import Journey, load_journey
from journeyscope.errors import JourneyscopeError
from journeyscope.web.deps import require

router = APIRouter(tags=["report"])

_KEPT = 4  # reports kept in memory (each is about 5 MB)
_cache: OrderedDict[tuple[object, ...], str] = OrderedDict()
_lock = threading.Lock()


def designs_folder() -> Path:
    return Path(os.environ.get("JOURNEYSCOPE_DESIGNS", "examples/journeys"))


def find_design(journey_id: str) -> tuple[Journey, Path]:
    """The design whose ``id`` is ``journey_id`` in :func:`designs_folder`; 404 if none."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", journey_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "design: a journey id")
    folder = designs_folder()
    for path in sorted(folder.glob("*.y*ml")):
        try:
            journey = load_journey(path)
        except JourneyscopeError:
            continue
        if journey.id == journey_id:
            return journey, path
    raise HTTPException(status.HTTP_404_NOT_FOUND, f"no design {journey_id!r} in {folder}")


@router.get(
    "/report",
    response_class=HTMLResponse,
    summary="The journey report of the event store",
    dependencies=[Depends(require("journeys:read"))],
)
def report(
    design: Annotated[
        str | None, Query(description="Id of a designed journey to map and compare with.")
    ] = None,
) -> HTMLResponse:
    from datetime import UTC, datetime

    from journeyscope.render.report import report_html
    from journeyscope.services.report import build_report

    settings = Settings()
    store = settings.store
    if not store.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event store at {store}")
    journey, path = find_design(design) if design is not None else (None, None)
    key = (
        str(store.resolve()),
        store.stat().st_mtime_ns,
        design,
        path.stat().st_mtime_ns if path is not None else None,
    )
    with _lock:
        page = _cache.get(key)
        if page is None:
            try:
                data = build_report(settings, journey)
            except JourneyscopeError as exc:
                raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
            page = report_html(data, now=datetime.now(UTC))
            _cache[key] = page
            while len(_cache) > _KEPT:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
    return HTMLResponse(page)

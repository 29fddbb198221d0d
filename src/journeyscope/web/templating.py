"""Jinja2 pages: :func:`render` fills the layout (navigation for the user's role, the CSRF
token for forms and htmx, the request id) around a page template from ``templates/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from journeyscope.web.auth import session_of

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

#: (path, label, action needed) in the navigation bar.
NAV = (
    ("/", "Home", "read"),
    ("/explore/funnel", "Explore", "read"),
    ("/journeys", "Journeys", "read"),
    ("/customers", "Customers", "customers"),
    ("/data", "Data", "read"),
    ("/insights", "Insights", "read"),
    ("/console", "Console", "read"),
    ("/docs", "API", "read"),
)


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _percent(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _duration(seconds: Any) -> str:
    if seconds is None:
        return "–"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def _json(value: Any) -> Markup:
    """JSON safe to place inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, default=str).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def _epoch(seconds: Any) -> str:
    from datetime import UTC, datetime

    if seconds is None:
        return "–"
    return datetime.fromtimestamp(float(seconds), UTC).strftime("%Y-%m-%d %H:%M")


templates.env.filters.update(
    number=_number, percent=_percent, duration=_duration, tojs=_json, epoch=_epoch
)
# The templates ship in the package and do not change while it runs: no file check per page.
templates.env.auto_reload = False


def compile_all() -> None:
    """Compile every template now (the service's start, in the background), so that no
    person's first page compiles one while an analysis computes beside it (0.4 s of CPU,
    holding the interpreter, measured)."""
    for name in templates.env.list_templates():
        templates.env.get_template(name)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = session_of(request)
    user = session.user if session else None
    nav = [(p, label) for p, label, action in NAV if user is not None and user.may(action)]
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "csrf_token": session.csrf if session else "",
            "nav": nav,
            "request_id": getattr(request.state, "request_id", ""),
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )

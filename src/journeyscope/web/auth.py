"""Who is asking: a signed-in person (session cookie) or a machine (API key), and what they
may do.

* Pages take :func:`page` (``Depends(page("customers"))``): without a live session the browser
  is sent to ``/signin?next=…``; with a role that lacks the action, a 403 page.
* State-changing requests take :func:`csrf`: the session's CSRF token must come back in the
  form field ``csrf_token`` or the ``X-CSRF-Token`` header (requests with an API key and no
  cookie carry no ambient authority and need none).
* ``/api/`` endpoints take :func:`principal` (``Depends(principal("journeys:read"))``): a
  session whose role maps onto the scope, or an API key holding it.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, status

from journeyscope.services.accounts import Accounts, Session, User, workspace_database

COOKIE = "js_session"
PRE_COOKIE = "js_presession"  # the sign-in form's double-submit CSRF token


class SignInRequired(Exception):
    """Handled by the app: a redirect to the sign-in page (or 401 for the API)."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def accounts(request: Request) -> Accounts:
    """The app's accounts; the workspace database beside the store is opened on first use,
    so an app used only as the engine API creates no file."""
    found: Accounts | None = request.app.state.accounts
    if found is None:
        found = Accounts(workspace_database(request.app.state.settings))
        request.app.state.accounts = found
    return found


def session_of(request: Request) -> Session | None:
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    found = accounts(request).session(token)
    request.state.session = found
    return found


def _next(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(path, safe="/?=&%")


def page(action: str = "read") -> Callable[[Request], Session]:
    """Dependency for a page: the live session of a user allowed ``action``."""

    def check(request: Request) -> Session:
        found = session_of(request)
        if found is None:
            raise SignInRequired(_next(request))
        if not found.user.may(action):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the {found.user.role} role may not do this ({action}); ask an administrator",
            )
        return found

    return check


async def _sent_token(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content = request.headers.get("content-type", "")
    if content.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


def csrf(action: str = "read") -> Callable[[Request], Awaitable[Session]]:
    """Dependency for a state-changing page request: session allowed ``action`` + CSRF."""

    async def check(request: Request) -> Session:
        found = page(action)(request)
        sent = await _sent_token(request)
        if not sent or not secrets.compare_digest(sent, found.csrf):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "this form has expired or did not come from the workspace (CSRF check failed); "
                "reload the page and try again",
            )
        return found

    return check


@dataclass(frozen=True)
class Principal:
    """Who called an API endpoint: a user (by session) or an API key."""

    user: User | None
    scopes: frozenset[str]

    def has(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


def principal(scope: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency for ``/api/``: a session or an API key with ``scope``."""

    async def check(request: Request) -> Principal:
        key = request.headers.get("x-api-key")
        auth = request.headers.get("authorization", "")
        if not key and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        if key:
            scopes = request.app.state.engine.scopes(key)
            if scopes is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown API key")
            who = Principal(None, frozenset(scopes))
        else:
            found = session_of(request)
            if found is None:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED,
                    "sign in, or send an API key (X-API-Key header)",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                sent = await _sent_token(request)
                if not sent or not secrets.compare_digest(sent, found.csrf):
                    raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF check failed")
            who = Principal(found.user, found.user.scopes)
        if not who.has(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the scope {scope!r}")
        return who

    return check


def set_session_cookie(response: Any, request: Request, token: str, max_age: float) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(max_age),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )

"""Who is asking (web/auth.py), on a small app that uses the real dependencies: a page needs a
live session (else the sign-in redirect keeps where the person was going) and a role allowed
the action; a state-changing request needs the session's CSRF token back (header or form);
an API endpoint takes a session or an API key with the scope. No event store is needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.testclient import TestClient

from journeyscope.services.accounts import Accounts, Session
from journeyscope.web.auth import (
    COOKIE,
    Principal,
    SignInRequired,
    csrf,
    page,
    principal,
    set_session_cookie,
)

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "correct horse"


class Keys:
    """The engine context's part that auth reads: the scopes of an API key."""

    def scopes(self, key: str) -> set[str] | None:
        return {"k-read": {"journeys:read"}, "k-admin": {"admin"}}.get(key)


def small_app(accounts: Accounts) -> FastAPI:
    app = FastAPI()
    app.state.accounts = accounts
    app.state.engine = Keys()

    @app.exception_handler(SignInRequired)
    async def _signin(_: Request, exc: SignInRequired) -> JSONResponse:
        return JSONResponse({"next": exc.next_url}, status_code=401)

    @app.get("/users/list", response_class=PlainTextResponse)
    def users(session: Annotated[Session, Depends(page("users"))]) -> str:
        return session.user.name

    @app.post("/designs/save", response_class=PlainTextResponse)
    async def save(session: Annotated[Session, Depends(csrf("designs"))]) -> str:
        return f"saved by {session.user.name}"

    @app.api_route("/api/journeys", methods=["GET", "POST"])
    async def journeys(who: Annotated[Principal, Depends(principal("journeys:read"))]) -> Any:
        return {"user": who.user.name if who.user else None, "scopes": sorted(who.scopes)}

    @app.post("/signin/{name}")
    def signin(name: str, request: Request) -> JSONResponse:
        token, session = accounts.sign_in(name, PASSWORD)
        response = JSONResponse({"csrf": session.csrf})
        set_session_cookie(response, request, token, 3600)
        return response

    return app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    accounts = Accounts(tmp_path / "workspace.sqlite", hasher=FAST)
    for role in ("viewer", "designer", "admin"):
        accounts.add(role, role, PASSWORD)
    with TestClient(small_app(accounts), base_url="http://127.0.0.1") as found:
        yield found


def _sign_in(client: TestClient, name: str) -> str:
    done = client.post(f"/signin/{name}")
    assert done.status_code == 200
    return str(done.json()["csrf"])


def test_a_page_without_a_session_sends_to_sign_in_with_where_it_was_going(
    client: TestClient,
) -> None:
    answer = client.get("/users/list?sort=name&q=a b")
    assert answer.status_code == 401
    assert answer.json() == {"next": "/users/list?sort=name&q=a%20b"}
    client.cookies.set(COOKIE, "a token nobody was given")
    assert client.get("/users/list").status_code == 401


def test_a_role_without_the_action_gets_a_403_that_says_so(client: TestClient) -> None:
    _sign_in(client, "viewer")
    refused = client.get("/users/list")
    assert refused.status_code == 403
    assert "the viewer role may not do this (users)" in refused.json()["detail"]
    _sign_in(client, "admin")
    assert client.get("/users/list").text == "admin"


def test_a_state_change_needs_the_sessions_csrf_token(client: TestClient) -> None:
    token = _sign_in(client, "designer")
    assert client.post("/designs/save").status_code == 403
    wrong = client.post("/designs/save", headers={"X-CSRF-Token": "not it"})
    assert wrong.status_code == 403 and "CSRF check failed" in wrong.json()["detail"]
    assert client.post("/designs/save", headers={"X-CSRF-Token": token}).text == (
        "saved by designer"
    )
    form = client.post("/designs/save", data={"csrf_token": token})
    assert form.text == "saved by designer"


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    done = client.post("/signin/viewer")
    cookie = done.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=3600" in cookie
    assert "secure" not in cookie, "plain http (a local workspace): a secure cookie would be lost"


def test_an_api_endpoint_takes_a_key_or_a_session_with_the_scope(client: TestClient) -> None:
    anonymous = client.get("/api/journeys")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/journeys", headers={"X-API-Key": "nope"}).status_code == 401
    by_key = client.get("/api/journeys", headers={"X-API-Key": "k-read"})
    assert by_key.json() == {"user": None, "scopes": ["journeys:read"]}
    bearer = client.get("/api/journeys", headers={"Authorization": "Bearer k-admin"})
    assert bearer.json()["scopes"] == ["admin"], "admin holds every scope"
    token = _sign_in(client, "viewer")
    assert client.get("/api/journeys").json()["user"] == "viewer"
    # a session's POST needs its CSRF token; a key carries no ambient authority and needs none
    assert client.post("/api/journeys").status_code == 403
    assert client.post("/api/journeys", headers={"X-CSRF-Token": token}).status_code == 200
    client.cookies.clear()
    assert client.post("/api/journeys", headers={"X-API-Key": "k-read"}).status_code == 200


def test_a_key_without_the_scope_is_refused_naming_it(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "w.sqlite", hasher=FAST)
    app = small_app(accounts)
    app.state.engine = type("NoScopes", (), {"scopes": lambda self, key: {"events:write"}})()
    with TestClient(app) as client:
        refused = client.get("/api/journeys", headers={"X-API-Key": "k"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this needs the scope 'journeys:read'"

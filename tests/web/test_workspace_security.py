"""Security of the workspace: no page without sign-in, CSRF refused, each role refused what it
may not do, expired sessions sent to sign-in, failed sign-ins limited, cookie flags, friendly
errors without tracebacks or paths."""

from __future__ import annotations

import re

import pytest

from journeyscope.errors import AccountError
from journeyscope.services import api_keys
from journeyscope.services.accounts import FAILURE_LIMIT, Accounts

PAGES = ("/", "/explore/funnel", "/customers", "/data", "/insights", "/docs", "/dashboards/1")


def test_no_page_without_sign_in(app_client) -> None:
    for path in PAGES:
        page = app_client.get(path, follow_redirects=False)
        assert page.status_code == 303, path
        assert page.headers["location"].startswith("/signin?next="), path
    assert app_client.get("/api/stats").status_code == 401
    assert app_client.get("/openapi.json").status_code == 200  # the schema only, no data
    # the sign-in page itself loads, and sends back to the page asked for
    assert "Sign in" in app_client.get("/signin?next=/data").text


def test_sign_in_follows_only_local_next(app_client, login) -> None:
    form = app_client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
    done = app_client.post(
        "/signin",
        data={
            "username": "viewer",
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "https://elsewhere.example/",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_csrf_refused(app_client, login) -> None:
    # sign-in form without its token
    refused = app_client.post(
        "/signin", data={"username": "admin", "password": "correct horse battery"}
    )
    assert refused.status_code == 403 and "CSRF" in refused.text
    token = login(app_client, "analyst")
    for headers, data in (({}, {}), ({"X-CSRF-Token": "forged"}, {}), ({}, {"csrf_token": "x"})):
        page = app_client.post(
            "/insights",
            data={"name": "n", "kind": "dfg", "query": "", **data},
            headers=headers,
            follow_redirects=False,
        )
        assert page.status_code == 403 and "CSRF" in page.text
    ok = app_client.post(
        "/insights",
        data={"name": "Process map", "kind": "dfg", "query": ""},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    # signing out is state-changing too
    assert app_client.post("/signout", follow_redirects=False).status_code == 403


@pytest.mark.slow
@pytest.mark.parametrize(
    ("role", "customers", "ingest", "insights"),
    [
        ("viewer", False, False, False),
        ("analyst", True, True, True),
        ("designer", True, False, True),
        ("operator", True, True, False),
        ("admin", True, True, True),
    ],
)
def test_each_role_is_refused_what_it_may_not_do(
    app_client, login, role: str, customers: bool, ingest: bool, insights: bool
) -> None:
    token = login(app_client, role)
    headers = {"X-CSRF-Token": token}
    assert (app_client.get("/customers").status_code == 200) is customers
    assert (
        app_client.get("/api/customers", params={"q": "A100000"}).status_code != 403
    ) is customers
    upload = app_client.post(
        "/data/upload",
        files={"file": ("x.csv", b"case_id,activity,timestamp\n1,A,2025-01-01\n")},
        headers=headers,
    )
    assert (upload.status_code == 200) is ingest, upload.text[:300]
    save = app_client.post(
        "/insights",
        data={"name": "n", "kind": "dfg"},
        headers=headers,
        follow_redirects=False,
    )
    assert (save.status_code == 303) is insights
    for refused in (upload, save):
        if refused.status_code == 403:
            assert f"the {role} role may not do this" in refused.text
    assert app_client.get("/").status_code == 200  # every role reads


@pytest.mark.slow
def test_expired_session_is_sent_to_sign_in(app_client, login, accounts: Accounts) -> None:
    login(app_client, "viewer")
    assert app_client.get("/", follow_redirects=False).status_code == 200
    accounts.age_sessions(accounts.idle + 1)
    page = app_client.get("/explore/funnel", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert app_client.get("/api/stats").status_code == 401


def test_failed_sign_ins_are_limited(app_client, accounts: Accounts) -> None:
    for _ in range(FAILURE_LIMIT):
        with pytest.raises(AccountError, match="wrong user name or password"):
            accounts.sign_in("viewer", "wrong password", address="10.0.0.1")
    form = app_client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
    page = app_client.post(
        "/signin",
        data={"username": "viewer", "password": "correct horse battery", "csrf_token": token},
        follow_redirects=False,
    )
    assert page.status_code == 429 and "too many failed sign-ins" in page.text
    assert int(page.headers["retry-after"]) > 0


def test_api_key_reaches_the_api(app_client) -> None:
    engine = app_client.app.state.engine.store
    reader = api_keys.issue(engine, "reader", ["journeys:read"])
    stats = app_client.get("/api/stats", headers={"X-API-Key": reader})
    assert stats.status_code == 200 and stats.json()["cases"] > 0
    assert app_client.get("/api/customers/x", headers={"X-API-Key": reader}).status_code == 403
    assert app_client.get("/api/stats", headers={"X-API-Key": "js_nope"}).status_code == 401
    assert app_client.get("/openapi.json", headers={"X-API-Key": reader}).status_code == 200


def test_failures_are_friendly_pages_with_a_request_id(app_client, login, monkeypatch) -> None:
    login(app_client, "admin")
    missing = app_client.get("/explore/funnnel", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "Request id" in missing.text
    machine = app_client.get("/explore/funnnel")  # no HTML asked for: JSON
    assert machine.status_code == 404 and "no analysis" in machine.json()["detail"]

    def broken(*_: object) -> None:
        raise RuntimeError("/srv/secret/path/store.duckdb exploded")

    monkeypatch.setattr("journeyscope.services.customers.search", broken)
    page = app_client.get("/customers", params={"q": "A100000"}, headers={"Accept": "text/html"})
    assert page.status_code == 500
    rid = page.headers["x-request-id"]
    assert rid in page.text and "Traceback" not in page.text and "/srv/secret" not in page.text


def test_account_rules() -> None:
    from journeyscope.services.accounts import check_role

    with pytest.raises(AccountError, match="did you mean analyst"):
        check_role("analist")


def test_session_cookie_is_secure_over_https(app_client) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app_client.app, base_url="https://127.0.0.1")  # app already started
    form = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
    done = client.post(
        "/signin",
        data={"username": "admin", "password": "correct horse battery", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Secure" in done.headers["set-cookie"] and "HttpOnly" in done.headers["set-cookie"]

"""The workspace's pages other than Explore (``web/routes/pages.py``): sign-in and sign-out,
where sign-in sends a person, Customers (search and timeline), Data, uploads' status and the
chart library served by the app."""

from __future__ import annotations

import re
from urllib.parse import quote

from browser_kit import PASSWORD

from journeyscope.web.auth import PRE_COOKIE


def _pre_token(client) -> str:  # type: ignore[no-untyped-def]
    form = client.get("/signin")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found, form.text
    return found[1]


def test_a_wrong_password_is_refused_on_the_form_with_the_name_kept(app_client) -> None:
    token = _pre_token(app_client)
    refused = app_client.post(
        "/signin",
        data={"username": "viewer", "password": "wrong", "csrf_token": token, "next": "/data"},
    )
    assert refused.status_code == 401
    assert 'value="viewer"' in refused.text and 'value="/data"' in refused.text
    assert app_client.get("/data", follow_redirects=False).status_code == 303  # not signed in


def test_signing_in_goes_to_the_page_asked_for_and_forgets_the_form_token(app_client) -> None:
    token = _pre_token(app_client)
    done = app_client.post(
        "/signin",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": token, "next": "/data"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/data"
    cookies = done.headers.get_list("set-cookie")
    assert any(c.startswith(f"{PRE_COOKIE}=") and "Max-Age=0" in c for c in cookies)
    assert app_client.get("/data", follow_redirects=False).status_code == 200


def test_a_signed_in_person_is_sent_on_only_to_a_path_on_this_site(app_client, login) -> None:
    login(app_client, "viewer")
    for asked, sent in (
        ("/explore/dfg?x=1", "/explore/dfg?x=1"),
        ("", "/"),
        ("//elsewhere.example/x", "/"),
        ("https://elsewhere.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("data", "/"),
    ):
        answer = app_client.get("/signin", params={"next": asked}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == sent, asked


def test_signing_out_ends_the_session(app_client, login) -> None:
    token = login(app_client, "viewer")
    done = app_client.post("/signout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/signin"
    page = app_client.get("/data", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin?next=")


def test_a_search_with_one_customer_opens_their_timeline(app_client, login) -> None:
    login(app_client, "analyst")
    found = app_client.get("/customers", params={"q": "A100000"}, follow_redirects=False)
    assert found.status_code == 303
    where = found.headers["location"]
    assert where.startswith("/customers/") and ":" not in where.removeprefix("/customers/")
    timeline = app_client.get(where)
    assert timeline.status_code == 200 and "A100000" in timeline.text


def test_a_search_without_a_match_says_so_and_an_unknown_customer_is_404(app_client, login) -> None:
    login(app_client, "analyst")
    page = app_client.get("/customers", params={"q": "nobody-at-all"})
    assert page.status_code == 200
    assert "no customer has the identifier &#39;nobody-at-all&#39;" in page.text
    empty = app_client.get("/customers", params={"q": "  "})
    assert empty.status_code == 200 and "no customer has" not in empty.text
    missing = app_client.get(f"/customers/{quote('acct:nobody', safe='')}")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no customer 'acct:nobody' in the store"


def test_the_data_page_lists_what_was_ingested_and_offers_upload_to_who_may(
    app_client, login
) -> None:
    login(app_client, "viewer")
    viewer = app_client.get("/data")
    assert viewer.status_code == 200 and "synthetic.csv" in viewer.text
    assert 'action="/data/upload"' not in viewer.text
    app_client.cookies.clear()
    login(app_client, "admin")
    assert 'action="/data/upload"' in app_client.get("/data").text


def test_an_unknown_upload_is_404(app_client, login) -> None:
    login(app_client, "admin")
    missing = app_client.get("/data/upload/nope")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no such upload (the server restarted?)"


def test_the_chart_library_is_served_by_the_app(app_client) -> None:
    script = app_client.get("/assets/plotly.min.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) > 1_000_000 and b"plotly" in script.content[:2000].lower()

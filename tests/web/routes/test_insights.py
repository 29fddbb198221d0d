"""Saved insights and dashboards (web/routes/insights.py): saving keeps only the parameters of
the insight's kind, bad names and kinds are refused, deleting takes an insight off its
dashboards, unknown dashboards and insights are 404, only roles that may save see the forms, and
a tile shows its saved query's result or the message saying what is wrong with it. The app runs
over a store of a few events written here (most tests need none)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from journeyscope.config import Settings
from journeyscope.events import Store

EVENTS = """\
case_id,activity,timestamp,channel
c1,Apply,2024-01-01T09:00:00Z,web
c1,Approve,2024-01-02T09:00:00Z,web
c2,Apply,2024-01-03T09:00:00Z,app
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A store path with no store yet (the app then reads nothing at its start)."""
    return Settings(
        store=tmp_path / "store.duckdb", database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}"
    )


def _write_store(settings: Settings) -> None:
    csv = settings.store.parent / "events.csv"
    csv.write_text(EVENTS)
    with Store(settings.store) as store:
        store.ingest(csv)


def _save(client: Any, token: str, name: str, kind: str, query: str = "") -> Any:
    return client.post(
        "/insights",
        data={"csrf_token": token, "name": name, "kind": kind, "query": query},
        follow_redirects=False,
    )


def _board(client: Any, token: str, name: str = "Board") -> str:
    made = client.post(
        "/dashboards", data={"csrf_token": token, "name": name}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


def _add(client: Any, token: str, board: str, insight_id: int | str) -> Any:
    return client.post(
        f"{board}/add",
        data={"csrf_token": token, "insight_id": str(insight_id)},
        follow_redirects=False,
    )


def _links(page: str) -> dict[str, str]:
    """Saved insight name -> its link, from the insights page."""
    return {
        name: html.unescape(href)
        for href, name in re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="tag">', page)
    }


def _tiles(page: str) -> list[str]:
    """The names of a dashboard's tiles, in order."""
    return re.findall(r'<section class="tile">\s*<h2><a href="[^"]+">([^<]+)</a>', page)


def test_a_saved_insight_keeps_only_its_kinds_parameters(app_client: Any, login: Any) -> None:
    token = login(app_client, "analyst")
    query = "top=3&case_rule=given&step=A&channel=web&since=&ignored=1&channel=app"
    saved = _save(app_client, token, "  Main   variants ", "variants", query)
    assert saved.status_code == 303 and saved.headers["location"] == "/insights?saved=1"
    links = _links(app_client.get("/insights").text)
    assert list(links) == ["Main variants"]  # the name's spaces tidied
    url = urlsplit(links["Main variants"])
    assert url.path == "/explore/variants"
    # a funnel's step, an empty value and an unknown parameter are dropped, in order
    assert parse_qsl(url.query) == [
        ("top", "3"),
        ("case_rule", "given"),
        ("channel", "web"),
        ("channel", "app"),
    ]


def test_an_unknown_kind_is_refused_with_the_choices(app_client, login) -> None:
    token = login(app_client, "analyst")
    refused = app_client.post(
        "/insights", data={"csrf_token": token, "name": "x", "kind": "trend", "query": ""}
    )
    assert refused.status_code == 422 and "trends" in refused.text


def test_a_bad_name_is_refused_with_the_reason(app_client: Any, login: Any) -> None:
    token = login(app_client, "analyst")
    nameless = _save(app_client, token, "   ", "dfg")
    assert nameless.status_code == 422
    assert nameless.json()["detail"] == "insight name: 1 to 120 characters"
    assert _save(app_client, token, "x" * 121, "dfg").status_code == 422
    board = app_client.post("/dashboards", data={"csrf_token": token, "name": " "})
    assert board.status_code == 422
    assert board.json()["detail"] == "dashboard name: 1 to 120 characters"
    assert _links(app_client.get("/insights").text) == {}


def test_a_dashboard_holds_each_insight_once_in_the_order_added(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "designer")
    for name in ("First", "Second"):  # a query that fails fast: its tile is its message
        assert _save(app_client, token, name, "variants", "channel=fax").status_code == 303
    board = _board(app_client, token, "Weekly")
    assert board == "/dashboards/1"
    for insight_id in (2, 1, 2):
        added = _add(app_client, token, board, insight_id)
        assert added.status_code == 303 and added.headers["location"] == board
    listing = app_client.get("/insights").text
    assert '<a href="/dashboards/1">Weekly</a> <span class="muted">2 insights</span>' in listing
    _write_store(settings)
    assert _tiles(app_client.get(board).text) == ["Second", "First"]


def test_deleting_an_insight_takes_it_off_its_dashboards(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "analyst")
    _save(app_client, token, "Keep", "variants", "channel=fax")
    _save(app_client, token, "Drop", "variants", "channel=fax")
    board = _board(app_client, token)
    _add(app_client, token, board, 1)
    _add(app_client, token, board, 2)
    gone = app_client.post("/insights/2/delete", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/insights"
    assert list(_links(app_client.get("/insights").text)) == ["Keep"]
    _write_store(settings)
    assert _tiles(app_client.get(board).text) == ["Keep"]


def test_unknown_dashboards_and_insights_are_404(app_client: Any, login: Any) -> None:
    token = login(app_client, "analyst")
    missing = app_client.get("/dashboards/7")
    assert missing.status_code == 404 and missing.json()["detail"] == "no dashboard 7"
    board = _board(app_client, token)
    no_insight = _add(app_client, token, board, 99)
    assert no_insight.status_code == 404 and no_insight.json()["detail"] == "no insight 99"
    _save(app_client, token, "One", "dfg")
    no_board = _add(app_client, token, "/dashboards/8", 1)
    assert no_board.status_code == 404 and no_board.json()["detail"] == "no dashboard 8"


def test_only_a_role_that_may_save_sees_the_forms_or_may_post(app_client: Any, login: Any) -> None:
    analyst = login(app_client, "analyst")
    _save(app_client, analyst, "One", "dfg")
    board = _board(app_client, analyst)
    assert 'action="/dashboards"' in app_client.get("/insights").text
    assert f'action="{board}/add"' in app_client.get(board).text
    app_client.post("/signout", headers={"X-CSRF-Token": analyst}, follow_redirects=False)
    viewer = login(app_client, "viewer")
    assert 'action="/dashboards"' not in app_client.get("/insights").text
    page = app_client.get(board).text
    assert f'action="{board}/add"' not in page and ">One</a>" not in page  # not added yet
    for refused in (
        _save(app_client, viewer, "Two", "dfg"),
        app_client.post("/dashboards", data={"csrf_token": viewer, "name": "Mine"}),
        _add(app_client, viewer, board, 1),
        app_client.post("/insights/1/delete", data={"csrf_token": viewer}),
    ):
        assert refused.status_code == 403
        assert "the viewer role may not do this" in refused.text
    assert list(_links(app_client.get("/insights").text)) == ["One"]


def test_a_tile_shows_its_result_or_what_is_wrong_with_its_query(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "analyst")
    _save(app_client, token, "Typo", "trends", "event=Aply")
    _save(app_client, token, "Bad channel", "variants", "channel=fax")
    _save(app_client, token, "Variants", "variants", "top=5")
    board = _board(app_client, token)
    for insight_id in (1, 2, 3):
        _add(app_client, token, board, insight_id)
    _write_store(settings)
    page = app_client.get(board)
    assert page.status_code == 200, page.text[:2000]
    errors = [
        html.unescape(m) for m in re.findall(r'<p class="message error">([^<]+)</p>', page.text)
    ]
    assert errors == [
        "event: no activity 'Aply' in the store; closest: 'Apply'",
        "channel: no channel 'fax' in the store (channels: app, web)",
    ]
    assert "Apply → Approve" in page.text  # the variants tile: c1's path


def test_a_dashboard_before_any_upload_says_to_upload_a_file(app_client: Any, login: Any) -> None:
    token = login(app_client, "analyst")
    _save(app_client, token, "Variants", "variants")
    board = _board(app_client, token)
    assert _tiles(app_client.get(board).text) == []  # no tile: nothing to run yet
    _add(app_client, token, board, 1)
    page = app_client.get(board)
    assert page.status_code == 200  # the board opens; its tile says what is missing
    assert _tiles(page.text) == ["Variants"]
    assert "no event store at store.duckdb yet: upload a file on the Data page" in page.text

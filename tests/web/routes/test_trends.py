"""Explore > Trends (web/routes/trends.py) over the small synthetic store: the page, its CSV,
and ``/api/trends``, which equals ``journeyscope trends --json``; filters and typos as on every
Explore view; a Trends result saved as an insight and shown on a dashboard."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from journeyscope.config import Settings

EVENT = "Start housing application"


@pytest.mark.slow
def test_api_equals_cli_json(app_client, settings: Settings, login, run_cli) -> None:
    login(app_client, "viewer")
    api = app_client.get(
        "/api/trends", params={"event": EVENT, "breakdown": "channel", "period": "month"}
    )
    assert api.status_code == 200, api.text
    expected = json.loads(
        run_cli(
            "trends",
            "--event",
            EVENT,
            "--breakdown",
            "channel",
            "--period",
            "month",
            "--json",
            "--store",
            str(settings.store),
        )
    )
    assert api.json() == expected
    assert sum(p["conversions"] for p in expected["points"]) == expected["totals"]["cases"]


def test_page_chart_table_semantics_and_csv(app_client, login) -> None:
    login(app_client, "viewer")
    params = {"event": EVENT, "measure": "conversions", "breakdown": "channel"}
    csv = app_client.get("/explore/trends/csv", params=params)  # waits for the job
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("period,events,customers,cases,conversions")
    page = app_client.get("/explore/trends", params=params)  # now from the cache
    assert page.status_code == 200, page.text[:2000]
    assert 'aria-current="page">Trends' in page.text
    assert "conversions: channel = " in page.text and "How this was computed" in page.text
    assert "The chart draws conversions" in page.text
    part = app_client.get("/explore/trends/result", params=params)
    assert "The chart draws conversions" in part.text
    # the funnel page links to the new tab
    assert 'href="/explore/trends"' in app_client.get("/explore/funnel").text


@pytest.mark.slow
def test_filters_narrow_the_result(app_client, login) -> None:
    login(app_client, "viewer")
    every = app_client.get("/api/trends", params={"event": EVENT}).json()
    web = app_client.get("/api/trends", params={"event": EVENT, "channel": "web"}).json()
    split = app_client.get("/api/trends", params={"event": EVENT, "breakdown": "channel"}).json()
    by_value = {g["value"]: g["events"] for g in split["breakdown"]}
    assert web["totals"]["events"] == by_value["web"] < every["totals"]["events"]
    assert "channel web" not in every["semantics"]


def test_typos_are_inline_messages_with_the_closest_names(app_client, login) -> None:
    login(app_client, "viewer")
    page = app_client.get("/explore/trends", params={"event": "Start housing aplication"})
    assert "no activity" in page.text and EVENT in page.text
    page = app_client.get("/explore/trends", params={"breakdown": "chanel"})
    assert "no property &#39;chanel&#39;" in page.text and "channel" in page.text
    api = app_client.get("/api/trends", params={"period": "year"})
    assert api.status_code == 422 and "period" in api.json()["detail"]
    page = app_client.get("/explore/trends", params={"measure": "visits"})
    assert "measure: &#39;visits&#39;" in page.text


@pytest.mark.slow
def test_cohorts_filter_and_split_as_the_cli(
    app_client, settings: Settings, tmp_path, login, run_cli
) -> None:
    """``cohort=`` keeps a saved cohort's customers; ``by_cohort=`` is the breakdown (as the
    funnel's), equal to ``journeyscope --cohort`` / ``--by-cohort ... --breakdown cohort``."""
    from journeyscope.analytics.cohorts import Cohort, Condition, save_named

    folder = tmp_path / "cohorts"
    web = Condition(property="channel", equals="web")
    save_named(Cohort(name="web-users", conditions=(web,)), folder)
    app_client.app.state.settings = settings.model_copy(update={"cohorts": folder})
    login(app_client, "viewer")
    env = {"JOURNEYSCOPE_COHORTS": str(folder)}
    store = ["--store", str(settings.store)]
    only = app_client.get("/api/trends", params={"event": EVENT, "cohort": "web-users"})
    assert only.status_code == 200, only.text
    cli = run_cli("--cohort", "web-users", "trends", "--event", EVENT, "--json", *store, env=env)
    assert only.json()["totals"] == json.loads(cli)["totals"]
    split = app_client.get("/api/trends", params={"event": EVENT, "by_cohort": "web-users"})
    assert split.status_code == 200, split.text
    groups = {g["value"]: g["events"] for g in split.json()["breakdown"]}
    assert set(groups) == {"web-users", "(no cohort)"}
    assert groups["web-users"] == only.json()["totals"]["events"]
    assert sum(groups.values()) == split.json()["totals"]["events"]
    page = app_client.get("/explore/trends", params={"by_cohort": "web-users", "breakdown": "x"})
    assert "split by cohort at once" in page.text


@pytest.mark.slow
def test_saved_as_an_insight_and_shown_on_a_dashboard(app_client, login) -> None:
    token = login(app_client, "analyst")
    params = {"event": EVENT, "measure": "conversions", "breakdown": "channel", "channel": "web"}
    app_client.get("/explore/trends/csv", params=params)  # the job is done: the page shows it
    page = app_client.get("/explore/trends", params=params)
    assert 'name="kind" value="trends"' in page.text  # the save form
    query = re.search(r'name="query" value="([^"]+)"', page.text)
    assert query, page.text[:2000]
    saved = app_client.post(
        "/insights",
        data={
            "csrf_token": token,
            "name": "Web conversions",
            "kind": "trends",
            "query": html.unescape(query[1]) + "&first_channel=web&ignored=1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    listed = app_client.get("/insights").text
    link = re.search(r'<a href="(/explore/trends\?[^"]+)">Web conversions</a>', listed)
    assert link, listed
    kept = parse_qs(urlsplit(html.unescape(link[1])).query)
    assert kept["channel"] == ["web"] and kept["first_channel"] == ["web"]  # filters kept
    assert "ignored" not in kept
    board = app_client.post(
        "/dashboards", data={"csrf_token": token, "name": "Trends"}, follow_redirects=False
    )
    where = board.headers["location"]
    insight_id = re.search(r"saved=(\d+)", saved.headers["location"])
    assert insight_id
    app_client.post(
        f"{where}/add",
        data={"csrf_token": token, "insight_id": insight_id[1]},
        follow_redirects=False,
    )
    tile = app_client.get(where).text
    assert "Web conversions" in tile and "The chart draws conversions" in tile


def test_a_bad_top_is_refused_inline_and_by_the_csv(app_client, login) -> None:
    login(app_client, "viewer")
    page = app_client.get("/explore/trends", params={"event": EVENT, "top": "ten"})
    assert page.status_code == 200 and "top: &#39;ten&#39; is not a whole number" in page.text
    csv = app_client.get("/explore/trends/csv", params={"event": EVENT, "period": "year"})
    assert csv.status_code == 422 and "is not day, week or month" in csv.json()["detail"]


def test_without_a_store_the_page_asks_for_an_upload(
    app_client, settings: Settings, tmp_path, login
) -> None:
    login(app_client, "viewer")
    app_client.app.state.settings = settings.model_copy(update={"store": tmp_path / "none"})
    page = app_client.get("/explore/trends", params={"event": EVENT})
    assert page.status_code == 200 and "No event store yet" in page.text

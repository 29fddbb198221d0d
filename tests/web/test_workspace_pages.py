"""The workspace pages over a small synthetic store, through the ASGI app: every page answers
for a signed-in user, numbers equal the CLI's ``--json``, bad input gets a message."""

from __future__ import annotations

import json

import pytest

from journeyscope.config import Settings


@pytest.mark.slow
def test_every_page_answers_for_an_admin(app_client, login) -> None:
    login(app_client, "admin")
    for path in (
        "/",
        "/explore/funnel",
        "/explore/paths",
        "/explore/dfg",
        "/explore/variants",
        "/explore/channels",
        "/customers",
        "/data",
        "/insights",
        "/docs",
    ):
        page = app_client.get(path)
        assert page.status_code == 200, (path, page.text[:2000])
        assert "Traceback" not in page.text


@pytest.mark.slow
def test_funnel_api_equals_cli_json(app_client, settings: Settings, login, run_cli) -> None:
    login(app_client, "viewer")
    steps = ["Start housing application", "Upload documents", "Accept tenancy offer"]
    page = app_client.get("/api/funnel", params={"step": steps, "breakdown": "channel"})
    assert page.status_code == 200, page.text
    expected = json.loads(
        run_cli(
            "funnel", *steps, "--breakdown", "channel", "--json", "--store", str(settings.store)
        )
    )
    assert page.json() == expected


@pytest.mark.slow
def test_customer_property_filter_equals_the_breakdown_group(app_client, login) -> None:
    """``where=segment=X`` keeps the customers with segment X: its funnel is the breakdown's
    group X (segment is constant per customer in the synthetic data)."""
    login(app_client, "viewer")
    steps = ["Start housing application", "Upload documents", "Accept tenancy offer"]
    split = app_client.get("/api/funnel", params={"step": steps, "breakdown": "segment"}).json()
    assert len(split["breakdown"]) >= 2
    for group in split["breakdown"]:
        only = app_client.get(
            "/api/funnel", params={"step": steps, "where": f"segment={group['value']}"}
        )
        assert only.status_code == 200, only.text
        assert [s["cases"] for s in only.json()["steps"]] == group["steps"]
    typo = app_client.get("/explore/funnel", params={"step": steps, "where": "segmnt=young"})
    assert "no property &#39;segmnt&#39;" in typo.text and "segment" in typo.text


def test_first_channel_filter_keeps_customers_whose_first_event_was_there(
    app_client, settings: Settings, login
) -> None:
    """``first_channel=web``: the funnel of the customers whose first event of all was on the
    web, as the engine computes it on those customers' events (chosen here in SQL)."""
    from journeyscope.analytics.backends import IbisBackend
    from journeyscope.services.queries import build_query
    from journeyscope.services.store import open_store

    login(app_client, "viewer")
    steps = ["Start housing application", "Upload documents", "Accept tenancy offer"]
    page = app_client.get("/api/funnel", params={"step": steps, "first_channel": "web"})
    assert page.status_code == 200, page.text
    store = open_store(settings)
    try:
        web_first = [
            r[0]
            for r in store.con.execute(
                "SELECT customer_id FROM events GROUP BY 1 "
                "HAVING arg_min(channel, timestamp) = 'web'"
            ).fetchall()
        ]
        everyone = store.con.execute("SELECT count(DISTINCT customer_id) FROM events").fetchall()
        assert 0 < len(web_first) < everyone[0][0]
        events = store.events()
        expected = IbisBackend(events.filter(events.customer_id.isin(web_first))).run(
            build_query("funnel", {"step": steps})
        )
    finally:
        store.close()
    assert [s["cases"] for s in page.json()["steps"]] == [s.cases for s in expected.steps]
    whole = app_client.get("/api/funnel", params={"step": steps}).json()
    assert page.json()["steps"][0]["cases"] < whole["steps"][0]["cases"]
    shown = app_client.get("/explore/funnel", params={"step": steps, "first_channel": "web"})
    assert "whose first event was in web" in shown.text
    typo = app_client.get("/explore/funnel", params={"step": steps, "first_channel": "wbe"})
    assert "first_channel: no channel &#39;wbe&#39;" in typo.text


def test_path_link_drill_down_counts_the_links_cases(app_client, login) -> None:
    """The drill-down of a path link lists as many cases as the link carries (the same
    anchored paths), a sample that opens customers, and the paths after the link's target."""
    import re
    from urllib.parse import quote

    login(app_client, "analyst")
    params = {"start": "Start housing application", "steps": "4", "channel": "web"}
    result = app_client.get("/api/paths", params=params).json()
    edges = [e for e in result["edges"] if e["target"] != "(other)"]
    edge = max(edges, key=lambda e: (e["step"] == 2, e["cases"]))
    page = app_client.get(
        "/explore/paths/drill",
        params={**params, "at": edge["step"], "source": edge["source"], "target": edge["target"]},
    )
    assert page.status_code == 200, page.text
    assert f"{edge['cases']:,} cases went from" in page.text
    listed = re.findall(r'href="/customers\?q=([^"]+)"', page.text)
    assert 0 < len(listed) <= min(20, edge["cases"])
    assert f"/explore/paths?start={quote(edge['target'], safe='').replace('%20', '+')}" in page.text
    assert "channel=web" in page.text  # the filters follow the drill-down
    shown = app_client.get("/explore/paths", params=params)
    assert "/explore/paths/drill?at=" in shown.text
    bad = app_client.get(
        "/explore/paths/drill", params={**params, "at": 9, "source": "a", "target": "b"}
    )
    assert bad.status_code == 422


def test_a_second_run_knows_how_long_the_first_took(settings: Settings) -> None:
    """Progress is elapsed against how long the same kind of analysis last took here."""
    from journeyscope.services import results
    from journeyscope.services.queries import build_query

    results.clear()
    first = results.submit(settings, build_query("variants", {"top": ["5"]}))
    assert first.expected is None  # nothing to compare with yet
    first.result()
    assert first.progress == 1.0
    second = results.submit(settings, build_query("variants", {"top": ["6"]}))
    assert second.expected is not None and second.expected > 0
    second.result()


def test_unknown_step_is_an_inline_message_with_closest_names(app_client, login) -> None:
    login(app_client, "viewer")
    page = app_client.get("/explore/funnel", params={"step": ["Upload documnets"]})
    assert page.status_code == 200
    assert "no activity &#39;Upload documnets&#39;" in page.text
    assert "closest: &#39;Upload documents&#39;" in page.text
    api = app_client.get("/api/funnel", params={"step": ["Upload documnets"]})
    assert api.status_code == 422 and "Upload documents" in api.json()["detail"]


@pytest.mark.slow
def test_paths_options_equal_the_cli_and_say_what_they_did(
    app_client, settings: Settings, login, run_cli
) -> None:
    """Hidden activities, rare grouping and collapsed back-moves: the API gives the CLI's
    JSON, the page shows the options in its form and URL and says what each one did."""
    login(app_client, "analyst")
    start = "Start housing application"
    params = {"start": start, "steps": "4", "hide": "Upload documents", "min_cases": "5"}
    api = app_client.get("/api/paths", params={**params, "back_moves": "collapse"})
    assert api.status_code == 200, api.text
    cli = run_cli(
        "paths", "--start", start, "--steps", "4", "--hide", "Upload documents",
        "--min-cases", "5", "--back-moves", "collapse", "--json",
        "--store", str(settings.store),
    )  # fmt: skip
    assert api.json() == json.loads(cli)
    result = api.json()
    assert all("Upload documents" not in (e["source"], e["target"]) for e in result["edges"])
    assert result["shaping"]["hidden_events"] > 0
    assert all(e["back_cases"] == 0 for e in result["edges"])
    page = app_client.get("/explore/paths", params={**params, "back_moves": "collapse"})
    assert page.status_code == 200
    assert 'value="Upload documents"' in page.text and 'value="collapse" selected' in page.text
    assert "hidden activity left out (Upload documents" in page.text
    assert "back-moves collapsed" in page.text
    shown = app_client.get("/api/paths", params={"start": start, "steps": "4"}).json()
    assert shown["shaping"]["back_moves"] == "show"
    typo = app_client.get("/explore/paths", params={"hide": "Upload documnts"})
    assert "hide: no activity &#39;Upload documnts&#39;" in typo.text
    assert "Upload documents" in typo.text

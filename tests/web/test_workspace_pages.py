"""The workspace pages over a small synthetic store, through the ASGI app: every page answers
for a signed-in user, numbers equal the CLI's ``--json``, bad input gets a message."""

from __future__ import annotations

import json

from journeyscope.config import Settings


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


def test_unknown_step_is_an_inline_message_with_closest_names(app_client, login) -> None:
    login(app_client, "viewer")
    page = app_client.get("/explore/funnel", params={"step": ["Upload documnets"]})
    assert page.status_code == 200
    assert "no activity &#39;Upload documnets&#39;" in page.text
    assert "closest: &#39;Upload documents&#39;" in page.text
    api = app_client.get("/api/funnel", params={"step": ["Upload documnets"]})
    assert api.status_code == 422 and "Upload documents" in api.json()["detail"]

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

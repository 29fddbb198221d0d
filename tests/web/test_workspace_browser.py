"""The workspace in Chromium (Playwright), end to end, on a small synthetic store: sign in as
each role; build a funnel with a breakdown and a filter and check its numbers equal the CLI's;
save it, put it on a dashboard; share its URL with a second browser context; drill into a
drop-off and open a customer's timeline; upload a file with bad rows and find them in the
quarantine. Every page: no console errors, no request off this machine, a screenshot (in
``out/screenshots/workspace/`` of the repository, which git ignores)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_kit import Watch, launch, needs_chromium, screenshots, serve, shot, sign_in

from journeyscope.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api")
# a whole session in Chromium (minutes on a shared machine): the full run only; the fast lane
# keeps its behaviour through the test client (test_workspace_pages.py: every page answers, the
# funnel API equals the CLI, drill-downs, typos named; test_workspace_security.py: roles)
pytestmark = [pytest.mark.slow, needs_chromium]
STEPS = ["Start housing application", "Upload documents", "Accept tenancy offer"]
SINCE = "2025-12-01"


@pytest.fixture
def server(settings: Settings, accounts: Any) -> Iterator[str]:
    from journeyscope.services import results
    from journeyscope.web import create_app

    results.clear()
    with serve(create_app(settings, accounts=accounts, embedded_worker=False)) as url:
        yield url


def _filtered_cli_funnel(settings: Settings, synthetic_store: Path, run_cli: Any) -> dict[str, Any]:
    """The CLI's funnel on a store holding only the events on or after SINCE."""
    source = synthetic_store.parent / "synthetic.csv"
    kept = settings.store.parent / "since.csv"
    with source.open() as f, kept.open("w", newline="") as out:
        rows = csv.DictReader(f)
        writer = csv.DictWriter(out, fieldnames=rows.fieldnames or [])
        writer.writeheader()
        writer.writerows(r for r in rows if r["timestamp"][:10] >= SINCE)
    store = settings.store.parent / "since.duckdb"
    run_cli("ingest", str(kept), "--store", str(store))
    out = run_cli("funnel", *STEPS, "--breakdown", "channel", "--json", "--store", str(store))
    return dict(json.loads(out))


def test_a_whole_session_in_chromium(
    server: str, settings: Settings, synthetic_store: Path, run_cli: Any, tmp_path: Path
) -> None:
    expected = _filtered_cli_funnel(settings, synthetic_store, run_cli)
    shots = screenshots("workspace")
    watch = Watch()
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            # every role signs in and sees Home; the menu offers only what the role may do
            for role in ("viewer", "analyst", "designer", "operator", "admin"):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                watch.attach(page)
                sign_in(page, server, role, at="/")
                assert page.locator("h1").first.inner_text() == "Home"
                assert (page.locator("nav.nav a", has_text="Customers").count() == 1) is (
                    role != "viewer"
                )
                shot(page, shots, f"home-{role}")
                ctx.close()

            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            sign_in(page, server, "analyst", at="/")

            # a typo is an inline message with the closest names, not a silent zero
            page.goto(f"{server}/explore/funnel?step=Upload+documnets")
            message = page.locator("#query-error").inner_text()
            assert "no activity 'Upload documnets'" in message and "Upload documents" in message

            # build the funnel in the page: steps, breakdown, a date filter
            page.goto(f"{server}/explore/funnel")
            page.fill("#step1", STEPS[0])
            page.fill("#step2", STEPS[1])
            page.click("[data-add-step]")
            page.fill("#step3", STEPS[2])
            page.fill("input[name=breakdown]", "channel")
            page.fill("input[name=since]", SINCE)
            page.click("#query-form button[type=submit]")
            page.wait_for_selector("#result table")
            assert "step=Start+housing+application" in page.url and f"since={SINCE}" in page.url
            rows = page.locator("#result tbody tr").all()
            cells = [[c.inner_text() for c in r.locator("td").all()] for r in rows]
            heads = page.locator("#result thead th").all_inner_texts()
            for k, step in enumerate(expected["steps"]):
                assert int(cells[k][2].replace(",", "")) == step["cases"]
                assert int(cells[k][5].replace(",", "")) == step["dropped"]
            for group in expected["breakdown"]:
                col = heads.index(f"channel = {group['value']}")
                assert [int(cells[k][col].replace(",", "")) for k in range(3)] == group["steps"]
            assert "Only events on or after" in page.locator("#result .semantics").inner_text()
            page.wait_for_selector("#result .plot .main-svg")
            shot(page, shots, "explore-funnel")
            shared = page.url
            # the API gives the same numbers as the CLI for the same query and filter
            api = page.request.get(f"{server}/api/funnel?{urlsplit(shared).query}").json()
            assert api["steps"] == expected["steps"] and api["breakdown"] == expected["breakdown"]

            # save it, put it on a new dashboard
            page.fill(".save input[name=name]", "Tenancy funnel by channel")
            page.click(".save button[type=submit]")
            page.wait_for_url("**/insights?saved=*")
            page.fill("#dash-name", "Tenancy weekly")
            page.click("form[action='/dashboards'] button")
            page.wait_for_url("**/dashboards/*")
            page.select_option("#add-insight", label="Tenancy funnel by channel")
            page.click("form[action$='/add'] button")
            page.wait_for_selector(".tile table")
            shot(page, shots, "dashboard")

            # share the URL: a second browser context (another person) sees the same table
            other = browser.new_context(viewport={"width": 1280, "height": 900})
            page2 = other.new_page()
            watch.attach(page2)
            sign_in(page2, server, "viewer", at="/")
            page2.goto(shared)
            page2.wait_for_selector("#result table")
            assert page2.locator("#result tbody tr").first.inner_text() == rows[0].inner_text()
            other.close()

            # drill into the first drop-off, then open a customer's timeline
            page.goto(shared)
            page.locator("#result a[title='Who dropped here']").first.click()
            page.wait_for_selector("h1:has-text('dropped after')")
            shot(page, shots, "drill")
            page.locator("ul.columns a").first.click()
            page.wait_for_selector("ol.timeline")
            assert (
                page.locator("h1").inner_text().startswith("acct:")
                or page.locator("h1").inner_text()
            )
            shot(page, shots, "timeline")

            # drill into a path: click a link of the Sankey (the table row it draws), see the
            # cases that went that way and the paths after it
            page.goto(f"{server}/explore/paths?start={STEPS[0].replace(' ', '+')}&steps=4")
            page.wait_for_selector("#result .plot[data-drawn] .sankey-link", timeout=60_000)
            page.locator("#result .sankey-link").first.dispatch_event("click")
            page.wait_for_selector("h1:has-text('cases went from')", timeout=60_000)
            shot(page, shots, "path-drill")
            page.locator("a.button:has-text('Paths after')").click()
            page.wait_for_selector("#result table", timeout=60_000)

            # upload a file with bad rows; find them in the quarantine
            bad = tmp_path / "bad-rows.csv"
            bad.write_text(
                "case_id,activity,timestamp,channel\n"
                "Z-1,Start housing application,2025-12-03T10:00:00Z,web\n"
                "Z-1,,2025-12-03T11:00:00Z,web\n"
                "Z-2,Upload documents,not a time,app\n"
            )
            page.goto(f"{server}/data")
            page.set_input_files("input[type=file]", str(bad))
            page.click("form[action='/data/upload'] button[type=submit]")
            page.wait_for_selector(".upload.done", timeout=60_000)
            assert "2 quarantined" in page.locator(".upload.done").inner_text()
            page.goto(f"{server}/data?source=bad-rows#quarantine")
            table = page.locator("#quarantine-table").inner_text()
            assert table.count("bad-rows") >= 2 and "activity" in table and "timestamp" in table
            shot(page, shots, "data")

            for path, name in (
                ("/explore/paths?start=Upload+documents", "paths"),
                ("/explore/dfg", "process-map"),
                ("/explore/variants", "variants"),
                ("/explore/channels", "channels"),
                ("/customers", "customers"),
                ("/docs", "docs"),
            ):
                page.goto(server + path)
                if path.startswith("/explore"):  # wait for the background job's result
                    picture = "#result .svg-wrap svg" if "dfg" in path else "#result .main-svg"
                    page.wait_for_selector(picture, timeout=120_000)
                shot(page, shots, name)
            ctx.close()

            # a phone-sized screen: the menu collapses, the funnel still reads
            phone = browser.new_context(viewport={"width": 390, "height": 844})
            page3 = phone.new_page()
            watch.attach(page3)
            sign_in(page3, server, "admin", at="/")
            assert not page3.locator("nav.nav").is_visible()
            page3.goto(shared)
            page3.wait_for_selector("#result table")
            shot(page3, shots, "explore-funnel-390px")
            phone.close()
        finally:
            browser.close()
    watch.assert_clean()
    print(f"screenshots in {shots}")

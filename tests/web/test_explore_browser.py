"""Explore's paths options and cohorts in Chromium (Playwright): the Sankey with back-moves
marked and collapsed, hidden and rare activities, a split by cohort in the funnel and in a
view that shows one result per group, and a cohort defined from the page. No console errors,
no request off this machine; screenshots in ``out/screenshots/explore/`` (git-ignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from browser_kit import Watch, launch, needs_chromium, screenshots, sign_in

from journeyscope.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, needs_chromium]
START = "Start housing application"
STEPS = [START, "Upload documents", "Accept tenancy offer"]


@pytest.fixture
def settings(synthetic_store: Path, tmp_path: Path) -> Settings:
    """The synthetic store and two cohorts saved by name."""
    from journeyscope.analytics.cohorts import Cohort, Condition, save_named

    store = tmp_path / "store.duckdb"
    store.write_bytes(synthetic_store.read_bytes())
    folder = tmp_path / "cohorts"
    save_named(Cohort(name="uploaders", conditions=(Condition(activity=STEPS[1]),)), folder)
    web = Condition(property="channel", equals="web")
    save_named(Cohort(name="web-users", conditions=(web,)), folder)
    return Settings(
        store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}", cohorts=folder
    )


def _show(page: Any, shots: Path, url: str, name: str, results: int = 1) -> None:
    page.goto(url)
    page.wait_for_function(
        f"document.querySelectorAll('section.result').length >= {results}", timeout=180_000
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # plotly draws after the swap
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_paths_options_and_cohorts_in_chromium(live_server: str, settings: Settings) -> None:
    shots = screenshots("explore")
    watch = Watch()
    base = live_server
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            sign_in(page, base, "analyst", at="/")

            paths = {"start": START, "steps": "5"}
            _show(page, shots, f"{base}/explore/paths?{urlencode(paths)}", "paths-back-moves-shown")
            assert "back-moves" in page.locator("p.semantics").inner_text()
            assert page.locator(".plot .sankey").count() == 1

            shaped = {**paths, "back_moves": "collapse", "hide": STEPS[1], "min_cases": "10"}
            _show(
                page, shots, f"{base}/explore/paths?{urlencode(shaped)}", "paths-collapsed-hidden"
            )
            text = page.locator("p.semantics").inner_text()
            assert "back-moves" in text and "collapsed" in text and "hidden" in text
            assert page.locator("select[name=back_moves]").input_value() == "collapse"

            split = urlencode([("by_cohort", "uploaders")])
            _show(page, shots, f"{base}/explore/variants?{split}", "variants-by-cohort", results=2)
            assert page.locator("h2.group-title").count() == 2

            by_paths = urlencode([*paths.items(), ("by_cohort", "web-users")])
            _show(page, shots, f"{base}/explore/paths?{by_paths}", "paths-by-cohort", results=2)

            funnel = urlencode([*(("step", s) for s in STEPS), ("by_cohort", "uploaders")])
            _show(page, shots, f"{base}/explore/funnel?{funnel}", "funnel-by-cohort")
            assert "cohort = uploaders" in page.locator("table").first.inner_text()

            # define a cohort from the page's filter, and land on the page filtered to it
            page.goto(f"{base}/explore/dfg?{urlencode({'where': 'segment=mainstream'})}")
            page.locator("details.cohorts-defined summary").click()
            page.fill("form.cohort-save input[name=name]", "mainstream")
            page.locator("form.cohort-save button[type=submit]").click()
            page.wait_for_url("**cohort=mainstream**")
            page.wait_for_selector("section.result", timeout=180_000)
            page.locator("details.cohorts-defined summary").click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(shots / "dfg-cohort-defined.png"), full_page=True)
            assert page.locator("select[name=cohort]").input_value() == "mainstream"
            ctx.close()

            phone = browser.new_context(viewport={"width": 390, "height": 844})
            small = phone.new_page()
            watch.attach(small)
            sign_in(small, base, "analyst", at="/")
            _show(small, shots, f"{base}/explore/paths?{urlencode(shaped)}", "paths-390px")
            phone.close()
        finally:
            browser.close()
    watch.assert_clean()

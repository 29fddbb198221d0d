""" "Did it help?" in Chromium: a viewer opens the page, changes the period, reads the figures;
no console errors, no request off this machine; screenshots in ``out/screenshots/uplift/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Watch, launch, needs_chromium, screenshots, serve, sign_in

from journeyscope.config import Settings
from journeyscope.engine import synthetic_trial as trial
from journeyscope.events import Store

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = tmp_path / "store.duckdb"
    with Store(store) as s:
        trial.write_store(trial.generate(customers=800, seed=6), s)
    return Settings(store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}")


@pytest.fixture
def server(settings: Settings, accounts: Any) -> Iterator[str]:
    from journeyscope.services import results
    from journeyscope.web import create_app

    results.clear()
    with serve(create_app(settings, accounts=accounts, embedded_worker=False)) as url:
        yield url


def test_a_viewer_reads_whether_it_helped(server: str) -> None:
    shots = screenshots("uplift")
    watch = Watch()
    uplift = f"/console/{trial.JOURNEY}/uplift"
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            for width, name in ((1280, "uplift"), (420, "uplift-narrow")):
                page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
                watch.attach(page)
                sign_in(page, server, "viewer", at=uplift)
                assert page.locator("h1").inner_text().startswith("Did it help?")
                assert page.locator("svg.uplift-interval").count() == 2
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            page.fill("#until", "2025-03-15")
            page.click("button:has-text('Compare')")
            page.wait_for_url("**until=2025-03-15**")
            assert "to 2025-03-15" in page.locator(".semantics").inner_text()
            page.screenshot(path=str(shots / "uplift-period.png"), full_page=True)
        finally:
            browser.close()
    watch.assert_clean()

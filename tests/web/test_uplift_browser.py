""" "Did it help?" in Chromium: a viewer opens the page, changes the period, reads the figures;
no console errors, no request off this machine; screenshots in ``out/screenshots/uplift/``."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from journeyscope.config import Settings
from journeyscope.engine import synthetic_trial as trial
from journeyscope.events import Store

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = tmp_path / "store.duckdb"
    with Store(store) as s:
        trial.write_store(trial.generate(customers=800, seed=6), s)
    return Settings(store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}")


@pytest.fixture
def server(settings: Settings, accounts: Any) -> Iterator[str]:
    import uvicorn

    from journeyscope.services import results
    from journeyscope.web import create_app

    results.clear()
    app = create_app(settings, accounts=accounts, embedded_worker=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        assert thread.is_alive()
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join()


def test_a_viewer_reads_whether_it_helped(server: str) -> None:
    shots = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "uplift"
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    offsite: list[str] = []

    def request(r: Any) -> None:
        if not r.url.startswith("data:") and urlsplit(r.url).hostname != "127.0.0.1":
            offsite.append(r.url)

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            for width, name in ((1280, "uplift"), (420, "uplift-narrow")):
                page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", request)
                page.goto(f"{server}/console/{trial.JOURNEY}/uplift")
                page.fill("#username", "viewer")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(f"**/console/{trial.JOURNEY}/uplift")
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
    assert errors == [] and offsite == []

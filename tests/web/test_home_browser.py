"""Home, an Explore funnel and Explore > Trends in Chromium (Playwright) on the small
synthetic store, at 1280 px and 390 px: no console errors, no request off this machine, the
card's figures filled in, every Explore tab in view (wrapped on a phone), screenshots in
``out/screenshots/home/`` (git ignores it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "home"
PASSWORD = "correct horse battery"
TRENDS = (
    "/explore/trends?event=Start+housing+application&measure=conversions&period=week"
    "&breakdown=channel"
)

FUNNEL = "/explore/funnel?step=Start+housing+application&step=Upload+documents"


def every_tab_in_view(page: Any, width: int) -> None:
    """Each of Explore's tabs lies wholly inside the window (none scrolled out of sight)."""
    tabs = page.locator("nav.explore-tabs a")
    assert tabs.count() == 6
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            tabs.nth(i).inner_text(),
            box,
        )


def test_home_trends_and_report_in_chromium(live_server: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    offsite: list[str] = []

    def request(r: Any) -> None:
        host = urlsplit(r.url).hostname
        if not r.url.startswith(("data:", "blob:")) and host not in ("127.0.0.1", "localhost"):
            offsite.append(r.url)

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        for width, tag in ((1280, "wide"), (390, "narrow")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", request)
            page.goto(f"{live_server}/")
            page.fill("#username", "viewer")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server}/")
            # the card asks for its slow figures when seen (htmx), then until they are there
            page.wait_for_selector('#journey-tenancy[data-state="done"]', timeout=900_000)
            assert page.locator("#journey-tenancy svg.sparkline").count() >= 2
            assert "Every figure: " in page.inner_text("#journey-tenancy")
            page.screenshot(path=str(SHOTS / f"home-{tag}.png"), full_page=True)
            for name, url in (("trends", TRENDS), ("explore", FUNNEL)):
                page.goto(f"{live_server}{url}")
                page.wait_for_selector("#result .plot .main-svg", timeout=600_000)
                assert "How this was computed" in page.inner_text("#result")
                every_tab_in_view(page, width)
                page.screenshot(path=str(SHOTS / f"{name}-{tag}.png"), full_page=True)
            page.close()
        browser.close()
    assert errors == [] and offsite == []

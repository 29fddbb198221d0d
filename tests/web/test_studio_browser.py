"""The design studio in Chromium (Playwright): a designer opens the tenancy design, introduces
an error (refused on save, with its line), fixes it, saves, sees the new version and its diff,
restores the old one, and overlays the actual journey; a viewer is refused the editor and
offered no change. No console errors, no request off this machine; screenshots in
``out/screenshots/studio/`` (git-ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from journeyscope.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "out" / "screenshots" / "studio"
PASSWORD = "correct horse battery"
WAIT_MS = 180_000  # the journey page's analyses on a shared machine


@pytest.fixture
def settings(synthetic_store: Path, tmp_path: Path) -> Settings:
    store = tmp_path / "store.duckdb"
    store.write_bytes(synthetic_store.read_bytes())
    designs = tmp_path / "designs"
    shutil.copytree(REPO / "examples" / "journeys", designs)
    return Settings(
        store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}", designs=designs
    )


class Watch:
    """Console errors and requests off this machine. A refused save answers 422 and a
    refused page 403 on purpose: Chromium logs those documents' status, which is expected."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.offsite: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _console(self, message: Any) -> None:
        expected = ("status of 422", "status of 403")
        if message.type == "error" and not any(e in message.text for e in expected):
            self.errors.append(message.text)

    def _request(self, request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            return
        self.offsite.append(request.url)


def _sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _shot(page: Any, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _set_text(page: Any, text: str) -> None:
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", text)


def test_designer_edits_saves_diffs_and_restores_viewer_is_refused(
    live_server: str, settings: Settings
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = (settings.designs / "tenancy.yaml").read_text(encoding="utf-8")
    line = 1 + base.splitlines().index("  step: collect_keys")
    bad = base.replace("step: collect_keys", "step: colect_keys", 1)
    good = base.replace("name: View property listing", "name: Browse listings", 1)
    watch = Watch()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            ctx = browser.new_context(viewport={"width": 1440, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            _sign_in(page, live_server, "designer")
            page.click("nav.nav >> text=Journeys")
            page.wait_for_url(f"{live_server}/journeys")
            _shot(page, "01-journeys")
            page.click("a[href='/journeys/tenancy'] >> nth=0")
            page.wait_for_selector("[data-section=journey-map] svg", timeout=WAIT_MS)
            page.wait_for_selector("#emotion-curve .main-svg", timeout=30_000)
            _shot(page, "02-tenancy-page")

            page.goto(f"{live_server}/journeys/tenancy/edit")
            page.wait_for_selector(".CodeMirror")
            _set_text(page, bad)
            page.wait_for_selector(f"#studio-messages li.sev-error[data-line='{line}']")
            assert "1 error" in page.inner_text("#studio-status")
            assert "did you mean 'collect_keys'" in page.inner_text("#studio-messages")
            assert page.locator(".studio-line-error").count() == 1
            _shot(page, "03-editor-error")
            page.fill("input[name=message]", "typo in the outcome")
            page.click("#studio-save")
            page.wait_for_selector("#studio-notice")
            notice = page.inner_text("#studio-notice")
            assert "not saved: 1 error" in notice and f"line {line}: outcome.step" in notice
            assert page.locator(f"#studio-messages li[data-line='{line}']").count() == 1
            _shot(page, "04-save-refused")

            page.wait_for_selector(".CodeMirror")
            _set_text(page, good)
            page.wait_for_function(
                "() => document.querySelector('#studio-status').textContent.startsWith('valid')"
            )
            assert "Browse listings" in page.inner_text("#studio-preview")
            page.click("#studio-overlay")
            page.wait_for_function(
                "() => document.querySelector('#studio-overlay-status').textContent"
                ".startsWith('Actual lanes')",
                timeout=WAIT_MS,
            )
            assert (
                "Cases reaching" in page.inner_html("#studio-preview")
                or page.locator("#studio-preview svg").count() == 1
            )
            _shot(page, "05-editor-valid-overlay")
            page.fill("input[name=message]", "clearer first step")
            page.click("#studio-save")
            page.wait_for_url(f"{live_server}/journeys/tenancy/versions?saved=2")
            assert "Saved as version 2" in page.inner_text("main")
            assert "clearer first step" in page.inner_text("tr[data-version='2']")
            _shot(page, "06-versions")

            page.click("tr[data-version='2'] >> text=changes")
            page.wait_for_selector("#map-changes")
            assert "view_listing" in page.inner_text("#map-changes")
            assert "+        name: Browse listings" in page.inner_text("#text-diff")
            _shot(page, "07-diff")

            page.goto(f"{live_server}/journeys/tenancy/versions")
            page.click("button[data-restore='1']")
            page.wait_for_url("**/versions?restored=1&saved=3")
            assert "Version 1 restored as version 3" in page.inner_text("main")
            _shot(page, "08-restored")
            ctx.close()

            viewer = browser.new_context(viewport={"width": 1280, "height": 900})
            vpage = viewer.new_page()
            watch.attach(vpage)
            _sign_in(vpage, live_server, "viewer")
            answer = vpage.goto(f"{live_server}/journeys/tenancy/edit")
            assert answer is not None and answer.status == 403
            assert "viewer role may not" in vpage.inner_text("main")
            _shot(vpage, "09-viewer-refused")
            vpage.goto(f"{live_server}/journeys/tenancy/versions")
            assert vpage.locator("button[data-restore]").count() == 0
            assert vpage.locator("button[data-write]").count() == 0
            _shot(vpage, "10-viewer-versions")
            viewer.close()
        finally:
            browser.close()
    assert (settings.designs / "tenancy.yaml").read_text(encoding="utf-8") == base
    assert watch.errors == [], watch.errors
    assert watch.offsite == [], watch.offsite

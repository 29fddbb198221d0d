"""The design studio in Chromium (Playwright): a designer opens the tenancy design, introduces
an error (refused on save, with its line), fixes it, saves, sees the new version and its diff,
restores the old one, and overlays the actual journey; a viewer is refused the editor and
offered no change. No console errors, no request off this machine; screenshots in
``out/screenshots/studio/`` (git-ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Watch, launch, needs_chromium, screenshots, shot, sign_in

from journeyscope.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, needs_chromium]
REPO = Path(__file__).resolve().parents[2]
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


def _set_text(page: Any, text: str) -> None:
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", text)


def test_designer_edits_saves_diffs_and_restores_viewer_is_refused(
    live_server: str, settings: Settings
) -> None:
    shots = screenshots("studio")
    base = (settings.designs / "tenancy.yaml").read_text(encoding="utf-8")
    line = 1 + base.splitlines().index("  step: collect_keys")
    bad = base.replace("step: collect_keys", "step: colect_keys", 1)
    good = base.replace("name: View property listing", "name: Browse listings", 1)
    # a refused save answers 422 and a refused page 403, on purpose
    watch = Watch(expected=("status of 422", "status of 403"))
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            ctx = browser.new_context(viewport={"width": 1440, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            sign_in(page, live_server, "designer")
            page.click("nav.nav >> text=Journeys")
            page.wait_for_url(f"{live_server}/journeys")
            shot(page, shots, "01-journeys")
            page.click("a[href='/journeys/tenancy'] >> nth=0")
            page.wait_for_selector("[data-section=journey-map] svg", timeout=WAIT_MS)
            page.wait_for_selector("#emotion-curve .main-svg", timeout=30_000)
            shot(page, shots, "02-tenancy-page")

            page.goto(f"{live_server}/journeys/tenancy/edit")
            page.wait_for_selector(".CodeMirror")
            _set_text(page, bad)
            page.wait_for_selector(f"#studio-messages li.sev-error[data-line='{line}']")
            assert "1 error" in page.inner_text("#studio-status")
            assert "did you mean 'collect_keys'" in page.inner_text("#studio-messages")
            assert page.locator(".studio-line-error").count() == 1
            shot(page, shots, "03-editor-error")
            page.fill("input[name=message]", "typo in the outcome")
            page.click("#studio-save")
            page.wait_for_selector("#studio-notice")
            notice = page.inner_text("#studio-notice")
            assert "not saved: 1 error" in notice and f"line {line}: outcome.step" in notice
            assert page.locator(f"#studio-messages li[data-line='{line}']").count() == 1
            shot(page, shots, "04-save-refused")

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
            shot(page, shots, "05-editor-valid-overlay")
            page.fill("input[name=message]", "clearer first step")
            page.click("#studio-save")
            page.wait_for_url(f"{live_server}/journeys/tenancy/versions?saved=2")
            assert "Saved as version 2" in page.inner_text("main")
            assert "clearer first step" in page.inner_text("tr[data-version='2']")
            shot(page, shots, "06-versions")

            page.click("tr[data-version='2'] >> text=changes")
            page.wait_for_selector("#map-changes")
            assert "view_listing" in page.inner_text("#map-changes")
            assert "+        name: Browse listings" in page.inner_text("#text-diff")
            shot(page, shots, "07-diff")

            page.goto(f"{live_server}/journeys/tenancy/versions")
            page.click("button[data-restore='1']")
            page.wait_for_url("**/versions?restored=1&saved=3")
            assert "Version 1 restored as version 3" in page.inner_text("main")
            shot(page, shots, "08-restored")
            ctx.close()

            viewer = browser.new_context(viewport={"width": 1280, "height": 900})
            vpage = viewer.new_page()
            watch.attach(vpage)
            sign_in(vpage, live_server, "viewer")
            answer = vpage.goto(f"{live_server}/journeys/tenancy/edit")
            assert answer is not None and answer.status == 403
            assert "viewer role may not" in vpage.inner_text("main")
            shot(vpage, shots, "09-viewer-refused")
            vpage.goto(f"{live_server}/journeys/tenancy/versions")
            assert vpage.locator("button[data-restore]").count() == 0
            assert vpage.locator("button[data-write]").count() == 0
            shot(vpage, shots, "10-viewer-versions")
            viewer.close()
        finally:
            browser.close()
    assert (settings.designs / "tenancy.yaml").read_text(encoding="utf-8") == base
    watch.assert_clean()

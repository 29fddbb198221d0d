"""The orchestration console in Chromium (Playwright), end to end, with the embedded worker:
an operator simulates a draft on a month of stored events, deploys it, watches counters move
while events are posted to ``/v1/events`` with an API key, pauses and resumes a journey and
retries a dead letter; a viewer is refused each of those. No console errors, no request off
this machine; screenshots in ``out/screenshots/console/`` (git-ignored)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Watch, launch, needs_chromium, screenshots, serve, shot, sign_in

from journeyscope.config import Settings
from journeyscope.engine.core.program import load_program
from journeyscope.engine.store import EngineStore
from journeyscope.services import api_keys

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, needs_chromium]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "orchestration"
HELP = "tenancy-online-help"
DOCS = "tenancy-documents"
POISON = """journey: poison-check
version: 1
name: A journey with a broken expression
triggers: [{event: Poke}]
steps:
  share: {set: {share: "100 / event.properties.n"}, next: end}
"""


@pytest.fixture
def server(settings: Settings, accounts: Any) -> Iterator[tuple[str, str]]:
    """The app with its embedded worker, the examples and a poison journey deployed; the
    base URL and an API key that writes events and journeys."""
    from journeyscope.services.simulation import parse_draft
    from journeyscope.web import create_app

    store = EngineStore(settings.database_url)
    program = load_program(EXAMPLES)
    store.deploy(program)
    from journeyscope.engine.core.program import Program

    store.deploy(
        Program.build(
            [j.spec for j in program.versions()] + parse_draft(POISON),
            program.catalogue,
            program.policy,
        )
    )
    key = api_keys.issue(store, "crm", ["events:write", "journeys:write", "journeys:read"])
    store.close()
    with serve(create_app(settings, accounts=accounts, embedded_worker=True)) as url:
        yield url, key


def _post_events(page: Any, base: str, key: str, events: list[dict[str, Any]]) -> None:
    done = page.request.post(
        f"{base}/v1/events", headers={"X-API-Key": key}, data={"events": events}
    )
    assert done.status == 202, done.text()


def _error(customer: str) -> dict[str, Any]:
    return {
        "event_id": uuid.uuid4().hex,
        "customer_id": customer,
        "activity": "Online error",
        "channel": "web",
        "properties": {"journey": "tenancy"},
    }


def _cell(page: Any, version: int, step: str, column: str) -> int:
    text = page.locator(
        f"table.counters[data-version='{version}'] tr[data-step='{step}'] td.{column}"
    ).inner_text()
    return int(text.replace(",", ""))


def _confirm(page: Any, shots: Path, button: str) -> None:
    page.click(button)
    page.wait_for_selector("#confirm")
    shot(page, shots, "confirm-" + button.strip("#").replace(" ", "-")[:20])
    page.click("#confirm")
    page.wait_for_selector("p.message")


def test_an_operator_runs_journeys_from_the_console(server: tuple[str, str]) -> None:
    base, key = server
    shots = screenshots("console")
    watch = Watch()
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            sign_in(page, base, "operator")
            page.click("nav.nav a:has-text('Console')")
            page.wait_for_selector(f"a:has-text('{DOCS}')")
            shot(page, shots, "console")

            # simulate a new version of the documents journey on a month of stored events
            page.goto(f"{base}/console-simulate?journey={DOCS}")
            assert "version: 2" in page.input_value("#draft")
            page.fill("input[name=since]", "2025-12-01")
            page.fill("input[name=until]", "2025-12-31")
            shot(page, shots, "simulate-form")
            page.click("#simulate")
            page.wait_for_selector("text=Replayed", timeout=120_000)
            simulated = page.locator(".side").first.locator("[data-total='Journey entered']")
            assert int(simulated.inner_text().replace(",", "")) > 0
            assert page.locator("table a[href^='/customers/']").count() > 0
            shot(page, shots, "simulation")

            # deploy it: a confirmation first, then the journey page says what happened
            _confirm(page, shots, "#deploy")
            assert "deployed tenancy-documents@2" in page.locator("p.message").inner_text()
            assert page.locator("table.counters[data-version='2']").count() == 1
            shot(page, shots, "deployed")

            # counters move while events are posted (the page polls; no reload)
            page.goto(f"{base}/console/{HELP}")
            before = _cell(page, 1, "offer-help", "entered")
            _post_events(page, base, key, [_error(f"acct:W{i}") for i in range(3)])
            page.wait_for_function(
                "n => Number(document.querySelector(\"table.counters tr[data-step='offer-help'] "
                "td.entered\").innerText.replace(/,/g, '')) >= n",
                arg=before + 3,
                timeout=30_000,
            )
            shot(page, shots, "counters-moved")

            # pause: nobody enters; resume: they do again
            _confirm(page, shots, "#switch")
            assert "paused: no new entries" in page.locator("p.message").inner_text()
            _post_events(page, base, key, [_error("acct:P1")])
            page.wait_for_function(
                "() => document.querySelector('#live').innerText.includes('1\\nentries refused')",
                timeout=30_000,
            )
            assert _cell(page, 1, "offer-help", "entered") == before + 3
            shot(page, shots, "paused")
            _confirm(page, shots, "#switch")
            assert "resumed" in page.locator("p.message").inner_text()
            _post_events(page, base, key, [_error("acct:R1")])
            page.wait_for_function(
                "n => Number(document.querySelector(\"table.counters tr[data-step='offer-help'] "
                "td.entered\").innerText.replace(/,/g, '')) >= n",
                arg=before + 4,
                timeout=30_000,
            )
            log = page.locator("table:below(h2:has-text('Audit log'))").first.inner_text()
            assert "user:operator" in log and "pause" in log and "resume" in log

            # a dead letter: an input whose handling fails, retried from the page
            _post_events(
                page,
                base,
                key,
                [
                    {
                        "event_id": "poke-1",
                        "customer_id": "acct:X1",
                        "activity": "Poke",
                        "properties": {"n": 0},
                    }
                ],
            )
            page.wait_for_selector("button[data-dead^='retry-']", timeout=30_000)
            shot(page, shots, "dead-letter")
            _confirm(page, shots, "button[data-dead^='retry-']")
            assert (
                "1 failed input(s) handed to the workers again"
                in page.locator("p.message").inner_text()
            )
            shot(page, shots, "retried")
            ctx.close()

            # a viewer reads the same pages and is refused each action
            ctx = browser.new_context(viewport={"width": 1366, "height": 900})
            page = ctx.new_page()
            watch.attach(page)
            sign_in(page, base, "viewer")
            page.goto(f"{base}/console/{HELP}")
            assert page.locator("#switch").count() == 0
            assert page.locator("button[data-dead]").count() == 0
            shot(page, shots, "viewer")
            token = page.evaluate(
                "() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']"
            )
            for url, data in [
                (f"/console/{HELP}/pause", {}),
                (f"/console/{HELP}/resume", {}),
                (f"/console/{DOCS}/migrate", {"from_version": "1", "to_version": "2"}),
                ("/console/deploy", {"draft": POISON}),
                ("/console/dead-letters/retry", {}),
                (
                    "/console-simulate",
                    {"draft": POISON, "since": "2025-12-01", "until": "2025-12-31"},
                ),
            ]:
                refused = page.request.post(
                    f"{base}{url}", form={**data, "csrf_token": token, "confirmed": "yes"}
                )
                assert refused.status == 403, url
            page.goto(f"{base}/console-simulate")
            assert page.locator("#simulate").count() == 0
            ctx.close()
        finally:
            browser.close()
    watch.assert_clean()

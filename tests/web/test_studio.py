"""The design studio's routes: who may see and change what, CSRF on every change, the
journeys page computed by the report's code on filtered events, save/refuse/diff/restore."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from journeyscope.config import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(synthetic_store: Path, tmp_path: Path) -> Settings:
    """The synthetic store and a copy of the example designs (write-back must not touch the
    repository's)."""
    store = tmp_path / "store.duckdb"
    store.write_bytes(synthetic_store.read_bytes())
    designs = tmp_path / "designs"
    shutil.copytree(REPO / "examples" / "journeys", designs)
    return Settings(
        store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}", designs=designs
    )


def tenancy(settings: Settings) -> str:
    return (settings.designs / "tenancy.yaml").read_text(encoding="utf-8")


PENDING = re.compile(
    r'<section class="card studio-section pending" id="[^"]+"[^>]*hx-get="([^"]+)".*?</section>',
    re.S,
)


def sections(client: Any, url: str) -> str:
    """The journey page, each section still computing replaced by its poll's answer until
    none is left."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    html = str(page.text)
    for _ in range(960):
        if not PENDING.search(html):
            return html
        time.sleep(0.5)

        def polled(m: re.Match[str]) -> str:
            answer = client.get(html_lib.unescape(m.group(1)))
            assert answer.status_code == 200, answer.text
            return str(answer.text)

        html = PENDING.sub(polled, html)
    raise AssertionError("the journey page never finished")


@pytest.mark.slow
def test_viewer_sees_the_list_and_a_journey_but_may_not_edit(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "viewer")
    listing = app_client.get("/journeys")
    assert listing.status_code == 200
    assert 'href="/journeys/tenancy"' in listing.text
    assert "/journeys/tenancy/edit" not in listing.text and "New design" not in listing.text
    assert app_client.get("/journeys/tenancy/edit").status_code == 403
    text = tenancy(settings)
    for url, data in (
        ("/journeys/tenancy/save", {"text": text + "\n# x\n", "message": "m"}),
        ("/journeys/tenancy/restore", {"number": "1"}),
        ("/journeys/tenancy/write", {"number": "1"}),
        ("/journeys/validate", {"text": text}),
        ("/journeys/overlay", {"text": text}),
        ("/journeys/new", {"start": "template", "id": "x", "name": "X"}),
    ):
        refused = app_client.post(url, data={**data, "csrf_token": token})
        assert refused.status_code == 403, url
        assert "viewer role may not" in refused.text
    assert [
        v for v in app_client.get("/journeys/tenancy/versions").text.split() if "Restore" in v
    ] == []


def test_every_change_needs_the_csrf_token(app_client: Any, login: Any, settings: Settings) -> None:
    login(app_client, "designer")
    text = tenancy(settings) + "\n# edited\n"
    for url, data in (
        ("/journeys/tenancy/save", {"text": text, "message": "m"}),
        ("/journeys/tenancy/restore", {"number": "1"}),
        ("/journeys/tenancy/write", {"number": "1"}),
        ("/journeys/validate", {"text": text}),
        ("/journeys/new", {"start": "template", "id": "x", "name": "X"}),
    ):
        for token in (None, "forged"):
            sent = data if token is None else {**data, "csrf_token": token}
            refused = app_client.post(url, data=sent)
            assert refused.status_code == 403, (url, token)
            assert "CSRF" in refused.text
    assert [
        v.split()[0]
        for v in re.findall(
            r'data-version="(\d+)"', app_client.get("/journeys/tenancy/versions").text
        )
    ] == ["1"]


@pytest.mark.slow
def test_designer_saves_is_refused_with_the_line_then_diffs_and_restores(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "designer")
    base = tenancy(settings)
    editor = app_client.get("/journeys/tenancy/edit")
    assert editor.status_code == 200 and "studio-text" in editor.text
    assert "/static/vendor/codemirror/codemirror.js" in editor.text
    assert app_client.get("/static/vendor/codemirror/codemirror.js").status_code == 200

    bad = base.replace("step: collect_keys", "step: colect_keys", 1)
    line = 1 + base.splitlines().index("  step: collect_keys")
    checked = app_client.post(
        "/journeys/validate",
        data={"text": bad, "design": "tenancy"},
        headers={"X-CSRF-Token": token},
    ).json()
    assert checked["ok"] is False and checked["svg"] is None
    assert checked["messages"][0]["line"] == line
    assert "did you mean 'collect_keys'" in checked["messages"][0]["text"]

    refused = app_client.post(
        "/journeys/tenancy/save", data={"text": bad, "message": "typo", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert f'data-line="{line}"' in refused.text and "not saved: 1 error" in refused.text

    good = base.replace("name: View property listing", "name: Browse listings", 1)
    ok = app_client.post(
        "/journeys/validate",
        data={"text": good, "design": "tenancy"},
        headers={"X-CSRF-Token": token},
    ).json()
    assert ok["ok"] is True and ok["svg"].startswith("<svg") and "Browse listings" in ok["svg"]
    saved = app_client.post(
        "/journeys/tenancy/save",
        data={"text": good, "message": "clearer name", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("saved=2")
    versions = app_client.get("/journeys/tenancy/versions").text
    assert "clearer name" in versions and "designer" in versions

    diff = app_client.get("/journeys/tenancy/diff?old=1&new=2").text
    assert "+        name: Browse listings" in diff
    assert "step <code>view_listing</code>" in diff and "Browse listings" in diff

    restored = app_client.post(
        "/journeys/tenancy/restore",
        data={"number": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert restored.status_code == 303
    download = app_client.get("/journeys/tenancy/download")
    assert download.text == base
    assert download.headers["content-disposition"] == 'attachment; filename="tenancy.yaml"'
    assert app_client.get("/journeys/tenancy/download?version=2").text == good

    written = app_client.post(
        "/journeys/tenancy/write", data={"number": "2", "csrf_token": token}, follow_redirects=False
    )
    assert written.status_code == 303
    assert tenancy(settings) == good


@pytest.mark.slow
def test_the_journey_page_shows_the_reports_sections_on_filtered_events(
    app_client: Any, login: Any, settings: Settings
) -> None:
    from journeyscope.definitions import load_journey
    from journeyscope.services.results import Filters
    from journeyscope.services.studio import compute_journey

    login(app_client, "viewer")
    html = sections(app_client, "/journeys/tenancy?channel=web")
    for section in (
        "journey-map",
        "opportunities",
        "blueprint",
        "personas",
        "conformance",
        "moments",
        "silent",
        "value",
    ):
        assert f'data-section="{section}"' in html, section
    assert "Only cases with an event in channel web (all their events) were analysed." in html
    assert "/explore/funnel?step=" in html and "channel=web" in html  # links keep the filters
    assert "Digital-first renter" in html  # personas drawn
    assert 'class="studio-opp"' in html  # opportunities sit under their steps

    journey = load_journey(settings.designs / "tenancy.yaml")
    web = compute_journey(settings, journey, Filters(channels=("web",)))
    every = compute_journey(settings, journey, Filters())
    assert web.conformance is not None and every.conformance is not None
    assert 0 < web.conformance.cases < every.conformance.cases
    assert f"{web.conformance.cases:,} cases replayed against the design" in html


def section_of(html: str, section: str) -> str:
    """The HTML of one section of the journey page (its opening tag to its closing one)."""
    found = re.search(
        rf'<section class="card studio-section[^"]*" id="{section}".*?</section>', html, re.S
    )
    assert found is not None, f"no section {section} in the page"
    return found.group(0)


@pytest.mark.slow
def test_each_section_shows_when_its_own_job_is_done(
    app_client: Any, login: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The silent-customer estimates held back: the map with its actual lanes and the
    conformance are complete while the silent section still says it is computing."""
    import threading

    from journeyscope.services import report

    release = threading.Event()

    def held_back(run: Any) -> None:
        release.wait()
        run.data.missing["silent"] = "held back by the test, then let go"

    monkeypatch.setitem(report._ANALYSIS, "silent", held_back)
    login(app_client, "viewer")
    try:
        page = app_client.get("/journeys/tenancy")
        assert page.status_code == 200
        first = page.text
        assert 'id="silent" data-section="silent" data-state="pending"' in first
        assert 'data-state="done"' in section_of(first, "personas")  # the design alone
        assert 'data-state="done"' in section_of(first, "blueprint")
        html = first
        for _ in range(480):
            if all(
                'data-state="done"' in section_of(html, s)
                for s in ("journey-map", "conformance", "emotion", "moments", "value")
            ):
                break
            time.sleep(0.5)
            html = "".join(
                app_client.get(f"/journeys/tenancy/sections/{s}").text
                for s in ("journey-map", "conformance", "emotion", "moments", "value", "silent")
            )
        else:
            raise AssertionError("the fast sections never finished")
        conformance = section_of(html, "conformance")
        assert "cases replayed against the design" in conformance
        journey_map = section_of(html, "journey-map")
        assert "Actual lanes:" in journey_map  # the actual lanes, not the design alone
        silent = app_client.get("/journeys/tenancy/sections/silent").text
        assert 'data-state="pending"' in silent and "Computing the silent-customer" in silent
        assert re.search(r"\d+ s so far", silent)
    finally:
        release.set()
    for _ in range(240):
        silent = app_client.get("/journeys/tenancy/sections/silent").text
        if 'data-state="pending"' not in silent:
            break
        time.sleep(0.5)
    assert "held back by the test, then let go" in silent


def test_an_unknown_section_names_the_sections(app_client: Any, login: Any) -> None:
    login(app_client, "viewer")
    missing = app_client.get("/journeys/tenancy/sections/conformence")
    assert missing.status_code == 404
    assert "did you mean conformance" in html_lib.unescape(missing.text)


def test_a_bad_filter_names_the_closest_channel(app_client: Any, login: Any) -> None:
    login(app_client, "viewer")
    page = app_client.get("/journeys/tenancy?channel=wbe")
    assert page.status_code == 200
    assert "no channel 'wbe' in the store (did you mean web" in html_lib.unescape(page.text)


def test_an_unknown_design_is_404_naming_the_designs(app_client: Any, login: Any) -> None:
    login(app_client, "viewer")
    missing = app_client.get("/journeys/tenacy")
    assert missing.status_code == 404 and "tenancy" in missing.text


@pytest.mark.slow
def test_a_new_design_from_the_template_and_from_the_data(
    app_client: Any, login: Any, settings: Settings
) -> None:
    token = login(app_client, "admin")
    drafted = app_client.post(
        "/journeys/new",
        data={"start": "infer", "id": "drafted", "name": "Drafted", "csrf_token": token},
    )
    assert drafted.status_code == 200 and "id: drafted" in drafted.text
    dated = app_client.post(
        "/journeys/new",
        data={
            "start": "infer",
            "id": "drafted",
            "name": "Drafted",
            "since": "2025-12-01",
            "channel": "web",
            "csrf_token": token,
        },
    )
    assert dated.status_code == 200
    assert "Only events on or after 2025-12-01, in channel web were analysed." in dated.text
    wrong = app_client.post(
        "/journeys/new",
        data={"start": "infer", "id": "d", "name": "D", "since": "yesterday", "csrf_token": token},
    )
    assert wrong.status_code == 422 and "is not a date" in html_lib.unescape(wrong.text)
    template = app_client.post(
        "/journeys/new",
        data={"start": "template", "id": "fresh", "name": "Fresh start", "csrf_token": token},
    )
    assert template.status_code == 200
    text = re.search(r'<textarea id="studio-text"[^>]*>(.*?)</textarea>', template.text, re.S)
    assert text is not None
    yaml_text = html_lib.unescape(text[1])
    created = app_client.post(
        "/journeys/new/save",
        data={"text": yaml_text, "message": "first draft", "csrf_token": token},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    assert "fresh" in app_client.get("/journeys").text
    again = app_client.post(
        "/journeys/new/save", data={"text": yaml_text, "message": "", "csrf_token": token}
    )
    assert again.status_code == 422 and "exists already" in again.text


@pytest.mark.slow
def test_overlay_draws_the_actual_lanes(app_client: Any, login: Any, settings: Settings) -> None:
    token = login(app_client, "designer")
    for _ in range(240):
        answer = app_client.post(
            "/journeys/overlay", data={"text": tenancy(settings)}, headers={"X-CSRF-Token": token}
        ).json()
        if not answer["pending"]:
            break
        time.sleep(0.5)
    assert answer["cases"] > 0
    assert "cases" in answer["svg"] and answer["svg"].startswith("<svg")

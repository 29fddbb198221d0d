"""Saving designs and their versions (``web/routes/studio_versions.py``): a save goes to the
version list or is refused with its first error and line, an unchanged text or restoring the
latest version is refused, every route names a design or version that is not there, and a
version downloads as the YAML it is."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import pytest

from journeyscope.config import Settings

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "journeys"


@pytest.fixture
def settings(synthetic_store: Path, tmp_path: Path) -> Settings:
    """The synthetic store and a copy of the example designs (write-back must not touch the
    repository's)."""
    store = tmp_path / "store.duckdb"
    store.write_bytes(synthetic_store.read_bytes())
    designs = tmp_path / "designs"
    shutil.copytree(EXAMPLES, designs)
    return Settings(
        store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}", designs=designs
    )


@pytest.fixture
def designer(app_client: Any, login: Any) -> str:
    """The designer signed in; the session's CSRF token."""
    token: str = login(app_client, "designer")
    return token


def _tenancy(settings: Settings) -> str:
    return (settings.designs / "tenancy.yaml").read_text(encoding="utf-8")


def _save(client: Any, token: str, text: str, message: str = "m", design: str = "tenancy") -> Any:
    return client.post(
        f"/journeys/{design}/save",
        data={"text": text, "message": message, "csrf_token": token},
        follow_redirects=False,
    )


def test_a_save_goes_to_the_version_list_downloads_as_its_yaml_and_is_written_on_request(
    app_client: Any, designer: str, settings: Settings
) -> None:
    original = _tenancy(settings)
    changed = original.replace("owner: Head of Lettings", "owner: Lettings team", 1)
    saved = _save(app_client, designer, changed, message="new owner")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/journeys/tenancy/versions?saved=2"
    listing = app_client.get(saved.headers["location"])
    assert listing.status_code == 200 and "new owner" in listing.text
    assert "tenancy.yaml as found in the designs folder" in html.unescape(listing.text)
    latest = app_client.get("/journeys/tenancy/download")
    assert latest.text == changed
    assert latest.headers["content-type"] == "application/yaml; charset=utf-8"
    assert latest.headers["content-disposition"] == 'attachment; filename="tenancy.yaml"'
    assert app_client.get("/journeys/tenancy/download", params={"version": 1}).text == original
    assert _tenancy(settings) == original, "a save leaves the designs folder alone"
    written = app_client.post(
        "/journeys/tenancy/write",
        data={"number": "2", "csrf_token": designer},
        follow_redirects=False,
    )
    assert written.status_code == 303
    assert written.headers["location"] == "/journeys/tenancy/versions?written=tenancy.yaml"
    assert _tenancy(settings) == changed


def test_a_refused_save_names_its_first_error_and_line_and_says_there_are_more(
    app_client: Any, designer: str, settings: Settings
) -> None:
    bad = _tenancy(settings).replace("within: 60 days", "within: sixty days")  # two places
    refused = _save(app_client, designer, bad)
    assert refused.status_code == 422
    shown = html.unescape(refused.text)
    assert "not saved: 2 errors: line 20: outcome.within: 'sixty days' is not a duration" in shown
    assert "(every message is listed under the text)" in shown
    one = _tenancy(settings).replace("step: collect_keys", "step: colect_keys", 1)
    shown = html.unescape(_save(app_client, designer, one).text)
    assert "not saved: 1 error: line 19: outcome.step: no step 'colect_keys'" in shown
    assert "every message is listed" not in shown
    assert len(app_client.get("/journeys/tenancy/download", params={"version": 1}).text) > 0
    missing = app_client.get("/journeys/tenancy/download", params={"version": 2})
    assert missing.status_code == 404  # nothing refused was kept


def test_an_unchanged_text_is_not_saved_and_restoring_saves_an_older_version_again(
    app_client: Any, designer: str, settings: Settings
) -> None:
    original = _tenancy(settings)
    same = _save(app_client, designer, original)
    assert same.status_code == 422
    assert "not saved: nothing changed since the latest version" in same.text
    restore = {"number": "1", "csrf_token": designer}
    latest = app_client.post("/journeys/tenancy/restore", data=restore, follow_redirects=False)
    assert latest.status_code == 409  # version 1 is the latest: nothing to restore
    assert latest.json()["detail"] == "not saved: nothing changed since the latest version"
    _save(app_client, designer, original.replace('revision: "2025-03"', 'revision: "2025-04"'))
    restored = app_client.post("/journeys/tenancy/restore", data=restore, follow_redirects=False)
    assert restored.status_code == 303
    assert restored.headers["location"] == "/journeys/tenancy/versions?restored=1&saved=3"
    assert app_client.get("/journeys/tenancy/download").text == original
    diff = html.unescape(app_client.get("/journeys/tenancy/diff?old=2&new=3").text)
    assert '-revision: "2025-04"' in diff and '+revision: "2025-03"' in diff


def test_every_route_names_a_design_or_version_that_is_not_there(
    app_client: Any, designer: str, settings: Settings
) -> None:
    listing = app_client.get("/journeys/tenacy/versions")
    assert listing.status_code == 404 and "no design 'tenacy' (designs: " in listing.text
    assert "tenancy" in listing.json()["detail"]
    odd = app_client.get("/journeys/Not-An-Id/versions")
    assert odd.status_code == 404
    assert odd.json()["detail"] == "'Not-An-Id' is not a journey id (lower_case, digits, '_')"
    diff = app_client.get("/journeys/tenancy/diff", params={"old": 1, "new": 7})
    assert diff.status_code == 404
    assert diff.json()["detail"] == "design 'tenancy' has no version 7 (versions 1–1)"
    assert app_client.get("/journeys/tenancy/download", params={"version": 7}).status_code == 404
    assert _save(app_client, designer, _tenancy(settings), design="Not-An-Id").status_code == 404
    for action in ("restore", "write"):
        answer = app_client.post(
            f"/journeys/tenancy/{action}",
            data={"number": "7", "csrf_token": designer},
            follow_redirects=False,
        )
        assert answer.status_code == 404, action


def test_a_new_design_that_cannot_be_read_is_refused_in_the_editor(
    app_client: Any, designer: str
) -> None:
    refused = app_client.post(
        "/journeys/new/save",
        data={"text": "id: fresh\n: bad", "message": "", "csrf_token": designer},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    shown = html.unescape(refused.text)
    assert "not saved:" in shown and "line 2: not valid YAML" in shown
    assert "studio-text" in shown  # the editor again, with the text kept
    assert app_client.get("/journeys/fresh/versions").status_code == 404

"""``GET /report``: the report of the configured store, behind an API key, computed once."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeyscope.engine.store import EngineStore
from journeyscope.services import api_keys
from journeyscope.services import report as report_module
from journeyscope.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture
def client(small_store, tmp_path, monkeypatch) -> Iterator[tuple[TestClient, str]]:
    """The app over the 300-customer store: the route's own work (key, design, computed once)
    is the point; the report's figures are checked in test_report.py (on the 2,000 customers
    this fixture's report cost about 14 s of CPU)."""
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(EXAMPLES / "tenancy.yaml", designs / "tenancy.yaml")
    monkeypatch.setenv("JOURNEYSCOPE_STORE", small_store.path)
    monkeypatch.setenv("JOURNEYSCOPE_DESIGNS", str(designs))
    with (
        EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}") as engine,
        TestClient(create_app(store=engine, embedded_worker=False)) as test_client,
    ):
        yield test_client, api_keys.issue(engine, "analyst", ["journeys:read"])


@pytest.mark.slow
def test_report_page_with_a_design_is_computed_once(client, monkeypatch):
    test_client, key = client
    calls = []
    real = report_module.build_report

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_module, "build_report", counting)
    first = test_client.get("/report", params={"design": "tenancy"}, headers={"X-API-Key": key})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/html")
    assert "Journey report: Establish a tenancy" in first.text
    again = test_client.get("/report", params={"design": "tenancy"}, headers={"X-API-Key": key})
    assert again.text == first.text and len(calls) == 1


def test_report_needs_a_key_and_a_known_design(client):
    test_client, key = client
    assert test_client.get("/report").status_code == 401
    missing = test_client.get("/report", params={"design": "nope"}, headers={"X-API-Key": key})
    assert missing.status_code == 404 and "no design" in missing.text and "nope" in missing.text
    assert "tenancy" in missing.text  # the designs there, by id
    assert "designs" not in missing.text.replace("(designs:", "")  # no folder, no server path
    bad = test_client.get("/report", params={"design": "../etc"}, headers={"X-API-Key": key})
    assert bad.status_code == 422

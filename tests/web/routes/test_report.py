"""The report as a page (web/routes/report.py): the bounded cache computes each key once and
never holds one report up behind another, a design is found by its id among the designs'
files (a bad id refused, an unknown one named with the ids there, no path), and ``GET
/report`` asks for a key with ``journeys:read``, says when there is no store, computes once
per store state and design file, and answers 503 with the reason when the report cannot be
computed. The report itself is replaced here by a stand-in: its figures and its page are
tested in tests/services/test_report.py and tests/render/."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import HTTPException

from journeyscope.config import Settings
from journeyscope.engine.store import EngineStore
from journeyscope.errors import StoreError
from journeyscope.services import api_keys
from journeyscope.web import create_app
from journeyscope.web.routes.report import KEPT, ReportCache, find_design

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

TINY = """\
version: 1
id: tiny
name: Tiny
job_to_be_done: Get it done.
outcome: {description: Done, step: b}
stages:
  - id: s
    name: S
    steps:
      - {id: a, name: A, activities: [A]}
      - {id: b, name: B, activities: [B]}
"""


class Counter:
    """A computation that counts its calls and answers ``<name> <call number>``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"{self.name} {self.calls}"


def test_the_cache_computes_each_key_once() -> None:
    cache = ReportCache()
    assert cache.kept == KEPT
    compute = Counter("a")
    assert cache.get(("a",), compute) == "a 1"
    assert cache.get(("a",), compute) == "a 1" and compute.calls == 1
    assert cache.computing == {}  # no lock left behind


def test_the_cache_keeps_the_most_recently_used_pages() -> None:
    cache = ReportCache(kept=2)
    a, b, c = Counter("a"), Counter("b"), Counter("c")
    cache.get(("a",), a)
    cache.get(("b",), b)
    cache.get(("a",), a)  # a is now the most recent
    cache.get(("c",), c)  # b goes
    assert list(cache.pages) == [("a",), ("c",)]
    assert cache.get(("b",), b) == "b 2" and a.calls == 1
    assert list(cache.pages) == [("c",), ("b",)]


def test_a_report_being_computed_holds_up_no_other_key() -> None:
    cache = ReportCache()
    inner = Counter("inner")

    def outer() -> str:
        # the cache's lock is free while a page computes: another key goes on (here, in the
        # same thread, it would otherwise wait forever)
        return "outer with " + cache.get(("inner",), inner)

    assert cache.get(("outer",), outer) == "outer with inner 1"
    assert cache.get(("inner",), inner) == "inner 1"


def test_a_computation_that_fails_is_not_kept() -> None:
    cache = ReportCache()

    def fail() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get(("k",), fail)
    assert cache.pages == {} and cache.computing == {}  # nor its lock
    assert cache.get(("k",), Counter("k")) == "k 1"


@pytest.fixture
def designs(tmp_path: Path) -> Path:
    folder = tmp_path / "designs"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    (folder / "broken.yaml").write_text("id: [\n")  # not a design: passed over
    (folder / "other.yml").write_text(TINY.replace("id: tiny", "id: other"))
    (folder / "notes.txt").write_text(TINY.replace("id: tiny", "id: notes"))
    return folder


def test_a_design_is_found_by_its_id(designs: Path) -> None:
    settings = Settings(designs=designs)
    journey, path = find_design(settings, "tiny")
    assert journey.id == "tiny" and path == designs / "tiny.yaml"
    assert find_design(settings, "other")[1] == designs / "other.yml"


def test_an_unknown_design_names_the_ids_there_and_no_path(designs: Path, tmp_path: Path) -> None:
    with pytest.raises(HTTPException) as missing:
        find_design(Settings(designs=designs), "notes")  # only .yaml and .yml files are designs
    assert missing.value.status_code == 404
    assert missing.value.detail == "no design 'notes' (designs: other, tiny)"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(HTTPException) as none:
        find_design(Settings(designs=empty), "tiny")
    assert none.value.detail == "no design 'tiny' (designs: none)"


@pytest.mark.parametrize("journey_id", ["../etc", "Tiny", "", "1tiny", "tiny-2", "t" * 65])
def test_a_design_that_is_no_journey_id_is_refused(designs: Path, journey_id: str) -> None:
    with pytest.raises(HTTPException) as refused:
        find_design(Settings(designs=designs), journey_id)
    assert refused.value.status_code == 422 and refused.value.detail == "design: a journey id"


@dataclass
class App:
    client: TestClient
    key: str
    settings: Settings
    built: list[Any] = field(default_factory=list)
    """The design of each report computed."""


@pytest.fixture
def app(tmp_path: Path, designs: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """The app with no store yet, a key with ``journeys:read``, and the report replaced by a
    stand-in that records each computation (or raises the error in ``built[0]``)."""
    settings = Settings(
        store=tmp_path / "store.duckdb",
        designs=designs,
        database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}",
    )
    built: list[Any] = []

    def build_report(given: Settings, design: Any) -> str:
        if built and isinstance(built[0], Exception):
            raise built[0]
        assert given is settings
        built.append(design)
        return f"report {len(built)} of {design.id if design else 'no design'}"

    monkeypatch.setattr("journeyscope.services.report.build_report", build_report)
    monkeypatch.setattr(
        "journeyscope.render.report.report_html",
        lambda data, now: f"<html><body>{data} at {now:%Y}</body></html>",
    )
    with (
        EngineStore(settings.database_url) as engine,
        TestClient(create_app(settings, store=engine, embedded_worker=False)) as client,
    ):
        yield App(client, api_keys.issue(engine, "analyst", ["journeys:read"]), settings, built)


def _report(app: App, **params: str) -> Any:
    return app.client.get("/report", params=params, headers={"X-API-Key": app.key})


def _touch(path: Path) -> None:
    """A later modification time, as an edit gives."""
    later = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))


def test_the_report_needs_a_key_with_its_scope(app: App, tmp_path: Path) -> None:
    assert app.client.get("/report").status_code == 401
    assert app.client.get("/report", headers={"X-API-Key": "js_nope"}).status_code == 401
    with EngineStore(app.settings.database_url) as engine:
        writer = api_keys.issue(engine, "writer", ["events:write"])
    lacking = app.client.get("/report", headers={"X-API-Key": writer})
    assert lacking.status_code == 403 and "journeys:read" in lacking.json()["detail"]
    assert app.built == []


def test_without_a_store_there_is_no_report(app: App) -> None:
    missing = _report(app, design="tiny")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no event store yet: ingest events first"
    assert app.built == []


def test_a_report_is_computed_once_per_store_state_and_design_file(app: App) -> None:
    app.settings.store.write_bytes(b"events")  # the stand-in report reads nothing
    first = _report(app, design="tiny")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/html")
    assert "report 1 of tiny at 20" in first.text
    assert _report(app, design="tiny").text == first.text
    assert [d.id for d in app.built] == ["tiny"]
    assert "report 2 of no design" in _report(app).text
    assert "report 3 of other" in _report(app, design="other").text
    _touch(app.settings.designs / "tiny.yaml")  # the design was edited
    assert "report 4 of tiny" in _report(app, design="tiny").text
    _touch(app.settings.store)  # new events
    assert "report 5 of tiny" in _report(app, design="tiny").text
    assert "report 5 of tiny" in _report(app, design="tiny").text


def test_an_unknown_or_bad_design_is_refused_before_any_computing(app: App) -> None:
    app.settings.store.write_bytes(b"events")
    unknown = _report(app, design="nope")
    assert unknown.status_code == 404 and "no design 'nope'" in unknown.json()["detail"]
    assert str(app.settings.designs) not in unknown.text
    assert _report(app, design="../etc").status_code == 422
    assert app.built == []


def test_a_report_that_cannot_be_computed_is_503_with_the_reason(app: App) -> None:
    app.settings.store.write_bytes(b"events")
    app.built.append(StoreError("the store is being rebuilt"))
    failed = _report(app, design="tiny")
    assert failed.status_code == 503
    assert failed.json()["detail"] == "the store is being rebuilt"
    app.built.clear()  # the failure was not kept: the next request computes
    assert "report 1 of tiny" in _report(app, design="tiny").text

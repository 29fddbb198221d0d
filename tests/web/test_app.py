"""The app factory (``web/app.py``): what ``create_app`` sets up and mounts, the engine it
opens and closes with the app, ``/healthz``, and ``app_from_env`` for an ASGI server started
on its own."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from browser_kit import PASSWORD

from journeyscope.config import Settings
from journeyscope.engine.store import EngineStore
from journeyscope.services.accounts import Accounts, workspace_database
from journeyscope.web import create_app
from journeyscope.web.app import app_from_env
from journeyscope.web.routes.report import ReportCache

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # as tests/web/conftest.py


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        store=tmp_path / "store.duckdb", database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}"
    )


def test_the_app_factory_opens_the_configured_database(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x' / 'engine.sqlite'}")
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    assert (tmp_path / "x" / "engine.sqlite").exists()


def test_the_app_keeps_its_settings_accounts_and_docs_choice(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    app = create_app(settings, public_docs=True)
    assert app.state.settings is settings
    assert app.state.accounts is None  # opened on first use
    assert app.state.public_docs is True
    # one report cache per app, made with it: two first requests cannot each make one
    assert isinstance(app.state.report_cache, ReportCache)
    assert create_app(settings).state.report_cache is not app.state.report_cache
    assert create_app(settings).state.public_docs is False


def test_every_router_is_mounted_with_its_prefix(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    assert app.url_path_for("post_events") == "/v1/events"  # the engine API under /v1
    assert app.url_path_for("signin_form") == "/signin"
    assert app.url_path_for("explore", kind="dfg") == "/explore/dfg"
    assert app.url_path_for("versions", design="d") == "/journeys/d/versions"
    assert app.url_path_for("healthz") == "/healthz"
    assert app.url_path_for("static", path="app.css") == "/static/app.css"
    paths = app.openapi()["paths"]
    assert "/v1/events" in paths and "/api/funnel" in paths and "/api/trends" in paths


def test_trends_is_served_before_explore_takes_it_for_an_analysis(tmp_path: Path, login) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(tmp_path)  # no store yet: the pages say so and compute nothing
    accounts = Accounts(workspace_database(settings), hasher=FAST)
    accounts.add("viewer", "viewer", PASSWORD)
    app = create_app(settings, accounts=accounts, embedded_worker=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login(client, "viewer")
        trends = client.get("/explore/trends")
        assert trends.status_code == 200 and "Trends" in trends.text
        assert client.get("/explore/trend").status_code == 404  # explore: no such analysis


def test_health_is_ok_with_a_worker_and_503_when_the_database_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(_settings(tmp_path), embedded_worker=True)) as client:
        healthy = client.get("/healthz")
        assert healthy.status_code == 200
        body = healthy.json()
        assert body["status"] == "ok" and body["embedded_worker"] is True
        assert body["worker"]["alive"] is True and body["inbox_pending"] == 0
        store = client.app.state.engine.store  # type: ignore[attr-defined]

        def down() -> int:
            raise OSError("disk gone")

        monkeypatch.setattr(store, "pending", down)
        sick = client.get("/healthz")
        assert sick.status_code == 503
        assert sick.json()["status"] == "degraded"
        assert sick.json()["database"] == "unavailable: OSError"


def test_a_store_handed_in_is_used_and_left_open(tmp_path: Path) -> None:
    with EngineStore(f"sqlite:///{tmp_path / 'given.sqlite'}") as store:
        app = create_app(_settings(tmp_path), store=store, embedded_worker=False)
        with TestClient(app) as client:
            assert client.app.state.engine.store is store  # type: ignore[attr-defined]
            assert client.get("/healthz").json()["embedded_worker"] is False
        assert store.counts()["inbox"] == 0  # still open after the app stopped
    assert not (tmp_path / "engine.sqlite").exists()  # the settings' database was not opened


def test_an_app_from_the_environment_takes_its_choices_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("JOURNEYSCOPE_DATABASE_URL", url)
    monkeypatch.setenv("JOURNEYSCOPE_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("JOURNEYSCOPE_EMBEDDED_WORKER", "0")
    monkeypatch.setenv("JOURNEYSCOPE_PUBLIC_DOCS", "1")
    app = app_from_env()
    assert app.state.settings.database_url == url and app.state.public_docs is True
    with TestClient(app) as client:
        assert client.get("/healthz").json()["embedded_worker"] is False
        assert client.get("/docs").status_code == 200  # public: no sign-in
    assert (tmp_path / "env.sqlite").exists()


def test_stopping_the_app_ends_the_background_children_computing(tmp_path: Path) -> None:
    """A figure computing in a child (Home's) is ended with the app, not left running for a
    service that has stopped: its caller meets the error of a child without a result."""
    import threading
    import time
    from functools import partial

    from journeyscope.errors import JourneyscopeError
    from journeyscope.services import background

    outcome: list[BaseException] = []

    def ask() -> None:
        try:
            background.call(partial(time.sleep, 600))
        except JourneyscopeError as exc:
            outcome.append(exc)

    with TestClient(create_app(_settings(tmp_path))):
        asking = threading.Thread(target=ask)
        asking.start()
        for _ in range(1200):  # until the child is running (a bound against a hang)
            if background._running:
                break
            threading.Event().wait(0.05)
        assert background._running
    asking.join(timeout=60)  # a bound against a hang: the child sleeps ten minutes
    assert outcome and "ended without a result" in str(outcome[0])

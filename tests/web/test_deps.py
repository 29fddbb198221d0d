"""API-key dependencies on a bare app over a SQLite engine store: a key in either header, the
scope it must hold (``admin`` holds them all), who is refused and with which status, the key's
name (never the key) for the audit log, and the short-lived key cache."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI

from journeyscope.engine.store import EngineStore
from journeyscope.services import api_keys
from journeyscope.web.deps import EngineContext, EngineDep, require

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[EngineContext]:
    store = EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    context = EngineContext(store, None, owns_store=True)
    yield context
    context.close()


@pytest.fixture
def client(engine: EngineContext) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.engine = engine

    @app.post("/events")
    def write(
        scopes: Annotated[frozenset[str], Depends(require("events:write"))],
    ) -> list[str]:
        return sorted(scopes)

    @app.get("/who")
    def who(engine: EngineDep, key: str) -> str:
        return engine.key_actor(key)

    @app.get("/typo")
    def typo(scopes: Annotated[frozenset[str], Depends(require("event:write"))]) -> None:
        pass

    with TestClient(app, raise_server_exceptions=False) as found:
        yield found


def test_a_key_with_the_scope_passes_in_either_header(
    engine: EngineContext, client: TestClient
) -> None:
    key = api_keys.issue(engine.store, "crm", ["events:write"])
    assert client.post("/events", headers={"X-API-Key": key}).json() == ["events:write"]
    bearer = client.post("/events", headers={"Authorization": f"Bearer {key}"})
    assert bearer.json() == ["events:write"]


def test_admin_holds_every_scope(engine: EngineContext, client: TestClient) -> None:
    key = api_keys.issue(engine.store, "ops", ["admin"])
    assert client.post("/events", headers={"X-API-Key": key}).status_code == 200


def test_refusals_say_why(engine: EngineContext, client: TestClient) -> None:
    reader = api_keys.issue(engine.store, "bi", ["journeys:read"])
    missing = client.post("/events")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert "API key is required" in missing.json()["detail"]
    unknown = client.post("/events", headers={"X-API-Key": "js_not-a-key"})
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "unknown API key")
    lacking = client.post("/events", headers={"X-API-Key": reader})
    assert lacking.status_code == 403
    assert lacking.json()["detail"] == "this key lacks the scope 'events:write'"


def test_a_route_asking_for_an_unknown_scope_is_a_programming_error(
    engine: EngineContext, client: TestClient
) -> None:
    key = api_keys.issue(engine.store, "ops", ["admin"])
    assert client.get("/typo", headers={"X-API-Key": key}).status_code == 500


def test_the_audit_log_names_the_key_not_the_key_itself(
    engine: EngineContext, client: TestClient
) -> None:
    key = api_keys.issue(engine.store, "crm", ["events:write"])
    assert client.get("/who", params={"key": key}).json() == "key:crm"
    assert client.get("/who", params={"key": "js_nope"}).json() == "key:unknown"


def test_scopes_are_cached_so_a_flood_of_calls_reads_the_store_once(
    engine: EngineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = api_keys.issue(engine.store, "crm", ["events:write"])
    reads: list[str] = []
    real = api_keys.scopes_of

    def counted(store: EngineStore, given: str) -> frozenset[str] | None:
        reads.append(given)
        return real(store, given)

    monkeypatch.setattr(api_keys, "scopes_of", counted)
    assert [engine.scopes(key) for _ in range(5)] == [frozenset({"events:write"})] * 5
    assert reads == [key]

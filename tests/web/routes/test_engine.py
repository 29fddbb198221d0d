"""The orchestration API (``web/routes/engine.py``, under ``/v1``): API keys with scopes,
events in (durable, de-duplicated), customer-driven commands, state and history out, versions
and migration, OpenAPI."""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.program import Program
from journeyscope.engine.store import EngineStore
from journeyscope.services import api_keys
from journeyscope.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for the `httpx2` package in its test client and warns on `httpx`,
    # which is what the lock file has; the client works the same.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

OBJECTS = """
- {name: receipt, category: transactional, channel: email}
- {name: remind, category: service, channel: email}
- name: callback
  category: service
  channel: phone
  input: {customer_id: str, phone: str}
"""
JOURNEY = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait}
  wait: {wait: {event: Upload documents, timeout: 3d}, on_timeout: remind}
  remind: {invoke: remind}
"""


def program(*journeys: str) -> Program:
    return Program.build(
        [JourneySpec.model_validate(yaml.safe_load(j)) for j in journeys],
        InteractionCatalogue([InteractionSpec.model_validate(o) for o in yaml.safe_load(OBJECTS)]),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EngineStore]:
    with EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}") as engine:
        engine.deploy(program(JOURNEY))
        yield engine


@pytest.fixture
def client(store: EngineStore) -> Iterator[TestClient]:
    with TestClient(create_app(store=store)) as test_client:
        yield test_client


@pytest.fixture
def admin(store: EngineStore) -> dict[str, str]:
    return {"X-API-Key": api_keys.issue(store, "ops", ["admin"])}


def events(*items: tuple[str, str, str]) -> dict[str, Any]:
    now = time.time()
    return {
        "events": [
            {"event_id": i, "customer_id": c, "activity": a, "timestamp": now, "channel": "web"}
            for i, c, a in items
        ]
    }


def test_keys_and_scopes(client: TestClient, store: EngineStore) -> None:
    body = events(("e1", "c1", "Start"))
    assert client.post("/v1/events", json=body).status_code == 401
    assert client.post("/v1/events", json=body, headers={"X-API-Key": "nope"}).status_code == 401
    reader = {"X-API-Key": api_keys.issue(store, "dashboard", ["customers:read"])}
    denied = client.post("/v1/events", json=body, headers=reader)
    assert denied.status_code == 403 and "events:write" in denied.json()["detail"]
    writer = api_keys.issue(store, "tracker", ["events:write"])
    bearer = {"Authorization": f"Bearer {writer}"}
    assert client.post("/v1/events", json=body, headers=bearer).status_code == 202


def test_events_are_accepted_once_and_processed(client: TestClient, admin: dict[str, str]) -> None:
    body = events(("e1", "c1", "Start"), ("e2", "c2", "Start"))
    first = client.post("/v1/events", json=body, headers=admin)
    assert first.status_code == 202 and first.json() == {"accepted": 2, "duplicates": 0}
    again = client.post("/v1/events", json=body, headers=admin)
    assert again.json() == {"accepted": 0, "duplicates": 2}
    state = client.get("/v1/customers/c1", headers=admin).json()  # embedded worker: done
    assert state["instances"]["apply"]["step"] == "wait"
    assert state["wake_at"] is not None
    history = client.get("/v1/customers/c1/history", headers=admin).json()
    assert [i["event_id"] for i in history["inputs"]] == ["e1"]
    assert [o["interaction"] for o in history["outbox"]] == ["receipt"]
    assert "Journey entered" in [e["activity"] for e in history["engine_events"]]
    bad = client.post("/v1/events", json={"events": [{"event_id": "x"}]}, headers=admin)
    assert bad.status_code == 422
    assert client.get("/v1/customers/nobody", headers=admin).status_code == 404


def test_customers_invoke_interaction_objects_on_demand(
    client: TestClient, admin: dict[str, str]
) -> None:
    done = client.post(
        "/v1/customers/c9/interactions/callback/invoke",
        json={"input": {"phone": "+31 20 000 0000"}},
        headers=admin | {"Idempotency-Key": "k1"},
    )
    assert done.status_code == 202
    result = done.json()
    assert result["accepted"] and result["processed"]
    assert [e["activity"] for e in result["outcome"]] == ["Interaction invoked", "Interaction sent"]
    repeat = client.post(
        "/v1/customers/c9/interactions/callback/invoke",
        json={"input": {"phone": "+31 20 000 0000"}},
        headers=admin | {"Idempotency-Key": "k1"},
    )
    assert repeat.json()["accepted"] is False  # the same key: not applied twice
    odd = client.get("/v1/interactions/alice@example.com", headers=admin)  # found by the fuzz
    assert odd.status_code == 404 and "whole number" in odd.json()["detail"]
    missing = client.post("/v1/customers/c9/interactions/nope/invoke", json={}, headers=admin)
    assert missing.status_code == 404
    broken = client.post("/v1/customers/c9/interactions/callback/invoke", json={}, headers=admin)
    assert broken.status_code == 422 and "phone" in broken.json()["detail"]


def test_enter_pause_resume_back_and_exit(client: TestClient, admin: dict[str, str]) -> None:
    base = "/v1/customers/c5/journeys/apply"
    entered = client.post(f"{base}/enter", json={"step": "wait"}, headers=admin).json()
    assert entered["processed"] and entered["outcome"][0]["activity"] == "Journey entered"
    paused = client.post(f"{base}/pause", headers=admin).json()
    assert paused["outcome"][0]["activity"] == "Journey paused"
    state = client.get("/v1/customers/c5", headers=admin).json()
    assert state["instances"]["apply"]["status"] == "paused" and state["timers"] == []
    client.post(f"{base}/resume", headers=admin)
    assert (
        client.get("/v1/customers/c5", headers=admin).json()["instances"]["apply"]["status"]
        == "waiting"
    )
    client.post(f"{base}/enter", json={"step": "welcome"}, headers=admin)  # moves there
    back = client.post(f"{base}/back", json={"to": "welcome"}, headers=admin).json()
    assert back["outcome"][0]["activity"] == "Journey stepped back"
    assert (
        client.post(f"{base}/exit", headers=admin).json()["outcome"][0]["activity"]
        == "Journey exited"
    )
    assert client.post("/v1/customers/c5/journeys/nope/pause", headers=admin).status_code == 404
    assert client.post(f"{base}/enter", json={"step": "nope"}, headers=admin).status_code == 404
    profile = client.post(
        "/v1/customers/c5/profile", json={"timezone": "Asia/Tokyo"}, headers=admin
    )
    assert profile.json()["processed"]
    assert (
        client.get("/v1/customers/c5", headers=admin).json()["profile"]["timezone"] == "Asia/Tokyo"
    )


def test_versions_deploy_and_explicit_migration(client: TestClient, admin: dict[str, str]) -> None:
    client.post("/v1/events", json=events(("e1", "c1", "Start")), headers=admin)
    v2 = yaml.safe_load(JOURNEY.replace("version: 1", "version: 2").replace("3d", "5d"))
    assert client.post("/v1/journeys", json=v2, headers=admin).status_code == 201
    conflict = dict(v2, steps={"only": {"invoke": "remind"}})
    assert client.post("/v1/journeys", json=conflict, headers=admin).status_code == 409
    assert client.get("/v1/journeys", headers=admin).json() == [
        {"journey": "apply", "versions": [1, 2], "active": 2, "name": ""}
    ]
    client.post("/v1/events", json=events(("e2", "c2", "Start")), headers=admin)
    assert (
        client.get("/v1/customers/c1", headers=admin).json()["instances"]["apply"]["version"] == 1
    )
    assert (
        client.get("/v1/customers/c2", headers=admin).json()["instances"]["apply"]["version"] == 2
    )
    moved = client.post(
        "/v1/journeys/apply/migrate", json={"from_version": 1, "to_version": 2}, headers=admin
    )
    assert moved.json() == {"customers": 1, "accepted": 1}
    assert (
        client.get("/v1/customers/c1", headers=admin).json()["instances"]["apply"]["version"] == 2
    )


def test_catalogue_levers_status_and_openapi(client: TestClient, admin: dict[str, str]) -> None:
    catalogue = client.get("/v1/interactions", headers=admin).json()
    callback = next(o for o in catalogue if o["name"] == "callback")
    assert callback["input_schema"]["required"] == ["customer_id", "phone"]
    assert client.put("/v1/levers/remind", json={"lever": 2.5}, headers=admin).status_code == 200
    status = client.get("/v1/engine/status", headers=admin).json()
    assert status["embedded_worker"] is True and "dead_letters" in status
    spec = client.get("/openapi.json").json()  # the schema is public; /docs needs sign-in
    assert "/v1/events" in spec["paths"] and "/v1/customers/{customer_id}/history" in spec["paths"]
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]
    assert client.get("/healthz").json()["status"] == "ok"


# ---------------------------------------------------------------- issue 11: hostile input


POISON = """
journey: count
version: 1
triggers: [{event: Tally}]
steps:
  first: {set: {n: "event.properties.count + 1"}}
"""


def test_a_failing_input_goes_to_the_dead_letters_and_the_service_goes_on(
    tmp_path: Path,
) -> None:
    with EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}") as store:
        store.deploy(program(JOURNEY, POISON))
        key = {"X-API-Key": api_keys.issue(store, "ops", ["admin"])}
        with TestClient(create_app(store=store)) as client:
            bad = {"event_id": "p1", "customer_id": "p", "activity": "Tally"}
            bad["properties"] = {"count": "x"}  # type: ignore[assignment]
            assert client.post("/v1/events", json={"events": [bad]}, headers=key).status_code == 202
            later = client.post("/v1/events", json=events(("e1", "c1", "Start")), headers=key)
            assert later.status_code == 202
            assert client.get("/v1/customers/c1", headers=key).json()["instances"]["apply"]
            health = client.get("/healthz").json()
            assert health["status"] == "ok" and health["worker"]["failed_inputs"] == 1
            (dead,) = client.get("/v1/dead-letters", headers=key).json()
            assert dead["event_id"] == "p1" and "event.properties.count + 1" in dead["error"]
            assert "/" not in dead["error"].split("(at ")[-1]  # file names, no server paths
            bad_profile = client.post(
                "/v1/customers/p/profile", json={"timezone": "Europe"}, headers=key
            )
            assert bad_profile.status_code == 422
            assert client.get("/healthz").json()["worker"]["alive"] is True
            missing = client.post("/v1/dead-letters/retry", json={"ids": [999]}, headers=key)
            assert missing.status_code == 404
            retried = client.post("/v1/dead-letters/retry", json={}, headers=key).json()
            assert retried == {"retried": 1}
            client.post("/v1/events", json=events(("e2", "c1", "Upload documents")), headers=key)
            dropped = client.post("/v1/dead-letters/drop", json={}, headers=key).json()
            assert dropped == {"dropped": 1}  # it failed again on retry
            assert client.get("/v1/dead-letters", headers=key).json() == []


def test_command_ids_cannot_collide_and_a_reused_key_with_another_body_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    out = client.post(
        "/v1/customers/a/profile",
        json={"opted_out": True},
        headers=admin | {"Idempotency-Key": "b:c"},
    ).json()
    other = client.post(
        "/v1/customers/a:b/profile",
        json={"opted_out": True},
        headers=admin | {"Idempotency-Key": "c"},
    ).json()
    assert out["accepted"] and other["accepted"] and out["command_id"] != other["command_id"]
    assert client.get("/v1/customers/a", headers=admin).json()["profile"]["opted_out"] is True
    same = client.post(
        "/v1/customers/a/profile",
        json={"opted_out": True},
        headers=admin | {"Idempotency-Key": "b:c"},
    )
    assert same.status_code == 202 and same.json()["accepted"] is False
    changed = client.post(
        "/v1/customers/a/profile",
        json={"opted_out": False},
        headers=admin | {"Idempotency-Key": "b:c"},
    )
    assert changed.status_code == 409
    # events cannot take ids from the commands' space
    squat = client.post(
        "/v1/events",
        json={"events": [{"event_id": "cmd:x", "customer_id": "a", "activity": "Start"}]},
        headers=admin,
    )
    assert squat.status_code == 422


def test_profile_time_zones_are_checked_and_quiet_hours_follow_them(
    client: TestClient, admin: dict[str, str]
) -> None:
    for bad in ("Europe", "x" * 300):
        answer = client.post("/v1/customers/z/profile", json={"timezone": bad}, headers=admin)
        assert answer.status_code == 422 and "unknown time zone" in answer.text
    deploy = yaml.safe_load(JOURNEY.replace("version: 1", "version: 9"))
    deploy["timezone"] = "Mars/Olympus"
    assert client.post("/v1/journeys", json=deploy, headers=admin).status_code == 422


def test_keys_are_checked_before_the_body_is_read_or_parsed(
    store: EngineStore, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEYSCOPE_MAX_BODY_BYTES", "1000")
    monkeypatch.setenv("JOURNEYSCOPE_FAILED_AUTH_LIMIT", "5")
    with TestClient(create_app(store=store)) as client:
        garbage = b"{not json"
        anonymous = client.post("/v1/events", content=garbage)
        assert anonymous.status_code == 401
        assert client.post("/v1/events", content=garbage, headers=admin).status_code == 422
        big = b'{"events": [' + b" " * 5000 + b"]}"
        assert client.post("/v1/events", content=big, headers=admin).status_code == 413
        assert client.post("/v1/events", content=big).status_code == 401  # no key: not read

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            for _ in range(10):
                yield b" " * 500

        assert client.post("/v1/events", content=chunks(), headers=admin).status_code == 413
        for i in range(5):
            wrong = client.get("/v1/journeys", headers={"X-API-Key": f"wrong-{i}"})
            assert wrong.status_code == 401
        limited = client.get("/v1/journeys", headers={"X-API-Key": "wrong-again"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        engine = client.app.state.engine  # type: ignore[attr-defined]
        assert len(engine.keys) <= engine.keys.size


def test_the_key_cache_is_bounded() -> None:
    from journeyscope.web.limits import KeyCache

    cache = KeyCache(size=100)
    for i in range(8_000):
        assert cache.get(f"wrong-{i}", lambda _k: None) is None
    assert len(cache) == 100


def test_raw_email_and_phone_ids_are_stored_as_keyed_hashes(
    client: TestClient, store: EngineStore, admin: dict[str, str], tmp_path: Path
) -> None:
    raw = {"event_id": "m1", "customer_id": "email: Alice@Example.com ", "activity": "Start"}
    phone = {"event_id": "m2", "customer_id": "phone:+31 (20) 555-0100", "activity": "Start"}
    assert (
        client.post("/v1/events", json={"events": [raw, phone]}, headers=admin).status_code == 202
    )
    stored = client.get("/v1/customers/email:alice@example.com", headers=admin).json()
    kind, _, digest = stored["customer_id"].partition(":")
    assert kind == "email" and len(digest) == 64 and "alice" not in json.dumps(stored)
    again = client.get("/v1/customers/phone:0031205550100", headers=admin).json()
    # a keyed hash, nothing else: a hex digest may well contain "555" by chance
    keyed = re.compile(r"(email|phone):[0-9a-f]{64}")
    assert keyed.fullmatch(again["customer_id"])
    with store.read() as conn:
        ids = {r[0] for r in conn.exec_driver_sql("SELECT customer_id FROM inbox")}
    assert len(ids) == 2 and all(keyed.fullmatch(i) for i in ids), ids
    # another workspace has another key: the same address gives another id
    from journeyscope.pseudonyms import pseudonymise, workspace_secret

    other = workspace_secret(tmp_path / "other.key")
    assert pseudonymise("email:alice@example.com", other) != stored["customer_id"]
    hashed = {"event_id": "m3", "customer_id": "email:already-hashed-by-the-crm", "activity": "X"}
    body = {"events": [hashed], "identifiers_hashed": True}
    assert client.post("/v1/events", json=body, headers=admin).status_code == 202
    with store.read() as conn:
        ids = {r[0] for r in conn.exec_driver_sql("SELECT customer_id FROM inbox")}
    assert "email:already-hashed-by-the-crm" in ids


def test_engine_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    with EngineStore(f"sqlite:///{tmp_path / 'new' / 'engine.sqlite'}") as store:
        store.accept([])
    for path in (tmp_path / "new").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path.name


@pytest.mark.slow
def test_an_ended_embedded_worker_is_started_again_and_health_says_so(
    client: TestClient, admin: dict[str, str]
) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    assert engine.worker.stop() is True  # the thread ends (as if it had died)
    assert client.get("/healthz").json()["worker_restarts"] == 1  # seen and restarted
    engine.worker.stop()
    answer = client.post("/v1/events", json=events(("r1", "c1", "Start")), headers=admin)
    assert answer.status_code == 202  # not a hang: the next write restarts it too
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["worker_restarts"] == 2
    assert client.get("/v1/customers/c1", headers=admin).json()["instances"]["apply"]

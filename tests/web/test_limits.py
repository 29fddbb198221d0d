"""The gate in front of the service, driven as plain ASGI (no server): the body limit (by
``Content-Length`` and while streaming), the API-key check before any body is read, the
failed-authentication lock-out; and the two bounded memories behind them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from journeyscope.config import Settings
from journeyscope.web import limits
from journeyscope.web.app import create_app
from journeyscope.web.limits import FailedAuth, Gate, KeyCache

KEYS = {"good-key": frozenset({"events:write"})}


class Clock:
    """``time.monotonic`` for the limits module, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    found = Clock()
    monkeypatch.setattr(limits.time, "monotonic", found)
    yield found


def test_the_key_cache_asks_once_per_key_until_its_entry_expires(clock: Clock) -> None:
    asked: list[str] = []

    def lookup(key: str) -> frozenset[str] | None:
        asked.append(key)
        return KEYS.get(key)

    cache = KeyCache(size=10, ttl=30.0)
    assert cache.get("good-key", lookup) == KEYS["good-key"]
    assert cache.get("wrong", lookup) is None  # an unknown key is remembered too
    assert cache.get("good-key", lookup) == KEYS["good-key"]
    assert cache.get("wrong", lookup) is None
    assert asked == ["good-key", "wrong"]
    clock.now += 30.0
    cache.get("good-key", lookup)
    assert asked == ["good-key", "wrong", "good-key"]


def test_the_key_cache_forgets_the_least_recently_used_beyond_its_size(clock: Clock) -> None:
    asked: list[str] = []
    cache = KeyCache(size=2, ttl=60.0)

    def lookup(key: str) -> None:
        asked.append(key)

    for key in ("a", "b", "a", "c"):  # "a" used again: "b" is the least recent when "c" comes
        cache.get(key, lookup)
    assert len(cache) == 2
    cache.get("a", lookup)
    cache.get("b", lookup)
    assert asked == ["a", "b", "c", "b"]


def test_failed_authentications_block_an_address_for_the_rest_of_the_window(
    clock: Clock,
) -> None:
    gate = FailedAuth(limit=3, window=60.0)
    for _ in range(2):
        gate.failed("10.0.0.1")
        clock.now += 10
    assert gate.blocked("10.0.0.1") == 0.0
    gate.failed("10.0.0.1")  # the third, at +20 s; the first was at 0
    assert gate.blocked("10.0.0.1") == pytest.approx(40.0)
    assert gate.blocked("10.0.0.2") == 0.0  # per address
    clock.now += 40.5  # the first failure has left the window
    assert gate.blocked("10.0.0.1") == 0.0


def test_failed_authentications_remember_a_bounded_number_of_addresses(clock: Clock) -> None:
    gate = FailedAuth(limit=1, window=60.0, clients=2)
    for client in ("a", "b", "c"):
        gate.failed(client)
    assert gate.blocked("a") == 0.0  # forgotten: the least recent address left first
    assert gate.blocked("b") > 0 and gate.blocked("c") > 0


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", "max_body_bytes"), ("0", "greater than 0")],
)
def test_a_wrong_limit_in_the_environment_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("JOURNEYSCOPE_MAX_BODY_BYTES", value)
    with pytest.raises(ValidationError, match=message):
        Settings()


def test_the_app_hands_its_settings_limits_to_the_gate(tmp_path: Path) -> None:
    settings = Settings(
        store=tmp_path / "events.duckdb",
        database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}",
        max_body_bytes=1234,
        failed_auth_limit=3,
        failed_auth_window=9.0,
    )
    (gate,) = [m for m in create_app(settings).user_middleware if m.cls is Gate]
    assert gate.kwargs["max_body"] == 1234
    assert (gate.kwargs["failed_auth"].limit, gate.kwargs["failed_auth"].window) == (3, 9.0)


# ------------------------------------------------------------------------------ the gate


async def _echo(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads the whole body and answers its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = json.dumps({"read": size}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _call(
    gate: Gate,
    path: str,
    chunks: list[bytes],
    headers: dict[str, str] | None = None,
    client: str = "10.0.0.9",
) -> tuple[int, dict[str, str], dict[str, Any], int]:
    """One request through ``gate``: status, headers, JSON body and how many body chunks the
    gate (or the app behind it) pulled."""
    engine = SimpleNamespace(scopes=KEYS.get)
    scope = {
        "type": "http",
        "path": path,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": (client, 5000),
        "app": SimpleNamespace(state=SimpleNamespace(engine=engine)),
    }
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        body = chunks[pulled - 1] if pulled <= len(chunks) else b""
        return {"type": "http.request", "body": body, "more_body": pulled < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    heads = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], heads, json.loads(body), pulled


def test_a_body_within_the_limit_reaches_the_app() -> None:
    status, _, body, _ = _call(Gate(_echo, max_body=10), "/api/x", [b"12345", b"67890"])
    assert (status, body) == (200, {"read": 10})


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    status, _, body, pulled = _call(
        Gate(_echo, max_body=10), "/api/x", [b"x" * 11], {"Content-Length": "11"}
    )
    assert (status, pulled) == (413, 0)
    assert body == {"detail": "the body is larger than 10 bytes"}


def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    chunks = [b"x" * 6, b"x" * 6, b"x" * 6, b"x" * 6]
    status, _, body, pulled = _call(Gate(_echo, max_body=10), "/api/x", chunks)
    assert status == 413 and body["detail"] == "the body is larger than 10 bytes"
    assert pulled == 2  # the rest is never read


def test_v1_without_a_key_is_refused_before_the_body_is_read() -> None:
    status, heads, body, pulled = _call(Gate(_echo), "/v1/events", [b"{not json"])
    assert (status, pulled) == (401, 0)
    assert heads["www-authenticate"] == "Bearer"
    assert "API key is required" in body["detail"]


def test_v1_takes_a_key_from_either_header() -> None:
    for headers in ({"X-API-Key": "good-key"}, {"Authorization": "Bearer good-key"}):
        status, _, body, _ = _call(Gate(_echo), "/v1/events", [b"{}"], headers)
        assert (status, body) == (200, {"read": 2}), headers
    status, _, _, _ = _call(Gate(_echo), "/v1/events", [b"{}"], {"Authorization": "Basic x"})
    assert status == 401


def test_repeated_wrong_keys_lock_the_address_out_with_a_retry_after() -> None:
    gate = Gate(_echo, failed_auth=FailedAuth(limit=2, window=60.0))
    wrong = {"X-API-Key": "guess"}
    assert [_call(gate, "/v1/events", [b""], wrong)[0] for _ in range(2)] == [401, 401]
    status, heads, body, _ = _call(gate, "/v1/events", [b""], {"X-API-Key": "good-key"})
    assert status == 429 and 1 <= int(heads["retry-after"]) <= 61
    assert "too many failed authentications" in body["detail"]
    other = _call(gate, "/v1/events", [b""], {"X-API-Key": "good-key"}, client="10.0.0.8")
    assert other[0] == 200  # another address is not locked out
    assert _call(gate, "/api/x", [b""], client="10.0.0.9")[0] == 200  # nor are pages

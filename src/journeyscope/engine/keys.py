"""API keys (only their SHA-256 is stored, with the scopes they grant)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from journeyscope.engine import schema as t
from journeyscope.errors import EngineStoreError

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

#: What an API key may be allowed to do; ``admin`` is everything.
SCOPES = (
    "events:write",
    "interactions:invoke",
    "customers:read",
    "customers:write",
    "journeys:read",
    "journeys:write",
    "admin",
)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add_api_key(store: EngineStore, name: str, scopes: Sequence[str]) -> str:
    """Create a key; only its hash is stored, so the key is shown once, here."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise EngineStoreError(
            f"unknown scope(s) {unknown} (choose from {', '.join(SCOPES)})"
            if unknown
            else "give the key at least one scope"
        )
    key = "js_" + secrets.token_urlsafe(24)
    with store.write() as conn:
        conn.execute(
            insert(t.api_keys),
            {
                "key_hash": key_hash(key),
                "name": name,
                "scopes": " ".join(sorted(set(scopes))),
                "created_at": store.clock.now(),
            },
        )
    return key


def api_key_scopes(store: EngineStore, key: str) -> frozenset[str] | None:
    with store.read() as conn:
        scopes = conn.execute(
            select(t.api_keys.c.scopes).where(t.api_keys.c.key_hash == key_hash(key))
        ).scalar()
    return None if scopes is None else frozenset(scopes.split())

"""API keys: how machines call the engine API (``/v1``) and the workspace API (``/api``).

An administrator issues a key with ``journeyscope engine api-key NAME --scope S`` (the CLI
calls :func:`issue`); the web layer checks the key of every call (:func:`scopes_of`, through
its bounded cache in ``web.deps``) and names it in the audit log (:func:`name_of`). Only the
key's SHA-256 is stored, in the ``api_keys`` table of the engine database, with its name and
scopes, so the key itself is shown once, when it is issued.

Scopes (:data:`SCOPES`): ``events:write``, ``interactions:invoke``, ``customers:read``,
``customers:write``, ``journeys:read``, ``journeys:write``; ``admin`` grants them all. The
workspace's roles map onto the same scopes (``services.accounts.ROLE_SCOPES``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from journeyscope.engine import schema as t
from journeyscope.engine.store import EngineStore
from journeyscope.errors import EngineStoreError, closest

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
PREFIX = "js_"  # every key starts with it, so a leaked key is recognisable


def key_hash(key: str) -> str:
    """What is stored of a key: its SHA-256 in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def check_scopes(scopes: Sequence[str]) -> tuple[str, ...]:
    """The scopes, sorted and each once; an unknown one is an error naming the closest."""
    if not scopes:
        raise EngineStoreError(f"give the key at least one scope (--scope; one of {_listed()})")
    for scope in scopes:
        if scope not in SCOPES:
            close = closest(scope, SCOPES, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise EngineStoreError(f"unknown scope {scope!r}: {hint}choose from {_listed()}")
    return tuple(sorted(set(scopes)))


def issue(store: EngineStore, name: str, scopes: Sequence[str]) -> str:
    """Create a key named ``name`` with ``scopes`` and return it: only its hash is stored,
    so this is the one time it can be read. A name already used is an error."""
    granted = check_scopes(scopes)
    if not name.strip():
        raise EngineStoreError("give the key a name: who or what it is for")
    key = PREFIX + secrets.token_urlsafe(24)
    try:
        with store.write() as conn:
            conn.execute(
                insert(t.api_keys),
                {
                    "key_hash": key_hash(key),
                    "name": name,
                    "scopes": " ".join(granted),
                    "created_at": store.clock.now(),
                },
            )
    except IntegrityError as exc:
        raise EngineStoreError(
            f"an API key named {name!r} exists already; choose another name"
        ) from exc
    return key


def scopes_of(store: EngineStore, key: str) -> frozenset[str] | None:
    """The scopes ``key`` grants, or ``None`` for a key that was never issued."""
    with store.read() as conn:
        scopes = conn.execute(
            select(t.api_keys.c.scopes).where(t.api_keys.c.key_hash == key_hash(key))
        ).scalar()
    return None if scopes is None else frozenset(scopes.split())


def name_of(store: EngineStore, key: str) -> str | None:
    """The name ``key`` was issued under (never the key), or ``None`` if it was not."""
    with store.read() as conn:
        name = conn.execute(
            select(t.api_keys.c.name).where(t.api_keys.c.key_hash == key_hash(key))
        ).scalar()
    return None if name is None else str(name)


def _listed() -> str:
    return ", ".join(SCOPES)

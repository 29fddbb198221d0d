"""API keys (only their SHA-256 is stored, with the scopes they grant) and pseudonymous
customer ids.

**Personal data.** A customer id ``email:<address>`` or ``phone:<number>`` given in the raw
is normalised and replaced by the workspace's keyed hash (:mod:`journeyscope.pseudonyms`:
HMAC-SHA256 under the workspace's identifier key, the same function and secret as ingest)
before anything is stored: ``email:alice@example.com`` becomes ``email:3f1c…`` (64 hex
digits), the ``email_hash`` an ingested file with that address gets, so the two stitch. A
value that is already 64 hex digits, or not a raw address or number, is kept; a caller that
hashes itself says so (``identifiers_hashed``) and nothing is changed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from journeyscope.engine import schema as t
from journeyscope.errors import EngineStoreError
from journeyscope.pseudonyms import KINDS, pseudonym

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


HASHED_PREFIXES = KINDS
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def pseudonymise(customer_id: str, secret: bytes, *, hashed: bool = False) -> str:
    """``email:<raw>`` / ``phone:<raw>`` → ``<kind>:`` and the workspace's keyed hash of the
    normalised value (:func:`journeyscope.pseudonyms.pseudonym`, the one ingest uses); any
    other id, an id already hashed, and any id when ``hashed``, as it is."""
    kind, sep, raw = customer_id.partition(":")
    if hashed or not sep or kind not in HASHED_PREFIXES or _HEX64.match(raw):
        return customer_id
    return f"{kind}:{pseudonym(secret, kind, raw)}"

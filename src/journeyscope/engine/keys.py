"""API keys (only their SHA-256 is stored, with the scopes they grant) and pseudonymous
customer ids.

**Personal data.** A customer id ``email:<address>`` or ``phone:<number>`` given in the raw
(an address with ``@``, a number with digits) is normalised (e-mail: trimmed, lower case;
phone: ``+`` and digits only) and replaced by a keyed hash, HMAC-SHA256 under a secret made
for this store (table ``secrets``), before anything is stored: ``email:alice@example.com``
becomes ``email:3f1c…`` (64 hex digits). A value that is already 64 hex digits is taken as
hashed; a caller that hashes itself says so (``identifiers_hashed``) and nothing is changed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

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


HASHED_PREFIXES = ("email", "phone")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def identifier_secret(store: EngineStore) -> bytes:
    """This store's secret for hashing identifiers (made on first use, kept in the store)."""
    with store.read() as conn:
        found = conn.execute(
            select(t.secrets.c.value).where(t.secrets.c.name == "identifiers")
        ).scalar()
    if found is None:
        try:
            with store.write() as conn:
                conn.execute(
                    insert(t.secrets), {"name": "identifiers", "value": secrets.token_hex(32)}
                )
        except IntegrityError:  # another process made it first
            pass
        return identifier_secret(store)
    return bytes.fromhex(found)


def normalise(kind: str, raw: str) -> str:
    """The form an identifier is hashed in: e-mail trimmed and lower case; phone ``+`` and
    digits only."""
    text = raw.strip()
    if kind == "email":
        return text.lower()
    if text.startswith("00"):
        text = "+" + text[2:]
    return ("+" if text.startswith("+") else "") + re.sub(r"[^0-9]", "", text)


def pseudonymise(customer_id: str, secret: bytes, *, hashed: bool = False) -> str:
    """``email:<raw>`` / ``phone:<raw>`` → the keyed hash of the normalised value; any other
    id (and any id when ``hashed``) as it is."""
    kind, sep, raw = customer_id.partition(":")
    if hashed or not sep or kind not in HASHED_PREFIXES or _HEX64.match(raw):
        return customer_id
    value = normalise(kind, raw)
    return f"{kind}:" + hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

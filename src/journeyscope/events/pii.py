"""Personal data at ingest: raw e-mail addresses and phone numbers never reach the store.

``email_hash`` and ``phone_hash`` are meant to hold hashes. A value that is a raw address
(it has an ``@``) or a raw phone number (only digits, spaces, ``+ - ( ) . /``, at least six
digits) is normalised (address: trimmed, lower case; phone: digits only, a leading ``00``
becomes ``+``) and replaced by ``HMAC-SHA256(store secret, kind:normalised)`` in hex. The
secret is drawn at random when a store is created and kept in it (the store file is readable
by its owner only), so the same person gets the same id within a store while the ids cannot
be reversed by hashing guesses without the store. Values that already look pseudonymous are
kept; a column the data gives already hashed (``already_hashed`` at ingest) is kept as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

import duckdb
import pyarrow as pa

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


def normalise(kind: str, value: str) -> str | None:
    """The normalised raw identifier, or None when ``value`` does not look like one.

    >>> normalise("email_hash", "  Alice@Example.COM "), normalise("phone_hash", "0044 (20) 7946-0000")
    ('alice@example.com', '+442079460000')
    >>> normalise("email_hash", "5f1c0a")
    """
    text = value.strip()
    if kind == "email_hash":
        return text.lower() if _EMAIL.match(text) else None
    if kind == "phone_hash" and _PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) < 6:
            return None
        if text.startswith("+"):
            return "+" + digits
        return "+" + digits[2:] if digits.startswith("00") else digits
    return None


def pseudonym(secret: bytes, kind: str, value: str) -> str:
    """The value as stored: a keyed hash of the normalised raw identifier, else ``value``."""
    raw = normalise(kind, value)
    if raw is None:
        return value
    return hmac.new(secret, f"{kind}:{raw}".encode(), hashlib.sha256).hexdigest()


def store_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The store's secret, drawn and saved the first time."""
    con.execute("CREATE TABLE IF NOT EXISTS store_secret (secret VARCHAR)").fetchall()
    rows = con.execute("SELECT secret FROM store_secret LIMIT 1").fetchall()
    if not rows:
        value = secrets.token_hex(32)
        con.execute("INSERT INTO store_secret VALUES (?)", [value]).fetchall()
        return bytes.fromhex(value)
    return bytes.fromhex(str(rows[0][0]))


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``js_pseudonymise(kind, value)`` available to the staging SQL of ``con``."""
    secret = store_secret(con)

    def udf(kinds: Any, values: Any) -> pa.Array:
        return pa.array(
            [
                None if v is None else pseudonym(secret, str(k), str(v))
                for k, v in zip(kinds.to_pylist(), values.to_pylist(), strict=True)
            ],
            pa.string(),
        )

    con.create_function(  # type: ignore[call-overload]
        "js_pseudonymise",
        udf,
        ["VARCHAR", "VARCHAR"],
        "VARCHAR",
        type="arrow",
    )

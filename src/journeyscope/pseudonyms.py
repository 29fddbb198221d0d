"""Pseudonymous customer identifiers: one secret, one keyed hash, for ingest and the engine.

A raw e-mail address or phone number never reaches a store. Wherever one arrives (a file's
``email_hash`` / ``phone_hash`` column at ingest, a customer id ``email:…`` / ``phone:…`` at
the engine's API) it is normalised and replaced by

    HMAC-SHA256(secret, "<kind>:<normalised value>")  in lower-case hex,

with ``kind`` ``email`` or ``phone``, under the one secret of the workspace
(:func:`workspace_secret`), so the same person gets the same id in the event store and in
the engine, and their events stitch. The rules are ASCII-only so that the Python function
(:func:`pseudonym`) and the SQL macro the store's staging query uses (:func:`sql_macros`)
give the same value for every input:

- the value is first stripped of spaces, tabs, line breaks, vertical tabs and form feeds;
- an **e-mail address** is one ``@`` with no such blank on either side, and is normalised
  by lowering A-Z (other letters are kept as written);
- a **phone number** is ``+``, digits, spaces and ``( ) . / -`` only, with 6 to 15 digits
  (E.164); it is normalised to its digits, with a ``+`` when it starts with ``+`` or ``00``.

Anything else is taken as already pseudonymous and kept as it is; a caller that hashes its
values itself says so (a catalogue column with ``hashed: true``, ``identifiers_hashed`` at
the API) and nothing is changed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from journeyscope.errors import SecretError

KINDS = ("email", "phone")
_BLANKS = " \t\n\r\x0b\x0c"
_EMAIL = re.compile(r"[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalise(kind: str, value: str) -> str | None:
    """The normalised raw identifier, or None when ``value`` is not a raw one.

    >>> normalise("email", "  Alice@Example.COM "), normalise("phone", "0044 (20) 7946-0000")
    ('alice@example.com', '+442079460000')
    >>> normalise("email", "5f1c0a") is None, normalise("phone", "12345") is None
    (True, True)
    """
    text = value.strip(_BLANKS)
    if kind == "email":
        return text.translate(_LOWER) if _EMAIL.fullmatch(text) else None
    if kind == "phone" and _PHONE.fullmatch(text):
        digits = re.sub(r"[^0-9]", "", text)
        if not 6 <= len(digits) <= 15:
            return None
        if text.startswith("+"):
            return "+" + digits
        return "+" + digits[2:] if digits.startswith("00") else digits
    return None


def pseudonym(secret: bytes, kind: str, value: str) -> str:
    """The value as stored: the keyed hash of the normalised raw identifier, else ``value``.

    >>> pseudonym(b"k", "email", "A@b.example") == pseudonym(b"k", "email", " a@B.example")
    True
    >>> pseudonym(b"k", "email", "already-a-pseudonym")
    'already-a-pseudonym'
    """
    raw = normalise(kind, value)
    if raw is None:
        return value
    return hmac.new(secret, f"{kind}:{raw}".encode(), hashlib.sha256).hexdigest()


_HEX64 = re.compile(r"[0-9a-f]{64}")


def pseudonymise(customer_id: str, secret: bytes, *, hashed: bool = False) -> str:
    """A customer id as the engine stores it: ``email:<raw>`` / ``phone:<raw>`` becomes
    ``<kind>:`` and the keyed hash of the normalised value (:func:`pseudonym`, as ingest
    computes it); any other id, an id already hashed (64 hex digits), and any id when
    ``hashed`` (the caller hashed it), as it is.

    >>> pseudonymise("email:A@b.example", b"k") == "email:" + pseudonym(b"k", "email", "a@b.example")
    True
    >>> pseudonymise("acct:42", b"k"), pseudonymise("email:x@y.z", b"k", hashed=True)
    ('acct:42', 'email:x@y.z')
    """
    kind, sep, raw = customer_id.partition(":")
    if hashed or not sep or kind not in KINDS or _HEX64.fullmatch(raw):
        return customer_id
    return f"{kind}:{pseudonym(secret, kind, raw)}"


def sql_macros(secret: bytes) -> list[str]:
    """DuckDB statements defining ``js_pseudonym(kind, value)`` for this connection: the
    same as :func:`pseudonym`, in SQL (no Python per row), the secret inside the macro."""
    block = secret if len(secret) <= 64 else hashlib.sha256(secret).digest()
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    blanks = " || ".join(f"chr({ord(c)})" for c in _BLANKS)
    upper, lower = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
    return [
        f"CREATE OR REPLACE TEMP MACRO js_strip(v) AS trim(v, {blanks})",
        "CREATE OR REPLACE TEMP MACRO js_normal_email(s) AS CASE WHEN regexp_full_match(s, "
        r"'[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+') "
        f"THEN translate(s, '{upper}', '{lower}') END",
        "CREATE OR REPLACE TEMP MACRO js_phone_digits(s) AS CASE WHEN regexp_full_match(s, "
        r"'\+?[0-9 ()./-]+') THEN regexp_replace(s, '[^0-9]', '', 'g') END",
        "CREATE OR REPLACE TEMP MACRO js_normal_phone(s, d) AS CASE "
        "WHEN d IS NULL OR length(d) NOT BETWEEN 6 AND 15 THEN NULL "
        "WHEN starts_with(s, '+') THEN '+' || d "
        "WHEN starts_with(d, '00') THEN '+' || d[3:] ELSE d END",
        "CREATE OR REPLACE TEMP MACRO js_normal(kind, s) AS CASE kind "
        "WHEN 'email' THEN js_normal_email(s) "
        "WHEN 'phone' THEN js_normal_phone(s, js_phone_digits(s)) END",
        f"CREATE OR REPLACE TEMP MACRO js_hmac(m) AS sha256(unhex('{outer}') || "
        f"unhex(sha256(unhex('{inner}') || encode(m))))",
        "CREATE OR REPLACE TEMP MACRO js_pseudonym(kind, v) AS "
        "COALESCE(js_hmac(kind || ':' || js_normal(kind, js_strip(v))), v)",
    ]


def workspace_secret(key_file: Path, *, initial: bytes | None = None) -> bytes:
    """The workspace's secret, kept in hex in ``key_file``: read it, or make the file
    (readable by its owner only) with ``initial`` or 32 random bytes the first time. Every
    process of the workspace reads the same one; of two making it at once, one wins."""
    try:
        if not key_file.exists():
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            draft = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write((initial or secrets.token_bytes(32)).hex() + "\n")
            try:  # whole or not at all: a second process never reads a half-written key
                os.link(draft, key_file)
            except FileExistsError:
                pass  # another process made it first; theirs counts
            finally:
                draft.unlink()
        text = key_file.read_text().strip()
    except OSError as exc:
        raise SecretError(f"cannot read or make the identifier key {key_file}: {exc}") from exc
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise SecretError(
            f"the identifier key {key_file} is not a secret of at least 32 hex digits"
        )
    return secret

"""Personal data at ingest: raw e-mail addresses and phone numbers never reach the store.

``email_hash`` and ``phone_hash`` are meant to hold hashes. A value that is a raw address or
number is normalised and replaced by the workspace's keyed hash
(:mod:`journeyscope.pseudonyms`: the same function, and the same secret, as the engine's
API), in SQL inside the staging query (``js_pseudonym``), so no row passes through Python.
Values that already look pseudonymous are kept, and so is every value of a column the data
gives hashed (``already_hashed`` at ingest, ``hashed: true`` in the event catalogue).

The store keeps the secret it hashes with (table ``store_secret``; the store file is readable
by its owner only). A store opened on its own (the Python API, a throwaway ``:memory:``
store) draws one when it is created; the command line and the web workspace align it with
the workspace's key file first (:func:`align_secret`), so the engine and every store of the
workspace agree.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import duckdb

from journeyscope.errors import StoreError
from journeyscope.pseudonyms import sql_macros, workspace_secret

#: Identifier columns pseudonymised at ingest, with the kind of identifier each holds.
KINDS = {"email_hash": "email", "phone_hash": "phone"}


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
    """Define ``js_pseudonym(kind, value)`` for the staging SQL of ``con``, with the store's
    secret."""
    for statement in sql_macros(store_secret(con)):
        con.execute(statement)


def _holds_identifiers(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds an e-mail or phone id that looks made by this keyed hash."""
    rows = con.execute(
        "SELECT 1 FROM events WHERE regexp_full_match(email_hash, '[0-9a-f]{64}') "
        "OR regexp_full_match(phone_hash, '[0-9a-f]{64}') LIMIT 1"
    ).fetchall()
    return bool(rows)


def align_secret(con: duckdb.DuckDBPyConnection, key_file: Path) -> bytes:
    """Make the store hash with the workspace's secret (``key_file``) and return it.

    A store that holds hashed identifiers under its own secret before the workspace had a
    key file gives the workspace its secret (the key file is made from it), so no id
    already stored changes. A store whose identifiers were hashed under another secret than
    an existing key file is refused: its ids and the workspace's would never match.
    """
    own = store_secret(con)
    held = _holds_identifiers(con)
    secret = workspace_secret(key_file, initial=own if held else None)
    if secret != own:
        if held:
            raise StoreError(
                "this store's e-mail and phone ids were hashed with another secret than the "
                f"workspace's identifier key {key_file}, so they would never match the "
                "engine's or new ones: ingest into a new store, or remove the key file so "
                "that the workspace takes this store's secret (ids the engine made under the "
                "removed key then no longer match)"
            )
        con.execute("DELETE FROM store_secret").fetchall()
        con.execute("INSERT INTO store_secret VALUES (?)", [secret.hex()]).fetchall()
        register(con)
    return secret

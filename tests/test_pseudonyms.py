"""One keyed hash for ingest and the engine: the Python function and the SQL macro agree on
every input, and the workspace key file is made once, whole, readable by its owner only."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from journeyscope.pseudonyms import (
    SecretError,
    normalise,
    pseudonym,
    sql_macros,
    workspace_secret,
)
from lanes import examples

SECRET = bytes(range(32))


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for statement in sql_macros(SECRET):
        connection.execute(statement)
    return connection


def test_the_hash_is_hmac_sha256_of_kind_and_normalised_value() -> None:
    expected = hmac.new(SECRET, b"email:alice@example.com", hashlib.sha256).hexdigest()
    assert pseudonym(SECRET, "email", " Alice@Example.COM\t") == expected
    assert normalise("phone", "+44 (20) 7946-0000") == "+442079460000"
    assert normalise("phone", "0044 20 7946 0000") == "+442079460000"
    assert normalise("phone", "020 7946 0000") == "02079460000"
    assert normalise("phone", "1234567890123456") is None  # 16 digits: not E.164
    assert normalise("email", "a@b@c") is None
    assert normalise("email", "a b@c") is None


@settings(max_examples=examples(300), deadline=None)
@given(
    kind=st.sampled_from(["email", "phone"]),
    value=st.text(alphabet="aZé@ .+-()/0123456789\t\n\x0b\x0c\r\u00a0İ_", max_size=24),
)
@example(kind="email", value="\u00a0a@b")  # a non-breaking space is not stripped
@example(kind="email", value="İ@X.example")  # only A-Z are lowered
@example(kind="phone", value="00123456")
def test_sql_and_python_agree(con: duckdb.DuckDBPyConnection, kind: str, value: str) -> None:
    got = con.execute("SELECT js_pseudonym(?, ?)", [kind, value]).fetchall()[0][0]
    assert got == pseudonym(SECRET, kind, value)


def test_sql_keeps_null(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("SELECT js_pseudonym('email', NULL)").fetchall() == [(None,)]


def test_the_key_file_is_made_once_and_owner_only(tmp_path: Path) -> None:
    key = tmp_path / "ws" / "identifier.key"
    first = workspace_secret(key)
    assert len(first) == 32 and workspace_secret(key) == first
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert [p.name for p in key.parent.iterdir()] == ["identifier.key"]  # no draft left
    given_key = tmp_path / "given.key"
    assert workspace_secret(given_key, initial=SECRET) == SECRET
    assert workspace_secret(given_key, initial=b"x" * 32) == SECRET  # the file counts


def test_a_broken_key_file_is_a_clear_error(tmp_path: Path) -> None:
    key = tmp_path / "identifier.key"
    key.write_text("not hex\n")
    with pytest.raises(SecretError, match=r"identifier.key is not a secret of at least 32 hex"):
        workspace_secret(key)

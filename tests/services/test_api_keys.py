"""API keys: issued once (only a hash stored), checked by scope, named in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from journeyscope.engine import schema as t
from journeyscope.engine.store import EngineStore
from journeyscope.errors import EngineStoreError
from journeyscope.services import api_keys


@pytest.fixture
def store(tmp_path: Path) -> EngineStore:
    return EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}")


def test_a_key_is_shown_once_and_only_its_hash_is_kept(store: EngineStore) -> None:
    key = api_keys.issue(store, "crm", ["events:write", "customers:read", "events:write"])
    assert key.startswith(api_keys.PREFIX) and len(key) > 30
    assert api_keys.scopes_of(store, key) == {"events:write", "customers:read"}
    assert api_keys.name_of(store, key) == "crm"
    with store.read() as conn:
        stored = conn.execute(select(t.api_keys)).mappings().one()
    assert key not in str(dict(stored)) and stored["key_hash"] == api_keys.key_hash(key)
    assert api_keys.issue(store, "ops", ["admin"]) != key


def test_an_unknown_key_has_no_scopes_and_no_name(store: EngineStore) -> None:
    assert api_keys.scopes_of(store, "js_nothing") is None
    assert api_keys.name_of(store, "js_nothing") is None


def test_a_mistyped_scope_is_refused_with_the_closest(store: EngineStore) -> None:
    with pytest.raises(EngineStoreError, match="'events:wrte': did you mean 'events:write'"):
        api_keys.issue(store, "crm", ["events:wrte"])
    with pytest.raises(EngineStoreError, match="at least one scope"):
        api_keys.issue(store, "crm", [])
    with pytest.raises(EngineStoreError, match="give the key a name"):
        api_keys.issue(store, " ", ["admin"])
    with store.read() as conn:
        assert conn.execute(select(t.api_keys)).first() is None


def test_a_name_is_used_once(store: EngineStore) -> None:
    api_keys.issue(store, "crm", ["admin"])
    with pytest.raises(EngineStoreError, match="named 'crm' exists already"):
        api_keys.issue(store, "crm", ["journeys:read"])

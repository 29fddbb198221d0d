"""The store's facade: opening, accepting once, deploying immutable versions, knowledge.

Each behaviour is also reached through the repositories the facade calls (tests of the same
name as each module); here it is the public API the CLI, the services and the web API use."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from engine_kit import RECEIPT, cmd, ev, program

from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at
from journeyscope.engine.store import EngineStore
from journeyscope.errors import EngineStoreError, VersionConflictError

START = "2025-05-05T09:00:00+00:00"


def test_accept_stores_each_id_once_and_counts_the_rest_as_duplicates(database_url: str) -> None:
    with EngineStore(database_url, clock=FakeClock(at(START)), partitions=8) as store:
        first = store.accept([ev("c1", "Start", START, 1), ev("c1", "Start", START, 1)])
        again = store.accept([ev("c1", "Start", START, 1), cmd("c2", "stop", START)])
        assert (first.accepted, first.duplicates) == (1, 1)
        assert (again.accepted, again.duplicates) == (1, 1)
        assert store.pending() == 2
        customer, kind, body = store.inbox_entry(f"c1:Start:{START}:1") or ("", "", "")
        assert (customer, kind) == ("c1", "event") and '"activity":"Start"' in body
        assert store.inbox_entry("nothing") is None
        assert store.partitions == 8


def test_an_event_may_not_use_a_command_id(sqlite_url: str) -> None:
    with EngineStore(sqlite_url) as store:
        bad = ev("c1", "Start", START)
        with pytest.raises(EngineStoreError, match="reserved for commands"):
            store.accept([type(bad)("cmd:x", "c1", "Start", bad.timestamp, "web", {})])
        assert store.pending() == 0  # nothing of the batch was stored


def test_deploying_again_adds_nothing_and_a_changed_version_is_refused(sqlite_url: str) -> None:
    with EngineStore(sqlite_url) as store:
        report = store.deploy(program(RECEIPT))
        assert report.journeys_added == ["apply@1"] and report.policy_changed
        assert "receipt@1" in report.interactions_added
        marker = store.program_marker()
        same = store.deploy(program(RECEIPT))
        assert (same.journeys_added, same.interactions_added, same.policy_changed) == (
            [],
            [],
            False,
        )
        assert store.program_marker() == marker
        with pytest.raises(VersionConflictError, match="'apply' version 1"):
            store.deploy(program(RECEIPT.replace("receipt", "offer")))
        store.deploy(program(RECEIPT.replace("version: 1", "version: 2")))
        assert store.program_marker() != marker
        loaded = store.load_program()
        assert sorted(j.version for j in loaded.versions() if j.id == "apply") == [1, 2]


def test_a_pin_moves_the_marker_and_is_loaded_with_the_program(sqlite_url: str) -> None:
    with EngineStore(sqlite_url) as store:
        store.deploy(program(RECEIPT, RECEIPT.replace("version: 1", "version: 2")))
        before = store.program_marker()
        store.pin("apply", 1)
        assert store.load_program().pinned == {"apply": 1}
        assert store.program_marker() != before
        store.pin("apply", None)
        assert store.load_program().pinned == {}
        assert store.program_marker() == before


def test_levers_are_read_back_with_the_knowledge(sqlite_url: str) -> None:
    with EngineStore(sqlite_url) as store:
        store.set_lever("offer", 0.5)
        store.set_lever("offer", 2.0)
        store.set_lever("remind", 1.5)
        assert store.knowledge().levers == {"offer": 2.0, "remind": 1.5}
        assert store.knowledge().stats == {}


def test_an_sqlite_file_is_made_for_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "engine.sqlite"
    with EngineStore(f"sqlite:///{path}"):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_store_not_created_says_so(sqlite_url: str) -> None:
    with pytest.raises(EngineStoreError, match=r"empty\.sqlite: cannot use the database: no such"):
        EngineStore(sqlite_url.replace("engine.sqlite", "empty.sqlite"), create=False)


def test_a_database_that_cannot_be_reached_is_named_without_its_password() -> None:
    url = "postgresql://app:hunter2@127.0.0.1:1/nothing"
    with pytest.raises(EngineStoreError) as caught:
        EngineStore(url)
    message = str(caught.value)
    assert "app:***@127.0.0.1:1" in message and "hunter2" not in message
    assert "cannot use the database" in message

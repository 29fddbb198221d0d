"""Deployed programs (engine/deployments.py): versions are immutable, deploying again changes
nothing, the policy is stored when it changed, pins choose the version new customers enter,
and the marker moves whenever any of it changes (workers reload on that)."""

from __future__ import annotations

import pytest
from engine_kit import RECEIPT, program

from journeyscope.engine import deployments
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.store import EngineStore
from journeyscope.errors import VersionConflictError

SECOND = RECEIPT.replace("version: 1", "version: 2").replace("receipt", "remind")
QUIET = {"quiet_hours": {"start": "21:00", "end": "08:00"}}


def test_a_deployment_reports_what_it_added_and_again_nothing(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, clock=FakeClock(1000.0)) as store:
        first = store.deploy(program(RECEIPT))
        assert first.journeys_added == ["apply@1"]
        assert "receipt@1" in first.interactions_added and first.policy_changed
        again = store.deploy(program(RECEIPT))
        assert again == deployments.DeployReport([], [], False)
        later = store.deploy(program(RECEIPT, SECOND, policy=QUIET))
        assert later.journeys_added == ["apply@2"] and later.interactions_added == []
        assert later.policy_changed


def test_a_known_version_with_another_definition_is_refused(sqlite_url: str) -> None:
    changed = RECEIPT.replace("receipt", "remind")
    with EngineStore(sqlite_url, clock=FakeClock(0.0)) as store:
        store.deploy(program(RECEIPT))
        with pytest.raises(VersionConflictError, match=r"'apply' version 1 .*new version"):
            store.deploy(program(changed))
        with store.read() as conn:  # the refused deployment left nothing behind
            assert [j.version for j in deployments.load(conn).versions()] == [1]


def test_the_loaded_program_is_the_deployed_one_with_its_pins(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, clock=FakeClock(0.0)) as store:
        store.deploy(program(RECEIPT, SECOND, policy=QUIET))
        with store.read() as conn:
            loaded = deployments.load(conn)
        assert loaded.journey("apply").version == 2, "the highest version by default"
        assert loaded.policy.quiet_hours is not None
        store.pin("apply", 1)
        with store.read() as conn:
            assert deployments.load(conn).journey("apply").version == 1
        store.pin("apply", None)
        with store.read() as conn:
            assert deployments.load(conn).journey("apply").version == 2


def test_the_marker_moves_on_every_change_and_only_then(sqlite_url: str) -> None:
    clock = FakeClock(0.0)
    with EngineStore(sqlite_url, clock=clock) as store:

        def marker() -> tuple[object, ...]:
            with store.read() as conn:
                return deployments.marker(conn)

        seen = [marker()]
        store.deploy(program(RECEIPT))
        seen.append(marker())
        clock.advance(minutes=1)
        store.deploy(program(RECEIPT))  # nothing new
        assert marker() == seen[-1]
        store.deploy(program(RECEIPT, SECOND))
        seen.append(marker())
        store.deploy(program(RECEIPT, SECOND, policy=QUIET))
        seen.append(marker())
        store.pin("apply", 1)
        seen.append(marker())
        assert len(set(seen)) == len(seen), seen

"""An operator's actions on running journeys (services/console_actions.py), on a SQLite engine
with a real worker: deploying a new version, pausing and resuming, migrating running
customers; each refusal says why, and everything, refusals too, is in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from engine_kit import ev, program

from journeyscope.engine import audit, journey_controls
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.store import AcceptReport, EngineStore
from journeyscope.engine.worker import Worker
from journeyscope.errors import JourneyscopeError
from journeyscope.services import console_actions as actions

START = "2025-05-05T09:00:00+00:00"
WAITER = """
journey: waiter
version: 1
triggers: [{event: Start}]
steps:
  wait: {wait: {duration: 1d}, next: send}
  send: {invoke: receipt}
"""


@dataclass
class Running:
    """The engine as the web app holds it: its store, a worker, and accept."""

    store: EngineStore
    worker: Worker

    def accept(self, items: list[Event | Command]) -> AcceptReport:
        return self.store.accept(items)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Running]:
    with EngineStore(
        f"sqlite:///{tmp_path / 'engine.sqlite'}", clock=FakeClock(at(START))
    ) as store:
        store.deploy(program(WAITER))
        store.accept([ev(f"c{i}", "Start", START, i) for i in range(3)])
        worker = Worker(store)
        worker.drain()
        try:
            yield Running(store, worker)
        finally:
            worker.close()


def _spec(text: str) -> JourneySpec:
    return JourneySpec.model_validate(yaml.safe_load(text))


def _log(engine: Running) -> list[tuple[str, str, bool]]:
    return [(e.actor, e.action, e.ok) for e in reversed(audit.entries(engine.store))]


def test_a_new_version_is_deployed_once_and_a_changed_one_refused(engine: Running) -> None:
    v2 = _spec(WAITER.replace("version: 1", "version: 2").replace("1d", "2d"))
    outcome = actions.deploy(engine, [v2], "ann")
    assert outcome.startswith("deployed waiter@2; new customers enter it")
    assert "nothing changed" in actions.deploy(engine, [v2], "ann")
    changed = _spec(WAITER.replace("1d", "3d"))
    with pytest.raises(
        actions.ActionRefused, match="'waiter' version 1 is given twice, differently"
    ):
        actions.deploy(engine, [changed], "bo")
    assert _log(engine) == [
        ("ann", "deploy", True),
        ("ann", "deploy", True),
        ("bo", "deploy", False),
    ]
    assert engine.store.customers_in("waiter", 1) == ["c0", "c1", "c2"], "running ones stay"


def test_pausing_and_resuming_tell_the_running_customers(engine: Running) -> None:
    outcome = actions.pause(engine, "waiter", "olga")
    assert "3 running customer(s) paused" in outcome
    assert journey_controls.paused(engine.store) == {"waiter"}
    with pytest.raises(actions.ActionRefused, match="'waiter' is already paused"):
        actions.pause(engine, "waiter", "olga")
    assert "3 running customer(s) resumed" in actions.resume(engine, "waiter", "olga")
    assert journey_controls.paused(engine.store) == frozenset()
    with pytest.raises(JourneyscopeError, match="waiter"):  # the closest name is offered
        actions.pause(engine, "waiters", "olga")
    assert [(action, ok) for _, action, ok in _log(engine)] == [
        ("pause", True),
        ("pause", False),
        ("resume", True),
        ("pause", False),
    ]


def test_migrating_asks_every_customer_of_the_old_version_to_move(engine: Running) -> None:
    actions.deploy(engine, [_spec(WAITER.replace("version: 1", "version: 2"))], "ann")
    with pytest.raises(actions.ActionRefused, match=r"no version 9 \(deployed: 1, 2\)"):
        actions.migrate(engine, "waiter", 1, 9, "ann")
    with pytest.raises(actions.ActionRefused, match="the same version"):
        actions.migrate(engine, "waiter", 2, 2, "ann")
    outcome = actions.migrate(engine, "waiter", 1, 2, "ann")
    assert outcome.startswith("3 customer(s) on version 1 asked to move to version 2")
    engine.worker.drain()
    assert engine.store.customers_in("waiter", 1) == []
    assert engine.store.customers_in("waiter", 2) == ["c0", "c1", "c2"]
    last = audit.entries(engine.store, journey="waiter", limit=1)[0]
    assert last.detail["customers"] == 3 and last.detail["to_version"] == 2

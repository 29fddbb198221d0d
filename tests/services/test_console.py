"""The console's counters against a hand-built engine history, and the operator's actions
(pause, resume, migrate, deploy, retry) with their audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine_kit import deployed_store, ev, inline_worker
from sqlalchemy import insert

from journeyscope.engine import audit, journey_controls
from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.state import PAUSED, WAITING, CustomerState, Instance
from journeyscope.engine.store import AcceptReport, EngineStore
from journeyscope.services import console, console_actions
from journeyscope.services.console_actions import ActionRefused

FLOW = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait-docs}
  wait-docs:
    wait: {event: Upload documents, timeout: 5d}
    on_event: end
    on_timeout: remind
  remind: {invoke: remind, next: end}
"""
T0 = at("2025-05-05T09:00:00+00:00")


@pytest.fixture
def store(tmp_path: Path) -> EngineStore:
    return deployed_store(f"sqlite:///{tmp_path / 'e.sqlite'}", FLOW)[0]


def _record(seq: int, customer: str, activity: str, ts: float, **props: Any) -> dict[str, Any]:
    return {
        "event_id": f"r{seq}",
        "customer_id": customer,
        "case_id": f"{customer}/apply#1",
        "timestamp": ts,
        "activity": activity,
        "channel": None,
        "properties": json.dumps({"journey": "apply", "version": 1, **props}),
    }


def _history(store: EngineStore) -> None:
    """Three customers: c1 reminded and exited, c2 waiting (its reminder suppressed by a cap),
    c3 held out, paused; the latencies of the actions caused by events are 2, 4 and 10 s."""
    rows = [
        _record(1, "c1", "Journey step", T0, step="welcome"),
        _record(2, "c1", "Interaction sent", T0 + 2, step="welcome", key="k1", cause="e1"),
        _record(3, "c1", "Journey step", T0 + 2, step="wait-docs"),
        _record(4, "c1", "Journey step", T0 + 9, step="remind"),
        _record(5, "c1", "Interaction sent", T0 + 9, step="remind", key="k2", cause="c1:t3"),
        _record(6, "c1", "Journey exited", T0 + 9, step="remind", reason="exit: opted out"),
        _record(7, "c2", "Journey step", T0, step="welcome"),
        _record(
            8,
            "c2",
            "Interaction suppressed",
            T0 + 4,
            step="welcome",
            reason="capped: global 1 per 1d",
            cause="e2",
        ),
        _record(9, "c2", "Journey step", T0 + 4, step="wait-docs"),
        _record(10, "c3", "Journey step", T0, step="welcome"),
        _record(
            11, "c3", "Interaction withheld", T0 + 10, step="welcome", holdout="journey", cause="e3"
        ),
        _record(12, "c3", "Journey step", T0 + 10, step="wait-docs"),
        _record(13, "c4", "Trigger ignored", T0 + 11, reason="journey paused"),
        {
            **_record(14, "c9", "Journey step", T0, step="welcome"),
            "properties": json.dumps({"journey": "other", "version": 1, "step": "welcome"}),
        },
    ]
    inbox = [
        {
            "event_id": e,
            "customer_id": c,
            "partition": 0,
            "kind": "event",
            "event_time": T0,
            "body": "{}",
            "accepted_at": T0,
            "processed_at": T0 + 1,
        }
        for e, c in (("e1", "c1"), ("e2", "c2"), ("e3", "c3"))
    ] + [
        {
            "event_id": "e4",
            "customer_id": "c5",
            "partition": 0,
            "kind": "event",
            "event_time": T0,
            "body": "{}",
            "accepted_at": T0 - 30,
            "processed_at": None,
        }
    ]
    outbox = [
        {
            "key": k,
            "customer_id": "c1",
            "partition": 0,
            "interaction": i,
            "version": 1,
            "channel": "email",
            "category": "service",
            "journey": "apply",
            "step": s,
            "cause": None,
            "payload": "{}",
            "created_at": T0,
            "status": st,
            "attempts": 1,
        }
        for k, i, s, st in (
            ("k1", "receipt", "welcome", "sent"),
            ("k2", "remind", "remind", "dead"),
        )
    ]
    waiting = CustomerState("c2")
    waiting.instances["apply"] = Instance("apply", 1, 1, "wait-docs", WAITING, T0, T0)
    paused = CustomerState("c3")
    paused.instances["apply"] = Instance("apply", 1, 1, "wait-docs", PAUSED, T0, T0, holdout=True)
    with store.write() as conn:
        conn.execute(insert(t.engine_events), rows)
        conn.execute(insert(t.inbox), inbox)
        conn.execute(insert(t.outbox), outbox)
        conn.execute(
            insert(t.dead_letters),
            {
                "key": "k2",
                "customer_id": "c1",
                "interaction": "remind",
                "version": 1,
                "payload": "{}",
                "error": "rejected: no such mailbox",
                "attempts": 1,
                "failed_at": T0 + 9,
            },
        )
        conn.execute(
            insert(t.customers),
            [
                {
                    "customer_id": s.customer_id,
                    "partition": 0,
                    "state": s.to_json(),
                    "wake_at": None,
                    "updated_at": T0,
                }
                for s in (waiting, paused)
            ],
        )


def test_counters_per_step_from_a_hand_built_history(store: EngineStore) -> None:
    _history(store)
    store.clock.set(T0 + 60)  # type: ignore[attr-defined]
    found = console.live(store, "apply")
    [v1] = found.versions
    steps = {s.step: s for s in v1.steps}
    assert list(steps) == ["welcome", "wait-docs", "remind"]
    welcome, wait, remind = steps["welcome"], steps["wait-docs"], steps["remind"]
    assert (welcome.entered, wait.entered, remind.entered) == (3, 3, 1)
    assert (wait.waiting, wait.paused) == (1, 1)
    assert v1.running == 2
    assert remind.exited == {"exit: opted out": 1}
    assert (welcome.sent, welcome.delivered) == (1, 1)
    assert remind.sent == 1 and remind.failed == {"delivery failed for good": 1}
    assert welcome.suppressed == {"cap": 1}
    assert welcome.reasons == {"capped: global 1 per 1d": 1}
    assert welcome.withheld == {"holdout: journey": 1}
    assert found.entries_refused == 1
    # latency: 2, 4 and 10 s after acceptance (the timer's send is left out)
    assert found.latency_n == 3
    assert found.latency_p50 == pytest.approx(4.0)
    assert found.latency_p99 == pytest.approx(4 + 6 * 0.98)
    assert (found.backlog, found.backlog_oldest) == (1, pytest.approx(90.0))
    [failed] = found.failed_sends
    assert failed["error"] == "rejected: no such mailbox" and failed["step"] == "remind"
    assert set(found.how) >= {"entered", "waiting", "latency", "backlog", "withheld"}


def test_an_unknown_journey_names_the_closest(store: EngineStore) -> None:
    with pytest.raises(Exception, match="did you mean apply"):
        console.live(store, "aply")


@dataclass
class FakeEngine:
    """The engine as the web app holds it: the store, no embedded worker."""

    store: EngineStore
    worker: Any = None

    def accept(self, items: list[Event | Command]) -> AcceptReport:
        return self.store.accept(items)


def test_pause_and_resume_reach_running_customers_and_are_audited(store: EngineStore) -> None:
    engine = FakeEngine(store)
    worker = inline_worker(store)
    store.accept([ev("c1", "Start", "2025-05-05T09:00:00+00:00")])
    worker.drain()
    outcome = console_actions.pause(engine, "apply", "user:olga")
    assert "1 running customer(s) paused" in outcome
    with pytest.raises(ActionRefused, match="already paused"):
        console_actions.pause(engine, "apply", "user:olga")
    worker.drain()
    state = store.state("c1")
    assert state is not None and state.instances["apply"].status == PAUSED
    assert journey_controls.paused(store) == frozenset({"apply"})
    console_actions.resume(engine, "apply", "key:ops")
    worker.drain()
    state = store.state("c1")
    assert state is not None and state.instances["apply"].status == WAITING
    log = audit.entries(store, "apply")
    assert [(e.action, e.actor, e.ok) for e in log] == [
        ("resume", "key:ops", True),
        ("pause", "user:olga", False),
        ("pause", "user:olga", True),
    ]
    assert "already paused" in log[1].outcome
    worker.close()


def test_deploy_then_migrate_explicitly(store: EngineStore) -> None:
    from journeyscope.services.simulation import parse_draft

    engine = FakeEngine(store)
    worker = inline_worker(store)
    store.accept([ev("c1", "Start", "2025-05-05T09:00:00+00:00")])
    worker.drain()
    specs = parse_draft(FLOW.replace("version: 1", "version: 2"))
    assert "deployed apply@2" in console_actions.deploy(engine, specs, "user:olga")
    worker.drain()
    state = store.state("c1")
    assert state is not None and state.instances["apply"].version == 1  # stays
    with pytest.raises(ActionRefused, match="no version 7"):
        console_actions.migrate(engine, "apply", 1, 7, "user:olga")
    assert "1 customer(s)" in console_actions.migrate(engine, "apply", 1, 2, "user:olga")
    worker.drain()
    state = store.state("c1")
    assert state is not None and state.instances["apply"].version == 2
    assert [e.action for e in audit.entries(store)] == ["migrate", "migrate", "deploy"]
    worker.close()


def test_a_draft_with_an_error_names_its_line() -> None:
    from journeyscope.errors import JourneyDefinitionError
    from journeyscope.services.simulation import parse_draft

    with pytest.raises(JourneyDefinitionError, match="draft"):
        parse_draft(FLOW.replace("on_timeout: remind", "on_timeout: remnd"))

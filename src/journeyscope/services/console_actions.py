"""What an operator does to a running journey, each written to the audit log.

Deploy a new version (running customers stay on theirs), pause and resume the whole journey
(:mod:`journeyscope.engine.core.journey_pause` says what that means), migrate running customers
from one version to another (one ``migrate`` command per customer, as ``POST
/v1/journeys/{id}/migrate`` does), retry or drop failed inputs and failed sends. Each call
records who, when, what and the outcome in ``audit_log`` (refusals too) and returns the
outcome in words. The console and the ``/v1`` API call the same functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy import delete, select, update

from journeyscope.engine import audit, deadletters, journey_controls
from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.program import Program
from journeyscope.engine.store import AcceptReport, EngineStore
from journeyscope.errors import JourneyscopeError
from journeyscope.services.console import summary


class Engine(Protocol):
    """The running engine as the web app holds it (``web.deps.EngineContext``)."""

    @property
    def store(self) -> EngineStore: ...

    @property
    def worker(self) -> Any: ...

    def accept(self, items: list[Event | Command]) -> AcceptReport: ...


class ActionRefused(JourneyscopeError):
    """The action cannot be done as asked; the message says why (and it is in the audit log)."""


@contextmanager
def _audited(
    engine: Engine, actor: str, action: str, journey: str | None, detail: dict[str, Any]
) -> Iterator[None]:
    """One action: a refusal (:class:`JourneyscopeError`) is written to the audit log, then
    raised on."""
    try:
        yield
    except JourneyscopeError as exc:
        audit.record(engine.store, actor, action, journey, detail, str(exc), ok=False)
        raise


def _commands(
    engine: Engine, kind: str, journey: str, customers: Sequence[str], **args: Any
) -> int:
    batch = uuid.uuid4().hex[:12]
    now = engine.store.clock.now()
    items: list[Event | Command] = [
        Command(f"cmd:{kind}-journey:{batch}:{c}", c, kind, now, {"journey": journey, **args})
        for c in customers
    ]
    return engine.accept(items).accepted if items else 0


def _reload(engine: Engine) -> None:
    if engine.worker is not None:
        engine.worker.reload()


def deploy(engine: Engine, specs: list[JourneySpec], actor: str) -> str:
    names = [f"{s.journey}@{s.version}" for s in specs]
    with _audited(
        engine, actor, "deploy", specs[0].journey if specs else None, {"versions": names}
    ):
        current = engine.store.load_program()
        try:
            program = Program.build(
                [j.spec for j in current.versions()] + specs, current.catalogue, current.policy
            )
            report = engine.store.deploy(program)
        except JourneyscopeError as exc:
            raise ActionRefused(str(exc)) from exc
        _reload(engine)
        added = report.journeys_added
        outcome = (
            f"deployed {', '.join(added)}; new customers enter it, running customers stay on "
            "their version until migrated"
            if added
            else f"{', '.join(names)} already deployed with this definition: nothing changed"
        )
        for spec in specs:
            audit.record(engine.store, actor, "deploy", spec.journey, {"versions": names}, outcome)
        return outcome


def pause(engine: Engine, journey: str, actor: str) -> str:
    return _switch(engine, journey, actor, pause=True)


def resume(engine: Engine, journey: str, actor: str) -> str:
    return _switch(engine, journey, actor, pause=False)


def _switch(engine: Engine, journey: str, actor: str, *, pause: bool) -> str:
    action = "pause" if pause else "resume"
    with _audited(engine, actor, action, journey, {}):
        summary(engine.store, journey)  # a journey that is deployed (with the closest names)
        if not journey_controls.set_paused(engine.store, journey, pause, actor):
            raise ActionRefused(
                f"journey {journey!r} is already {'paused' if pause else 'running'}"
            )
        _reload(engine)
        customers = engine.store.customers_in(journey)
        sent = _commands(engine, action, journey, customers, by="journey")
        outcome = (
            f"paused: no new entries and no sends; {sent} running customer(s) paused with the "
            "time left on their waits"
            if pause
            else f"resumed: entries and sends go on; {sent} running customer(s) resumed "
            "(those who paused themselves stay paused)"
        )
        audit.record(engine.store, actor, action, journey, {"customers": len(customers)}, outcome)
        return outcome


def migrate(
    engine: Engine,
    journey: str,
    from_version: int,
    to_version: int,
    actor: str,
    step_map: dict[str, str] | None = None,
) -> str:
    detail = {"from_version": from_version, "to_version": to_version, "step_map": step_map or {}}
    with _audited(engine, actor, "migrate", journey, detail):
        head = summary(engine.store, journey)
        for v in (from_version, to_version):
            if v not in head.versions:
                raise ActionRefused(
                    f"journey {journey!r} has no version {v} "
                    f"(deployed: {', '.join(map(str, head.versions))})"
                )
        if from_version == to_version:
            raise ActionRefused("from and to are the same version: nothing to migrate")
        customers = engine.store.customers_in(journey, from_version)
        sent = _commands(engine, "migrate", journey, customers, **detail)
        outcome = (
            f"{sent} customer(s) on version {from_version} asked to move to version {to_version} "
            "(each moves to the same or mapped step; one whose step does not exist there stays, "
            "recorded as 'Journey not migrated')"
        )
        audit.record(engine.store, actor, "migrate", journey, detail | {"customers": sent}, outcome)
        return outcome


def retry_failed(engine: Engine, ids: list[int] | None, actor: str, journey: str | None) -> str:
    with _audited(engine, actor, "retry", journey, {"failed_inputs": ids or "all"}):
        try:
            n = deadletters.retry(engine.store, ids)
        except JourneyscopeError as exc:
            raise ActionRefused(str(exc)) from exc
        if engine.worker is not None:
            engine.worker.wake()
        outcome = f"{n} failed input(s) handed to the workers again"
        audit.record(
            engine.store, actor, "retry", journey, {"failed_inputs": ids or "all"}, outcome
        )
        return outcome


def drop_failed(engine: Engine, ids: list[int] | None, actor: str, journey: str | None) -> str:
    with _audited(engine, actor, "drop", journey, {"failed_inputs": ids or "all"}):
        try:
            n = deadletters.drop(engine.store, ids)
        except JourneyscopeError as exc:
            raise ActionRefused(str(exc)) from exc
        outcome = f"{n} failed input(s) dropped: they stay unapplied"
        audit.record(engine.store, actor, "drop", journey, {"failed_inputs": ids or "all"}, outcome)
        return outcome


def resend(engine: Engine, ids: list[int], actor: str, journey: str | None) -> str:
    """Failed sends (``dead_letters`` ids) go back to the outbox, due now: one more attempt
    with the same idempotency key."""
    with _audited(engine, actor, "resend", journey, {"dead_letters": ids}):
        store = engine.store
        with store.write() as conn:
            rows = conn.execute(
                select(t.dead_letters.c.id, t.dead_letters.c.key).where(
                    t.dead_letters.c.id.in_(ids)
                )
            ).all()
            missing = sorted(set(ids) - {r.id for r in rows})
            if missing:
                raise ActionRefused(f"no failed send with id {', '.join(map(str, missing))}")
            keys = [r.key for r in rows]
            conn.execute(
                update(t.outbox)
                .where(t.outbox.c.key.in_(keys))
                .values(status="pending", next_attempt_at=store.clock.now())
            )
            conn.execute(delete(t.dead_letters).where(t.dead_letters.c.id.in_(ids)))
        if engine.worker is not None:
            engine.worker.wake()
        outcome = f"{len(keys)} failed send(s) due again (same idempotency key)"
        audit.record(store, actor, "resend", journey, {"dead_letters": ids}, outcome)
        return outcome

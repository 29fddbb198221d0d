"""Delivering the outbox: at-least-once calls with an idempotency key, so effects happen once.

A send is an outbox row committed in the same transaction as the state change that decided
it. After the commit, the partition's worker calls the interaction object's implementation
with the row's ``key`` as the idempotency key (the ``Idempotency-Key`` header for webhooks),
then marks the row ``sent``. A crash between the call and the mark means the call is made
again with the same key: implementations must treat a key they have seen as done.

An attempt is counted in the row before the call is made (a new send is written with
``attempts = 1`` in the transaction that decided it; a retry is claimed by :func:`claim`), so
attempts are counted across crashes and restarts: a redelivery after a crash carries the next
number, never ``1`` again (a crash before the call counts an attempt that was not made).

Failures are retried with exponential backoff (``base × 2^(attempt-1)``, capped, with a
stable ±20 % jitter from the key); a permanent failure (a 4xx answer, a broken output
contract) or the last attempt moves the row to ``dead_letters``. Each outcome is also written
as an engine event (``Interaction delivered`` / ``Interaction failed``) with the send's journey
instance as its ``case_id`` (the outbox row keeps it), so analytics credits the delivery to the
instance that decided it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, select

from journeyscope.engine import dialects, records
from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Send
from journeyscope.engine.core.holdouts import bucket
from journeyscope.engine.core.interactions import DeliveryContext, InteractionCatalogue
from journeyscope.engine.core.state import dumps
from journeyscope.engine.interactions import WebhookClients, deliver
from journeyscope.errors import DeliveryError, JourneyscopeError

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore


@dataclass(frozen=True, slots=True)
class Delivery:
    key: str
    customer_id: str
    interaction: str
    version: int
    channel: str
    payload: dict[str, Any]
    attempts: int  # the number of this attempt (1: the first), already counted in the row
    case_id: str | None = None  # the journey instance the send belongs to
    journey: str | None = None
    step: str | None = None

    @classmethod
    def of(cls, send: Send) -> Delivery:
        return cls(
            send.key,
            send.customer_id,
            send.interaction,
            send.version,
            send.channel,
            send.payload,
            1,
            send.case_id,
            send.journey,
            send.step,
        )


@dataclass(frozen=True, slots=True)
class Result:
    delivery: Delivery
    at: float
    ok: bool
    error: str | None = None
    permanent: bool = False
    response: dict[str, Any] | None = None

    @property
    def attempts(self) -> int:
        return self.delivery.attempts


OUTBOX_COLUMNS = (
    "key",
    "customer_id",
    "partition",
    "interaction",
    "version",
    "channel",
    "category",
    "journey",
    "step",
    "cause",
    "payload",
    "created_at",
    "status",
    "attempts",
    "next_attempt_at",
    "case_id",
)


def outbox_row(send: Send, partition: int, now: float) -> tuple[Any, ...]:
    return (
        send.key,
        send.customer_id,
        partition,
        send.interaction,
        send.version,
        send.channel,
        send.category,
        send.journey,
        send.step,
        send.cause,
        dumps(send.payload),
        now,
        "pending",
        1,  # the first attempt, counted before it is made
        now,
        send.case_id,
    )


def add(store: EngineStore, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Store new sends (rows of :func:`outbox_row`); a ``key`` stored before is kept as it
    was (a batch done again after a crash decides the same sends)."""
    store.bulk(conn, t.outbox, OUTBOX_COLUMNS, rows, "ON CONFLICT (key) DO NOTHING")


class Dispatcher:
    """Calls implementations and turns the outcomes into outbox updates."""

    def __init__(
        self,
        catalogue: Callable[[], InteractionCatalogue],
        *,
        max_attempts: int = 8,
        backoff: float = 2.0,
        max_backoff: float = 3600.0,
        threads: int = 8,
    ) -> None:
        self.catalogue = catalogue
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="deliver")
        self.clients = WebhookClients()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.clients.close()

    def delay(self, key: str, attempts: int) -> float:
        jitter = 0.8 + 0.4 * bucket(key, "backoff")
        return float(min(self.max_backoff, self.backoff * 2 ** (attempts - 1)) * jitter)

    def _one(self, d: Delivery, now: float) -> Result:
        try:
            obj = self.catalogue().get(d.interaction, d.version)
            context = DeliveryContext(
                d.key, d.customer_id, d.interaction, d.version, d.channel, d.attempts
            )
            response = deliver(obj, d.payload, context, self.clients)
            return Result(d, now, True, response=response)
        except DeliveryError as exc:
            return Result(d, now, False, str(exc), exc.permanent)
        except JourneyscopeError as exc:  # e.g. the object is no longer in the catalogue
            return Result(d, now, False, str(exc), True)

    def deliver(self, deliveries: Sequence[Delivery], now: float) -> list[Result]:
        if len(deliveries) <= 1:
            return [self._one(d, now) for d in deliveries]
        return list(self._pool.map(lambda d: self._one(d, now), deliveries))

    def write(self, store: EngineStore, conn: Connection, results: Sequence[Result]) -> None:
        """Record outcomes: sent, retry later, or dead letter; and the engine events."""
        if not results:
            return
        sent = [
            (r.attempts, r.at, json.dumps(r.response, default=str), r.delivery.key)
            for r in results
            if r.ok
        ]
        if sent:  # the most frequent outcome, written as driver SQL (see dialects.one_of)
            m = dialects.mark(store.sqlite)
            conn.exec_driver_sql(
                f"UPDATE outbox SET status = 'sent', attempts = {m}, sent_at = {m}, "
                f"response = {m}, next_attempt_at = NULL WHERE key = {m}",
                sent,
            )
        failed = [r for r in results if not r.ok]
        retry = [r for r in failed if not r.permanent and r.attempts < self.max_attempts]
        dead = [r for r in failed if r not in retry]
        if retry:
            conn.execute(
                t.outbox.update()
                .where(t.outbox.c.key == bindparam("k"))
                .values(
                    attempts=bindparam("a"),
                    next_attempt_at=bindparam("n"),
                    last_error=bindparam("e"),
                ),
                [
                    {
                        "k": r.delivery.key,
                        "a": r.attempts,
                        "n": r.at + self.delay(r.delivery.key, r.attempts),
                        "e": r.error,
                    }
                    for r in retry
                ],
            )
        if dead:
            conn.execute(
                t.outbox.update()
                .where(t.outbox.c.key == bindparam("k"))
                .values(
                    status="dead",
                    attempts=bindparam("a"),
                    next_attempt_at=None,
                    last_error=bindparam("e"),
                ),
                [{"k": r.delivery.key, "a": r.attempts, "e": r.error} for r in dead],
            )
            conn.execute(
                store.insert(t.dead_letters).on_conflict_do_nothing(index_elements=["key"]),
                [
                    {
                        "key": r.delivery.key,
                        "customer_id": r.delivery.customer_id,
                        "interaction": r.delivery.interaction,
                        "version": r.delivery.version,
                        "payload": json.dumps(r.delivery.payload, default=str),
                        "error": r.error or "",
                        "attempts": r.attempts,
                        "failed_at": r.at,
                    }
                    for r in dead
                ],
            )
        events = [
            (
                f"{r.delivery.key}:{'delivered' if r.ok else 'failed'}",
                r.delivery.customer_id,
                r.delivery.case_id,
                r.at,
                "Interaction delivered" if r.ok else "Interaction failed",
                r.delivery.channel,
                json.dumps(
                    {
                        "interaction": r.delivery.interaction,
                        "key": r.delivery.key,
                        "attempts": r.attempts,
                    }
                    | {
                        k: v
                        for k, v in (("journey", r.delivery.journey), ("step", r.delivery.step))
                        if v is not None
                    }
                    | ({} if r.ok else {"error": r.error, "dead_letter": True}),
                    default=str,
                ),
            )
            for r in results
            if r.ok or r in dead
        ]
        records.write(store, conn, events)


def due(
    conn: Connection, partitions: Sequence[int], now: float, limit: int, skip: set[str]
) -> list[Delivery]:
    """Pending outbox rows of ``partitions`` whose next attempt is due (not those in flight)."""
    if not partitions:
        return []
    rows = conn.execute(
        select(
            t.outbox.c.key,
            t.outbox.c.customer_id,
            t.outbox.c.interaction,
            t.outbox.c.version,
            t.outbox.c.channel,
            t.outbox.c.payload,
            t.outbox.c.attempts,
            t.outbox.c.case_id,
            t.outbox.c.journey,
            t.outbox.c.step,
        )
        .where(
            t.outbox.c.status == "pending",
            t.outbox.c.partition.in_(list(partitions)),
            t.outbox.c.next_attempt_at <= now,
        )
        .order_by(t.outbox.c.next_attempt_at)
        .limit(limit + len(skip))
    ).all()
    return [
        Delivery(
            r.key,
            r.customer_id,
            r.interaction,
            r.version,
            r.channel,
            json.loads(r.payload),
            r.attempts + 1,
            r.case_id,
            r.journey,
            r.step,
        )
        for r in rows
        if r.key not in skip
    ][:limit]


def claim(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    """Count the attempts about to be made, durably, before the calls: a worker that dies in
    the call leaves the count behind, so the next attempt is numbered after it."""
    if deliveries:
        conn.execute(
            t.outbox.update()
            .where(t.outbox.c.key == bindparam("k"))
            .values(attempts=bindparam("a")),
            [{"k": d.key, "a": d.attempts} for d in deliveries],
        )

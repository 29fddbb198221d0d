"""The orchestration store: one database (SQLite embedded, PostgreSQL to scale out) and the
repositories over it, behind one facade.

``EngineStore(url)`` opens (and creates) the schema of :mod:`journeyscope.engine.schema`.
Each job has its own module of queries, which take a connection (and the store where the SQL
depends on the dialect):

=========================  ===========================================================
:mod:`.dialects`           opening SQLite / PostgreSQL, bulk inserts, ``ON CONFLICT``
:mod:`.partitions`         customers hashed to partitions
:mod:`.inbox`              accepting events and commands once, durably; the work queue
:mod:`.deployments`        journey versions, interaction objects, the policy, pins
:mod:`.knowledge`          propensity counts and levers
:mod:`.customers`          customer states and timers; a customer's history
:mod:`.records`            engine events (decisions and actions, canonical model)
:mod:`.counters`           the figures of ``engine status``
:mod:`.outbox`             sends and their delivery (with :mod:`.leases`, the worker's)
=========================  ===========================================================

The methods below are the store's public API (the CLI, the services, the web API and tests
use them); each opens its own transaction. The worker composes the repositories inside its
one batch transaction instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from journeyscope.engine import (
    counters,
    customers,
    deployments,
    dialects,
    inbox,
    knowledge,
    records,
)
from journeyscope.engine import partitions as parts
from journeyscope.engine import schema as t
from journeyscope.engine.clock import SystemClock
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.clock import Clock
from journeyscope.engine.core.decisions import Knowledge
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.state import CustomerState
from journeyscope.engine.deployments import DeployReport
from journeyscope.engine.inbox import AcceptReport
from journeyscope.engine.partitions import DEFAULT_PARTITIONS
from journeyscope.errors import EngineStoreError

__all__ = ["AcceptReport", "DeployReport", "EngineStore"]


class EngineStore:
    """The orchestration database behind one URL (``sqlite:///file`` or ``postgresql+psycopg://``)."""

    def __init__(
        self,
        url: str,
        *,
        partitions: int = DEFAULT_PARTITIONS,
        clock: Clock | None = None,
        create: bool = True,
    ) -> None:
        self.url = url
        self.clock = clock or SystemClock()
        try:
            self.engine = dialects.open_engine(url, immediate=True)
            self.reader = dialects.open_engine(url, immediate=False) if self.sqlite else self.engine
            if create:
                self.create(partitions)
            with self.reader.connect() as conn:
                self.partitions = parts.count(conn)
        except OperationalError as exc:
            raise EngineStoreError(
                f"{dialects.safe_url(url)}: cannot use the database: {exc.orig}"
            ) from exc
        if self.partitions == 0:
            raise EngineStoreError(
                f"{dialects.safe_url(url)}: no partitions: create the store first"
            )

    # ------------------------------------------------------------------------- connections

    @property
    def sqlite(self) -> bool:
        return dialects.is_sqlite(self.url)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (on SQLite it takes the write lock at once: no upgrade deadlocks)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()
        if self.reader is not self.engine:
            self.reader.dispose()

    def __enter__(self) -> EngineStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def listener(self) -> Any:
        """A psycopg connection (autocommit) that hears new inputs and new deployments
        (``LISTEN``; PostgreSQL only): workers wait on it instead of polling."""
        import psycopg

        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(url, autocommit=True)
        conn.execute(f"LISTEN {inbox.NOTIFY_CHANNEL}")
        conn.execute(f"LISTEN {deployments.PROGRAM_CHANNEL}")
        return conn

    def insert(self, table: Any) -> Any:
        """An INSERT that knows ``ON CONFLICT`` in this database's dialect."""
        return dialects.insert(self.sqlite, table)

    def bulk(
        self,
        conn: Connection,
        table: Any,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        conflict: str = "",
    ) -> int:
        """Insert many rows in one round trip (:func:`.dialects.bulk`); returns the number of
        rows written. Every repository's bulk write goes through here."""
        return dialects.bulk(conn, self.sqlite, table, columns, rows, conflict)

    def create(self, partitions: int = DEFAULT_PARTITIONS) -> None:
        """Create or migrate the schema, and the partitions if there are none yet."""
        if self.sqlite:
            t.metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                t.migrate(conn)
        else:
            with self.engine.begin() as conn:  # one creator at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(7226431)"))
                t.metadata.create_all(conn)
                t.migrate(conn)
        with self.write() as conn:
            parts.create(conn, partitions)

    # ---------------------------------------------------------------------------- inbox

    def accept(
        self, items: Sequence[Event | Command], conn: Connection | None = None
    ) -> AcceptReport:
        """Store ``items`` in the inbox, durably; ids already there count as duplicates."""
        if conn is None:
            with self.write() as own:
                return self.accept(items, own)
        rows = inbox.rows_of(items, self.partitions, self.clock.now())
        return inbox.insert_rows(self, conn, rows, len(items))

    def inbox_entry(self, event_id: str) -> tuple[str, str, str] | None:
        """``(customer_id, kind, body)`` of the inbox row with ``event_id``, if there is one."""
        with self.read() as conn:
            return inbox.entry(conn, event_id)

    def pending(self) -> int:
        """Inbox rows not processed yet."""
        with self.read() as conn:
            return inbox.pending_count(conn)

    # -------------------------------------------------------------------------- programs

    def deploy(self, program: Program) -> DeployReport:
        """Store every journey version, interaction object and the policy of ``program``
        (:func:`.deployments.deploy`: versions are immutable)."""
        with self.write() as conn:
            return deployments.deploy(conn, program, self.clock.now(), notify=not self.sqlite)

    def pin(self, journey: str, version: int | None, conn: Connection | None = None) -> None:
        """New customers enter ``version`` of ``journey`` (``None``: the highest again)."""
        if conn is None:
            with self.write() as own:
                deployments.pin(own, journey, version)
        else:
            deployments.pin(conn, journey, version)

    def program_marker(self, conn: Connection | None = None) -> tuple[Any, ...]:
        """Changes whenever something is deployed or pinned (workers reload on a change)."""
        if conn is None:
            with self.read() as own:
                return deployments.marker(own)
        return deployments.marker(conn)

    def load_program(self) -> Program:
        with self.read() as conn:
            return deployments.load(conn)

    # ------------------------------------------------------------------------- knowledge

    def knowledge(self) -> Knowledge:
        with self.read() as conn:
            return knowledge.load(conn)

    def set_lever(self, interaction: str, lever: float) -> None:
        with self.write() as conn:
            knowledge.set_lever(self, conn, interaction, lever)

    # ------------------------------------------------------------------------- customers

    def state(self, customer_id: str) -> CustomerState | None:
        with self.read() as conn:
            return customers.state(conn, customer_id)

    def history(self, customer_id: str, limit: int = 500) -> dict[str, list[dict[str, Any]]]:
        """What the customer did (inbox), what the engine did (engine events), what was sent."""
        with self.read() as conn:
            return customers.history(conn, customer_id, limit)

    def customers_in(self, journey: str, version: int | None = None) -> list[str]:
        """Customers with a running instance of ``journey`` (of ``version`` if given)."""
        with self.read() as conn:
            return customers.in_journey(conn, journey, version)

    # -------------------------------------------------------------------------- counters

    def counts(self) -> dict[str, Any]:
        with self.read() as conn:
            return counters.counts(conn)

    def engine_events(self, after: int = 0, limit: int = 10_000) -> list[dict[str, Any]]:
        """Engine events (canonical model) with ``seq > after``, oldest first."""
        with self.read() as conn:
            return records.after(conn, after, limit)

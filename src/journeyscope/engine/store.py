"""The orchestration store: accept inputs durably, keep programs, states and what was done.

``EngineStore(url)`` opens (and creates) the schema of :mod:`journeyscope.engine.schema` on
SQLite (WAL, ``synchronous=FULL``: a commit survives a power cut) or PostgreSQL. Accepting is
one transaction per batch: :meth:`EngineStore.accept` returns once the rows are committed,
and an ``event_id`` seen before is counted as a duplicate and not stored again. On
PostgreSQL the same transaction notifies the workers (``LISTEN journeyscope_inbox``).
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from journeyscope.engine import keys
from journeyscope.engine import schema as t
from journeyscope.engine.clock import SystemClock
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.clock import Clock
from journeyscope.engine.core.decisions import Knowledge
from journeyscope.engine.core.interactions import InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.engine.core.program import Program
from journeyscope.engine.core.state import CustomerState, dumps
from journeyscope.errors import EngineStoreError, VersionConflictError

NOTIFY_CHANNEL = "journeyscope_inbox"
PROGRAM_CHANNEL = "journeyscope_program"
SCOPES = keys.SCOPES
DEFAULT_PARTITIONS = 64


def partition_of(customer_id: str, partitions: int) -> int:
    """The partition a customer belongs to: stable across processes and machines."""
    return zlib.crc32(customer_id.encode()) % partitions


@dataclass(frozen=True)
class AcceptReport:
    accepted: int
    duplicates: int


INBOX_COLUMNS = (
    "event_id",
    "customer_id",
    "partition",
    "kind",
    "event_time",
    "body",
    "accepted_at",
)


@dataclass(frozen=True)
class DeployReport:
    journeys_added: list[str]
    interactions_added: list[str]
    policy_changed: bool


#: Ids that start with one of these belong to commands; events may not use them.
COMMAND_PREFIXES = ("cmd:", "migrate:")


def command_id(customer_id: str, key: str) -> str:
    """The id of a command sent with an ``Idempotency-Key``: a hash over the length-prefixed
    pair, so ``("a:b", "c")`` and ``("a", "b:c")`` never meet."""
    pair = f"{len(customer_id)}:{customer_id}{len(key)}:{key}".encode()
    return "cmd:" + hashlib.sha256(pair).hexdigest()[:40]


def item_row(item: Event | Command, partitions: int, accepted_at: float) -> tuple[Any, ...]:
    if isinstance(item, Event):
        if item.event_id.startswith(COMMAND_PREFIXES):
            raise EngineStoreError(
                f"event id {item.event_id[:60]!r}: ids starting with "
                f"{' or '.join(COMMAND_PREFIXES)} are reserved for commands"
            )
        body = {
            "activity": item.activity,
            "channel": item.channel,
            "properties": dict(item.properties),
        }
        kind = "event"
    else:
        body = {"kind": item.kind, "args": dict(item.args)}
        kind = "command"
    return (
        item.event_id,
        item.customer_id,
        partition_of(item.customer_id, partitions),
        kind,
        item.timestamp,
        dumps(body),
        accepted_at,
    )


def row_item(
    event_id: str, customer_id: str, kind: str, event_time: float, body: str
) -> Event | Command:
    data = json.loads(body)
    if kind == "event":
        return Event(
            event_id, customer_id, data["activity"], event_time, data["channel"], data["properties"]
        )
    return Command(event_id, customer_id, data["kind"], event_time, data["args"])


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
            self.engine = self._engine(url, immediate=True)
            self.reader = self._engine(url, immediate=False) if self.sqlite else self.engine
            if create:
                self.create(partitions)
            with self.reader.connect() as conn:
                self.partitions = int(
                    conn.execute(select(func.count()).select_from(t.partitions)).scalar_one()
                )
        except OperationalError as exc:
            raise EngineStoreError(f"{_safe(url)}: cannot use the database: {exc.orig}") from exc
        if self.partitions == 0:
            raise EngineStoreError(f"{_safe(url)}: no partitions: create the store first")

    # ------------------------------------------------------------------------- connections

    @property
    def sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    def _engine(self, url: str, *, immediate: bool) -> Engine:
        if not url.startswith("sqlite"):
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory and url.startswith("sqlite:///"):
            _private_file(Path(url.removeprefix("sqlite:///").split("?", 1)[0]))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 60},
            poolclass=StaticPool if memory else None,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # we say BEGIN ourselves
            cur = dbapi.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

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

    def insert(self, table: Any) -> Any:
        """An INSERT that knows ``ON CONFLICT`` in this database's dialect."""
        from sqlalchemy.dialects import postgresql, sqlite

        return (sqlite.insert if self.sqlite else postgresql.insert)(table)

    def bulk(
        self,
        conn: Connection,
        table: Any,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        conflict: str = "",
    ) -> int:
        """Insert many rows in one round trip; returns the number of rows written.

        The hot path bypasses SQL compilation: ``executemany`` on SQLite, a single
        ``INSERT … SELECT FROM unnest(arrays)`` on PostgreSQL. ``conflict`` is the
        ``ON CONFLICT …`` clause (same text on both).
        """
        if not rows:
            return 0
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}"
            return int(conn.exec_driver_sql(sql, list(rows)).rowcount)
        arrays = ", ".join(f"%s::{_pg_type(table.c[c].type)}[]" for c in columns)
        sql = f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) {conflict}"
        return int(
            conn.exec_driver_sql(sql, tuple(list(col) for col in zip(*rows, strict=True))).rowcount
        )

    def mark_processed(self, conn: Connection, rows: Sequence[tuple[float, int, int]]) -> None:
        """Inbox rows ``(processed_at, applied, seq)`` are done."""
        if not rows:
            return
        if self.sqlite:
            conn.exec_driver_sql(
                "UPDATE inbox SET processed_at = ?, applied = ? WHERE seq = ?", list(rows)
            )
            return
        at, applied, seqs = zip(*rows, strict=True)
        conn.exec_driver_sql(
            "UPDATE inbox SET processed_at = u.p, applied = u.a "
            "FROM unnest(%s::float8[], %s::int[], %s::bigint[]) AS u(p, a, s) WHERE inbox.seq = u.s",
            (list(at), list(applied), list(seqs)),
        )

    def create(self, partitions: int = DEFAULT_PARTITIONS) -> None:
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
            have = conn.execute(select(func.count()).select_from(t.partitions)).scalar_one()
            if have == 0:
                conn.execute(
                    insert(t.partitions),
                    [{"id": i, "owner": None, "lease_until": 0.0} for i in range(partitions)],
                )

    # ---------------------------------------------------------------------------- inbox

    def accept(
        self, items: Sequence[Event | Command], conn: Connection | None = None
    ) -> AcceptReport:
        """Store ``items`` in the inbox, durably; ids already there count as duplicates."""
        if conn is None:
            with self.write() as own:
                return self.accept(items, own)
        return self.accept_rows(conn, self.inbox_rows(items), len(items))

    def inbox_rows(self, items: Sequence[Event | Command]) -> list[tuple[Any, ...]]:
        """Inbox rows for ``items``, the first of each event id only."""
        now = self.clock.now()
        seen: set[str] = set()
        rows = []
        for item in items:
            if item.event_id not in seen:
                seen.add(item.event_id)
                rows.append(item_row(item, self.partitions, now))
        return rows

    def accept_rows(
        self, conn: Connection, rows: list[tuple[Any, ...]], given: int
    ) -> AcceptReport:
        """Insert inbox rows (of ``given`` items); ids already there count as duplicates."""
        added = self.bulk(conn, t.inbox, INBOX_COLUMNS, rows, "ON CONFLICT (event_id) DO NOTHING")
        if added and not self.sqlite:
            conn.execute(text("SELECT pg_notify(:c, '')"), {"c": NOTIFY_CHANNEL})
        return AcceptReport(added, given - added)

    def inbox_entry(self, event_id: str) -> tuple[str, str, str] | None:
        """``(customer_id, kind, body)`` of the inbox row with ``event_id``, if there is one."""
        with self.read() as conn:
            row = conn.execute(
                select(t.inbox.c.customer_id, t.inbox.c.kind, t.inbox.c.body).where(
                    t.inbox.c.event_id == event_id
                )
            ).first()
        return None if row is None else (row[0], row[1], row[2])

    def pending(self) -> int:
        with self.read() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(t.inbox)
                    .where(t.inbox.c.processed_at.is_(None))
                ).scalar_one()
            )

    # -------------------------------------------------------------------------- programs

    def deploy(self, program: Program) -> DeployReport:
        """Store every journey version, interaction object and the policy of ``program``.

        Versions are immutable: deploying a known version with another definition raises
        :class:`VersionConflictError`; deploying the same one again changes nothing.
        """
        now = self.clock.now()
        added_j: list[str] = []
        added_i: list[str] = []
        with self.write() as conn:
            known = {
                (r.journey, r.version): r.digest
                for r in conn.execute(
                    select(t.journeys.c.journey, t.journeys.c.version, t.journeys.c.digest)
                )
            }
            for journey in program.versions():
                digest = known.get((journey.id, journey.version))
                if digest is None:
                    conn.execute(
                        insert(t.journeys),
                        {
                            "journey": journey.id,
                            "version": journey.version,
                            "digest": journey.digest,
                            "body": json.dumps(journey.spec.model_dump(mode="json")),
                            "deployed_at": now,
                        },
                    )
                    added_j.append(f"{journey.id}@{journey.version}")
                elif digest != journey.digest:
                    raise VersionConflictError(
                        f"journey {journey.id!r} version {journey.version} is already deployed "
                        "with another definition; give the change a new version"
                    )
            have = {
                (r.name, r.version): r.body
                for r in conn.execute(
                    select(t.interactions.c.name, t.interactions.c.version, t.interactions.c.body)
                )
            }
            for spec in program.catalogue.specs():
                body = json.dumps(spec.model_dump(mode="json"), sort_keys=True)
                old = have.get((spec.name, spec.version))
                if old is None:
                    conn.execute(
                        insert(t.interactions),
                        {
                            "name": spec.name,
                            "version": spec.version,
                            "body": body,
                            "deployed_at": now,
                        },
                    )
                    added_i.append(f"{spec.name}@{spec.version}")
                elif json.loads(old) != json.loads(body):
                    raise VersionConflictError(
                        f"interaction object {spec.name!r} version {spec.version} is already "
                        "deployed with another definition; give the change a new version"
                    )
            policy = json.dumps(
                program.policy.model_dump(mode="json", by_alias=True), sort_keys=True
            )
            latest = conn.execute(
                select(t.policies.c.body).order_by(t.policies.c.id.desc()).limit(1)
            ).scalar()
            changed = latest is None or json.loads(latest) != json.loads(policy)
            if changed:
                conn.execute(insert(t.policies), {"body": policy, "deployed_at": now})
            for journey_id, version in program.pinned.items():
                self.pin(journey_id, version, conn)
            if not self.sqlite and (added_j or added_i or changed or program.pinned):
                conn.execute(text("SELECT pg_notify(:c, '')"), {"c": PROGRAM_CHANNEL})
        return DeployReport(added_j, added_i, changed)

    def pin(self, journey: str, version: int | None, conn: Connection | None = None) -> None:
        """New customers enter ``version`` of ``journey`` (``None``: the highest again)."""
        if conn is None:
            with self.write() as own:
                return self.pin(journey, version, own)
        conn.execute(t.pins.delete().where(t.pins.c.journey == journey))
        if version is not None:
            conn.execute(insert(t.pins), {"journey": journey, "version": version})
        return None

    def program_marker(self, conn: Connection | None = None) -> tuple[Any, ...]:
        """Changes whenever something is deployed or pinned (workers reload on a change)."""
        if conn is None:
            with self.read() as own:
                return self.program_marker(own)
        journeys = conn.execute(
            select(func.count(), func.max(t.journeys.c.deployed_at)).select_from(t.journeys)
        ).one()
        objects = conn.execute(
            select(func.count(), func.max(t.interactions.c.deployed_at)).select_from(t.interactions)
        ).one()
        policy = conn.execute(select(func.max(t.policies.c.id))).scalar()
        pinned = sorted(tuple(r) for r in conn.execute(select(t.pins.c.journey, t.pins.c.version)))
        return (*journeys, *objects, policy, *pinned)

    def load_program(self) -> Program:
        with self.read() as conn:
            journeys = [
                JourneySpec.model_validate_json(b)
                for b in conn.execute(select(t.journeys.c.body)).scalars()
            ]
            specs = [
                InteractionSpec.model_validate_json(b)
                for b in conn.execute(select(t.interactions.c.body)).scalars()
            ]
            policy = conn.execute(
                select(t.policies.c.body).order_by(t.policies.c.id.desc()).limit(1)
            ).scalar()
            pinned = {r.journey: r.version for r in conn.execute(select(t.pins))}
        from journeyscope.engine.core.interactions import InteractionCatalogue

        return Program.build(
            journeys,
            InteractionCatalogue(specs),
            ContactPolicy.model_validate_json(policy) if policy else ContactPolicy(),
            pinned,
        )

    # ------------------------------------------------------------------------- knowledge

    def knowledge(self) -> Knowledge:
        with self.read() as conn:
            stats = {
                (r.interaction, r.context): (r.successes, r.trials)
                for r in conn.execute(select(t.propensity))
            }
            levers = {r.interaction: r.lever for r in conn.execute(select(t.levers))}
        return Knowledge(stats, levers)

    def set_lever(self, interaction: str, lever: float) -> None:
        with self.write() as conn:
            stmt = self.insert(t.levers).values(interaction=interaction, lever=lever)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["interaction"], set_={"lever": lever})
            )

    # ------------------------------------------------------------------------- customers

    def state(self, customer_id: str) -> CustomerState | None:
        with self.read() as conn:
            raw = conn.execute(
                select(t.customers.c.state).where(t.customers.c.customer_id == customer_id)
            ).scalar()
        return CustomerState.from_json(raw) if raw else None

    def history(self, customer_id: str, limit: int = 500) -> dict[str, list[dict[str, Any]]]:
        """What the customer did (inbox), what the engine did (engine events), what was sent."""
        with self.read() as conn:
            inbox = conn.execute(
                select(t.inbox)
                .where(t.inbox.c.customer_id == customer_id)
                .order_by(t.inbox.c.seq.desc())
                .limit(limit)
            ).mappings()
            inputs = [{**dict(r), "body": json.loads(r["body"])} for r in inbox][::-1]
            events = conn.execute(
                select(t.engine_events)
                .where(t.engine_events.c.customer_id == customer_id)
                .order_by(t.engine_events.c.seq.desc())
                .limit(limit)
            ).mappings()
            actions = [{**dict(r), "properties": json.loads(r["properties"])} for r in events][::-1]
            sent = conn.execute(
                select(t.outbox)
                .where(t.outbox.c.customer_id == customer_id)
                .order_by(t.outbox.c.id.desc())
                .limit(limit)
            ).mappings()
            outbox = [{**dict(r), "payload": json.loads(r["payload"])} for r in sent][::-1]
        return {"inputs": inputs, "engine_events": actions, "outbox": outbox}

    def customers_in(self, journey: str, version: int | None = None) -> list[str]:
        """Customers with a running instance of ``journey`` (of ``version`` if given)."""
        pattern = f'%"journey":"{journey}"%'
        found = []
        with self.read() as conn:
            rows = conn.execute(
                select(t.customers.c.customer_id, t.customers.c.state).where(
                    t.customers.c.state.like(pattern)
                )
            )
            for customer_id, raw in rows:
                inst = CustomerState.from_json(raw).instances.get(journey)
                if inst is not None and (version is None or inst.version == version):
                    found.append(customer_id)
        return sorted(found)

    # -------------------------------------------------------------------------- counters

    def counts(self) -> dict[str, Any]:
        with self.read() as conn:

            def scalar(stmt: Any) -> int:
                return int(conn.execute(stmt).scalar_one())

            outbox = {
                s: int(n)
                for s, n in conn.execute(
                    select(t.outbox.c.status, func.count()).group_by(t.outbox.c.status)
                )
            }
            return {
                "inbox": scalar(select(func.count()).select_from(t.inbox)),
                "inbox_pending": scalar(
                    select(func.count())
                    .select_from(t.inbox)
                    .where(t.inbox.c.processed_at.is_(None))
                ),
                "customers": scalar(select(func.count()).select_from(t.customers)),
                "timers_due_next": conn.execute(select(func.min(t.customers.c.wake_at))).scalar(),
                "outbox": outbox,
                "dead_letters": scalar(select(func.count()).select_from(t.dead_letters)),
                "failed_inputs": scalar(select(func.count()).select_from(t.failed_inputs)),
                "engine_events": scalar(select(func.count()).select_from(t.engine_events)),
            }

    def engine_events(self, after: int = 0, limit: int = 10_000) -> list[dict[str, Any]]:
        """Engine events (canonical model) with ``seq > after``, oldest first."""
        with self.read() as conn:
            rows = conn.execute(
                select(t.engine_events)
                .where(t.engine_events.c.seq > after)
                .order_by(t.engine_events.c.seq)
                .limit(limit)
            ).mappings()
            return [{**dict(r), "properties": json.loads(r["properties"])} for r in rows]

    # -------------------------------------------------------------------------- API keys

    def add_api_key(self, name: str, scopes: Sequence[str]) -> str:
        """Create a key; only its hash is stored, so the key is shown once, here."""
        return keys.add_api_key(self, name, scopes)

    def api_key_scopes(self, key: str) -> frozenset[str] | None:
        return keys.api_key_scopes(self, key)


def _private_file(path: Path) -> None:
    """Create the database file readable and writable by its owner only (SQLite gives its
    journal and WAL files the same mode); its folder is made owner-only when created here."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _pg_type(kind: Any) -> str:
    from sqlalchemy import BigInteger, Float, Integer

    if isinstance(kind, BigInteger):
        return "bigint"
    if isinstance(kind, Integer):
        return "int"
    if isinstance(kind, Float):
        return "float8"
    return "text"


def _safe(url: str) -> str:
    """The URL without its password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    return (
        f"{scheme}://{creds.split(':')[0]}:***@{host}"
        if ":" in creds
        else f"{scheme}://{creds}@{host}"
    )

"""The orchestration database (SQLAlchemy Core): one schema for SQLite and PostgreSQL.

=================  ==========================================================================
table              holds
=================  ==========================================================================
inbox              every accepted event and command, de-duplicated by ``event_id``; pending
                   rows (``processed_at IS NULL``) are indexed by (partition, seq)
customers          one row per customer: the state as JSON and ``wake_at``, the earliest of
                   its durable timers, indexed by (partition, wake_at)
outbox             one row per send, unique ``key`` (the idempotency key), its journey
                   instance (``case_id``), delivery status, attempts and the next attempt's time
dead_letters       sends that failed for good, with the last error
failed_inputs      inbox items and timer turns whose handling raised, with the error: the
                   worker moved on (:mod:`~journeyscope.engine.deadletters`)
engine_events      every decision and action in the canonical event model (the closed loop)
partitions         which worker leases which partition, until when
workers            live workers and their heartbeats
journeys,          every deployed version of every journey, interaction object and policy
interactions,      (immutable; a changed definition needs a new version)
policies, pins
propensity         outcome counts per (interaction object, context): the online model
levers             the business's dial per interaction object
journey_controls   journeys paused as a whole (:mod:`~journeyscope.engine.journey_controls`)
audit_log          who did what to a journey, when, and the outcome (:mod:`~journeyscope.engine.audit`)
api_keys           hashed API keys with their scopes
secrets            per-store secrets (the key of the keyed hash for e-mail and phone ids)
=================  ==========================================================================

Times are epoch seconds (UTC) in double precision columns.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)

metadata = MetaData()

# SQLite only gives an auto-incrementing rowid alias to a column typed exactly INTEGER.
_Seq = BigInteger().with_variant(Integer(), "sqlite")

inbox = Table(
    "inbox",
    metadata,
    Column("seq", _Seq, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("customer_id", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # event | command
    Column("event_time", Float, nullable=False),
    Column("body", Text, nullable=False),
    Column("accepted_at", Float, nullable=False),
    Column("processed_at", Float),
    Column("applied", Integer),  # the customer's input counter after this one was applied
)
Index(
    "ix_inbox_pending",
    inbox.c.partition,
    inbox.c.seq,
    sqlite_where=text("processed_at IS NULL"),
    postgresql_where=text("processed_at IS NULL"),
)
Index("ix_inbox_customer", inbox.c.customer_id, inbox.c.seq)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(200), primary_key=True),
    Column("partition", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("wake_at", Float),
    Column("updated_at", Float, nullable=False),
)
Index(
    "ix_customers_wake",
    customers.c.partition,
    customers.c.wake_at,
    sqlite_where=text("wake_at IS NOT NULL"),
    postgresql_where=text("wake_at IS NOT NULL"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("key", String(250), nullable=False, unique=True),
    Column("customer_id", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("interaction", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("channel", String(100), nullable=False),
    Column("category", String(20), nullable=False),
    Column("journey", String(200)),
    Column("step", String(200)),
    Column("cause", String(250)),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("status", String(10), nullable=False),  # pending | sent | dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float),
    Column("sent_at", Float),
    Column("last_error", Text),
    Column("response", Text),
    # the journey instance (``customer/journey#entry``) the send belongs to; NULL for sends
    # outside a journey. Added after the first release: :func:`migrate` adds it to older
    # databases (hence last in the table).
    Column("case_id", String(300)),
)
Index(
    "ix_outbox_due",
    outbox.c.partition,
    outbox.c.next_attempt_at,
    sqlite_where=text("status = 'pending'"),
    postgresql_where=text("status = 'pending'"),
)
Index("ix_outbox_customer", outbox.c.customer_id, outbox.c.id)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("key", String(250), nullable=False, unique=True),
    Column("customer_id", String(200), nullable=False),
    Column("interaction", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failed_at", Float, nullable=False),
)

failed_inputs = Table(
    "failed_inputs",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("inbox_seq", BigInteger),  # the inbox row (NULL for a timer turn)
    Column("event_id", String(250)),
    Column("customer_id", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # event | command | timer
    Column("error", Text, nullable=False),
    Column("failed_at", Float, nullable=False),
    Column("worker", String(200), nullable=False),
)
Index("ix_failed_inputs_customer", failed_inputs.c.customer_id, failed_inputs.c.id)

engine_events = Table(
    "engine_events",
    metadata,
    Column("seq", _Seq, primary_key=True, autoincrement=True),
    Column("event_id", String(250), nullable=False, unique=True),
    Column("customer_id", String(200), nullable=False),
    Column("case_id", String(300)),
    Column("timestamp", Float, nullable=False),
    Column("activity", String(100), nullable=False),
    Column("channel", String(100)),
    Column("properties", Text, nullable=False),
)
Index("ix_engine_events_customer", engine_events.c.customer_id, engine_events.c.seq)

partitions = Table(
    "partitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("owner", String(200)),
    Column("lease_until", Float, nullable=False),
)

workers = Table(
    "workers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("heartbeat", Float, nullable=False),
    Column("started_at", Float, nullable=False),
)

journeys = Table(
    "journeys",
    metadata,
    Column("journey", String(200), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("digest", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("deployed_at", Float, nullable=False),
)

interactions = Table(
    "interactions",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("body", Text, nullable=False),
    Column("deployed_at", Float, nullable=False),
)

policies = Table(
    "policies",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("body", Text, nullable=False),
    Column("deployed_at", Float, nullable=False),
)

pins = Table(
    "pins",
    metadata,
    Column("journey", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
)

propensity = Table(
    "propensity",
    metadata,
    Column("interaction", String(200), primary_key=True),
    Column("context", String(200), primary_key=True),
    Column("successes", Float, nullable=False),
    Column("trials", Float, nullable=False),
)

levers = Table(
    "levers",
    metadata,
    Column("interaction", String(200), primary_key=True),
    Column("lever", Float, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("scopes", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

secrets = Table(
    "secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", String(200), nullable=False),
)

journey_controls = Table(
    "journey_controls",
    metadata,
    Column("journey", String(200), primary_key=True),
    Column("paused", Integer, nullable=False),  # 1 paused, 0 running
    Column("changed_at", Float, nullable=False),
    Column("changed_by", String(200), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", _Seq, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(200), nullable=False),  # "user:NAME" or "key:NAME"
    Column("action", String(40), nullable=False),
    Column("journey", String(200)),
    Column("detail", Text, nullable=False),  # JSON: what was asked
    Column("outcome", Text, nullable=False),  # what happened, in words
    Column("ok", Integer, nullable=False),
)
Index("ix_audit_log_journey", audit_log.c.journey, audit_log.c.id)

#: Columns added to existing tables after their first release: (table, column). A database
#: created before a column existed gets it from :func:`migrate` (``ALTER TABLE ... ADD``).
ADDED_COLUMNS: tuple[tuple[Table, str], ...] = ((outbox, "case_id"),)


def migrate(conn: Connection) -> list[str]:
    """Add the :data:`ADDED_COLUMNS` an older database lacks (nullable, so existing rows keep
    NULL); returns ``table.column`` for each column added. Idempotent."""
    added = []
    inspector = inspect(conn)
    for table, name in ADDED_COLUMNS:
        have = {c["name"] for c in inspector.get_columns(table.name)}
        if name in have:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))
        added.append(f"{table.name}.{name}")
    return added

"""Workspace accounts: users with a role, argon2 password hashes, sessions, sign-in limits.

The records live in a SQLite database beside the event store (``workspace.sqlite`` in the
store's folder, :func:`workspace_database`), written through SQLAlchemy Core.

Roles map onto the engine's API-key scopes (:data:`ROLE_SCOPES`), and the workspace's own
actions onto roles (:data:`PERMISSIONS`):

========  =====================================================================
viewer    reads every analysis and the catalogue (``journeys:read``)
analyst   + customer timelines, saved insights and dashboards, uploads data
designer  + designs (``journeys:write``), saved insights and dashboards
operator  + customer profiles and interactions (the engine), uploads data
admin     everything, and manages users
========  =====================================================================

Passwords are hashed with argon2id (memory-hard; argon2-cffi's defaults). A session is a random
token held in a cookie; only its SHA-256 is stored, beside a CSRF token bound to it. Sessions
expire after ``idle`` seconds without use and ``absolute`` seconds after sign-in. Five failed
sign-ins for one name (or from one address) within 15 minutes refuse further attempts from
it until the oldest of them is 15 minutes old.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import OperationalError

from journeyscope.config import Settings
from journeyscope.errors import AccountError, SignInRefused, closest

ROLES: Final[tuple[str, ...]] = ("viewer", "analyst", "designer", "operator", "admin")

ROLE_SCOPES: Final[dict[str, frozenset[str]]] = {
    "viewer": frozenset({"journeys:read"}),
    "analyst": frozenset({"journeys:read", "customers:read", "events:write"}),
    "designer": frozenset({"journeys:read", "journeys:write", "customers:read"}),
    "operator": frozenset(
        {
            "journeys:read",
            "customers:read",
            "customers:write",
            "interactions:invoke",
            "events:write",
        }
    ),
    "admin": frozenset({"admin"}),
}

#: Workspace actions and the roles allowed to do them.
PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    "read": frozenset(ROLES),
    "customers": frozenset({"analyst", "designer", "operator", "admin"}),
    "insights": frozenset({"analyst", "designer", "admin"}),
    "ingest": frozenset({"analyst", "operator", "admin"}),
    "users": frozenset({"admin"}),
    "designs": frozenset({"designer", "admin"}),
    "operate": frozenset({"operator", "admin"}),  # the orchestration console's actions
}

FAILURE_LIMIT: Final = 5
FAILURE_WINDOW: Final = 15 * 60.0
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: float

    @property
    def scopes(self) -> frozenset[str]:
        return ROLE_SCOPES[self.role]

    def may(self, action: str) -> bool:
        """Whether this user's role allows ``action`` (a key of :data:`PERMISSIONS`)."""
        return self.role in PERMISSIONS[action]


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: float


_meta = MetaData()
users_table = Table(
    "users",
    _meta,
    Column("name", String, primary_key=True),
    Column("role", String, nullable=False),
    Column("password_hash", String, nullable=False),
    Column("created_at", Float, nullable=False),
)
sessions_table = Table(
    "sessions",
    _meta,
    Column("token_hash", String, primary_key=True),
    Column("user_name", String, nullable=False, index=True),
    Column("csrf", String, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)
failures_table = Table(
    "sign_in_failures",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String, nullable=False, index=True),
    Column("at", Float, nullable=False),
)


def workspace_database(settings: Settings) -> Path:
    """The workspace's own SQLite file: ``workspace.sqlite`` beside the event store."""
    return settings.store.parent / "workspace.sqlite"


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def database(path: Path) -> Engine:
    """One SQLAlchemy engine per workspace file (tables created on first use)."""
    key = str(path.resolve())
    with _engines_lock:
        found = _engines.get(key)
        if found is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            found = create_engine(f"sqlite:///{key}", connect_args={"timeout": 30})

            @event.listens_for(found, "connect")
            def _pragmas(conn: object, _record: object) -> None:
                cursor = conn.cursor()  # type: ignore[attr-defined]
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()

            _engines[key] = found
    create_tables(found, _meta)
    return found


_made: set[tuple[int, int]] = set()
_made_lock = threading.Lock()


def create_tables(engine: Engine, meta: MetaData) -> None:
    """Create ``meta``'s tables in a workspace database, once per process. Safe when several
    requests ask at once (first sign-ins on a fresh workspace): threads wait for the first,
    and a table another process created between the check and the create is taken as made."""
    key = (id(engine), id(meta))
    with _made_lock:
        if key in _made:
            return
        try:
            meta.create_all(engine)
        except OperationalError:
            meta.create_all(engine)  # the check now sees the other process's tables
        _made.add(key)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Users, sessions and sign-in limits in one workspace database."""

    def __init__(
        self,
        path: Path,
        *,
        idle: float = 8 * 3600.0,
        absolute: float = 7 * 24 * 3600.0,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.engine = database(path)
        self.idle = idle
        self.absolute = absolute
        self.hasher = hasher or PasswordHasher()

    @classmethod
    def of(cls, settings: Settings) -> Accounts:
        return cls(workspace_database(settings))

    # ----------------------------------------------------------------------------- users

    def add(self, name: str, role: str, password: str) -> User:
        if not _NAME.fullmatch(name):
            raise AccountError(
                f"user name {name!r}: use 1-64 letters, digits, '.', '_', '-' or '@', "
                "starting with a letter or digit"
            )
        check_role(role)
        if len(password) < 8:
            raise AccountError(f"password for {name!r}: at least 8 characters")
        created = time.time()
        with self.engine.begin() as conn:
            if conn.execute(select(users_table.c.name).where(users_table.c.name == name)).first():
                raise AccountError(f"user {name!r} exists already (remove it first)")
            conn.execute(
                insert(users_table).values(
                    name=name,
                    role=role,
                    password_hash=self.hasher.hash(password),
                    created_at=created,
                )
            )
        return User(name, role, created)

    def users(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(users_table.c.name, users_table.c.role, users_table.c.created_at).order_by(
                    users_table.c.name
                )
            ).all()
        return [User(r.name, r.role, r.created_at) for r in rows]

    def user(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(users_table.c.name, users_table.c.role, users_table.c.created_at).where(
                    users_table.c.name == name
                )
            ).first()
        return None if row is None else User(row.name, row.role, row.created_at)

    def remove(self, name: str) -> None:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(users_table).where(users_table.c.name == name)).rowcount
            conn.execute(delete(sessions_table).where(sessions_table.c.user_name == name))
        if not gone:
            names = [u.name for u in self.users()]
            raise AccountError(f"no user {name!r}{_closest(name, names)}")

    # -------------------------------------------------------------------------- sign-in

    def sign_in(self, name: str, password: str, *, address: str = "") -> tuple[str, Session]:
        """Check the password; a new session's token (for the cookie) and the session.

        Raises :class:`SignInRefused` while the name or the address is over the failure
        limit, and :class:`AccountError` (one message for every cause) on a wrong name or
        password.
        """
        now = time.time()
        who = [f"user:{name.lower()}"] + ([f"addr:{address}"] if address else [])
        self._check_limit(who, now)
        with self.engine.connect() as conn:
            row = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        ok = False
        if row is not None:
            try:
                ok = self.hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:  # spend the same time as a real check, so names cannot be probed by timing
            self.hasher.hash(password)
        if not ok or row is None:
            with self.engine.begin() as conn:
                conn.execute(insert(failures_table), [{"who": w, "at": now} for w in who])
            raise AccountError("wrong user name or password")
        with self.engine.begin() as conn:
            conn.execute(delete(failures_table).where(failures_table.c.who == who[0]))
            if self.hasher.check_needs_rehash(row.password_hash):
                conn.execute(
                    update(users_table)
                    .where(users_table.c.name == name)
                    .values(password_hash=self.hasher.hash(password))
                )
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            conn.execute(
                insert(sessions_table).values(
                    token_hash=_token_hash(token),
                    user_name=name,
                    csrf=csrf,
                    created_at=now,
                    last_seen=now,
                )
            )
        user = User(row.name, row.role, row.created_at)
        return token, Session(user, csrf, self._expiry(now, now))

    def _check_limit(self, who: list[str], now: float) -> None:
        since = now - FAILURE_WINDOW
        with self.engine.begin() as conn:
            conn.execute(delete(failures_table).where(failures_table.c.at < since))
            for w in who:
                n, oldest = conn.execute(
                    select(func.count(), func.min(failures_table.c.at)).where(
                        failures_table.c.who == w
                    )
                ).one()
                if n >= FAILURE_LIMIT:
                    raise SignInRefused(oldest + FAILURE_WINDOW - now)

    def _expiry(self, created: float, last_seen: float) -> float:
        return min(created + self.absolute, last_seen + self.idle)

    def session(self, token: str) -> Session | None:
        """The live session of ``token`` (its last use moved to now), or None if it is
        unknown or expired (an expired one is deleted)."""
        now = time.time()
        key = _token_hash(token)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(
                    sessions_table,
                    users_table.c.role,
                    users_table.c.created_at.label("user_created"),
                )
                .join(users_table, users_table.c.name == sessions_table.c.user_name)
                .where(sessions_table.c.token_hash == key)
            ).first()
            if row is None:
                return None
            if self._expiry(row.created_at, row.last_seen) <= now:
                conn.execute(delete(sessions_table).where(sessions_table.c.token_hash == key))
                return None
            if now - row.last_seen > 60:  # write at most once a minute per session
                conn.execute(
                    update(sessions_table)
                    .where(sessions_table.c.token_hash == key)
                    .values(last_seen=now)
                )
        user = User(row.user_name, row.role, row.user_created)
        return Session(user, row.csrf, self._expiry(row.created_at, max(row.last_seen, now)))

    def sign_out(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(sessions_table).where(sessions_table.c.token_hash == _token_hash(token))
            )

    def age_sessions(self, seconds: float) -> None:
        """Move every session ``seconds`` into the past (for tests of expiry, and for an
        administrator who wants everyone signed out soon)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions_table).values(
                    created_at=sessions_table.c.created_at - seconds,
                    last_seen=sessions_table.c.last_seen - seconds,
                )
            )


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(
            f"unknown role {role!r}{_closest(role, ROLES)} (roles: {', '.join(ROLES)})"
        )
    return role


def _closest(word: str, names: Iterable[str]) -> str:
    close = closest(word, names, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""

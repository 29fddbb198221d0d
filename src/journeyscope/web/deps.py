"""Dependencies: the engine context and API-key authentication with scopes.

Keys are sent as ``X-API-Key: <key>`` (or ``Authorization: Bearer <key>``); the web layer
checks them here (:func:`require`, and ``web.auth.principal`` for ``/api``) through a bounded
cache over :mod:`journeyscope.services.api_keys`, which issues them (``journeyscope engine
api-key``) and stores only their SHA-256. Scopes: ``events:write``, ``interactions:invoke``,
``customers:read``, ``customers:write``, ``journeys:read``, ``journeys:write``; ``admin``
grants them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from journeyscope.config import Settings
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.inbox import AcceptReport
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker
from journeyscope.pseudonyms import workspace_secret
from journeyscope.services import api_keys
from journeyscope.services.api_keys import SCOPES
from journeyscope.web.limits import KeyCache

ACCEPT_TIMEOUT = 30.0  # seconds a write waits for the embedded worker's commit


@dataclass
class EngineContext:
    store: EngineStore
    worker: Worker | None
    owns_store: bool
    keys: KeyCache = field(default_factory=KeyCache)
    restarts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: bool = False
    _secret: bytes | None = None
    key_file: Path = Path(".journeyscope/identifier.key")
    latency_budget: float = 0.025  # the embedded worker's (Settings.engine_latency_budget)

    @classmethod
    def open(
        cls, settings: Settings, *, store: EngineStore | None, embedded_worker: bool | None
    ) -> EngineContext:
        own = store is None
        store = store or EngineStore(settings.database_url)
        if embedded_worker is None:
            embedded_worker = store.sqlite
        budget = settings.engine_latency_budget
        worker = Worker(store, latency_budget=budget) if embedded_worker else None
        if worker is not None:
            worker.start()
        return cls(
            store, worker, own, key_file=settings.identifier_key_file(), latency_budget=budget
        )

    def close(self) -> None:
        """Stop the embedded worker (within 8 s: it is a daemon thread after that)."""
        self._closing = True
        if self.worker is not None:
            self.worker.stop(timeout=8.0)
        if self.owns_store:
            self.store.close()

    def supervise(self) -> Worker | None:
        """The embedded worker, started again when its thread has ended."""
        worker = self.worker
        if worker is None or worker.alive or self._closing:
            return worker
        with self._lock:
            if self.worker is worker and not worker.alive:
                worker.stop(timeout=1.0)
                self.worker = Worker(self.store, latency_budget=self.latency_budget)
                self.worker.start()
                self.restarts += 1
        return self.worker

    def health(self) -> tuple[bool, dict[str, Any]]:
        """``(healthy, details)`` for ``/healthz``: the database answers and the embedded
        worker (if any) runs and its last step did not fail."""
        details: dict[str, Any] = {"embedded_worker": self.worker is not None}
        healthy = True
        try:
            details["inbox_pending"] = self.store.pending()
        except Exception as exc:
            healthy = False
            details["database"] = f"unavailable: {type(exc).__name__}"
        worker = self.supervise()
        if worker is not None:
            state = worker.health()
            details |= {"worker": state, "worker_restarts": self.restarts}
            healthy = healthy and state["alive"] and state["failures_in_a_row"] == 0
        return healthy, details

    def accept(self, items: list[Event | Command]) -> AcceptReport:
        """Durable before it returns: through the embedded worker's group commit, or directly.
        A worker that does not commit within :data:`ACCEPT_TIMEOUT` is a 503, never a hang."""
        worker = self.supervise()
        if worker is None:
            return self.store.accept(items)
        try:
            return worker.submit(items).result(timeout=ACCEPT_TIMEOUT)
        except Exception as exc:  # a failed or late group commit: nothing was stored
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the engine could not store this now; send it again (same ids are safe)",
            ) from exc

    def secret(self) -> bytes:
        """The workspace's key for hashing raw e-mail and phone ids, the one ingest uses
        (read once)."""
        if self._secret is None:
            self._secret = workspace_secret(self.key_file)
        return self._secret

    def scopes(self, key: str) -> frozenset[str] | None:
        """The scopes ``key`` grants (``None``: unknown key), cached for a short while."""
        return self.keys.get(key, partial(api_keys.scopes_of, self.store))

    def key_actor(self, key: str) -> str:
        """``key:NAME`` for an API key (its name, never the key), for the audit log."""
        return f"key:{api_keys.name_of(self.store, key) or 'unknown'}"


def get_engine(request: Request) -> EngineContext:
    context: EngineContext = request.app.state.engine
    return context


EngineDep = Annotated[EngineContext, Depends(get_engine)]

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")


def require(scope: str) -> Callable[..., Any]:
    """A dependency that lets the request through only with a key holding ``scope``."""

    def check(
        engine: EngineDep,
        key: Annotated[str | None, Security(_api_key)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    ) -> frozenset[str]:
        given = key or (bearer.credentials if bearer else None)
        if not given:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "an API key is required (X-API-Key header)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        scopes = engine.scopes(given)
        if scopes is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown API key")
        if scope not in SCOPES:
            raise RuntimeError(f"route asks for an unknown scope {scope!r}")
        if scope not in scopes and "admin" not in scopes:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this key lacks the scope {scope!r}")
        return scopes

    return check

"""Dependencies: the engine context and API-key authentication with scopes.

Keys are sent as ``X-API-Key: <key>`` (or ``Authorization: Bearer <key>``); only their SHA-256
is stored (``journeyscope engine api-key`` creates one). Scopes: ``events:write``,
``interactions:invoke``, ``customers:read``, ``customers:write``, ``journeys:read``,
``journeys:write``; ``admin`` grants them all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from journeyscope.config import Settings
from journeyscope.engine.actions import Command, Event
from journeyscope.engine.store import SCOPES, AcceptReport, EngineStore
from journeyscope.engine.worker import Worker


@dataclass
class EngineContext:
    store: EngineStore
    worker: Worker | None
    owns_store: bool
    _keys: dict[str, tuple[float, frozenset[str] | None]] = field(default_factory=dict)

    @classmethod
    def open(
        cls, settings: Settings, *, store: EngineStore | None, embedded_worker: bool | None
    ) -> EngineContext:
        own = store is None
        store = store or EngineStore(settings.database_url)
        if embedded_worker is None:
            embedded_worker = store.sqlite
        worker = Worker(store) if embedded_worker else None
        if worker is not None:
            worker.start()
        return cls(store, worker, own)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self.owns_store:
            self.store.close()

    def accept(self, items: list[Event | Command]) -> AcceptReport:
        """Durable before it returns: through the embedded worker's group commit, or directly."""
        if self.worker is not None:
            return self.worker.submit(items).result()
        return self.store.accept(items)

    def scopes(self, key: str) -> frozenset[str] | None:
        cached = self._keys.get(key)
        if cached is not None and time.monotonic() - cached[0] < 30:
            return cached[1]
        scopes = self.store.api_key_scopes(key)
        self._keys[key] = (time.monotonic(), scopes)
        return scopes


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

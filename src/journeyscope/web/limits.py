"""What the service does before it reads a request: the body-size limit, the API-key check
for ``/v1`` and the failed-authentication rate limit; and the bounded key cache.

:class:`Gate` is plain ASGI middleware, so it acts before FastAPI reads or parses a body:

1. A client address with more than ``failed_auth_limit`` failed authentications in the last
   ``failed_auth_window`` seconds gets ``429`` (with ``Retry-After``) for every ``/v1`` call.
2. ``/v1`` calls without a known API key get ``401`` before the body is read: malformed JSON
   from a stranger is never parsed (scopes are still checked per route, in ``deps``).
3. A body longer than ``max_body`` bytes gets ``413``: at once when ``Content-Length`` says so,
   else as soon as the streamed bytes pass it; the rest is never read.

The limits are settings (``max_body_bytes``, ``failed_auth_limit``, ``failed_auth_window``:
32 MiB, 20 per 60 seconds by default), handed to the gate by ``create_app``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from anyio import to_thread

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 32 * 1024 * 1024


class KeyCache:
    """API key → scopes (``None``: unknown), for ``ttl`` seconds, at most ``size`` entries
    (least recently used leave first), so a flood of wrong keys cannot grow the server."""

    def __init__(self, size: int = 4_096, ttl: float = 30.0) -> None:
        self.size, self.ttl = size, ttl
        self._data: OrderedDict[str, tuple[float, frozenset[str] | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: str, lookup: Callable[[str], frozenset[str] | None]
    ) -> frozenset[str] | None:
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                self._data.move_to_end(key)
                return hit[1]
        scopes = lookup(key)
        with self._lock:
            self._data[key] = (now, scopes)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return scopes

    def __len__(self) -> int:
        return len(self._data)


class FailedAuth:
    """Failed authentications per client address over a sliding window (bounded memory: at
    most ``clients`` addresses are remembered, the least recent leave first)."""

    def __init__(self, limit: int = 20, window: float = 60.0, clients: int = 10_000) -> None:
        self.limit, self.window, self.clients = limit, window, clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.get(client)
        if times is None:
            return deque()
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: it may)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0.0
            return max(0.0, self.window - (now - times[0]))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            while len(times) > self.limit:
                times.popleft()
            self._seen[client] = times
            self._seen.move_to_end(client)
            while len(self._seen) > self.clients:
                self._seen.popitem(last=False)


class BodyTooLarge(Exception):
    pass


class Gate:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int | None = None,
        failed_auth: FailedAuth | None = None,
        protected: str = "/v1/",
    ) -> None:
        self.app = app
        self.max_body = max_body or DEFAULT_MAX_BODY
        self.failed_auth = failed_auth or FailedAuth(20, 60.0)
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["path"].startswith(self.protected):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.failed_auth.blocked(client)
            if wait:
                await _answer(
                    send,
                    429,
                    "too many failed authentications from this address; try again later",
                    {"retry-after": str(int(wait) + 1)},
                )
                return
            key = headers.get("x-api-key") or _bearer(headers.get("authorization", ""))
            if not key:
                await _answer(
                    send,
                    401,
                    "an API key is required (X-API-Key header)",
                    {"www-authenticate": "Bearer"},
                )
                return
            engine = scope["app"].state.engine
            if await to_thread.run_sync(engine.scopes, key) is None:
                self.failed_auth.failed(client)
                await _answer(send, 401, "unknown API key")
                return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await _answer(send, 413, f"the body is larger than {self.max_body} bytes")
            return
        await self._limited(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the body as it streams; past the limit answer 413 at once and drop whatever
        the app answers after that (FastAPI turns the read error into a 400 of its own)."""
        seen = 0
        started = answered = False

        async def counted() -> Message:
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    if not started and not answered:
                        answered = True
                        await _answer(send, 413, f"the body is larger than {self.max_body} bytes")
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not answered and not started:
                await _answer(send, 413, f"the body is larger than {self.max_body} bytes")


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _answer(
    send: Send, code: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": code, "headers": raw})
    await send({"type": "http.response.body", "body": body})

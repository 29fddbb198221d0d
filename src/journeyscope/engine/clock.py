"""Time is injected: the engine never reads the wall clock itself.

A :class:`Clock` says what time it is as seconds since the epoch (UTC). Production code uses
:class:`SystemClock`; tests and ``journeyscope simulate`` use :class:`FakeClock`, which only
moves when told to, so a test can jump days in microseconds.

>>> clock = FakeClock(at("2025-03-29T09:00:00+00:00"))
>>> clock.advance(days=2)
>>> iso(clock.now())
'2025-03-31T09:00:00+00:00'
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` returning epoch seconds (UTC)."""

    def now(self) -> float: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock that stands still until moved; thread-safe."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def set(self, ts: float) -> None:
        """Jump to ``ts``; time never goes back."""
        with self._lock:
            self._now = max(self._now, float(ts))

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0.0, hours: float = 0.0, days: float = 0.0
    ) -> None:
        with self._lock:
            self._now += seconds + 60 * minutes + 3600 * hours + 86400 * days


def at(text: str | datetime) -> float:
    """Epoch seconds of an ISO 8601 timestamp (naive means UTC)."""
    dt = datetime.fromisoformat(text) if isinstance(text, str) else text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def iso(ts: float) -> str:
    """ISO 8601 text of epoch seconds, in UTC."""
    return datetime.fromtimestamp(ts, UTC).isoformat()

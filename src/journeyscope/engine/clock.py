"""The clocks the runtime runs on: the engine's core never reads the wall clock itself.

A clock (:class:`journeyscope.engine.core.clock.Clock`) says what time it is as seconds since
the epoch (UTC). Production code uses :class:`SystemClock`; tests and ``journeyscope simulate`` use :class:`FakeClock`, which only
moves when told to, so a test can jump days in microseconds.

>>> from journeyscope.engine.core.clock import at, iso
>>> clock = FakeClock(at("2025-03-29T09:00:00+00:00"))
>>> clock.advance(days=2)
>>> iso(clock.now())
'2025-03-31T09:00:00+00:00'
"""

from __future__ import annotations

import threading
import time


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

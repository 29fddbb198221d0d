"""Time as the core sees it: epoch seconds (UTC), passed in, never read from the wall clock.

:class:`Clock` is what the runtime is driven by (``SystemClock`` and ``FakeClock`` live in
:mod:`journeyscope.engine.clock`); ``at`` and ``iso`` convert between ISO 8601 text and epoch
seconds.

>>> iso(at("2025-03-29T09:00:00+01:00"))
'2025-03-29T08:00:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` returning epoch seconds (UTC)."""

    def now(self) -> float: ...


def at(text: str | datetime) -> float:
    """Epoch seconds of an ISO 8601 timestamp (naive means UTC)."""
    dt = datetime.fromisoformat(text) if isinstance(text, str) else text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def iso(ts: float) -> str:
    """ISO 8601 text of epoch seconds, in UTC."""
    return datetime.fromtimestamp(ts, UTC).isoformat()

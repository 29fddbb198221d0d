"""A per-case time budget for fuzz tests: a hang fails the case, saying so (the budget is
generous; it catches runaway work, it does not measure speed)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
BUDGET = 20.0  # seconds one generated case may take before it counts as a hang


def within(fn: Callable[..., T], *args: Any, seconds: float = BUDGET) -> T:
    """``fn(*args)`` in a thread; fails when it has not finished within ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"hang: {fn.__name__}{args!r:.300} still running after {seconds}s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]

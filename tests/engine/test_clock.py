"""The runtime's clocks (engine/clock.py): the system clock reads the wall clock; the fake
clock stands still until moved, never goes back, and is safe to move from many threads."""

from __future__ import annotations

import threading
import time

from journeyscope.engine.clock import FakeClock, SystemClock


def test_the_system_clock_is_the_wall_clock() -> None:
    before = time.time()
    now = SystemClock().now()
    assert before <= now <= time.time()


def test_the_fake_clock_moves_only_forward_when_told() -> None:
    clock = FakeClock(1000)
    assert clock.now() == 1000.0 and clock.now() == 1000.0
    clock.advance(5, minutes=1, hours=1, days=1)
    assert clock.now() == 1000 + 5 + 60 + 3600 + 86400
    clock.set(10.0)  # a jump into the past is ignored: time never goes back
    assert clock.now() == 1000 + 5 + 60 + 3600 + 86400
    clock.set(200_000.0)
    assert clock.now() == 200_000.0


def test_moves_from_many_threads_all_count() -> None:
    clock = FakeClock()

    def move() -> None:
        for _ in range(1000):
            clock.advance(1)

    threads = [threading.Thread(target=move) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == 8000.0

"""The result cache of the workspace (services.results): each value computed once per store
state, shared by every caller, bounded in memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyscope.config import Settings
from journeyscope.services import results


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    store = tmp_path / "store.duckdb"
    store.write_bytes(b"x")  # only its time and size matter to the cache key
    results.clear()
    yield Settings(store=store)
    results.clear()


class _Watched(dict[Any, Any]):
    """``results._memo_running`` that counts the callers who found a computation running."""

    def __init__(self) -> None:
        super().__init__()
        self.joined = threading.Semaphore(0)

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, default)
        if found is not None:
            self.joined.release()
        return found


def _memo_asked_together(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, value: Callable[[], Any], callers: int
) -> tuple[list[int], list[Any]]:
    """``callers`` threads ask ``memo`` for one name while the first one computes it: the
    computation (``value()``) is held until every other caller has found it running. The
    calls made, and what each caller got (its value or its exception)."""
    watched = _Watched()
    monkeypatch.setattr(results, "_memo_running", watched)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    got: list[Any] = []

    def compute() -> Any:
        calls.append(1)
        started.set()
        release.wait(30)
        return value()

    def ask() -> None:
        try:
            got.append(results.memo(settings, "name", compute))
        except Exception as exc:
            got.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    threads[0].start()
    assert started.wait(30)
    for t in threads[1:]:
        t.start()
    for _ in threads[1:]:  # each of the others holds the running computation
        assert watched.joined.acquire(timeout=30)
    release.set()
    for t in threads:
        t.join(30)
    return calls, got


def test_memo_asked_while_computing_waits_for_that_computation(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, got = _memo_asked_together(settings, monkeypatch, lambda: [1, 2], 5)
    assert len(calls) == 1
    assert len(got) == 5 and all(g is got[0] for g in got)  # the one value, shared
    assert results.memo(settings, "name", lambda: [3]) is got[0]  # and kept


def test_memo_failure_reaches_every_waiter_and_is_not_kept(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail() -> int:
        raise ValueError("no data")

    calls, got = _memo_asked_together(settings, monkeypatch, fail, 2)
    assert len(calls) == 1
    assert len(got) == 2 and all(isinstance(g, ValueError) for g in got)
    assert results.memo(settings, "name", lambda: 7) == 7  # the failure was not kept


def test_warm_computes_once_in_the_background_and_memo_then_finds_it(
    settings: Settings,
) -> None:
    calls: list[int] = []
    results.warm(settings, "warmed", lambda: calls.append(1) or "ready")
    # the background worker is one thread: a task queued after the warm-up runs after it
    results.submit_work(settings, ("after",), lambda: None, background=True).result(30)
    assert results.memo(settings, "warmed", lambda: "computed again") == "ready"
    assert calls == [1]


def test_a_failed_warm_up_is_not_kept_and_the_asker_meets_the_failure(
    settings: Settings,
) -> None:
    def fail() -> str:
        raise ValueError("no data")

    results.warm(settings, "broken", fail)
    results.submit_work(settings, ("after",), lambda: None, background=True).result(30)
    with pytest.raises(ValueError, match="no data"):
        results.memo(settings, "broken", fail)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no per-thread priorities here")
def test_the_background_worker_runs_at_a_lower_cpu_priority(settings: Settings) -> None:
    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    mine = priority()
    if mine >= results.BACKGROUND_NICE:
        pytest.skip(f"the tests already run at nice {mine}")
    background = results.submit_work(settings, ("nice",), priority, background=True).result(30)
    assert background == results.BACKGROUND_NICE
    assert priority() == mine  # the calling thread keeps its own


def _result(settings: Settings, name: str, size: int) -> bytes:
    done: bytes = results.submit_work(settings, (name,), lambda: b"x" * size).result(30)
    return done


def _kept(settings: Settings, name: str) -> bool:
    """Whether the result ``name`` was kept (asking again does not compute it again)."""
    found: bytes = results.submit_work(settings, (name,), lambda: b"again").result(30)
    return found != b"again"


def test_results_kept_within_a_byte_budget_oldest_first(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "KEPT_BYTES", 4_000_000)
    for name in ("a", "b", "c"):
        _result(settings, name, 900_000)
    assert _kept(settings, "a")  # 2.7 MB: all three kept; "a" is now the newest
    _result(settings, "d", 900_000)
    _result(settings, "e", 900_000)  # 4.5 MB: the oldest ("b") goes
    assert not _kept(settings, "b")
    assert _kept(settings, "a") and _kept(settings, "e")


def test_a_result_heavier_than_a_quarter_of_the_budget_is_not_kept(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "KEPT_BYTES", 4_000_000)
    assert len(_result(settings, "big", 1_100_000)) == 1_100_000  # the asker gets it
    assert not _kept(settings, "big")
    assert len(_result(settings, "small", 900_000)) == 900_000
    assert _kept(settings, "small")


def test_size_of_a_result_follows_its_content() -> None:
    small = results.size_of({"rows": list(range(10))})
    large = results.size_of({"rows": list(range(100_000))})
    assert 0 < small < 1_000 < 100_000 < large

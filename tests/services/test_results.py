"""The result cache of the workspace (services.results): each value computed once per store
state, shared by every caller, bounded in memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from journeyscope.config import Settings
from journeyscope.errors import JourneyscopeError
from journeyscope.services import background, results


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


def _nothing() -> None:
    """Background work that does nothing (a module-level function: it is pickled)."""


def _broken() -> str:
    raise ValueError("no data")


def _priority_and_process() -> tuple[int, int]:
    return os.getpriority(os.PRIO_PROCESS, 0), os.getpid()


def _die() -> None:
    os._exit(9)  # as a process killed for memory: no answer


def test_warm_computes_once_in_the_background_and_memo_then_finds_it(
    settings: Settings,
) -> None:
    results.warm(settings, "warmed", partial(str, "ready"))
    # the background worker is one thread: a task queued after the warm-up runs after it
    results.submit_work(settings, ("after",), _nothing, background=True).result(60)
    assert results.memo(settings, "warmed", lambda: "computed again") == "ready"


def test_a_failed_warm_up_is_not_kept_and_the_asker_meets_the_failure(
    settings: Settings,
) -> None:
    results.warm(settings, "broken", _broken)
    results.submit_work(settings, ("after",), _nothing, background=True).result(60)
    with pytest.raises(ValueError, match="no data"):
        results.memo(settings, "broken", _broken)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_background_work_runs_in_a_child_process_at_a_lower_cpu_priority(
    settings: Settings,
) -> None:
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    if mine >= background.NICE:
        pytest.skip(f"the tests already run at nice {mine}")
    job = results.submit_work(settings, ("nice",), _priority_and_process, background=True)
    nice, pid = job.result(60)
    assert nice == background.NICE and pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine  # this process keeps its own
    later = results.memo_later(settings, "later", _priority_and_process)
    assert later == (False, None)
    results.submit_work(settings, ("after later",), _nothing, background=True).result(60)
    done, (nice_later, pid_later) = results.memo_later(settings, "later", _priority_and_process)
    assert done and nice_later == background.NICE and pid_later not in (pid, os.getpid())


def test_a_background_process_that_dies_fails_its_figure_and_the_next_one_runs(
    settings: Settings,
) -> None:
    died = results.submit_work(settings, ("dies",), _die, background=True)
    with pytest.raises(JourneyscopeError, match="ended without a result"):
        died.result(60)
    after = results.submit_work(settings, ("after death",), _priority_and_process, background=True)
    assert after.result(60)[1] != os.getpid()


def test_background_work_asked_by_a_page_runs_at_once_in_this_process(
    settings: Settings,
) -> None:
    """Queued behind a held background job, the same work asked without ``background`` is
    promoted: it runs in the analysis pool, in this process, and the background worker
    skips it."""
    release = threading.Event()
    results.submit_work(settings, ("held",), _nothing, background=True)  # keeps it busy...
    holder = results._background.submit(release.wait)  # ...and this holds the worker
    queued = results.submit_work(settings, ("promoted",), _priority_and_process, background=True)
    assert queued.waiting_in_background
    asked = results.submit_work(settings, ("promoted",), _priority_and_process)
    assert asked is queued
    assert queued.result(60)[1] == os.getpid()
    release.set()
    holder.result(60)


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

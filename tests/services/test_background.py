"""Background figures in a child process (services.background): the result or the exception
comes back; a child that dies, or a result that cannot come back, is a clear error; the
child runs at the lower priority and with the lower DuckDB memory limit, this process keeps
its own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from journeyscope.config import Settings
from journeyscope.errors import JourneyscopeError, StoreError
from journeyscope.services import background


def _who() -> tuple[int, int]:
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def _refuse() -> None:
    raise StoreError("no event store here")


def _die() -> None:
    os._exit(9)  # as a process killed for memory: no answer


def _unpicklable() -> threading.Lock:
    return threading.Lock()


def test_the_result_comes_back_from_another_process() -> None:
    assert background.call(partial(sum, [1, 2, 3])) == 6
    pid, _ = background.call(_who)
    assert pid != os.getpid()


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_the_child_runs_at_the_lower_priority_and_this_process_keeps_its_own() -> None:
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    _, nice = background.call(_who)
    assert nice == max(background.NICE, mine)
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine


def test_the_exception_the_work_raised_is_raised_here() -> None:
    with pytest.raises(StoreError, match="no event store here"):
        background.call(_refuse)


def test_a_child_that_dies_is_an_error_that_says_so_and_the_next_call_works() -> None:
    with pytest.raises(JourneyscopeError, match=r"ended without a result \(exit code 9"):
        background.call(_die)
    assert background.call(partial(int, "7")) == 7


def test_a_result_that_cannot_come_back_is_an_error_that_says_so() -> None:
    with pytest.raises(JourneyscopeError, match="could not be sent"):
        background.call(_unpicklable)


def test_a_closure_is_refused_before_any_work() -> None:
    with pytest.raises(Exception, match="pickle"):
        background.call(lambda: 1)


def _memory_limit(settings: Settings) -> str:
    from journeyscope.services.store import open_store

    store = open_store(settings)
    try:
        row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
        return str(row[0]) if row else ""
    finally:
        store.close()


def test_the_childs_duckdb_gets_the_background_memory_limit_and_this_process_its_own(
    tmp_path: Path,
) -> None:
    from journeyscope.events import Store

    Store(str(tmp_path / "store.duckdb")).close()  # an empty store
    settings = Settings(store=tmp_path / "store.duckdb", memory_limit="2GB")
    child = background.call(partial(_memory_limit, settings))
    mine = _memory_limit(settings)
    assert child != mine
    assert child.replace(" ", "") == "244.1MiB"  # 256 MB, as DuckDB writes it
    assert mine.replace(" ", "") == "1.8GiB"  # 2 GB: the settings' own


def _state(pid: int) -> str:
    """The process's state letter from /proc ("T": stopped)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def _child_of_this_call() -> int:
    for _ in range(600):
        found = [p.pid for p in background._running if p.pid is not None]
        if found:
            return found[0]
        threading.Event().wait(0.05)
    raise AssertionError("no child started")


def _sleep_then_who() -> int:
    threading.Event().wait(0.3)
    return os.getpid()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_a_yielding_child_is_stopped_while_a_page_computes_and_goes_on_after() -> None:
    answers: list[int] = []
    with background.pages_first():  # a page computing before the child starts
        caller = threading.Thread(
            target=lambda: answers.append(background.call(_sleep_then_who, yields=True))
        )
        caller.start()
        pid = _child_of_this_call()
        for _ in range(200):  # stopped as soon as it is registered
            if _state(pid) == "T":
                break
            threading.Event().wait(0.05)
        assert _state(pid) == "T"
        with background.pages_first():  # a second page: still stopped after the first ends
            pass
        assert _state(pid) == "T" and not answers
    caller.join()  # continued when the last page ended: it answers
    assert answers == [pid]


def test_a_child_that_does_not_yield_goes_on_while_pages_compute() -> None:
    with background.pages_first():
        assert background.call(partial(int, "5")) == 5


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(1200):  # a bound against a hang, not a speed: the test is what ends
        if condition():
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"still waiting for {what} after a minute")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_a_child_ends_when_the_process_that_asked_for_it_is_killed() -> None:
    """The fork server outlives the service while a child holds its "alive" pipe: the child
    itself must notice that nobody waits for its answer (here: its caller killed with -9)."""
    script = (
        "import time\nfrom functools import partial\n"
        "from journeyscope.services import background\n"
        "background.call(partial(time.sleep, 600))\n"
    )
    caller = subprocess.Popen([sys.executable, "-c", script])
    try:
        figures: list[int] = []

        def started() -> bool:  # the caller's fork server, and the child under it
            figures[:] = [c for server in _children(caller.pid) for c in _children(server)]
            return bool(figures)

        _wait_for(started, "the background child to start")
    finally:
        caller.kill()
        caller.wait()
    _wait_for(lambda: not any(_alive(pid) for pid in figures), "the child to end")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_a_child_stopped_for_pages_longer_than_the_bound_goes_on_beside_them(monkeypatch) -> None:
    """Under pages that never stop computing, a figure still comes: stopped for pages at most
    MAX_PAUSE seconds in all, then it computes beside them."""
    monkeypatch.setattr(background, "MAX_PAUSE", 0.5)
    answers: list[int] = []
    with background.pages_first():  # a page that computes for the whole test
        caller = threading.Thread(
            target=lambda: answers.append(background.call(_sleep_then_who, yields=True))
        )
        caller.start()
        pid = _child_of_this_call()
        _wait_for(lambda: _state(pid) == "T", "the child to be stopped")
        _wait_for(lambda: bool(answers), "the child's answer while the page computes")
    caller.join()
    assert answers == [pid]
    assert not background._stopped_at and not background._paused  # nothing kept for it

"""Background figures computed in a child process of their own, at a low CPU priority.

Home's slow figures (each design's silent-customer estimate and fitness replay) and the
catalogue's warm-up run here (handed over one at a time by the background worker of
:mod:`journeyscope.services.results`), each in a fresh child process forked from a fork
server that has the analyses imported already (so a child starts in milliseconds, not
seconds). Why a process and not a thread of the service:

* **Priority.** The whole child runs at nice :data:`NICE`, its DuckDB threads included. A
  thread's priority reaches only the threads it creates itself: DuckDB's worker threads are
  shared by the whole service, so a niced thread's queries still took the cores from the
  pages' (measured at 9.6M events: with Home's figures computing, the first Paths page took
  120 s instead of 65 s).
* **Memory.** A child's memory goes back to the system when it exits; the service's peak stays
  that of the pages' analyses (measured at 9.6M events: 1.4 GB without Home's figures, 2.7 GB
  with them in the service's process, and 1.5 GB kept afterwards instead of 0.3 GB).
* **Failure.** A child killed for memory ends that figure ("not available"), not the service.
* **Pages first.** A child started with ``yields=True`` (Home's figures) is stopped
  (``SIGSTOP``) while the service computes an analysis a person asked for
  (:func:`pages_first`), and continued when none is computing: a nice value still leaves a
  child a tenth of the cores, and its disk reads, beside a page's analysis. Under pages
  computing without a pause, a figure waits :data:`MAX_PAUSE` seconds in all, then computes
  beside them at its low priority (Home's figures come, late, even on a busy service). The
  catalogue's warm-up does not yield: the pages themselves wait for it.

A child's DuckDB gets memory limit :data:`MEMORY_LIMIT` (its queries spill to disk beyond it):
the figures are not what a person waits for, the pages are.

The work and its arguments are pickled to the child, and its result or exception back:
pass a module-level function (or a :func:`functools.partial` of one), never a closure.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final, TypeVar

from journeyscope.errors import JourneyscopeError

T = TypeVar("T")

#: The children's scheduling priority (a Unix nice value: 0 normal, 19 lowest).
NICE: Final = 10

#: DuckDB's memory limit in a child (the service's own stays the settings').
MEMORY_LIMIT: Final = "256MB"

#: The longest a yielding child is kept stopped for pages, in all (seconds): past it, it computes
#: beside them at its low priority, so that Home's figures do come under pages that never stop.
MAX_PAUSE: float = 120.0

#: Imported once by the process the children are forked from (what the background figures use).
PRELOAD: Final = ("journeyscope.services.overview", "journeyscope.services.studio")

_lock = threading.Lock()
_running: set[BaseProcess] = set()  # the children computing now
_yielding: set[BaseProcess] = set()  # those of them stopped while pages compute
_stopped_at: dict[BaseProcess, float] = {}  # when each stopped child was stopped
_paused: dict[BaseProcess, float] = {}  # seconds each child was stopped before that
_release: threading.Timer | None = None  # the one timer that continues them (:func:`_stop`)
_pages = 0  # the analyses people asked for computing now (under ``_lock``)


def _lower_priority() -> None:
    """This whole process's priority to at least :data:`NICE` (nothing where the system
    cannot)."""
    with contextlib.suppress(AttributeError, OSError):
        current = os.nice(0)
        os.nice(max(NICE, current) - current)


def _end_with_parent() -> None:
    """Have Linux kill this process when its parent (the fork server, which ends with the
    service) ends, so that no figure goes on computing for a service that has stopped;
    nothing where the system cannot."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _end_when_nobody_waits(answer: Connection) -> None:
    """End this process as soon as nobody holds the other end of ``answer`` (the service
    stopped, even by ``kill -9``, or its caller gave up): a watching thread waits for the
    pipe's error (no reader left). The fork server cannot end the children for the service:
    each child holds the fork server's "alive" pipe, so it stays up as long as they do."""
    import select

    def watch() -> None:
        poller = select.poll()
        poller.register(answer.fileno(), select.POLLERR | select.POLLHUP)
        while True:
            with contextlib.suppress(InterruptedError):
                if poller.poll():
                    os._exit(1)

    with contextlib.suppress(AttributeError, OSError):  # no poll() here: the parent's death ends it
        threading.Thread(target=watch, name="end-when-nobody-waits", daemon=True).start()


def _child(work: Callable[[], Any], answer: Connection) -> None:
    """The child: ``work()`` at low priority and with :data:`MEMORY_LIMIT` for DuckDB;
    ``(True, result)`` or ``(False, exception)`` sent back."""
    from journeyscope.services import store

    _end_with_parent()
    _end_when_nobody_waits(answer)
    _lower_priority()
    store.limit_this_process(MEMORY_LIMIT)
    try:
        outcome: tuple[bool, Any] = (True, work())
    except BaseException as exc:  # handed to the caller, as a thread would
        outcome = (False, exc)
    try:
        answer.send(outcome)
    except OSError:  # nobody is waiting any more (the service stopped)
        pass
    except Exception as exc:  # the result or the exception does not pickle
        with contextlib.suppress(OSError):
            answer.send(
                (False, JourneyscopeError(f"the background result could not be sent: {exc}"))
            )
    answer.close()


def _signal(processes: set[BaseProcess], signal_number: int) -> None:
    for process in processes:
        if process.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(process.pid, signal_number)


def _stop(processes: set[BaseProcess]) -> None:
    """Stop ``processes`` for pages (``_lock`` held), and see them continued once the first
    of them has been stopped :data:`MAX_PAUSE` seconds in all."""
    if not processes:
        return
    now = time.monotonic()
    for process in processes:
        _stopped_at[process] = now
    _signal(processes, signal.SIGSTOP)
    _release_later()


def _release_later() -> None:
    """Have :func:`_release_overdue` run when the next stopped child is due (``_lock``
    held): one timer at a time, the one before it cancelled, so that pages starting one after
    another while a child is stopped leave no sleeping timer thread each."""
    global _release
    if _release is not None:
        _release.cancel()
        _release = None
    if not _stopped_at:
        return
    now = time.monotonic()
    due = min(MAX_PAUSE - _paused.get(p, 0.0) - (now - t) for p, t in _stopped_at.items())
    _release = threading.Timer(max(0.0, due) + 0.01, _release_overdue)
    _release.daemon = True
    _release.start()


def _continue(processes: set[BaseProcess]) -> None:
    """Continue ``processes`` (``_lock`` held), counting how long each was stopped."""
    now = time.monotonic()
    for process in processes:
        since = _stopped_at.pop(process, None)
        if since is not None:
            _paused[process] = _paused.get(process, 0.0) + now - since
    _signal(processes, signal.SIGCONT)


def _release_overdue() -> None:
    """Continue, for good, the children stopped :data:`MAX_PAUSE` seconds in all."""
    with _lock:
        now = time.monotonic()
        overdue = {
            p for p, since in _stopped_at.items() if _paused.get(p, 0.0) + now - since >= MAX_PAUSE
        }
        _continue(overdue)
        _yielding.difference_update(overdue)
        _release_later()  # for the children still stopped, if any


@contextlib.contextmanager
def pages_first() -> Iterator[None]:
    """Around an analysis a person asked for: the yielding children are stopped while any
    such analysis computes, and continued when the last one ends."""
    global _pages
    with _lock:
        _pages += 1
        if _pages == 1:
            _stop(_yielding)
    try:
        yield
    finally:
        with _lock:
            _pages -= 1
            if _pages == 0:
                _continue(_yielding)


def call(work: Callable[[], T], *, yields: bool = False) -> T:
    """``work()`` computed in a child process of its own at nice :data:`NICE`; its result, or
    the exception it raised. ``yields``: the child is stopped while pages compute
    (:func:`pages_first`). Raises :class:`~journeyscope.errors.JourneyscopeError` when the
    child ended without an answer (killed, out of memory)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    mine, theirs = context.Pipe(duplex=False)
    # daemon: ended with the service, never waited for when it stops
    process = context.Process(target=_child, args=(work, theirs), daemon=True)
    try:
        process.start()  # a closure fails here: it does not pickle
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    with _lock:
        _running.add(process)
        if yields:
            _yielding.add(process)
            if _pages:
                _stop({process})
    try:
        ok, value = mine.recv()
    except (EOFError, OSError) as exc:  # it ended before it answered
        process.join()
        raise JourneyscopeError(
            "the background computation's process ended without a result "
            f"(exit code {process.exitcode}: stopped for a writer, killed, or out of memory)"
        ) from exc
    finally:
        mine.close()
        with _lock:
            _running.discard(process)
            _yielding.discard(process)
            _stopped_at.pop(process, None)
            _paused.pop(process, None)
    process.join()
    if ok:
        result: T = value
        return result
    raise value


def stop_running() -> int:
    """End the children computing now (a writer needs the store to itself, and their figures
    are of the store as it is before the write; the service is stopping); how many there
    were. Each one's caller meets the error of a child that ended without a result."""
    with _lock:
        found = list(_running)
    for process in found:
        with contextlib.suppress(Exception):
            process.kill()
    return len(found)

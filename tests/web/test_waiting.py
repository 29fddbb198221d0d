"""Long polls (web.waiting): the wait ends as soon as every job is done, or when its time is
up with the jobs left running (never cancelled: other people's pages share them), and a job's
failure is left for the page to report."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from journeyscope.web.waiting import until_done


def _later(future: Future[int], value: int | Exception, after: float) -> None:
    def finish() -> None:
        if isinstance(value, Exception):
            future.set_exception(value)
        else:
            future.set_result(value)

    threading.Timer(after, finish).start()


def test_the_wait_ends_when_the_last_job_is_done_not_at_the_timeout() -> None:
    first, second = Future[int](), Future[int]()
    _later(first, 1, 0.05)
    _later(second, 2, 0.2)

    # a wait that ran to its timeout would meet the suite's per-test timeout first
    assert asyncio.run(until_done([first, second], timeout=3600)) is True
    assert first.result() == 1 and second.result() == 2


def test_when_the_time_is_up_the_jobs_go_on_uncancelled() -> None:
    running, queued = Future[int](), Future[int]()
    running.set_running_or_notify_cancel()  # a worker has it; `queued` waits for one
    assert asyncio.run(until_done([running, queued], timeout=0.05)) is False
    assert not running.cancelled() and not queued.cancelled()
    assert queued.set_running_or_notify_cancel()  # still there for a worker to run
    queued.set_result(3)
    running.set_result(4)
    assert asyncio.run(until_done([running, queued], timeout=0.05)) is True


def test_done_jobs_need_no_wait_and_a_failure_is_left_for_the_page() -> None:
    failed = Future[int]()
    failed.set_exception(ValueError("no such step"))
    assert asyncio.run(until_done([failed], timeout=0)) is True
    later = Future[int]()
    _later(later, ValueError("the store changed"), 0.05)
    assert asyncio.run(until_done([later], timeout=60)) is True
    assert isinstance(later.exception(), ValueError)

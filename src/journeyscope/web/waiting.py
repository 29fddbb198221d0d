"""Long polls: the result part a pending page asks for answers as soon as its jobs are done
(or after :data:`LONG_POLL_S` with their progress so far), instead of the browser asking again
and again. The wait holds no thread of the server: it awaits the jobs' futures on the event
loop, so many people waiting on slow analyses never starve the other pages of threads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any, Final

#: Seconds a result part waits for its jobs before it answers with their progress.
LONG_POLL_S: Final = 10.0


def _observed(future: asyncio.Future[Any]) -> None:
    """Read a waited-for future's outcome (the page reports it from the job itself), so that
    asyncio does not log it as an exception nobody retrieved."""
    if not future.cancelled():
        future.exception()


async def until_done(futures: Iterable[Future[Any]], timeout: float = LONG_POLL_S) -> bool:
    """Wait until every future is done or ``timeout`` seconds have passed; whether all are
    done. Never cancels them: the jobs are shared with other people's pages."""
    waiting = [asyncio.wrap_future(f) for f in futures if not f.done()]
    if not waiting:
        return True
    for future in waiting:
        future.add_done_callback(_observed)
    # asyncio.wait (unlike wait_for) cancels nothing it waits on, neither when the time is up
    # nor when the page's reader goes away (cancelling a wrapper would cancel a queued job)
    _done, pending = await asyncio.wait(waiting, timeout=timeout)
    return not pending

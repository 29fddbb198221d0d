"""Analysis results, computed once per (store state, query, filters) and shared by every user.

:func:`submit` starts an analysis in a small thread pool and answers at once with a
:class:`Job`; the same (state, query) asked again while it runs joins that job, and once done
is answered from memory. The store state is the store file's and its write-ahead log's
modification time and size: an ingestion changes it, so results computed before are not
reused. Pages poll a job and show its elapsed time; the JSON API waits for it.

Filters narrow the events before the analysis runs (a date range, channels, customers by
the channel of their first event or by a property): the result is the analysis of the
filtered events, and :func:`describe_filters` says so in a sentence.

Progress: a job knows how long the same kind of analysis last took on the same store
(:attr:`Job.expected`), so a page can say "4 s of about 9 s" instead of spinning.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    import ibis

    from journeyscope.analytics.cohorts import Cohort
    from journeyscope.analytics.paths import PathsQuery
    from journeyscope.events import Store

from journeyscope.analytics.cases import AnalysisQuery
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError, StoreError
from journeyscope.services import background as children

T = TypeVar("T")
KEPT: Final = 64  # results kept in memory
KEPT_BYTES: Final = 256 * 2**20
"""The results kept in memory together weigh at most this (by :func:`size_of`); the oldest
go first. One result heavier than a quarter of it is handed to the jobs waiting for it and
not kept (asked again, it is computed again): the cache is for the small results pages show,
never for a whole table."""
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis")
_lock = threading.Lock()
_done: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_sizes: dict[tuple[Any, ...], int] = {}  # key of _done -> size_of(its result)
_running: dict[tuple[Any, ...], Job] = {}
_took: dict[tuple[str, str], float] = {}  # (store, analysis kind) -> seconds the last run took


@dataclass(frozen=True)
class Filters:
    """Event filters applied before an analysis: ``since <= day < until + 1``, channels;
    customers whose first event (of all their events) was in one of ``first_channels``;
    customers with an event where a property has a value (``where``)."""

    since: date | None = None
    until: date | None = None
    channels: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()  # customers with an event where NAME = VALUE
    first_channels: tuple[str, ...] = ()
    cohort: Cohort | None = None
    """Only the customers of this cohort (membership decided on every event of the store)."""
    by_cohort: tuple[Cohort, ...] = ()
    """The events get the ``cohort`` column of these cohorts (for ``breakdown="cohort"``)."""
    group: str | None = None
    """With ``by_cohort``: only the customers whose ``cohort`` value is this (one group)."""

    @classmethod
    def parse(
        cls,
        since: str | None,
        until: str | None,
        channels: list[str],
        where: Sequence[str] = (),
        first_channels: Sequence[str] = (),
    ) -> Filters:
        def day(name: str, text: str | None) -> date | None:
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise InvalidQueryError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None

        pairs = []
        for text in where:
            name, sep, value = text.partition("=")
            if not sep or not name.strip():
                raise InvalidQueryError(f"where {text!r}: write PROPERTY=VALUE, e.g. segment=young")
            pairs.append((name.strip(), value.strip()))
        out = cls(
            day("since", since),
            day("until", until),
            tuple(c for c in channels if c),
            tuple(pairs),
            tuple(c for c in first_channels if c),
        )
        if out.since and out.until and out.until < out.since:
            raise InvalidQueryError(f"until {out.until} is before since {out.since}")
        return out

    def key(self) -> tuple[Any, ...]:
        cohorts = tuple(c.model_dump_json() for c in (self.cohort, *self.by_cohort) if c)
        return (
            self.since,
            self.until,
            self.channels,
            self.where,
            self.first_channels,
            self.cohort is not None,
            cohorts,
            self.group,
        )

    def empty(self) -> bool:
        return (
            self.since is None
            and self.until is None
            and not self.channels
            and not self.where
            and not self.first_channels
            and self.cohort is None
            and not self.by_cohort
        )

    def cohort_note(self) -> str:
        """How the cohorts narrowed or split the events, as the CLI's ``--cohort`` and
        ``--by-cohort`` say it (one group of a breakdown: who that group is)."""
        from journeyscope.analytics.cohorts import describe_group, describe_use

        if self.group is not None:
            return " ".join(
                x
                for x in (describe_use(self.cohort, ()), describe_group(self.group, self.by_cohort))
                if x
            )
        return describe_use(self.cohort, self.by_cohort)


def describe_filters(filters: Filters, cohorts: bool = True) -> str:
    """The filters as a sentence (empty when there are none); ``cohorts=False`` leaves the
    cohorts out (a result computed with them says so in its own semantics)."""
    parts = []
    if filters.since:
        parts.append(f"on or after {filters.since}")
    if filters.until:
        parts.append(f"on or before {filters.until} (UTC days)")
    if filters.channels:
        parts.append(f"in channel {' or '.join(filters.channels)}")
    if filters.where:
        rule = " and ".join(f"{k} = {v}" for k, v in filters.where)
        parts.append(f"of customers with an event where {rule}")
    if filters.first_channels:
        parts.append(
            f"of customers whose first event was in {' or '.join(filters.first_channels)} "
            "(their first event of all, before any date filter)"
        )
    text = "Only events " + ", ".join(parts) + " were analysed." if parts else ""
    note = filters.cohort_note() if cohorts else ""
    return f"{text} {note}".strip()


def store_state(path: Path) -> tuple[Any, ...]:
    """What changes when the store's data changes: file and WAL times and sizes."""
    if not path.is_file():
        raise StoreError(f"no event store at {path.name} yet: upload a file on the Data page")
    wal = Path(f"{path}.wal")
    state: tuple[Any, ...] = (str(path.resolve()), path.stat().st_mtime_ns, path.stat().st_size)
    if wal.is_file():
        state += (wal.stat().st_mtime_ns, wal.stat().st_size)
    return state


@dataclass
class Job:
    """One analysis being computed (or done)."""

    key: tuple[Any, ...]
    started: float = field(default_factory=time.monotonic)
    future: Future[Any] = field(default_factory=Future)
    expected: float | None = None
    """Seconds the same kind of analysis last took on this store (None: not run yet)."""
    waiting_in_background: bool = False
    """Queued on the background worker and not started yet (a page's request promotes it)."""
    claimed: bool = False
    """A worker has started it (whichever pool reaches it first runs it; the other skips)."""
    run: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def progress(self) -> float | None:
        """Elapsed over expected, at most 0.99 until done (None: nothing to compare with)."""
        if self.done():
            return 1.0
        if not self.expected:
            return None
        return min(0.99, self.elapsed / self.expected)

    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None) -> Any:
        return self.future.result(timeout)


def _compute(settings: Settings, query: AnalysisQuery, filters: Filters) -> BaseModel:
    """The analysis (:mod:`journeyscope.services.analyses`, as the CLI runs it), on the
    events the filters keep."""
    from journeyscope.analytics.backends import IbisBackend
    from journeyscope.services import analyses
    from journeyscope.services.store import open_store

    if filters.empty():
        result: BaseModel = analyses.run(settings, query)
        return result
    from journeyscope.analytics.cohorts import note_on

    store = open_store(settings)
    try:
        result = IbisBackend(filtered_events(store, filters)).run(query)  # type: ignore[call-overload]
        noted: BaseModel = note_on(result, filters.cohort_note())
        return noted
    finally:
        store.close()


def filtered_events(store: Store, filters: Filters) -> ibis.Table:
    """The store's events that ``filters`` keep (see :class:`Filters`; an Ibis table, the
    store stays open)."""
    from journeyscope.analytics.cases import property_value

    events = store.events()
    if filters.since is not None:
        start = datetime.combine(filters.since, datetime.min.time())
        events = events.filter(events.timestamp >= start)
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time())
        events = events.filter(events.timestamp < end)
    if filters.channels:
        events = events.filter(events.channel.isin(list(filters.channels)))
    for name, value in filters.where:
        everything = store.events()
        who = everything.filter(property_value(everything, name) == value)
        events = events.filter(events.customer_id.isin(who.customer_id))
    if filters.first_channels:
        everything = store.events()
        first = everything.group_by("customer_id").aggregate(
            first=everything.channel.argmin(everything.timestamp)
        )
        who = first.filter(first.first.isin(list(filters.first_channels)))
        events = events.filter(events.customer_id.isin(who.customer_id))
    return with_cohorts(events, store.events(), filters)


def with_cohorts(events: ibis.Table, everything: ibis.Table, filters: Filters) -> ibis.Table:
    """``events`` narrowed to ``filters.cohort``, given the ``cohort`` column of
    ``filters.by_cohort`` and narrowed to ``filters.group``; membership is decided on
    ``everything`` (every event of the store), so other filters never change it."""
    from journeyscope.analytics.cohorts import in_cohort, with_cohort

    if filters.cohort is not None:
        events = in_cohort(events, filters.cohort, everything)
    if filters.by_cohort:
        events = with_cohort(events, filters.by_cohort, everything)
        if filters.group is not None:
            events = events.filter(events.cohort == filters.group).drop("cohort")
    return events


@dataclass(frozen=True)
class LinkCases:
    """The cases behind one link of a paths result, and a sample of them."""

    step: int
    source: str
    target: str
    cases: int
    sample: list[str]


def path_link_cases(
    settings: Settings,
    query: PathsQuery,
    filters: Filters,
    step: int,
    source: str,
    target: str,
    limit: int = 20,
) -> LinkCases:
    """The cases that went from ``source`` at path step ``step`` to ``target`` next, found
    with the paths analysis's own anchored path rows (so the count is the link's) on the
    events the filters keep; the sample is the first ``limit`` case ids in order."""
    from contextlib import ExitStack

    from journeyscope.analytics.paths import anchored
    from journeyscope.services import analyses
    from journeyscope.services.store import open_store

    with ExitStack() as opened:
        if filters.empty():  # the events every analysis reads (as the CLI)
            events = opened.enter_context(analyses.backend(settings)).events()
        else:
            store = open_store(settings)
            opened.callback(store.close)
            events = filtered_events(store, filters)
        rows = anchored(events, query)
        hit = rows.filter(
            (rows.step == step) & (rows.node == source) & (rows.next_node == target)
        ).select("case")
        cases = int(hit.count().execute())
        sample = [str(c) for c in hit.order_by("case").limit(limit).execute()["case"]]
    return LinkCases(step, source, target, cases, sample)


def submit(settings: Settings, query: AnalysisQuery, filters: Filters | None = None) -> Job:
    """The job computing ``query`` on the store's current state (done if cached)."""
    filters = filters or Filters()
    return submit_work(
        settings,
        (query.model_dump_json(), filters.key()),
        lambda: _compute(settings, query, filters),
        kind=str(getattr(query, "kind", type(query).__name__)),
    )


def submit_work(
    settings: Settings,
    name: tuple[Any, ...],
    compute: Callable[[], Any],
    *,
    kind: str | None = None,
    background: bool = False,
) -> Job:
    """The job running ``compute()`` once per store state and ``name`` (done if cached): the
    same pool, cache and joining of running jobs as :func:`submit`, for work that is not one
    typed query (the journeys page runs the report's analyses this way). ``kind``: what the
    work is, to time it and estimate the next run of the same kind on this store.

    ``background``: queue it on the single background worker (Home's figures), which computes
    it in a low-priority child process (``compute`` must pickle), never in the pool a person's
    analyses run in. The same work asked without ``background`` joins it when it is running,
    and when it is still queued there runs it in the pool at once, in this process."""
    key = (store_state(settings.store), *name)
    took = (str(settings.store), kind or "")

    def work() -> None:  # ``job``: the one registered below
        with _lock:
            if job.claimed:  # promoted, and already run by the other pool
                return
            job.claimed = True
            in_child = job.waiting_in_background  # not promoted: the background worker's
            job.waiting_in_background = False
        started = time.monotonic()
        try:
            if in_child:
                result = children.call(compute, yields=True)
            else:
                with children.pages_first():  # Home's figures stop while a page computes
                    result = compute()
        except BaseException as exc:  # handed to whoever waits on the job
            with _lock:
                _running.pop(key, None)
            job.future.set_exception(exc)
            return
        took_s = time.monotonic() - started
        size = size_of(result)
        with _lock:
            if kind:
                _took[took] = took_s
            _keep(key, result, size)
            _running.pop(key, None)
        job.future.set_result(result)

    with _lock:
        cached = _done.get(key)
        if cached is not None:
            _done.move_to_end(key)
            job = Job(key)
            job.future.set_result(cached)
            return job
        running = _running.get(key)
        if running is not None:
            if not background and running.waiting_in_background and running.run is not None:
                running.waiting_in_background = False  # promoted: the pool runs it now
                _pool.submit(running.run)
            return running
        job = Job(key, expected=_took.get(took) if kind else None)
        job.waiting_in_background, job.run = background, work
        _running[key] = job

    (_background if background else _pool).submit(work)
    return job


def size_of(result: Any) -> int:
    """Bytes of ``result``'s pickle: a proxy for the memory it holds (Python objects take a
    few times more), cheap next to computing it; ``sys.getsizeof`` when it cannot be
    pickled."""
    try:
        return len(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # anything pickle refuses: an object holding a lock or a connection
        return sys.getsizeof(result)


def _keep(key: tuple[Any, ...], result: Any, size: int) -> None:
    """Keep ``result`` under ``key`` within :data:`KEPT` and :data:`KEPT_BYTES` (``_lock``
    held)."""
    if size > KEPT_BYTES // 4:
        return
    _done[key], _sizes[key] = result, size
    while len(_done) > KEPT or sum(_sizes.values()) > KEPT_BYTES:
        old, _ = _done.popitem(last=False)
        _sizes.pop(old, None)


def run(settings: Settings, query: AnalysisQuery, filters: Filters | None = None) -> BaseModel:
    """Compute (or reuse) and wait for the result."""
    result: BaseModel = submit(settings, query, filters).result()
    return result


_memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


_memo_running: dict[tuple[Any, ...], Future[Any]] = {}


def memo(settings: Settings, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per store state under ``name`` (Home's figures, the catalogue).

    Callers asking while it is being computed wait for that computation instead of starting
    their own (ten users opening Explore at once read the catalogue once, not ten times); a
    failure reaches every one of them and is not kept."""
    key = (store_state(settings.store), name)
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            found: T = _memo[key]
            return found
        running = _memo_running.get(key)
        mine: Future[Any] = Future()
        if running is None:
            _memo_running[key] = mine
    if running is not None:
        joined: T = running.result()
        return joined
    try:
        value = compute()
    except BaseException as exc:
        with _lock:
            _memo_running.pop(key, None)
        mine.set_exception(exc)
        raise
    with _lock:
        _memo[key] = value
        while len(_memo) > KEPT:
            _memo.popitem(last=False)
        _memo_running.pop(key, None)
    mine.set_result(value)
    return value


_later: dict[tuple[Any, ...], Future[Any]] = {}

#: One worker of its own for background figures (Home's: :func:`memo_later`,
#: ``submit_work(background=True)``; :func:`warm`), so that they never hold up the analyses a
#: person is waiting for in ``_pool``; it hands each to a low-priority child process
#: (:mod:`journeyscope.services.background`) and waits for its answer.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")


def warm(settings: Settings, name: str, compute: Callable[[], Any]) -> None:
    """Start :func:`memo` of ``compute`` under ``name`` on the background worker (in a child
    process: ``compute`` must pickle), so that the first person to ask finds it computed (or
    joins the computation) instead of starting it. A failure is left for the asker's own
    :func:`memo` to meet and report."""

    def work() -> None:
        # a failure is not kept by memo: the first request computes it again and reports it
        with contextlib.suppress(Exception):
            memo(settings, name, lambda: children.call(compute))

    _background.submit(work)


def memo_later(settings: Settings, name: str, compute: Callable[[], T]) -> tuple[bool, T | None]:
    """``(True, value)`` when ``compute()`` is done for this store state under ``name``;
    else ``(False, None)`` and it runs in the background (once, in a child process:
    ``compute`` must pickle), so a page stays fast and shows the value on a later request. A
    failure is kept as ``(True, None)``."""
    key = (store_state(settings.store), name)
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return True, _memo[key]
        if key in _later:
            return False, None

        def work() -> None:
            try:
                value: Any = children.call(compute, yields=True)
            except Exception:  # shown as "not available"; the page never fails for it
                value = None
            with _lock:
                _memo[key] = value
                while len(_memo) > KEPT:
                    _memo.popitem(last=False)
                _later.pop(key, None)

        _later[key] = _background.submit(work)
    return False, None


def clear() -> None:
    """Forget every cached result (tests; memory pressure)."""
    with _lock:
        _done.clear()
        _sizes.clear()
        _memo.clear()

"""The worker: inbox → pure transitions → state, timers and outbox in one transaction.

Each :meth:`Worker.step`:

1. renews its partition leases when due (:mod:`~journeyscope.engine.leases`) and reloads the
   program when something was deployed;
2. opens **one** write transaction (group commit) in which it records the outcome of earlier
   deliveries, accepts the inputs submitted in-process, fences its partitions, reads up to
   ``batch_size`` pending inbox rows of them in ``seq`` order plus the customers whose
   earliest timer is due, applies the transitions (each customer's events in arrival order,
   then a tick for due timers), and writes the new states (with ``wake_at``), the outbox rows,
   the engine events, the propensity counts and the inbox rows marked processed;
3. after the commit, delivers the new sends and any due retries (:mod:`~journeyscope.engine.outbox`;
   a busy worker looks for due retries every ``retry_scan`` seconds, an idle one at every step).

A crash anywhere loses nothing: uncommitted work is simply done again (transitions are
deterministic), and a committed send that was not yet marked ``sent`` is delivered again with
the same idempotency key. States are cached in memory only while the partition's lease is
held without a break.
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import select as selectors
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from functools import partial
from typing import Any

from sqlalchemy.exc import OperationalError

from journeyscope.engine import customers, deadletters, inbox, journey_controls, knowledge, records
from journeyscope.engine import outbox as out
from journeyscope.engine.batching import BatchPolicy
from journeyscope.engine.core.actions import Command, Event, Learn, Record, Send, Tick
from journeyscope.engine.core.clock import Clock
from journeyscope.engine.core.rules import Rules
from journeyscope.engine.core.state import CustomerState
from journeyscope.engine.deadletters import Failure, describe
from journeyscope.engine.deployments import PROGRAM_CHANNEL
from journeyscope.engine.inbox import AcceptReport, row_item
from journeyscope.engine.leases import Leases
from journeyscope.engine.partitions import partition_of
from journeyscope.engine.phases import StepTimes
from journeyscope.engine.store import EngineStore


class _Failpoint:
    """``name=N`` (the ``failpoint`` setting) kills the process (SIGKILL) the N-th time ``name``
    is passed: how the tests crash a worker at the worst moments (e.g. ``after-delivery=3``)."""

    def __init__(self, spec: str) -> None:
        self.name, _, n = spec.partition("=")
        self.left = int(n) if n else 0

    def __call__(self, name: str) -> None:
        if self.left and name == self.name:
            self.left -= 1
            if self.left == 0:
                os.kill(os.getpid(), signal.SIGKILL)


def settle_heap() -> None:
    """Collect once, then freeze what survives (``gc.freeze``): modules, the program, the
    application's start-up objects are moved out of the collector's generations.

    Without it, a full (generation 2) collection walks every object of the process and stops
    the worker for as long: on the benchmark's heap (the libraries imported, the events
    prepared) a pass took up to 0.5 s on a loaded 2-core machine, which was the step behind
    the p99 latency. Frozen objects are never collected: what was garbage before is collected
    first; a worker freezes when it starts and thaws (``gc.unfreeze``) when it closes."""
    gc.collect()
    gc.freeze()


class Worker:
    """Processes the partitions it leases; run several (processes, machines) to scale out.

    ``batch_size`` bounds the inputs of one transaction; ``latency_budget`` (seconds, ``0``:
    none) closes a batch earlier, at what the worker can apply within it
    (:mod:`.batching`); ``freeze_heap`` settles the heap when the worker starts
    (:func:`settle_heap`); ``retry_scan`` (seconds) is how often a busy worker looks for due
    retries in the outbox (an idle one looks at every step)."""

    def __init__(
        self,
        store: EngineStore,
        *,
        clock: Clock | None = None,
        worker_id: str | None = None,
        batch_size: int = 1000,
        lease_ttl: float = 15.0,
        idle_wait: float = 0.25,
        dispatch: bool = True,
        max_attempts: int = 8,
        backoff: float = 2.0,
        reload_every: float = 1.0,
        cache_size: int = 200_000,
        latency_budget: float = 0.025,
        retry_scan: float = 0.1,
        freeze_heap: bool = True,
        failpoint: str = "",
    ) -> None:
        self.store = store
        self.clock = clock or store.clock
        self.id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.batch_size = batch_size
        self.batching = BatchPolicy(batch_size, latency_budget)  # :mod:`.batching`
        self.idle_wait = idle_wait
        self.reload_every = reload_every
        self.retry_scan = retry_scan
        self._scanned = 0.0  # monotonic() of the last retry scan
        self.cache_size = cache_size
        self.leases = Leases(store, self.id, lease_ttl)
        self.program = store.load_program()
        self._marker = store.program_marker()
        self.knowledge = store.knowledge()
        self.rules = Rules(self.program, self.knowledge)
        self.rules.paused = journey_controls.paused(store)
        self.dispatcher = (
            out.Dispatcher(
                lambda: self.program.catalogue, max_attempts=max_attempts, backoff=backoff
            )
            if dispatch
            else None
        )
        self.cache: dict[str, CustomerState] = {}
        self.processed = 0  # inputs applied by this worker
        self.failed = 0  # inputs and timer turns moved to failed_inputs by this worker
        self.failures = 0  # steps in a row that raised
        self._solo = 0  # batches left to run one input at a time (after a failed batch)
        self._current: tuple[list[tuple[int, str, str, str]], list[str]] = ([], [])
        self.last_error: str | None = None
        self.delivered = 0  # delivery attempts made by this worker
        self._reloaded_at = time.time()
        self._results: list[out.Result] = []
        self._inflight: set[str] = set()
        self._sends: list[out.Delivery] = []
        self._subs: list[tuple[list[Event | Command], Future[AcceptReport]]] = []
        self._oldest = 0.0  # perf_counter() when the oldest waiting submission came
        self.times = StepTimes()  # seconds per phase of the last steps (:mod:`.phases`)
        self._lock = threading.Lock()
        self._pipe_r, self._pipe_w = os.pipe()
        os.set_blocking(self._pipe_r, False)
        self._listener: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failpoint = _Failpoint(failpoint)
        self._settled = not freeze_heap
        self._frozen = False  # this worker froze the heap (:meth:`close` thaws it)
        self._more = False  # the last batch left inputs behind

    # --------------------------------------------------------------------------- control

    def submit(self, items: Sequence[Event | Command]) -> Future[AcceptReport]:
        """Accept ``items`` in the worker's next transaction (group commit); the future
        resolves once they are durable (and, for the worker's own partitions, processed)."""
        future: Future[AcceptReport] = Future()
        with self._lock:
            if not self._subs:
                self._oldest = time.perf_counter()
            self._subs.append((list(items), future))
        self.wake()
        return future

    def settle(self) -> None:
        """Settle the heap once (:func:`settle_heap`) before the first step of :meth:`run`."""
        if not self._settled:
            self._settled = self._frozen = True
            settle_heap()

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._pipe_w, b"x")

    def start(self) -> None:
        """Run in a background thread (the embedded engine of ``journeyscope serve``)."""
        self._stop.clear()
        self.settle()  # here, not in the thread: the callers' threads are not stopped later
        self._thread = threading.Thread(target=self.run, name=f"worker-{self.id}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 8.0) -> bool:
        """Stop the background thread; ``False`` when it did not end within ``timeout``
        (it is a daemon thread: the process can still exit)."""
        self._stop.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False
            self._thread = None
        return True

    @property
    def alive(self) -> bool:
        """The background thread runs (``False`` before :meth:`start` and after it ended)."""
        return self._thread is not None and self._thread.is_alive()

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports about this worker."""
        return {
            "worker": self.id,
            "alive": self.alive,
            "failures_in_a_row": self.failures,
            "last_error": self.last_error,
            "processed": self.processed,
            "failed_inputs": self.failed,
        }

    def run(self, stop: threading.Event | None = None) -> None:
        """Work until ``stop`` (or :meth:`stop`) is set; then hand the partitions back.

        A step that raises (a database that went away, a bug outside any one input: failed
        inputs never get here) is recorded in :meth:`health` and tried again after a pause
        that doubles up to 30 s; the worker does not die of it.

        It begins by settling the heap (:func:`settle_heap`), so that the collector's full
        passes during the work do not walk what the process held before it."""
        stop = stop or self._stop
        self.settle()
        try:
            while not stop.is_set() and not self._stop.is_set():
                try:
                    if not self.leases.owned:
                        self.refresh_leases()
                    if self.step() == 0:
                        self._idle()
                    self.failures = 0
                except Exception as exc:
                    self.failures += 1
                    self.last_error = describe(exc)
                    self.cache.clear()
                    until = time.monotonic() + min(30.0, 0.25 * 2 ** min(self.failures, 7))
                    while time.monotonic() < until and not (stop.is_set() or self._stop.is_set()):
                        self._stop.wait(0.25)
        finally:
            self.close()

    def close(self) -> None:
        with self._lock:
            subs, self._subs = self._subs, []
        for _, future in subs:
            if not future.done():
                future.set_exception(RuntimeError("the worker stopped before accepting"))
        with contextlib.suppress(Exception):
            self.flush()
        if self.leases.owned:
            self.leases.release()
        if self.dispatcher is not None:
            self.dispatcher.close()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for fd in (self._pipe_r, self._pipe_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._pipe_r = self._pipe_w = -1
        if self._frozen:  # what was frozen can be collected again, and is freed at exit
            self._frozen = False
            gc.unfreeze()

    def _idle(self) -> None:
        fds = [self._pipe_r]
        if not self.store.sqlite:
            if self._listener is None:
                self._listener = self.store.listener()
            fds.append(self._listener.fileno())
        ready, _, _ = selectors.select(fds, [], [], self.idle_wait)
        if self._pipe_r in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(self._pipe_r, 65536)
        if self._listener is not None and self._listener.fileno() in ready:
            for note in self._listener.notifies(timeout=0):
                if note.channel == PROGRAM_CHANNEL:
                    self._reloaded_at = 0.0

    # ----------------------------------------------------------------------- maintenance

    def refresh_leases(self) -> None:
        gained, _ = self.leases.refresh()
        if gained:
            n = self.store.partitions
            self.cache = {c: s for c, s in self.cache.items() if partition_of(c, n) not in gained}

    def reload(self) -> None:
        """Look for new deployments before the next batch (instead of within ``reload_every``)."""
        self._reloaded_at = 0.0
        self.wake()

    def _maintain(self) -> None:
        if self.leases.due():
            self.refresh_leases()
        if time.time() - self._reloaded_at > self.reload_every:
            self._reloaded_at = time.time()
            marker = self.store.program_marker()
            if marker != self._marker:
                self._marker = marker
                self.program = self.store.load_program()
                self.rules.program = self.program
            fresh = self.store.knowledge()
            self.knowledge.stats, self.knowledge.levers = fresh.stats, fresh.levers

    # --------------------------------------------------------------------------- one step

    def step(self) -> int:
        """One batch and one round of deliveries; returns how much was done (0: idle)."""
        times = self.times
        times.begin()
        self._maintain()
        times.lap("maintain")
        with self._lock:
            subs, self._subs = self._subs, []
            times.waited(time.perf_counter() - self._oldest if subs else 0.0)
        done, full = self._batch(subs)
        sent = self._dispatch(scan=not full and (done == 0 or self._scan_due()))
        times.lap("deliver")
        times.end(done)
        return done + sent + len(subs)

    def _scan_due(self) -> bool:
        """A busy step looks for due retries at most every ``retry_scan`` seconds: the scan is
        a read of its own, about a tenth of a small step, and retries wait seconds anyway."""
        return time.monotonic() - self._scanned >= self.retry_scan

    def drain(self, max_steps: int = 1_000_000) -> int:
        """Step until there is nothing left to do now (tests, ``simulate``-like runs)."""
        if not self.leases.owned:
            self.refresh_leases()
        total = 0
        for _ in range(max_steps):
            n = self.step()
            total += n
            if n == 0 and not self._results:
                return total
        raise RuntimeError(f"still busy after {max_steps} steps")

    def flush(self) -> None:
        """Write the outcomes of deliveries made so far."""
        if self._results and self.dispatcher is not None:
            with self.store.write() as conn:
                self.dispatcher.write(self.store, conn, self._results)
            self._written(self._results)

    def _written(self, results: Iterable[out.Result]) -> None:
        for r in results:
            self._inflight.discard(r.delivery.key)
        self._results = []

    def _batch(
        self, subs: list[tuple[list[Event | Command], Future[AcceptReport]]]
    ) -> tuple[int, bool]:
        store, now = self.store, self.clock.now()
        results, times = self._results, self.times
        self._current = ([], [])
        try:
            with store.write() as conn:
                if results and self.dispatcher is not None:
                    self.dispatcher.write(store, conn, results)
                    times.lap("write")
                # in-process submissions: accepted in this transaction (group commit); their
                # rows are applied from memory when the stored body is the same text
                submitted: dict[str, tuple[str, Event | Command]] = {}
                reports = []
                for items, _ in subs:
                    rows = inbox.rows_of(items, store.partitions, store.clock.now())
                    reports.append(inbox.insert_rows(store, conn, rows, len(items)))
                    by_id = {i.event_id: i for i in items}
                    for row in rows:
                        submitted.setdefault(row[0], (row[5], by_id[row[0]]))
                times.lap("accept")
                owned = self.leases.fence(conn, sorted(self.leases.owned))
                work = self._apply(conn, owned, now, submitted) if owned else None
                times.lap("write")
            times.lap("commit")
            self._failpoint("after-commit")
        except BaseException as exc:
            # nothing of this batch happened: forget what it taught and what it cached
            self.cache.clear()
            fresh = self.store.knowledge()
            self.knowledge.stats, self.knowledge.levers = fresh.stats, fresh.levers
            for _, future in subs:
                future.set_exception(exc)
            if isinstance(exc, Exception) and not isinstance(exc, OperationalError):
                # not the connection: an input the database refuses (say, a value too long
                # for a column). Go on one input per transaction; the one that fails alone
                # is moved to the failed inputs.
                if self._solo and not subs:
                    self._quarantine(exc)
                self._solo = max(self._solo, self.batch_size)
            raise
        if self._solo and work is not None:
            self._solo -= 1
        self._written(results)
        for (_, future), report in zip(subs, reports, strict=True):
            future.set_result(report)
        if work is None:
            return 0, False
        states, sends, n = work
        if len(self.cache) + len(states) > self.cache_size:
            self.cache.clear()
        self.cache.update(states)
        self._sends += [out.Delivery.of(s) for s in sends]
        self.processed += n
        return n, self._more

    def _apply(
        self,
        conn: Any,
        owned: list[int],
        now: float,
        submitted: dict[str, tuple[str, Event | Command]],
    ) -> tuple[dict[str, CustomerState], list[Send], int]:
        store, n_parts = self.store, self.store.partitions
        limit = 1 if self._solo else self.batching.limit(self.times.steps)
        rows = inbox.pending(conn, owned, limit + 1)
        more = len(rows) > limit
        del rows[limit:]
        wakes = customers.due(conn, owned, now, (0 if rows else 1) if self._solo else limit)
        if not self._solo:
            self.batching.observe(limit, len(rows), more)
        self._more = more
        self._current = ([(r[0], r[1], r[2], r[3]) for r in rows], wakes)
        self.rules.paused = journey_controls.paused_in(conn)  # after the inbox: see its docs
        wanted = {r[2] for r in rows}.union(wakes)
        states = customers.states(conn, [c for c in wanted if c not in self.cache])
        self.times.lap("claim")
        rules, cache = self.rules, self.cache
        records_of: list[tuple[Any, ...]] = []
        sends: list[Send] = []
        outbox: list[tuple[Any, ...]] = []
        lessons: list[Learn] = []
        processed: list[tuple[float, int, int]] = []
        failures: list[Failure] = []
        parked: set[str] = set()
        raw: dict[str, str] = {}

        def turn(
            c: str, make: Callable[[], Event | Command | Tick], seq: int | None, kind: str
        ) -> None:
            """Apply one input; a failure leaves the state as it was and is recorded."""
            before = states.get(c) or cache.get(c) or CustomerState(c)
            event_id = None
            try:
                item = make()
                event_id = None if isinstance(item, Tick) else item.event_id
                state, actions = rules(before, item, now)
                text = state.to_json()
                rows_of = [records.record_row(a) for a in actions if type(a) is Record]
                sends_of = [a for a in actions if type(a) is Send]
                outbox_of = [out.outbox_row(s, partition_of(c, n_parts), now) for s in sends_of]
            except Exception as exc:  # the item, not the worker, fails
                self._failpoint("failed-input")  # tests: die with the failure not yet written
                failures.append(
                    Failure(seq, event_id, c, partition_of(c, n_parts), kind, describe(exc))
                )
                states[c], raw[c] = before, before.to_json()
                if kind == "timer":
                    parked.add(c)
                return
            states[c], raw[c] = state, text
            records_of.extend(rows_of)
            sends.extend(sends_of)
            outbox.extend(outbox_of)
            for a in actions:
                if type(a) is Learn:
                    lessons.append(a)
                    self.knowledge.learn((a,))  # at once, as the simulator does

        for seq, event_id, c, kind, event_time, body in rows:
            known = submitted.get(event_id)
            item = known[1] if known is not None and known[0] == body else None
            if item is not None and item.customer_id == c and item.timestamp == event_time:
                turn(c, partial(lambda i: i, item), seq, kind)
            else:
                turn(c, partial(row_item, event_id, c, kind, event_time, body), seq, kind)
            processed.append((now, states[c].applied, seq))
        for c in wakes:
            state = states.get(c) or cache.get(c) or CustomerState(c)
            wake_at = state.wake_at
            if wake_at is not None and wake_at <= now:
                turn(c, Tick, None, "timer")
        self.times.lap("rules")
        customers.save(
            store,
            conn,
            [
                (
                    c,
                    partition_of(c, n_parts),
                    raw.get(c) or s.to_json(),
                    None if c in parked else s.wake_at,
                    now,
                )
                for c, s in states.items()
            ],
        )
        inbox.mark_processed(store, conn, processed)
        deadletters.write(conn, failures, now, self.id)
        self.failed += len(failures)
        out.add(store, conn, outbox)
        records.write(store, conn, records_of)
        knowledge.learn(store, conn, lessons)
        return states, sends, len(rows)

    def _quarantine(self, exc: Exception) -> None:
        """Move the one input (or timer turn) of the failed solo batch to the failed inputs,
        in a transaction of its own."""
        rows, wakes = self._current
        n, now = self.store.partitions, self.clock.now()
        failures = [
            Failure(seq, event_id, c, partition_of(c, n), kind, describe(exc))
            for seq, event_id, c, kind in rows
        ] + [Failure(None, None, c, partition_of(c, n), "timer", describe(exc)) for c in wakes]
        with self.store.write() as conn:
            inbox.set_aside(conn, [r[0] for r in rows], now)
            customers.park(conn, wakes)
            deadletters.write(conn, failures, now, self.id)
        self.failed += len(failures)
        self._current = ([], [])

    def _dispatch(self, *, scan: bool) -> int:
        if self.dispatcher is None:
            self._sends = []
            return 0
        batch, self._sends = self._sends, []
        now = self.clock.now()
        if scan and self.leases.owned:
            self._scanned = time.monotonic()
            skip = self._inflight | {d.key for d in batch}
            with self.store.read() as conn:
                retries = out.due(conn, sorted(self.leases.owned), now, self.batch_size, skip)
            if retries:
                with self.store.write() as conn:
                    out.claim(conn, retries)
                batch += retries
        if not batch:
            return 0
        self._inflight |= {d.key for d in batch}
        results = self.dispatcher.deliver(batch, now)
        self.delivered += len(results)
        self._failpoint("after-delivery")
        self._results += results
        return len(batch)

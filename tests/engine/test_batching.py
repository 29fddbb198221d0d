"""The batch policy: as many inputs as fit in the latency budget, full batches when overloaded."""

from __future__ import annotations

import pytest
from engine_kit import RECEIPT, deployed_store, ev

from journeyscope.engine.batching import BatchPolicy, cost
from journeyscope.engine.phases import PHASES, WorkerStep
from journeyscope.engine.worker import Worker


def step(inputs: int, busy: float) -> WorkerStep:
    """A step of ``busy`` seconds, all of it in the rules phase."""
    seconds = [0.0] * len(PHASES)
    seconds[PHASES.index("rules")] = busy
    return WorkerStep(tuple(seconds), inputs)


def test_cost_separates_the_fixed_part_from_the_part_per_input() -> None:
    steps = [step(n, 0.004 + 0.0001 * n) for n in (10, 50, 200, 400, 30)]
    fixed, per_input = cost(steps)
    assert fixed == pytest.approx(0.004)
    assert per_input == pytest.approx(0.0001)


def test_cost_of_steps_all_the_same_size_is_charged_per_input() -> None:
    assert cost([step(100, 0.02), step(100, 0.03)]) == pytest.approx((0.0, 0.00025))
    assert cost([]) == (0.0, 0.0)


def test_cost_never_goes_negative_on_noise() -> None:
    # bigger steps that happened to be quicker: no negative slope, no negative fixed part
    fixed, per_input = cost([step(10, 0.05), step(400, 0.01)])
    assert fixed == 0.0
    assert per_input > 0.0


def test_the_batch_closes_at_what_fits_in_the_budget() -> None:
    steps = [step(n, 0.005 + 0.0001 * n) for n in (20, 80, 300, 150)]
    policy = BatchPolicy(batch_size=2000, budget=0.025)
    assert policy.limit(steps) == pytest.approx(200, abs=1)  # (25 ms - 5 ms) / 0.1 ms
    assert BatchPolicy(batch_size=120, budget=0.025).limit(steps) == 120
    assert BatchPolicy(batch_size=2000, budget=0.0).limit(steps) == 2000  # no budget


def test_a_budget_under_the_fixed_cost_still_takes_the_floor() -> None:
    steps = [step(n, 0.030 + 0.0001 * n) for n in (20, 80, 300)]
    assert BatchPolicy(batch_size=2000, budget=0.025, floor=50).limit(steps) == 50
    assert BatchPolicy(batch_size=10, budget=0.025, floor=50).limit(steps) == 10


def test_an_overload_lifts_the_budget_until_the_backlog_is_gone() -> None:
    steps = [step(n, 0.005 + 0.0001 * n) for n in (20, 80, 300, 150)]
    policy = BatchPolicy(batch_size=2000, budget=0.025, patience=3)
    for _ in range(3):
        limit = policy.limit(steps)
        assert limit < 2000
        policy.observe(limit, limit, more=True)  # closed by the budget, inputs left behind
    assert policy.limit(steps) == 2000  # overloaded: full batches
    policy.observe(2000, 2000, more=True)
    assert policy.limit(steps) == 2000  # still behind
    policy.observe(2000, 700, more=False)  # caught up
    assert policy.limit(steps) < 2000


def test_a_backlog_that_drains_within_patience_keeps_the_budget() -> None:
    steps = [step(n, 0.005 + 0.0001 * n) for n in (20, 80, 300, 150)]
    policy = BatchPolicy(batch_size=2000, budget=0.025, patience=3)
    for more in (True, True, False, True, True):
        limit = policy.limit(steps)
        policy.observe(limit, limit, more=more)
    assert policy.limit(steps) < 2000


def test_a_negative_budget_is_refused_with_what_to_give() -> None:
    with pytest.raises(ValueError, match="latency budget: -1"):
        BatchPolicy(batch_size=100, budget=-1)


@pytest.mark.parametrize(("budget", "first_step"), [(0.025, 50), (0.0, 300)])
def test_the_worker_takes_what_the_budget_allows_and_then_the_rest(
    sqlite_url: str, budget: float, first_step: int
) -> None:
    store, _ = deployed_store(sqlite_url, RECEIPT)
    with store:
        store.accept([ev(f"c{i}", "Start", "2025-05-05T09:00:00+00:00") for i in range(300)])
        worker = Worker(store, dispatch=False, batch_size=1000, latency_budget=budget)
        # the steps so far say a step costs 30 ms however small: within 25 ms only the floor
        # (50) fits; without a budget, the whole backlog in one batch
        worker.times.steps.extend(step(n, 0.030 + 0.0001 * n) for n in (20, 80, 300))
        worker.refresh_leases()
        worker.step()
        assert worker.processed == first_step
        worker.drain()
        assert worker.processed == 300
        assert store.pending() == 0
        assert store.counts()["outbox"]["pending"] == 300  # one receipt each, none lost


@pytest.mark.slow
def test_the_setting_reaches_the_embedded_worker_and_its_restart(sqlite_url: str) -> None:
    from journeyscope.config import Settings
    from journeyscope.web.deps import EngineContext

    settings = Settings(database_url=sqlite_url, engine_latency_budget=0.01)
    context = EngineContext.open(settings, store=None, embedded_worker=True)
    try:
        first = context.worker
        assert first is not None and first.batching.budget == 0.01
        first.stop()
        again = context.supervise()  # the thread ended: a new worker, the same budget
        assert again is not None and again is not first and again.batching.budget == 0.01
    finally:
        context.close()
    with pytest.raises(ValueError, match="engine_latency_budget"):
        Settings(engine_latency_budget=-1)

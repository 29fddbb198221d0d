"""Phase timings of worker steps, and their summary."""

from __future__ import annotations

import pytest

from journeyscope.engine.phases import PHASES, StepTimes, WorkerStep, summary


def test_laps_add_up_per_phase_and_idle_steps_are_not_kept() -> None:
    times = StepTimes(keep=2)
    times.begin()
    times.lap("maintain")
    times.waited(0.5)
    times.lap("rules")
    times.lap("rules")
    times.end(inputs=3)
    times.begin()
    times.end(inputs=0)  # idle
    assert len(times.steps) == 1
    (kept,) = times.steps
    assert kept.inputs == 3
    assert kept.seconds[PHASES.index("wait")] == 0.5
    assert kept.busy == pytest.approx(sum(kept.seconds) - 0.5)
    for n in (1, 2, 3):
        times.begin()
        times.end(inputs=n)
    assert [s.inputs for s in times.steps] == [2, 3]  # the last ``keep`` steps


def test_summary_gives_percentiles_and_shares_per_phase() -> None:
    def step(commit: float, rules: float, inputs: int) -> WorkerStep:
        seconds = [0.0] * len(PHASES)
        seconds[PHASES.index("commit")] = commit
        seconds[PHASES.index("rules")] = rules
        return WorkerStep(tuple(seconds), inputs)

    steps = [step(0.001, 0.003, 10)] * 99 + [step(0.100, 0.003, 500)]
    out = summary(steps)
    assert out["commit"]["p50"] == pytest.approx(1.0)
    assert out["commit"]["max"] == pytest.approx(100.0)
    assert out["rules"]["share"] == pytest.approx(0.3 / (0.3 + 0.199))
    assert out["busy"]["share"] == pytest.approx(1.0)
    assert out["inputs"]["p99"] == 500
    assert summary([]) == {}

"""Where a worker's time goes: seconds per phase of each step, kept for the last steps.

A step of :class:`~journeyscope.engine.worker.Worker` passes through these phases, in order:

=================  ===================================================================
``wait``           how long the oldest in-process submission had waited when the step
                   began (the batch wait: time an input spends queued, not worker time)
``maintain``       lease renewal and the program / knowledge reload, when due
``accept``         in-process submissions inserted into the inbox
``claim``          fencing the partitions, the pending inbox rows, due timers, states read
``rules``          the transitions (pure core)
``write``          states, processed marks, outbox, engine events, counts written
``commit``         the transaction's commit (the fsync on SQLite)
``deliver``        the retry scan and the calls of the outbox deliveries after the commit
=================  ===================================================================

:class:`StepTimes` records them (``perf_counter`` readings, no I/O) in a ring of the last
``keep`` steps; :func:`summary` turns a list of steps into percentiles per phase, which the
benchmark prints next to the latency it explains.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

PHASES = ("wait", "maintain", "accept", "claim", "rules", "write", "commit", "deliver")


@dataclass(frozen=True, slots=True)
class WorkerStep:
    """One step: seconds per phase (``PHASES`` order) and the inputs it applied."""

    seconds: tuple[float, ...]
    inputs: int

    @property
    def busy(self) -> float:
        """Seconds the worker spent on the step (every phase but the wait)."""
        return sum(self.seconds[1:])


@dataclass(slots=True)
class StepTimes:
    """Phase timings of the steps being made, and of the last ``keep`` steps made."""

    keep: int = 4096
    steps: deque[WorkerStep] = field(init=False)
    _now: dict[str, float] = field(default_factory=dict)
    _mark: float = 0.0

    def __post_init__(self) -> None:
        self.steps = deque(maxlen=self.keep)

    def begin(self) -> None:
        """A step begins."""
        self._now = {}
        self._mark = time.perf_counter()

    def waited(self, seconds: float) -> None:
        """The step took its submissions; the oldest had waited ``seconds``."""
        self._now["wait"] = seconds

    def lap(self, phase: str) -> None:
        """``phase`` ended now (time since the previous lap, added to what it had)."""
        now = time.perf_counter()
        self._now[phase] = self._now.get(phase, 0.0) + now - self._mark
        self._mark = now

    def end(self, inputs: int) -> None:
        """The step ended, having applied ``inputs`` inputs; idle steps are not kept."""
        if inputs:
            self.steps.append(WorkerStep(tuple(self._now.get(p, 0.0) for p in PHASES), inputs))


def summary(steps: Sequence[WorkerStep]) -> dict[str, dict[str, float]]:
    """Per phase (and ``busy``, ``inputs``): ``p50``, ``p99`` and ``max`` of the steps, in ms
    (inputs: a count), and ``share``: the phase's part of all busy time."""
    if not steps:
        return {}
    busy = sum(s.busy for s in steps) or 1.0
    out: dict[str, dict[str, float]] = {}
    columns = [(p, [s.seconds[i] * 1000 for s in steps]) for i, p in enumerate(PHASES)]
    columns.append(("busy", [s.busy * 1000 for s in steps]))
    for name, values in columns:
        out[name] = _percentiles(values) | {"share": sum(values) / 1000 / busy}
    out["inputs"] = _percentiles([float(s.inputs) for s in steps])
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {"p50": at(0.50), "p99": at(0.99), "max": ordered[-1]}

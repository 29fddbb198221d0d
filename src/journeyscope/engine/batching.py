"""How many inputs a worker's next batch takes: as many as fit in the latency budget.

An input waits for the step running when it arrives, then for its own step; so its latency is
about two steps. A backlog (after a pause: a collection, a checkpoint, a slow disk) makes the
next step long, and every input in it waits for that step's one commit. The batch therefore
closes at the number of inputs the worker can apply within ``budget`` seconds, estimated from
the last steps (:func:`cost`: a fixed part per step plus a part per input); the oldest inputs
go first and are out within the budget, the rest follow in the next steps.

A backlog that outlasts ``patience`` steps in a row closed by the budget is an overload: the
inputs' latency is lost anyway, and small batches would only lower the rate (each step pays
the commit). Then the batch takes up to ``batch_size`` again until the backlog is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from journeyscope.engine.phases import WorkerStep


def cost(steps: Sequence[WorkerStep]) -> tuple[float, float]:
    """``(fixed, per_input)`` seconds of a step, fitted by least squares to the busy time of
    ``steps`` (the busy time without the batch wait); ``(0, busy / inputs)`` when the steps
    do not tell the two apart (all the same size)."""
    xs = [float(s.inputs) for s in steps if s.inputs]
    ys = [s.busy for s in steps if s.inputs]
    if not xs:
        return 0.0, 0.0
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0.0:
        return 0.0, my / mx
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    if slope <= 0.0:  # noise larger than the signal: charge it all per input
        return 0.0, my / mx
    return max(0.0, my - slope * mx), slope


@dataclass(slots=True)
class BatchPolicy:
    """The size of the next batch: ``batch_size`` at most, what fits in ``budget`` seconds
    (``0``: no budget) but never under ``floor``, unless overloaded (see the module)."""

    batch_size: int
    budget: float = 0.0
    floor: int = 50
    patience: int = 4
    window: int = 64
    closed: int = 0  # steps in a row closed by the budget with inputs left behind

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError(f"latency budget: {self.budget} s; give 0 (none) or more")

    def limit(self, steps: Sequence[WorkerStep]) -> int:
        """Inputs for the next batch, given the last steps made (oldest first)."""
        if not self.budget or self.closed >= self.patience:
            return self.batch_size
        fixed, per_input = cost(list(islice(reversed(steps), self.window)))
        if per_input <= 0.0:
            return self.batch_size
        fits = int((self.budget - fixed) / per_input)
        return max(min(self.floor, self.batch_size), min(self.batch_size, fits))

    def observe(self, limit: int, taken: int, more: bool) -> None:
        """The batch took ``taken`` of ``limit`` inputs; ``more``: inputs were left behind."""
        if more and limit < self.batch_size and taken >= limit:
            self.closed += 1
        elif not more:
            self.closed = 0

"""What really happened at each designed step: the small typed input of the actual overlay.

The journey map draws these numbers on top of the design. They are plain per-step numbers,
so the map does not depend on which analyses exist: the report fills them from conformance,
funnels and emotion results; a test or a notebook can write them by hand.

>>> overlay = JourneyOverlay(cases=1000, steps={"apply": StepActual(cases=800, drop_off=0.1)})
>>> overlay.step("apply").share_of(overlay.cases)
0.8
>>> overlay.step("unknown").cases is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StepActual:
    """Measured numbers for one step; every field is optional (``None``: not measured)."""

    cases: int | None = None
    """Cases that reached the step (at least one event of its activities)."""
    drop_off: float | None = None
    """Share (0..1) of the cases reaching the step whose journey ended there without the
    outcome."""
    median_seconds: float | None = None
    """Median time from the previous step to this one."""
    felt_emotion: float | None = None
    """Felt emotion on the design's scale -2 ... +2 (from sentiment and survey answers)."""
    felt_n: int | None = None
    """How many measurements the felt emotion rests on."""
    conformance: float | None = None
    """Share (0..1) of the moves into the step that the design allows."""
    late: float | None = None
    """Share (0..1) of the arrivals that broke the step's time limit."""

    def share_of(self, total: int | None) -> float | None:
        """``cases`` as a share of ``total`` (``None`` when either is unknown)."""
        if self.cases is None or not total:
            return None
        return self.cases / total


@dataclass(frozen=True)
class JourneyOverlay:
    """Actual numbers per step id, and how they were measured."""

    steps: Mapping[str, StepActual] = field(default_factory=dict)
    cases: int | None = None
    """Cases in scope (the base of shares)."""
    reached_outcome: int | None = None
    label: str = "actual"
    """What the numbers are, e.g. '12,345 cases, 2025'."""
    notes: tuple[str, ...] = ()
    """How the numbers were computed (shown under the map)."""

    def step(self, step_id: str) -> StepActual:
        """The numbers of a step (all ``None`` when the step was not measured)."""
        return self.steps.get(step_id, StepActual())

    @property
    def has_emotion(self) -> bool:
        return any(s.felt_emotion is not None for s in self.steps.values())

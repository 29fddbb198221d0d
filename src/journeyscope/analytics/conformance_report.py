"""The executed result of conformance (:class:`ConformanceReport`) and how the collected rows
become one."""

from __future__ import annotations

import math
from typing import Any, Final

from pydantic import BaseModel

from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.conformance_replay import DEVIATIONS
from journeyscope.analytics.semantics import stated
from journeyscope.definitions.models import Journey


class Fitness(BaseModel):
    """Distribution of case fitness."""

    mean: float
    min: float
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    perfect: float
    """Share of cases with fitness 1 (every move allowed)."""


class Instead(BaseModel):
    """What customers did when they left the designed path at a step."""

    to: str
    """A step id, an unclaimed activity, or ``(end)``."""
    kind: str
    deviation: str | None
    count: int
    cases: int


class StepConformance(BaseModel):
    """One step: how customers arrive, and where they leave the designed path."""

    id: str
    name: str
    stage: str
    cases: int
    visits: int
    entries: int
    entered_midway: int
    arrived_off_path: int
    """Moves into the step that the design does not allow."""
    late: int
    """Moves into the step that broke its time limit."""
    moves_out: int
    off_path: int
    """Moves out of the step that the design does not allow (unclaimed activities included)."""
    cases_off_path: int
    left_here: int
    """Cases that ended here without reaching the outcome or a designed exit."""
    ended_here: int
    instead: list[Instead]
    """The most frequent moves off the designed path from this step."""


class TransitionConformance(BaseModel):
    """One kind of move, counted."""

    kind: str
    from_step: str | None
    to: str
    allowed: bool
    deviation: str | None
    count: int
    cases: int


class ConformanceReport(BaseModel):
    """The executed result of :class:`Conformance`, ready for JSON."""

    journey: str
    case_rule: str
    cases: int
    reached_outcome: int
    fitness: Fitness
    deviations: dict[str, int]
    """Count of each deviation type (every type listed, zeros included)."""
    cases_with: dict[str, int]
    """Cases with at least one deviation of each type."""
    steps: list[StepConformance]
    transitions: list[TransitionConformance]
    """The most frequent moves, allowed or not."""
    definitions: dict[str, str]
    semantics: str = ""


#: Which cases conformance replays.
SCOPE: Final = "cases with an event of a regular (not anytime) step of the design"


def build_report(
    journey: Journey,
    rule: CaseRule,
    summary: dict[str, Any],
    by_type: dict[str, tuple[int, int]],
    steps: list[dict[str, Any]],
    moved: list[dict[str, Any]],
    top: int,
    limit: int,
) -> ConformanceReport:
    cases = int(summary["cases"] or 0)

    def num(value: Any) -> float:
        return (
            0.0
            if value is None or (isinstance(value, float) and math.isnan(value))
            else float(value)
        )

    fitness = Fitness(
        mean=num(summary["mean"]),
        min=num(summary["min"]),
        p10=num(summary["p10"]),
        p25=num(summary["p25"]),
        p50=num(summary["p50"]),
        p75=num(summary["p75"]),
        p90=num(summary["p90"]),
        perfect=num(summary["perfect"]) / cases if cases else 0.0,
    )
    off = [m for m in moved if not m["allowed"] and m["from_step"] is not None]
    step_reports = []
    for s in steps:
        instead = [
            Instead(
                to=m["target"],
                kind=m["kind"],
                deviation=m["deviation"],
                count=m["count"],
                cases=m["cases"],
            )
            for m in off
            if m["from_step"] == s["step"]
        ][:top]
        step_reports.append(
            StepConformance(
                id=s["step"],
                name=s["name"],
                stage=s["stage"],
                **{
                    k: int(s[k])
                    for k in StepConformance.model_fields
                    if k in s and k not in ("name", "stage")
                },
                instead=instead,
            )
        )
    return ConformanceReport(
        journey=journey.id,
        case_rule=rule.describe(),
        cases=cases,
        reached_outcome=int(summary["reached_outcome"] or 0),
        fitness=fitness,
        deviations={t: by_type.get(t, (0, 0))[0] for t in DEVIATIONS},
        cases_with={t: by_type.get(t, (0, 0))[1] for t in DEVIATIONS},
        steps=step_reports,
        transitions=[
            TransitionConformance(
                kind=m["kind"],
                from_step=m["from_step"],
                to=m["target"],
                allowed=bool(m["allowed"]),
                deviation=m["deviation"],
                count=int(m["count"]),
                cases=int(m["cases"]),
            )
            for m in moved[:limit]
        ],
        definitions=dict(DEVIATIONS),
        semantics=stated(
            rule,
            design=journey,
            filters=[SCOPE],
        )
        + "; fitness = allowed moves / moves per case; a deviation is one of the types in "
        "definitions; moves are between visits (consecutive events of a step are one visit)",
    )

"""What changed between two versions of a design: as text, and as the journey map sees it.

:func:`text_diff` is the unified diff of the YAML (what ``diff -u`` prints).
:func:`map_changes` compares the two journeys as models: stages, steps (and, for a step kept,
which of its lanes changed: name, activities, channels, customer action, emotion, moment of
truth, pain points, opportunities, blueprint, stage), touchpoints, transitions, personas and
the outcome, each as a :class:`Change` of kind ``added``, ``removed`` or ``changed``. Steps
and stages are matched by id, touchpoints by name within their step, transitions by their
ends: renaming an id reads as one removed and one added.

>>> from journeyscope.definitions import parse_journey
>>> base = ("{id: j, name: J, job_to_be_done: x, outcome: {description: done, step: b},"
...     " stages: [{id: s, name: S, steps: [{id: a, name: A}, {id: b, name: B}]}]}")
>>> old = parse_journey(base)
>>> new = parse_journey(base.replace("name: A}", "name: Apply}"))
>>> [c.summary for c in map_changes(old, new)]
["step 'a' changed: name 'A' → 'Apply'"]
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from journeyscope.definitions.models import Journey, Step

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One change in the map: ``kind`` of ``what`` (``journey``, ``stage``, ``step``,
    ``touchpoint``, ``transition``, ``persona``, ``outcome``) identified by ``ref``; ``details`` for a change."""

    kind: Kind
    what: str
    ref: str
    details: tuple[str, ...] = ()
    step: str | None = None
    """The step it belongs to (touchpoints; the step itself for steps)."""

    @property
    def summary(self) -> str:
        head = f"{self.what} {self.ref!r} {self.kind}"
        return head + (": " + "; ".join(self.details) if self.details else "")


def text_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """The unified diff of two YAML texts (three lines of context)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
        )
    )


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(str(text).split())
    return repr(text if len(text) <= 60 else text[:57] + "...") if isinstance(value, str) else text


#: The lanes of a step compared, as (label, how to read it from the step).
_LANES: tuple[tuple[str, Callable[[Step], Any]], ...] = (
    ("name", lambda s: s.name),
    ("activities", lambda s: list(s.activities)),
    ("channels", lambda s: list(s.channels)),
    ("customer action", lambda s: s.blueprint.customer_action or s.description),
    ("emotion", lambda s: s.emotion),
    ("moment of truth", lambda s: s.moment_of_truth.why if s.moment_of_truth else None),
    ("pain points", lambda s: list(s.pain_points)),
    ("opportunities", lambda s: list(s.opportunities)),
    ("blueprint", lambda s: s.blueprint.model_dump(exclude={"customer_action"})),
    ("time limit", lambda s: str(s.time_limit) if s.time_limit else None),
    ("optional", lambda s: s.optional),
    ("any time", lambda s: s.anytime),
)


def _list_change(label: str, old: list[Any], new: list[Any]) -> str:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    parts = [f"+{_short(x)}" for x in added] + [f"−{_short(x)}" for x in removed]
    return f"{label} {', '.join(parts)}" if parts else f"{label} reordered"


def _step_details(old: Step, new: Step, old_stage: str, new_stage: str) -> list[str]:
    details = []
    for label, read in _LANES:
        a, b = read(old), read(new)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            details.append(_list_change(label, a, b))
        elif label == "blueprint":
            lanes = sorted(k for k in a if a[k] != b[k])
            details.append("blueprint " + ", ".join(k.replace("_", " ") for k in lanes))
        else:
            details.append(f"{label} {_short(a)} → {_short(b)}")
    if old_stage != new_stage:
        details.append(f"moved from stage {old_stage!r} to {new_stage!r}")
    return details


def _touchpoints(old: Step, new: Step) -> list[Change]:
    before = {t.name: t for t in old.touchpoints}
    after = {t.name: t for t in new.touchpoints}
    out = [Change("added", "touchpoint", n, step=new.id) for n in after if n not in before]
    out += [Change("removed", "touchpoint", n, step=new.id) for n in before if n not in after]
    for name in after:
        if name in before and before[name] != after[name]:
            a, b = before[name], after[name]
            details = tuple(
                f"{f} {_short(getattr(a, f))} → {_short(getattr(b, f))}"
                for f in ("channel", "description")
                if getattr(a, f) != getattr(b, f)
            )
            out.append(Change("changed", "touchpoint", name, details, step=new.id))
    return out


def _stage_of(journey: Journey) -> dict[str, str]:
    return {step.id: stage.id for stage in journey.stages for step in stage.steps}


def map_changes(old: Journey, new: Journey) -> list[Change]:
    """Every change from ``old`` to ``new`` in the order a reader scans the map."""
    out: list[Change] = []
    header = tuple(
        f"{f.replace('_', ' ')} {_short(getattr(old, f))} → {_short(getattr(new, f))}"
        for f in ("name", "job_to_be_done", "description", "owner")
        if getattr(old, f) != getattr(new, f)
    )
    if header:
        out.append(Change("changed", "journey", new.id, header))
    old_stages = {s.id: s for s in old.stages}
    new_stages = {s.id: s for s in new.stages}
    for sid, stage in new_stages.items():
        if sid not in old_stages:
            out.append(Change("added", "stage", sid, (f"name {stage.name!r}",)))
        else:
            before = old_stages[sid]
            details = tuple(
                f"{f} {_short(getattr(before, f))} → {_short(getattr(stage, f))}"
                for f in ("name", "goal", "description")
                if getattr(before, f) != getattr(stage, f)
            )
            if details:
                out.append(Change("changed", "stage", sid, details))
    out += [Change("removed", "stage", sid) for sid in old_stages if sid not in new_stages]
    old_steps = {s.id: s for s in old.steps}
    new_steps = {s.id: s for s in new.steps}
    old_of, new_of = _stage_of(old), _stage_of(new)
    for sid, step in new_steps.items():
        if sid not in old_steps:
            out.append(Change("added", "step", sid, (f"in stage {new_of[sid]!r}",), step=sid))
            continue
        lanes = _step_details(old_steps[sid], step, old_of[sid], new_of[sid])
        if lanes:
            out.append(Change("changed", "step", sid, tuple(lanes), step=sid))
        out += _touchpoints(old_steps[sid], step)
    out += [Change("removed", "step", sid, step=sid) for sid in old_steps if sid not in new_steps]
    before_moves = {(t.source, t.target): t for t in old.transitions}
    after_moves = {(t.source, t.target): t for t in new.transitions}
    for key in after_moves:
        if key not in before_moves:
            out.append(Change("added", "transition", f"{key[0]} → {key[1]}"))
        elif before_moves[key] != after_moves[key]:
            out.append(Change("changed", "transition", f"{key[0]} → {key[1]}", ("loop or label",)))
    out += [
        Change("removed", "transition", f"{k[0]} → {k[1]}")
        for k in before_moves
        if k not in after_moves
    ]
    old_people = {p.id: p for p in old.personas}
    new_people = {p.id: p for p in new.personas}
    out += [Change("added", "persona", p) for p in new_people if p not in old_people]
    out += [Change("removed", "persona", p) for p in old_people if p not in new_people]
    out += [
        Change("changed", "persona", p)
        for p in new_people
        if p in old_people and new_people[p] != old_people[p]
    ]
    if old.outcome != new.outcome:
        details = tuple(
            f"{f} {_short(getattr(old.outcome, f))} → {_short(getattr(new.outcome, f))}"
            for f in ("description", "step", "activities", "within")
            if getattr(old.outcome, f) != getattr(new.outcome, f)
        )
        out.append(Change("changed", "outcome", "outcome", details))
    return out

"""Orchestrated journeys: triggers, steps, waits, branches, goals and exits, as YAML.

An orchestrated journey says how the engine accompanies customers through a *designed*
journey (``designed_journey`` and each step's ``designed_step`` name the designed journey and
its steps; they are references, kept as text)::

    journey: tenancy-documents          # id
    version: 1
    designed_journey: tenancy
    re_entry: after_exit                # never | anytime | after_exit
    holdout: 0.1                        # per-journey control group (stable hash)
    triggers:
      - event: Start housing application            # reactive: this event starts it
        when: "event.channel in ('web', 'app')"
      - after: Start housing application            # proactive: fires when the expected
        expect: Upload documents                    # event does NOT arrive in time
        within: 3d
    goals:  [{event: Upload documents}]             # checked the moment an event arrives
    exits:  [{event: Withdraw application}, {when: "profile.opted_out"}]
    steps:                                          # the first step is where it starts
      wait-upload:
        designed_step: Upload documents
        wait: {event: Upload documents, timeout: 2d}
        on_event: end
        on_timeout: remind
      remind:
        invoke: document_reminder
        input: {deadline: "now + 86400"}
        next: end

Step kinds (one per step): ``invoke`` an interaction object; ``decide`` between candidates
(arbitration); ``wait`` for a ``duration``, for an ``event`` (with an optional ``timeout``) or
``until`` a local-time window (``{between: ["09:00", "17:00"], days: [mon, tue]}``);
``branch`` on conditions (with ``otherwise``); ``experiment`` with weighted variants;
or none (just ``next``). ``next: end`` (or no ``next``) completes the journey.
``set: {name: expression}`` stores journey variables when a step is entered.

Versions are immutable: customers stay on the version they entered; migration is explicit.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from journeyscope.engine.core.conditions import Condition, Expression
from journeyscope.engine.core.localtime import Duration, Window, parse_duration, zone
from journeyscope.errors import JourneyDefinitionError, JourneyscopeError

END = "end"

Names = str | list[str]


def _names(value: Names | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TriggerSpec(_Spec):
    """Reactive (``event``) or proactive (``after`` + ``expect`` + ``within``)."""

    event: Names | None = None
    channel: Names | None = None
    when: str | None = None
    after: Names | None = None
    expect: Names | None = None
    within: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TriggerSpec:
        proactive = [self.after, self.expect, self.within]
        if self.event is not None and any(p is not None for p in proactive):
            raise ValueError("a trigger is reactive (event) or proactive (after/expect/within)")
        if self.event is None and not all(p is not None for p in proactive):
            raise ValueError("a proactive trigger needs after, expect and within")
        return self


class MatchSpec(_Spec):
    """An event pattern and/or a condition (goals and exits)."""

    name: str | None = None
    event: Names | None = None
    channel: Names | None = None
    when: str | None = None

    @model_validator(mode="after")
    def _something(self) -> MatchSpec:
        if self.event is None and self.when is None:
            raise ValueError("give an event, a condition (when), or both")
        return self


class LocalTimeSpec(_Spec):
    between: tuple[str, str]
    days: list[str] | None = None


class WaitSpec(_Spec):
    duration: str | None = None
    event: Names | None = None
    channel: Names | None = None
    when: str | None = None
    timeout: str | None = None
    until: LocalTimeSpec | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> WaitSpec:
        kinds = [k for k in ("duration", "event", "until") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a wait has exactly one of: duration, event, until")
        if self.timeout is not None and self.event is None:
            raise ValueError("timeout only goes with a wait for an event")
        return self


class BranchSpec(_Spec):
    when: str
    next: str


class VariantSpec(_Spec):
    name: str
    weight: float = Field(default=1.0, gt=0)
    next: str


class ExperimentSpec(_Spec):
    name: str
    variants: list[VariantSpec] = Field(min_length=2)


class DecideSpec(_Spec):
    candidates: list[str] = Field(min_length=1)
    context: str | None = None  # expression naming the context the propensity is learned in


class StepSpec(_Spec):
    designed_step: str | None = None
    set: dict[str, str] = Field(default_factory=dict)
    invoke: str | None = None
    input: dict[str, str] = Field(default_factory=dict)
    decide: DecideSpec | None = None
    wait: WaitSpec | None = None
    branch: list[BranchSpec] | None = None
    otherwise: str | None = None
    experiment: ExperimentSpec | None = None
    next: str | None = None
    on_event: str | None = None
    on_timeout: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> StepSpec:
        kinds = [
            k for k in ("invoke", "decide", "wait", "branch", "experiment") if getattr(self, k)
        ]
        if len(kinds) > 1:
            raise ValueError(f"a step does one thing; this one has {', '.join(kinds)}")
        if self.input and not self.invoke:
            raise ValueError("input goes with invoke")
        if (self.on_event or self.on_timeout) and not (self.wait and self.wait.event):
            raise ValueError("on_event/on_timeout go with a wait for an event")
        return self

    @property
    def kind(self) -> str:
        for k in ("invoke", "decide", "wait", "branch", "experiment"):
            if getattr(self, k):
                return k
        return "pass"

    def targets(self) -> list[str]:
        found = [self.next, self.otherwise, self.on_event, self.on_timeout]
        found += [b.next for b in self.branch or []]
        found += [v.next for v in (self.experiment.variants if self.experiment else [])]
        return [t for t in found if t is not None]


class JourneySpec(_Spec):
    journey: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    version: int = Field(default=1, ge=1)
    name: str = ""
    description: str = ""
    designed_journey: str | None = None
    re_entry: Literal["never", "anytime", "after_exit"] = "after_exit"
    holdout: float = Field(default=0.0, ge=0.0, le=1.0)
    lateness: str | None = None
    timezone: str | None = None
    triggers: list[TriggerSpec] = Field(default_factory=list)
    goals: list[MatchSpec] = Field(default_factory=list)
    exits: list[MatchSpec] = Field(default_factory=list)
    steps: dict[str, StepSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> JourneySpec:
        if self.timezone is not None:
            try:  # refused at deploy, not when a wait starts
                zone(self.timezone)
            except JourneyscopeError as exc:
                raise ValueError(str(exc)) from exc
        if END in self.steps:
            raise ValueError(f"{END!r} is reserved: it means the journey is complete")
        for step_id, step in self.steps.items():
            for target in step.targets():
                if target != END and target not in self.steps:
                    raise ValueError(f"step {step_id!r} goes to {target!r}, which is no step")
        return self

    def digest(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------ compiled form


@dataclass(frozen=True, slots=True)
class Pattern:
    """Matches an event by activity (exact names or globs), channel and a condition."""

    names: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()
    channels: frozenset[str] = frozenset()
    when: Condition | None = None
    any_activity: bool = False

    @classmethod
    def of(
        cls, event: Names | None, channel: Names | None = None, when: str | None = None
    ) -> Pattern:
        names = _names(event)
        globs = tuple(n for n in names if any(ch in n for ch in "*?["))
        return cls(
            names=frozenset(n for n in names if n not in globs),
            globs=globs,
            channels=frozenset(_names(channel)),
            when=Condition(when) if when else None,
            any_activity=event is None,
        )

    def activity_matches(self, activity: str) -> bool:
        if self.any_activity or activity in self.names:
            return True
        return any(fnmatch.fnmatchcase(activity, g) for g in self.globs)

    def matches(self, activity: str, channel: str | None, names: dict[str, Any] | None) -> bool:
        if not self.activity_matches(activity):
            return False
        if self.channels and channel not in self.channels:
            return False
        return self.when is None or (names is not None and self.when(names))

    def describe(self) -> str:
        parts = sorted(self.names) + list(self.globs)
        text = " | ".join(parts) if parts else "any event"
        if self.when is not None:
            text += f" when {self.when.text}"
        return text


@dataclass(frozen=True, slots=True)
class Watch:
    """A proactive trigger: after ``after``, expect ``expect`` within ``within``."""

    index: int
    after: Pattern
    expect: Pattern
    within: Duration


@dataclass(frozen=True)
class OrchestratedStep:
    """One compiled step of an orchestrated journey (the designed journey's step is
    :class:`journeyscope.definitions.models.Step`)."""

    id: str
    spec: StepSpec
    kind: str
    input: dict[str, Expression] = field(default_factory=dict)
    set: dict[str, Expression] = field(default_factory=dict)
    duration: Duration | None = None
    awaited: Pattern | None = None
    timeout: Duration | None = None
    window: Window | None = None
    branches: tuple[tuple[Condition, str], ...] = ()
    context: Expression | None = None

    @property
    def next(self) -> str:
        return self.spec.next or END


@dataclass(frozen=True)
class OrchestratedJourney:
    """An orchestrated journey compiled from its :class:`JourneySpec` (the designed journey,
    the one drawn and analysed, is :class:`journeyscope.definitions.models.Journey`)."""

    spec: JourneySpec
    triggers: tuple[Pattern, ...]
    watches: tuple[Watch, ...]
    goals: tuple[tuple[str, Pattern], ...]
    exits: tuple[tuple[str, Pattern], ...]
    steps: dict[str, OrchestratedStep]
    start: str
    digest: str
    lateness: Duration | None
    trigger_activities: frozenset[str] | None  # None: some trigger matches by glob/any

    @property
    def id(self) -> str:
        return self.spec.journey

    @property
    def version(self) -> int:
        return self.spec.version

    def step(self, step_id: str) -> OrchestratedStep:
        from journeyscope.errors import JourneyNotFoundError

        if step_id not in self.steps:
            raise JourneyNotFoundError(
                f"journey {self.id!r} version {self.version} has no step {step_id!r} "
                f"(steps: {', '.join(self.steps)})"
            )
        return self.steps[step_id]


def _compile_step(step_id: str, spec: StepSpec) -> OrchestratedStep:
    wait = spec.wait
    return OrchestratedStep(
        id=step_id,
        spec=spec,
        kind=spec.kind,
        input={k: Expression(v) for k, v in spec.input.items()},
        set={k: Expression(v) for k, v in spec.set.items()},
        duration=parse_duration(wait.duration) if wait and wait.duration else None,
        awaited=Pattern.of(wait.event, wait.channel, wait.when) if wait and wait.event else None,
        timeout=parse_duration(wait.timeout) if wait and wait.timeout else None,
        window=Window.of(*wait.until.between, wait.until.days) if wait and wait.until else None,
        branches=tuple((Condition(b.when), b.next) for b in spec.branch or []),
        context=Expression(spec.decide.context) if spec.decide and spec.decide.context else None,
    )


def _labelled(items: list[MatchSpec], kind: str) -> tuple[tuple[str, Pattern], ...]:
    out = []
    for i, m in enumerate(items):
        label = m.name or (" | ".join(_names(m.event)) if m.event else f"{kind} {i + 1}")
        out.append((label, Pattern.of(m.event, m.channel, m.when)))
    return tuple(out)


def compile_journey(spec: JourneySpec) -> OrchestratedJourney:
    """Compile conditions and durations; raises :class:`JourneyDefinitionError` on bad ones."""
    try:
        reactive = [t for t in spec.triggers if t.event is not None]
        triggers = tuple(Pattern.of(t.event, t.channel, t.when) for t in reactive)
        watches = tuple(
            Watch(
                i,
                Pattern.of(t.after, t.channel, t.when),
                Pattern.of(t.expect),
                parse_duration(t.within or ""),
            )
            for i, t in enumerate(spec.triggers)
            if t.event is None
        )
        activities: set[str] | None = set()
        for p in triggers + tuple(w.after for w in watches):
            if p.globs or p.any_activity:
                activities = None
            elif activities is not None:
                activities |= p.names
        return OrchestratedJourney(
            spec=spec,
            triggers=triggers,
            watches=watches,
            goals=_labelled(spec.goals, "goal"),
            exits=_labelled(spec.exits, "exit"),
            steps={k: _compile_step(k, v) for k, v in spec.steps.items()},
            start=next(iter(spec.steps)),
            digest=spec.digest(),
            lateness=parse_duration(spec.lateness) if spec.lateness else None,
            trigger_activities=frozenset(activities) if activities is not None else None,
        )
    except JourneyDefinitionError as exc:
        raise JourneyDefinitionError(f"journey {spec.journey!r} v{spec.version}: {exc}") from exc


class JourneysFile(_Spec):
    """A file of several journeys that work together (``journeys:`` is a list)."""

    journeys: list[JourneySpec] = Field(min_length=1)


def load_journeys(path: Path) -> list[JourneySpec]:
    """Read a journey file (``journey:`` at the top) or a file of them (``journeys:``); errors
    name the file, the line and the field."""
    from journeyscope.errors import JourneyscopeError
    from journeyscope.yamlfile import load_model, safe_load

    try:
        top = safe_load(path.read_text(encoding="utf-8"), str(path), JourneyDefinitionError)
    except (OSError, UnicodeDecodeError, JourneyscopeError):
        top = None  # load_model below reports the problem with its line
    if isinstance(top, dict) and "journeys" in top:
        specs = load_model(path, JourneysFile, JourneyDefinitionError).journeys
    else:
        specs = [load_model(path, JourneySpec, JourneyDefinitionError)]
    for spec in specs:
        try:
            compile_journey(spec)
        except JourneyDefinitionError as exc:
            raise JourneyDefinitionError(f"{path}: {exc}") from exc
    return specs

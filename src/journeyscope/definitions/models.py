"""Designed journeys as data: the pydantic models behind a journey definition file.

A journey definition is what a service designer writes down: the job the customer is trying
to get done, the outcome they want, the stages and steps of the designed experience with
the channels, touchpoints and service blueprint behind each step, the emotion each step
should leave, the moments of truth, and the moves between steps the design allows. The
same file tells analytics which recorded activities mean "this step happened", so the
designed journey can be compared with what customers really do.

Other layers rely on these models:

* the orchestration engine refers to a journey by :attr:`Journey.id` and to its steps by
  :attr:`Step.id` — both are stable, lower-case identifiers;
* the journey map and service blueprint renderers read stages, steps, emotions, moments of
  truth and blueprint lanes;
* conformance (:mod:`journeyscope.analytics.conformance`) reads the activities, the
  transition graph, the outcome and the time limits.

The models check the shape of each field. Whether the parts fit together (unique ids,
transitions that name existing steps, no cycles except loops marked as such) is checked by
:func:`journeyscope.definitions.loader.check_journey`, which knows the file and line of each
problem when the journey comes from a file.

>>> journey = Journey.model_validate({
...     "id": "renew_passport",
...     "name": "Renew a passport",
...     "job_to_be_done": "When my passport expires, I want a new one before I travel.",
...     "outcome": {"description": "The new passport is delivered", "step": "receive"},
...     "stages": [{"id": "apply", "name": "Apply", "steps": [
...         {"id": "apply_online", "name": "Apply online", "activities": ["Application sent"]},
...         {"id": "receive", "name": "Receive the passport", "activities": ["Passport sent"],
...          "time_limit": "3 weeks"},
...     ]}],
... })
>>> [s.id for s in journey.steps]
['apply_online', 'receive']
>>> journey.step("receive").time_limit
datetime.timedelta(days=21)
>>> [(t.source, t.target) for t in journey.flow()]
[('apply_online', 'receive')]
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from journeyscope import durations

#: Version of the definition file format (the ``version`` field). Bumped only on a
#: change that old files cannot be read with.
FORMAT_VERSION: Final = 1

#: Pattern of every identifier (journey, stage, step, persona, variant): what the engine and
#: URLs use, so lower case, digits and ``_`` only.
ID_PATTERN: Final = r"^[a-z][a-z0-9_]*$"

DURATION_PATTERN: Final = durations.PATTERN


def parse_duration(value: Any) -> Any:
    """Read ``"90 minutes"``, ``"48h"``, ``"5 days"``, ``"2w"`` as a :class:`~datetime.timedelta`
    (the one grammar of :mod:`journeyscope.durations`).

    Other values are passed on unchanged, for pydantic to accept (a ``timedelta``) or reject.

    >>> parse_duration("48h"), parse_duration("2 weeks")
    (datetime.timedelta(days=2), datetime.timedelta(days=14))
    """
    if isinstance(value, str):
        try:
            return timedelta(seconds=durations.parse(value).total_seconds)
        except durations.DurationError:
            raise ValueError(
                f"{value!r} is not a duration; write a number and a unit, "
                "e.g. '30 minutes', '48 hours', '5 days' or '2 weeks'"
            ) from None
    return value


def format_duration(value: timedelta) -> str:
    """Write a duration the way a designer would: the largest whole unit.

    >>> format_duration(timedelta(days=14)), format_duration(timedelta(hours=36))
    ('2 weeks', '36 hours')
    """
    seconds = int(value.total_seconds())
    for name, size in (("weeks", 604800), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {name[:-1] if n == 1 else name}"
    return f"{seconds} seconds"


#: A length of time, written ``"48 hours"``, ``"5 days"``, ``"2w"``...
Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A length of time: a number and a unit, e.g. '30 minutes', "
            "'48 hours', '5 days', '2 weeks'.",
            "examples": ["48 hours", "5 days"],
        }
    ),
]

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=64,
    ),
]

#: Expected emotion: -2 (very negative) ... +2 (very positive).
Emotion = Annotated[int, Field(ge=-2, le=2)]


class _Model(BaseModel):
    """Base: unknown fields are errors, names are used as written (``from`` is aliased)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


class Persona(_Model):
    """Someone the journey is designed for."""

    id: Id
    """Stable identifier: lower-case letters, digits and '_' (e.g. first_time_renter)."""
    name: str
    """Short name, e.g. 'First-time renter'."""
    description: str = ""
    segment: str | None = None
    """The value of the data's segment property these customers carry, if any."""
    needs: list[str] = Field(default_factory=list)
    """What they need from the journey, in their words."""


class Outcome(_Model):
    """The outcome the customer wants: reaching it means the journey did its job.

    Give the goal as a step (``step``), as recorded activities (``activities``), or both;
    a case reaches the outcome when it has an event of any of those activities.
    """

    description: str
    """The desired outcome in the customer's words, e.g. 'I have the keys to my new home'."""
    step: Id | None = None
    """The step whose activities mean the outcome was reached."""
    activities: list[str] = Field(default_factory=list)
    """Further activities that mean the outcome was reached."""
    within: Duration | None = None
    """Time limit from the case's first event to the outcome."""


class Touchpoint(_Model):
    """Where the customer meets the organisation in a step: a page, a letter, a desk."""

    name: str
    channel: str | None = None
    """web, app, phone, branch, email, letter, chat, field visit, ..."""
    description: str = ""


class Interaction(_Model):
    """The step as an interaction object: what flows in and out and how it helps."""

    purpose: str = ""
    """How the interaction helps the customer decide or act."""
    inputs: list[str] = Field(default_factory=list)
    """Data the interaction needs (from the customer or other systems)."""
    outputs: list[str] = Field(default_factory=list)
    """Data or decisions the interaction produces."""
    on_demand: bool = False
    """Customers can invoke it themselves, wherever they are in the journey."""


class Blueprint(_Model):
    """Service-blueprint lanes for one step, from the customer to the systems."""

    customer_action: str = ""
    """What the customer does."""
    frontstage: list[str] = Field(default_factory=list)
    """What the organisation does where the customer sees it (people and interfaces)."""
    backstage: list[str] = Field(default_factory=list)
    """What staff do out of the customer's sight."""
    support_processes: list[str] = Field(default_factory=list)
    """Internal processes and partners that make the step possible."""
    systems: list[str] = Field(default_factory=list)
    """IT systems involved."""
    physical_evidence: list[str] = Field(default_factory=list)
    """What the customer sees, holds or receives: letters, pages, keys, receipts."""


class MomentOfTruth(_Model):
    """Marks a step that makes or breaks the relationship."""

    why: str
    """Why this moment matters to the customer and the organisation."""


KpiKind = Literal[
    "time_limit",
    "completion_rate",
    "first_contact_resolution",
    "digital_completion",
    "satisfaction",
    "effort",
    "cost_to_serve",
    "other",
]


class Kpi(_Model):
    """A measure of how well a step (or the journey) works, with its target."""

    name: str
    kind: KpiKind = "other"
    target: float | None = None
    """Target value: a share in 0..1 for rates, a score for satisfaction and effort."""
    within: Duration | None = None
    """For ``time_limit``: the time allowed."""
    unit: str = ""
    description: str = ""


class Step(_Model):
    """One step of the journey: an interaction object the customer goes through.

    The step *happened* when the case has an event whose activity is in ``activities``.
    A step with no activities cannot be observed in data (e.g. something the customer
    does outside the organisation); conformance passes through it.
    """

    id: Id
    """Stable identifier the engine and reports use: lower-case letters, digits and '_'
    (e.g. upload_documents)."""
    name: str
    description: str = ""
    activities: list[str] = Field(default_factory=list)
    """Event-catalogue activities that mean "this step happened"."""
    channels: list[str] = Field(default_factory=list)
    """Channels the step is designed to be done in."""
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    interaction: Interaction = Field(default_factory=Interaction)
    blueprint: Blueprint = Field(default_factory=Blueprint)
    emotion: Emotion | None = None
    """Expected emotion after the step: -2 (very negative) ... +2 (very positive)."""
    moment_of_truth: MomentOfTruth | None = None
    """Set when the step is a moment of truth; says why it matters."""
    pain_points: list[str] = Field(default_factory=list)
    opportunities: list[str] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    time_limit: Duration | None = None
    """Longest time allowed from the previous step (its last event) to this step."""
    optional: bool = False
    """Customers may skip it: moving past it is not a deviation."""
    anytime: bool = False
    """Can happen at any point without moving the customer along the journey (help on
    demand, surveys, background work). Conformance counts it neither as a move nor as a
    deviation; it takes no part in transitions."""


class Stage(_Model):
    """A phase of the journey as the customer lives it (Discover, Apply, ...)."""

    id: Id
    """Stable identifier: lower-case letters, digits and '_' (e.g. apply)."""
    name: str
    description: str = ""
    goal: str = ""
    """What the customer wants from this stage."""
    steps: list[Step] = Field(min_length=1)


class Transition(_Model):
    """A move between two steps that the design allows.

    Transitions must not form a cycle unless one of its transitions is marked
    ``loop: true`` (going back on purpose: documents rejected, offer renegotiated).
    """

    source: Id = Field(alias="from")
    """Step the customer moves from."""
    target: Id = Field(alias="to")
    """Step the customer moves to."""
    loop: bool = False
    """The transition goes back to an earlier step on purpose."""
    label: str = ""
    """When or why customers take it, e.g. 'documents incomplete'."""


class VariantWhen(_Model):
    """Which customers a variant is for; all given conditions must hold."""

    segments: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    """Channel the customer enters the journey through."""
    personas: list[Id] = Field(default_factory=list)


class StepOverride(_Model):
    """Fields of a step that a variant replaces; fields left out keep the base value."""

    name: str | None = None
    description: str | None = None
    activities: list[str] | None = None
    channels: list[str] | None = None
    touchpoints: list[Touchpoint] | None = None
    interaction: Interaction | None = None
    blueprint: Blueprint | None = None
    emotion: Emotion | None = None
    moment_of_truth: MomentOfTruth | None = None
    pain_points: list[str] | None = None
    opportunities: list[str] | None = None
    kpis: list[Kpi] | None = None
    time_limit: Duration | None = None
    optional: bool | None = None
    anytime: bool | None = None


class Variant(_Model):
    """The journey for one segment or channel: the base journey with some steps changed."""

    id: Id
    """Stable identifier: lower-case letters, digits and '_' (e.g. assisted)."""
    name: str
    description: str = ""
    when: VariantWhen = Field(default_factory=VariantWhen)
    steps: dict[Id, StepOverride] = Field(default_factory=dict)
    """Overrides by step id."""


class Story(_Model):
    """A user story on the journey's story map (``stories:``), kept with the design."""

    id: Id
    step: Id
    """The step it belongs under on the map."""
    want: str = Field(min_length=1)
    """What the persona wants: the part after "I want"."""
    so_that: str = ""
    """Why: the part after "so that" (default: the journey's outcome)."""
    persona: Id | None = None
    """A persona of this journey (default: the first)."""
    opportunity: str | None = None
    """The opportunity it answers: an opportunity id from ``journeyscope backlog`` or a
    step opportunity's text."""
    effort: float | None = Field(default=None, gt=0)
    """The team's estimate, in points."""
    release: int | None = Field(default=None, ge=1)
    """A release the team chose; default: cut by value at stake."""


class Journey(_Model):
    """A designed journey: see the module documentation."""

    model_config = ConfigDict(
        title="Journey",
        json_schema_extra={"$comment": "journeyscope journey definition, format version 1"},
    )

    version: Literal[1] = 1
    """Format version of the file."""
    id: Id
    """Stable identifier the engine and reports use."""
    name: str
    revision: str = ""
    """The designers' own version of this journey, e.g. '2025-03' or '1.4'."""
    description: str = ""
    owner: str = ""
    """Who is accountable for the journey."""
    job_to_be_done: str
    """The job the customer is trying to get done, in their words."""
    outcome: Outcome
    personas: list[Persona] = Field(default_factory=list)
    stages: list[Stage] = Field(min_length=1)
    entries: list[Id] = Field(default_factory=list)
    """Steps a customer may start at; default: the first step."""
    exits: list[Id] = Field(default_factory=list)
    """Designed ends other than the outcome (e.g. application declined): a case that
    reaches one has not left before the outcome."""
    transitions: list[Transition] = Field(default_factory=list)
    """Moves the design allows. Empty: each step leads to the next one as listed."""
    variants: list[Variant] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    """Journey-level measures."""
    stories: list[Story] = Field(default_factory=list)
    """User stories of the story map (see ``journeyscope backlog``)."""
    failure_activities: list[str] = Field(default_factory=list)
    """Activities that mean the organisation failed to do something, or to do it right, for
    the customer (an online error, a rejected upload); the value stream and failure demand
    use them. Empty: the event catalogue's, else none."""

    # ------------------------------------------------------------------ convenient views

    @property
    def steps(self) -> list[Step]:
        """Every step, in the listed order (stage by stage)."""
        return [step for stage in self.stages for step in stage.steps]

    def step(self, step_id: str) -> Step:
        """The step with this id; :class:`KeyError` when there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def stage_of(self, step_id: str) -> Stage:
        """The stage holding the step with this id."""
        for stage in self.stages:
            if any(step.id == step_id for step in stage.steps):
                return stage
        raise KeyError(step_id)

    def entry_steps(self) -> list[str]:
        """Declared entries, or the first step that is not ``anytime``."""
        if self.entries:
            return list(self.entries)
        first = next((s.id for s in self.steps if not s.anytime), None)
        return [first] if first is not None else []

    def flow(self) -> list[Transition]:
        """The transitions: as declared, or (none declared) each step to the next one listed.

        ``anytime`` steps take no part in the flow.
        """
        if self.transitions:
            return list(self.transitions)
        path = [s.id for s in self.steps if not s.anytime]
        return [
            Transition.model_validate({"from": a, "to": b}) for a, b in itertools.pairwise(path)
        ]

    def outcome_activities(self) -> list[str]:
        """Activities whose events mean the outcome was reached."""
        found = list(self.outcome.activities)
        if self.outcome.step is not None:
            with contextlib.suppress(KeyError):
                found = [*self.step(self.outcome.step).activities, *found]
        return list(dict.fromkeys(found))

    def activity_steps(self) -> dict[str, str]:
        """Activity -> id of the step that claims it."""
        return {a: s.id for s in self.steps for a in s.activities}

    def variant(self, variant_id: str) -> Journey:
        """This journey with the variant's overrides applied (and no variants left)."""
        chosen = next((v for v in self.variants if v.id == variant_id), None)
        if chosen is None:
            from journeyscope.errors import DefinitionError, closest

            ids = [v.id for v in self.variants]
            near = closest(variant_id, ids)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise DefinitionError(
                f"journey {self.id!r} has no variant {variant_id!r} "
                f"(variants: {', '.join(ids) or 'none'}){hint}"
            )
        stages = []
        for stage in self.stages:
            steps = []
            for step in stage.steps:
                override = chosen.steps.get(step.id)
                if override is not None:
                    changes = override.model_dump(exclude_unset=True, by_alias=False)
                    step = step.model_validate({**step.model_dump(by_alias=True), **changes})
                steps.append(step)
            stages.append(stage.model_copy(update={"steps": steps}))
        return self.model_copy(update={"stages": stages, "variants": []})


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a journey definition file (what ``journey.schema.json`` holds)."""
    schema = Journey.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:journeyscope:journey:1",
        **schema,
    }

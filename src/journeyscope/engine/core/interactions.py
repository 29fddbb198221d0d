"""Interaction objects: named, versioned units a journey (or the customer) invokes.

An interaction object has a tight design: a typed input and output contract (pydantic), who is
eligible, the decision support it gives the customer (what it helps them decide, with which
information and options), a category (``mandatory``, ``transactional``, ``service``,
``marketing``: the contact policy treats them differently), a channel, a value (for
arbitration), an optional outcome (the event that shows it worked, within a window: the
propensity model learns from it) and an implementation: a Python callable or an HTTP webhook.

In YAML (``interactions:`` is a list)::

    - name: document_reminder
      version: 1
      category: service
      channel: email
      description: Remind the applicant which documents are still missing.
      decision_support:
        helps_decide: whether to upload now, bring the documents to a branch, or ask for help
        information: [documents still missing, deadline]
        options: [upload online, book a branch visit, call us]
      input: {customer_id: str, deadline: datetime, missing: "list[str]?"}
      output: {status: str, reference: str?}
      eligibility: "profile.email != False"
      implementation: {python: "journeyscope.engine.interactions:acknowledge"}
      value: 3.0
      outcome: {event: Upload documents, within: 3d}

Field types are ``str``, ``int``, ``float``, ``bool``, ``datetime``, ``date``, ``list[str]``,
``list[int]``, ``dict`` or ``any``, optional with a trailing ``?`` (or ``| None``, which also
reads well inside ``{…}`` in YAML, where ``?`` does not); or ``input: module:Model``
names a pydantic model.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from journeyscope.engine.core.conditions import Condition
from journeyscope.engine.core.localtime import Duration, parse_duration
from journeyscope.errors import (
    InteractionNotFoundError,
    JourneyDefinitionError,
)


class Category(StrEnum):
    MANDATORY = "mandatory"  # required by law or contract (e.g. a legal notice)
    TRANSACTIONAL = "transactional"  # confirms something the customer did
    SERVICE = "service"  # helps the customer get their job done (reminder, help offer)
    MARKETING = "marketing"  # sells something; needs consent


class DecisionSupport(BaseModel):
    """How the interaction helps the customer decide."""

    model_config = ConfigDict(extra="forbid")

    helps_decide: str = ""
    information: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    """What an implementation is told besides the payload."""

    idempotency_key: str
    customer_id: str
    interaction: str
    version: int
    channel: str
    attempt: int


def _import(target: str) -> Any:
    module, _, attr = target.partition(":")
    if not module or not attr:
        raise JourneyDefinitionError(f"{target!r} is not 'module:attribute'")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise JourneyDefinitionError(f"cannot import {target!r}: {exc}") from exc


class PythonImplementation(BaseModel):
    """A Python callable ``fn(payload: InputModel, context: DeliveryContext) -> output``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    python: str

    def resolve(self) -> Callable[[BaseModel, DeliveryContext], Any]:
        fn = _import(self.python)
        if not callable(fn):
            raise JourneyDefinitionError(f"{self.python!r} is not callable")
        return fn  # type: ignore[no-any-return]


class WebhookImplementation(BaseModel):
    """An HTTP endpoint: POST JSON with an ``Idempotency-Key`` header; 2xx answers with the
    output as JSON. 4xx (other than 408/429) fail permanently; 5xx and timeouts are retried.
    The runtime makes the call (:mod:`journeyscope.engine.interactions`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    webhook: str
    timeout: float = 5.0
    headers: dict[str, str] = Field(default_factory=dict)


Implementation = PythonImplementation | WebhookImplementation

_TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "datetime": datetime,
    "date": date,
    "list[str]": list[str],
    "list[int]": list[int],
    "dict": dict[str, Any],
    "any": Any,
}


def contract(name: str, spec: dict[str, str] | str | None) -> type[BaseModel]:
    """A pydantic model from ``{field: type}`` (see the module docstring) or ``module:Model``."""
    if spec is None:
        return create_model(name, __config__=ConfigDict(extra="allow"))
    if isinstance(spec, str):
        model = _import(spec)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise JourneyDefinitionError(f"{spec!r} is not a pydantic model")
        return model
    fields: dict[str, Any] = {}
    for key, kind in spec.items():
        compact = kind.replace(" ", "")
        optional = compact.endswith(("?", "|None"))
        base = _TYPES.get(compact.removesuffix("?").removesuffix("|None"))
        if base is None:
            raise JourneyDefinitionError(
                f"{name}.{key}: unknown type {kind!r} (use {', '.join(_TYPES)}, '?' for optional)"
            )
        fields[key] = (base | None, None) if optional else (base, ...)
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


class OutcomeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: str | list[str]
    within: str


class WeightSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    when: str
    weight: float = Field(ge=0)


class InteractionSpec(BaseModel):
    """The YAML (and stored JSON) form of an interaction object."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    version: int = Field(default=1, ge=1)
    category: Category
    channel: str
    description: str = ""
    decision_support: DecisionSupport = Field(default_factory=DecisionSupport)
    input: dict[str, str] | str | None = None
    output: dict[str, str] | str | None = None
    eligibility: str | None = None
    implementation: PythonImplementation | WebhookImplementation = Field(
        default_factory=lambda: PythonImplementation(
            python="journeyscope.engine.interactions:acknowledge"
        )
    )
    value: float = Field(default=1.0, ge=0)
    lever: float = Field(default=1.0, ge=0)
    weights: list[WeightSpec] = Field(default_factory=list)
    outcome: OutcomeSpec | None = None
    prior: tuple[float, float] = (1.0, 2.0)  # successes, trials before any outcome is seen


@dataclass(frozen=True)
class InteractionObject:
    """A compiled interaction object: contracts are pydantic models, conditions compiled."""

    spec: InteractionSpec
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    eligibility: Condition | None
    weights: tuple[tuple[Condition, float], ...]
    outcome_events: frozenset[str] = field(default_factory=frozenset)
    outcome_within: Duration | None = None

    @classmethod
    def from_spec(cls, spec: InteractionSpec) -> InteractionObject:
        title = "".join(p.capitalize() for p in spec.name.replace("-", "_").split("_"))
        outcome = spec.outcome
        return cls(
            spec=spec,
            input_model=contract(f"{title}V{spec.version}Input", spec.input),
            output_model=contract(f"{title}V{spec.version}Output", spec.output),
            eligibility=Condition(spec.eligibility) if spec.eligibility else None,
            weights=tuple((Condition(w.when), w.weight) for w in spec.weights),
            outcome_events=frozenset(
                [outcome.event] if isinstance(outcome.event, str) else outcome.event
            )
            if outcome
            else frozenset(),
            outcome_within=parse_duration(outcome.within) if outcome else None,
        )

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> int:
        return self.spec.version

    @property
    def category(self) -> Category:
        return self.spec.category

    @property
    def channel(self) -> str:
        return self.spec.channel

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def validate_input(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload checked against the input contract, as JSON-ready data."""
        return self.input_model.model_validate(payload).model_dump(mode="json")

    def describe(self) -> dict[str, Any]:
        """Public description: the spec plus the JSON Schemas of both contracts."""
        return {
            **self.spec.model_dump(mode="json", exclude={"input", "output"}),
            "input_schema": self.input_model.model_json_schema(),
            "output_schema": self.output_model.model_json_schema(),
        }


class InteractionCatalogue:
    """Every interaction object, every version.

    >>> cat = InteractionCatalogue([InteractionSpec(name="nps", category="service", channel="email")])
    >>> cat.get("nps").ref, [o.name for o in cat]
    ('nps@1', ['nps'])
    """

    def __init__(self, specs: list[InteractionSpec] | None = None) -> None:
        self._objects: dict[str, dict[int, InteractionObject]] = {}
        for spec in specs or []:
            self.add(spec)

    def add(self, spec: InteractionSpec) -> InteractionObject:
        versions = self._objects.setdefault(spec.name, {})
        known = versions.get(spec.version)
        if known is not None and known.spec != spec:
            raise JourneyDefinitionError(
                f"interaction object {spec.name!r} version {spec.version} is defined twice, "
                "differently; give the new definition a new version"
            )
        obj = InteractionObject.from_spec(spec)
        versions[spec.version] = obj
        return obj

    def get(self, name: str, version: int | None = None) -> InteractionObject:
        """The object ``name`` (``name@2`` or ``version=`` for a version; default: latest)."""
        if "@" in name and version is None:
            name, _, text = name.partition("@")
            if not text.isdigit():
                raise InteractionNotFoundError(
                    f"{name}@{text[:50]!r}: the version after @ must be a whole number"
                )
            version = int(text)
        versions = self._objects.get(name)
        if not versions:
            known = ", ".join(sorted(self._objects)) or "none"
            raise InteractionNotFoundError(f"no interaction object {name!r} (known: {known})")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            raise InteractionNotFoundError(
                f"no interaction object {name!r} version {version} "
                f"(known versions: {', '.join(map(str, sorted(versions)))})"
            )
        return versions[version]

    def __contains__(self, name: str) -> bool:
        return name.partition("@")[0] in self._objects

    def __iter__(self) -> Iterator[InteractionObject]:
        """The latest version of each object, by name."""
        for name in sorted(self._objects):
            yield self.get(name)

    def versions(self) -> Iterator[InteractionObject]:
        for name in sorted(self._objects):
            for version in sorted(self._objects[name]):
                yield self._objects[name][version]

    def specs(self) -> list[InteractionSpec]:
        return [o.spec for o in self.versions()]


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interactions: list[InteractionSpec]
    kind: Literal["interactions"] = "interactions"


def load_interactions(path: Path) -> InteractionCatalogue:
    """Read an ``interactions:`` YAML file; errors name the file, line and field."""
    from journeyscope.yamlfile import load_model

    parsed = load_model(path, _CatalogueFile, JourneyDefinitionError)
    try:
        return InteractionCatalogue(parsed.interactions)
    except JourneyDefinitionError as exc:
        raise JourneyDefinitionError(f"{path}: {exc}") from exc

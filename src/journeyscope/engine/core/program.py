"""A program: the journeys (every deployed version), the interaction catalogue and the policy.

Every version of every journey stays in the program, so customers who entered an old version
keep running on it after a new one is deployed. New entries go to the *active* version
(the highest, unless another is pinned).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from journeyscope.engine.core.interactions import (
    InteractionCatalogue,
    InteractionSpec,
    load_interactions,
)
from journeyscope.engine.core.journeys import (
    END,
    JourneySpec,
    OrchestratedJourney,
    compile_journey,
    load_journeys,
)
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.errors import JourneyDefinitionError, JourneyNotFoundError
from journeyscope.yamlfile import safe_load


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy: ContactPolicy


@dataclass
class Program:
    journeys: dict[str, dict[int, OrchestratedJourney]]
    catalogue: InteractionCatalogue
    policy: ContactPolicy
    pinned: dict[str, int] = field(default_factory=dict)
    _by_activity: dict[str, list[OrchestratedJourney]] = field(default_factory=dict, repr=False)
    _any_activity: list[OrchestratedJourney] = field(default_factory=list, repr=False)
    _active: dict[str, OrchestratedJourney] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for journey_id, versions in self.journeys.items():
            self._active[journey_id] = versions[self.pinned.get(journey_id, max(versions))]
        for journey in self.versions():
            self._check(journey)
        for journey in self.active():
            if journey.trigger_activities is None:
                self._any_activity.append(journey)
                continue
            for activity in journey.trigger_activities:
                self._by_activity.setdefault(activity, []).append(journey)

    @classmethod
    def build(
        cls,
        journeys: Iterable[JourneySpec],
        catalogue: InteractionCatalogue | None = None,
        policy: ContactPolicy | None = None,
        pinned: dict[str, int] | None = None,
    ) -> Program:
        compiled: dict[str, dict[int, OrchestratedJourney]] = {}
        for spec in journeys:
            versions = compiled.setdefault(spec.journey, {})
            known = versions.get(spec.version)
            if known is not None and known.digest != spec.digest():
                raise JourneyDefinitionError(
                    f"journey {spec.journey!r} version {spec.version} is given twice, differently"
                )
            versions[spec.version] = compile_journey(spec)
        return cls(
            compiled,
            catalogue or InteractionCatalogue(),
            policy or ContactPolicy(),
            dict(pinned or {}),
        )

    def _check(self, journey: OrchestratedJourney) -> None:
        for step in journey.steps.values():
            names = [step.spec.invoke] if step.spec.invoke else []
            names += step.spec.decide.candidates if step.spec.decide else []
            for name in names:
                if name not in self.catalogue:
                    raise JourneyDefinitionError(
                        f"journey {journey.id!r} v{journey.version} step {step.id!r}: no "
                        f"interaction object {name!r} in the catalogue"
                    )

    # ---------------------------------------------------------------------------- look-ups

    def journey(self, journey_id: str, version: int | None = None) -> OrchestratedJourney:
        if version is None and journey_id in self._active:
            return self._active[journey_id]
        versions = self.journeys.get(journey_id)
        if versions and version in versions:
            return versions[version]
        if not versions:
            raise JourneyNotFoundError(
                f"no journey {journey_id!r} (deployed: {', '.join(sorted(self.journeys)) or 'none'})"
            )
        if version is None:
            version = self.pinned.get(journey_id, max(versions))
        if version not in versions:
            raise JourneyNotFoundError(
                f"journey {journey_id!r} has no version {version} "
                f"(deployed: {', '.join(map(str, sorted(versions)))})"
            )
        return versions[version]

    def active(self) -> list[OrchestratedJourney]:
        """The version of each journey that new customers enter."""
        return [self.journey(j) for j in sorted(self.journeys)]

    def versions(self) -> Iterator[OrchestratedJourney]:
        for journey_id in sorted(self.journeys):
            for version in sorted(self.journeys[journey_id]):
                yield self.journeys[journey_id][version]

    def triggered_by(self, activity: str) -> list[OrchestratedJourney]:
        """Active journeys with a trigger (reactive or proactive) that may match ``activity``."""
        return [*self._by_activity.get(activity, ()), *self._any_activity]  # a new list

    # ------------------------------------------------------------------- (de)serialisation

    def to_dict(self) -> dict[str, Any]:
        return {
            "journeys": [j.spec.model_dump(mode="json") for j in self.versions()],
            "interactions": [s.model_dump(mode="json") for s in self.catalogue.specs()],
            "policy": self.policy.model_dump(mode="json", by_alias=True),
            "pinned": self.pinned,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Program:
        return cls.build(
            [JourneySpec.model_validate(j) for j in data.get("journeys", [])],
            InteractionCatalogue(
                [InteractionSpec.model_validate(s) for s in data.get("interactions", [])]
            ),
            ContactPolicy.model_validate(data.get("policy", {})),
            {k: int(v) for k, v in data.get("pinned", {}).items()},
        )


def _kind(path: Path) -> str:
    try:
        data = safe_load(path.read_text(encoding="utf-8"), str(path), JourneyDefinitionError)
    except (OSError, UnicodeDecodeError) as exc:
        raise JourneyDefinitionError(f"{path}: cannot read: {exc}") from exc
    if isinstance(data, dict):
        for key in ("journey", "journeys", "interactions", "policy"):
            if key in data:
                return "journey" if key == "journeys" else key
    raise JourneyDefinitionError(
        f"{path}: not a journey (journey: or journeys:), catalogue (interactions:) or policy (policy:) file"
    )


def load_program(*paths: Path, only: Path | None = None) -> Program:
    """Load journeys, interaction catalogues and a policy from files and folders of YAML.

    ``only``: of the journeys found, keep just those in that file (``journeyscope simulate``).
    """
    from journeyscope.yamlfile import load_model

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            files.append(path)
    journeys: list[JourneySpec] = []
    catalogue = InteractionCatalogue()
    policy: ContactPolicy | None = None
    for file in files:
        kind = _kind(file)
        if kind == "journey":
            if only is None or file.resolve() == only.resolve():
                journeys += load_journeys(file)
        elif kind == "interactions":
            for spec in load_interactions(file).specs():
                catalogue.add(spec)
        else:
            if policy is not None:
                raise JourneyDefinitionError(f"{file}: a second contact policy; keep one")
            policy = load_model(file, _PolicyFile, JourneyDefinitionError).policy
    if not journeys and only is not None:
        raise JourneyDefinitionError(f"{only}: no journey found there")
    try:
        return Program.build(journeys, catalogue, policy)
    except JourneyDefinitionError as exc:
        where = ", ".join(str(f) for f in files)
        raise JourneyDefinitionError(f"{exc} (in {where})") from exc


__all__ = ["END", "Program", "load_program"]

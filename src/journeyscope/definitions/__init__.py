"""Designed journeys as code: YAML definitions, their models, checks and exports.

>>> from journeyscope.definitions import load_journey
>>> journey = load_journey("examples/journeys/tenancy.yaml")  # doctest: +SKIP
"""

from journeyscope.definitions.loader import (
    Problem,
    check_journey,
    load_journey,
    parse_journey,
    validate_journey,
)
from journeyscope.definitions.models import (
    FORMAT_VERSION,
    Blueprint,
    Duration,
    Interaction,
    Journey,
    Kpi,
    MomentOfTruth,
    Outcome,
    Persona,
    Stage,
    Step,
    StepOverride,
    Story,
    Touchpoint,
    Transition,
    Variant,
    VariantWhen,
    json_schema,
)

__all__ = [
    "FORMAT_VERSION",
    "Blueprint",
    "Duration",
    "Interaction",
    "Journey",
    "Kpi",
    "MomentOfTruth",
    "Outcome",
    "Persona",
    "Problem",
    "Stage",
    "Step",
    "StepOverride",
    "Story",
    "Touchpoint",
    "Transition",
    "Variant",
    "VariantWhen",
    "check_journey",
    "json_schema",
    "load_journey",
    "parse_journey",
    "validate_journey",
]

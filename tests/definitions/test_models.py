"""The journey models: the committed JSON Schema, the examples, variants, durations, round trips."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import journeyscope.definitions as definitions
from journeyscope import synthetic
from journeyscope.definitions import Journey, json_schema, load_journey, parse_journey
from journeyscope.definitions.export import to_yaml
from journeyscope.definitions.models import format_duration, parse_duration
from journeyscope.errors import DefinitionError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "journeys"
SCHEMA = ROOT / "src" / "journeyscope" / "definitions" / "journey.schema.json"

MINIMAL = """
id: renew
name: Renew a passport
job_to_be_done: When my passport expires, I want a new one before I travel.
outcome: {description: I have my new passport, step: receive}
stages:
  - id: apply
    name: Apply
    steps:
      - {id: fill_in, name: Fill in the form, activities: [Form sent]}
      - {id: pay, name: Pay, activities: [Paid], optional: true}
      - {id: receive, name: Receive the passport, activities: [Passport sent]}
"""


def test_the_committed_schema_matches_the_models() -> None:
    committed = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "journey.schema.json is out of date; regenerate it with: "
        "journeyscope design schema > src/journeyscope/definitions/journey.schema.json"
    )


def test_the_schema_describes_the_file_format() -> None:
    schema = json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == {"id", "name", "job_to_be_done", "outcome", "stages"}
    assert schema["additionalProperties"] is False
    step = schema["$defs"]["Step"]["properties"]
    assert step["emotion"]["anyOf"][0] == {"maximum": 2, "minimum": -2, "type": "integer"}
    assert "from" in schema["$defs"]["Transition"]["properties"]
    assert step["time_limit"]["anyOf"][0]["type"] == "string"  # "48 hours", not seconds


@pytest.mark.parametrize(
    "name", ["tenancy", "maintenance_loan", "permit_receipt", "loan_application"]
)
def test_every_example_is_valid_and_round_trips(name: str) -> None:
    journey = load_journey(EXAMPLES / f"{name}.yaml")
    assert journey.id == name
    again = parse_journey(to_yaml(journey), f"{name} (round trip)")
    assert again == journey
    for variant in journey.variants:
        assert again.variant(variant.id) == journey.variant(variant.id)


@pytest.mark.parametrize("journey", synthetic.JOURNEYS, ids=lambda j: j.name)
def test_synthetic_examples_claim_every_step_of_the_generator(
    journey: synthetic.ScenarioJourney,
) -> None:
    design = load_journey(EXAMPLES / f"{journey.name}.yaml")
    claimed = design.activity_steps()
    for step in journey.steps:
        assert step.activity in claimed, step.activity
        assert design.stage_of(claimed[step.activity]).name == step.stage
    assert synthetic.OUTCOME[journey.name] in design.outcome_activities()


def test_designer_content_of_the_examples() -> None:
    tenancy = load_journey(EXAMPLES / "tenancy.yaml")
    assert tenancy.job_to_be_done.startswith("When I need")
    moments = [s.id for s in tenancy.steps if s.moment_of_truth is not None]
    assert "upload_documents" in moments and "collect_keys" in moments
    upload = tenancy.step("upload_documents")
    assert upload.emotion == -1 and upload.pain_points and upload.blueprint.backstage
    assert upload.time_limit == timedelta(days=7)
    assert {p.segment for p in tenancy.personas} == set(synthetic.SEGMENTS)


def test_minimal_journey_defaults() -> None:
    journey = parse_journey(MINIMAL)
    assert journey.version == 1
    assert journey.entry_steps() == ["fill_in"]
    assert [(t.source, t.target) for t in journey.flow()] == [
        ("fill_in", "pay"),
        ("pay", "receive"),
    ]
    assert journey.outcome_activities() == ["Passport sent"]
    assert journey.step("pay").optional is True
    with pytest.raises(KeyError):
        journey.step("nope")


def test_anytime_steps_take_no_part_in_the_implied_flow() -> None:
    text = MINIMAL + "      - {id: help, name: Help, activities: [Call], anytime: true}\n"
    journey = parse_journey(text)
    assert all("help" not in (t.source, t.target) for t in journey.flow())


def test_a_variant_replaces_only_the_fields_it_names() -> None:
    text = (
        MINIMAL.replace(
            "{id: fill_in, name: Fill in the form, activities: [Form sent]}",
            "{id: fill_in, name: Fill in the form, activities: [Form sent], emotion: -1, "
            "channels: [web], moment_of_truth: {why: first impression}}",
        )
        + """variants:
  - id: branch
    name: At the branch
    when: {channels: [branch]}
    steps:
      fill_in: {channels: [branch], moment_of_truth: null}
"""
    )
    journey = parse_journey(text)
    branch = journey.variant("branch")
    step = branch.step("fill_in")
    assert step.channels == ["branch"]
    assert step.emotion == -1  # not named: kept
    assert step.moment_of_truth is None  # named as null: cleared
    assert branch.variants == []
    assert journey.step("fill_in").channels == ["web"]  # the base is unchanged
    with pytest.raises(DefinitionError, match="no variant 'online'"):
        journey.variant("online")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48h", timedelta(hours=48)),
        ("48 hours", timedelta(hours=48)),
        ("1 hour", timedelta(hours=1)),
        ("5 days", timedelta(days=5)),
        ("2w", timedelta(weeks=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("30m", timedelta(minutes=30)),
        ("1.5d", timedelta(hours=36)),
        ("45 s", timedelta(seconds=45)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_durations_are_written_back_in_the_largest_whole_unit() -> None:
    assert format_duration(timedelta(days=14)) == "2 weeks"
    assert format_duration(timedelta(days=1)) == "1 day"
    assert format_duration(timedelta(minutes=90)) == "90 minutes"
    assert format_duration(timedelta(seconds=45)) == "45 seconds"


def test_models_are_immutable() -> None:
    journey = parse_journey(MINIMAL)
    with pytest.raises(Exception, match="frozen"):
        journey.name = "x"  # type: ignore[misc]


def test_public_names() -> None:
    assert sorted(definitions.__all__) == sorted(
        [
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
    )
    assert isinstance(Journey.model_json_schema(), dict)

"""Orchestrated journeys as YAML (``engine/core/journeys.py``): what a specification may say,
the compiled patterns, steps and triggers, and reading journey files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from journeyscope.engine.core.journeys import (
    END,
    JourneySpec,
    Pattern,
    StepSpec,
    compile_journey,
    load_journeys,
)
from journeyscope.engine.core.localtime import Duration
from journeyscope.errors import JourneyDefinitionError, JourneyNotFoundError


def _spec(**fields: Any) -> JourneySpec:
    return JourneySpec.model_validate({"journey": "apply", "steps": {"a": {}}} | fields)


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        JourneySpec.model_validate({"journey": "apply"} | data)
    return str(caught.value)


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        ({"event": "A", "after": "B"}, "a trigger is reactive (event) or proactive"),
        ({"after": "A", "expect": "B"}, "a proactive trigger needs after, expect and within"),
    ],
)
def test_a_trigger_is_either_reactive_or_fully_proactive(
    trigger: dict[str, str], message: str
) -> None:
    assert message in _refused({"triggers": [trigger], "steps": {"a": {}}})


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"invoke": "x", "wait": {"duration": "1d"}},
            "a step does one thing; this one has invoke, wait",
        ),
        ({"input": {"a": "1"}}, "input goes with invoke"),
        ({"wait": {"duration": "1d"}, "on_timeout": "end"}, "on_event/on_timeout go with a wait"),
        ({"wait": {"duration": "1d", "event": "E"}}, "a wait has exactly one of"),
        ({"wait": {}}, "a wait has exactly one of"),
        ({"wait": {"duration": "1d", "timeout": "2d"}}, "timeout only goes with a wait for"),
        ({"nxt": "end"}, "Extra inputs are not permitted"),
    ],
)
def test_a_step_that_says_too_much_or_the_wrong_thing_is_refused(
    step: dict[str, Any], message: str
) -> None:
    assert message in _refused({"steps": {"a": step}})


def test_a_goal_or_exit_needs_an_event_or_a_condition() -> None:
    assert "give an event, a condition (when), or both" in _refused(
        {"goals": [{"name": "done"}], "steps": {"a": {}}}
    )


def test_steps_may_go_only_to_steps_or_the_end_which_is_reserved() -> None:
    assert "step 'a' goes to 'b', which is no step" in _refused({"steps": {"a": {"next": "b"}}})
    assert f"{END!r} is reserved" in _refused({"steps": {"end": {}}})
    assert "which is no step" in _refused(
        {"steps": {"a": {"branch": [{"when": "true", "next": "gone"}]}}}
    )
    _spec(steps={"a": {"next": "end"}})  # the end is a valid target


def test_the_journey_id_version_holdout_and_time_zone_are_checked() -> None:
    assert "String should match pattern" in _refused({"journey": "1st", "steps": {"a": {}}})
    assert "greater than or equal to 1" in _refused({"version": 0, "steps": {"a": {}}})
    assert "less than or equal to 1" in _refused({"holdout": 1.5, "steps": {"a": {}}})
    assert "unknown time zone 'Mars/Base'" in _refused(
        {"timezone": "Mars/Base", "steps": {"a": {}}}
    )


def test_a_step_kind_is_what_it_does_and_its_targets_are_every_next() -> None:
    assert StepSpec().kind == "pass"
    assert StepSpec(invoke="x").kind == "invoke"
    step = StepSpec.model_validate(
        {
            "branch": [{"when": "a", "next": "one"}, {"when": "b", "next": "two"}],
            "otherwise": "three",
            "next": "four",
        }
    )
    assert step.kind == "branch"
    assert step.targets() == ["four", "three", "one", "two"]
    waiting = StepSpec.model_validate(
        {"wait": {"event": "E", "timeout": "1d"}, "on_event": "yes", "on_timeout": "no"}
    )
    assert waiting.kind == "wait" and waiting.targets() == ["yes", "no"]


def test_the_digest_changes_with_the_definition_and_only_then() -> None:
    one, same = _spec(), _spec()
    assert one.digest() == same.digest()
    assert len(one.digest()) == 16
    assert _spec(description="other").digest() != one.digest()
    assert _spec(version=2).digest() != one.digest()


def test_a_pattern_matches_names_globs_channels_and_conditions() -> None:
    pattern = Pattern.of(["Pay", "Upload *"], channel="web", when="event.properties.n > 1")
    assert pattern.names == {"Pay"} and pattern.globs == ("Upload *",)
    assert pattern.activity_matches("Upload documents")
    assert not pattern.activity_matches("Download documents")
    ok = {"event": {"properties": {"n": 2}}}
    assert pattern.matches("Pay", "web", ok)
    assert not pattern.matches("Pay", "app", ok)  # wrong channel
    assert not pattern.matches("Pay", "web", {"event": {"properties": {"n": 1}}})
    assert not pattern.matches("Pay", "web", None)  # a condition needs names to judge
    assert pattern.describe() == "Pay | Upload * when event.properties.n > 1"


def test_a_pattern_without_an_event_matches_any_activity() -> None:
    anything = Pattern.of(None)
    assert anything.any_activity and anything.matches("Whatever", None, None)
    assert anything.describe() == "any event"
    assert not Pattern.of("A").any_activity


def test_compiling_a_journey_starts_at_its_first_step_and_indexes_its_triggers() -> None:
    spec = JourneySpec.model_validate(
        {
            "journey": "docs",
            "version": 3,
            "lateness": "2d",
            "triggers": [
                {"event": ["Start", "Restart"]},
                {"after": "Apply", "expect": "Upload", "within": "3d"},
            ],
            "goals": [{"event": ["Upload", "Mail"]}, {"when": "profile.done"}],
            "exits": [{"name": "withdrawn", "event": "Withdraw"}],
            "steps": {
                "wait": {"wait": {"event": "Upload", "timeout": "36h"}, "on_timeout": "remind"},
                "remind": {"invoke": "remind", "input": {"n": "1 + 1"}},
            },
        }
    )
    journey = compile_journey(spec)
    assert (journey.id, journey.version, journey.start) == ("docs", 3, "wait")
    assert journey.trigger_activities == {"Start", "Restart", "Apply"}
    [watch] = journey.watches
    assert watch.index == 1 and watch.within == Duration(3, 0.0)
    assert watch.after.names == {"Apply"} and watch.expect.names == {"Upload"}
    assert [label for label, _ in journey.goals] == ["Upload | Mail", "goal 2"]
    assert [label for label, _ in journey.exits] == ["withdrawn"]
    assert journey.lateness == Duration(2, 0.0)
    wait = journey.step("wait")
    assert wait.timeout == Duration(0, 36 * 3600.0) and wait.awaited is not None
    assert wait.next == END
    assert journey.step("remind").input["n"]({}) == 2
    assert journey.digest == spec.digest()


def test_a_glob_trigger_leaves_the_trigger_activities_open() -> None:
    journey = compile_journey(_spec(triggers=[{"event": "Start"}, {"event": "Upload *"}]))
    assert journey.trigger_activities is None


def test_an_unknown_step_is_named_with_the_steps_there_are() -> None:
    journey = compile_journey(_spec(steps={"a": {"next": "b"}, "b": {}}))
    with pytest.raises(JourneyNotFoundError, match=r"version 1 has no step 'c' \(steps: a, b\)"):
        journey.step("c")


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"wait": {"duration": "1.5d"}}, "journey 'apply' v1: '1.5d': days and weeks must be"),
        ({"branch": [{"when": "event.__class__", "next": "end"}]}, "names starting with '_'"),
    ],
)
def test_compiling_names_the_journey_of_a_bad_duration_or_condition(
    step: dict[str, Any], message: str
) -> None:
    with pytest.raises(JourneyDefinitionError, match=message.replace("(", r"\(")):
        compile_journey(_spec(steps={"a": step}))


def test_a_journey_file_gives_one_journey_and_a_journeys_file_several(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("journey: apply\nversion: 2\nsteps:\n  a: {}\n", encoding="utf-8")
    [spec] = load_journeys(one)
    assert (spec.journey, spec.version) == ("apply", 2)
    many = tmp_path / "many.yaml"
    many.write_text(
        "journeys:\n  - {journey: a, steps: {x: {}}}\n  - {journey: b, steps: {y: {}}}\n",
        encoding="utf-8",
    )
    assert [s.journey for s in load_journeys(many)] == ["a", "b"]


def test_a_bad_journey_file_is_named_with_the_line_or_the_journey(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("journey: a\nsteps:\n  x: {nxt: end}\n", encoding="utf-8")
    with pytest.raises(JourneyDefinitionError, match=r"extra\.yaml:3: steps\.x\.nxt"):
        load_journeys(extra)
    duration = tmp_path / "duration.yaml"
    duration.write_text("journey: a\nsteps:\n  x: {wait: {duration: 2q}}\n", encoding="utf-8")
    with pytest.raises(JourneyDefinitionError, match=r"duration\.yaml: journey 'a' v1: '2q'"):
        load_journeys(duration)

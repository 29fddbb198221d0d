"""The journey map's actual overlay (render/overlay.py): per-step numbers, each optional, and
shares that are None when either side is unknown."""

from __future__ import annotations

import dataclasses

import pytest

from journeyscope.render.overlay import JourneyOverlay, StepActual


def test_a_share_needs_both_the_cases_and_a_total() -> None:
    assert StepActual(cases=250).share_of(1000) == 0.25
    assert StepActual(cases=250).share_of(None) is None
    assert StepActual(cases=250).share_of(0) is None  # no division by zero
    assert StepActual().share_of(1000) is None
    assert StepActual(cases=0).share_of(40) == 0.0


def test_an_unmeasured_step_has_every_number_unknown() -> None:
    overlay = JourneyOverlay(steps={"apply": StepActual(cases=8, late=0.5)}, cases=10)
    assert overlay.step("apply").late == 0.5
    unknown = overlay.step("pay")
    assert all(getattr(unknown, f.name) is None for f in dataclasses.fields(StepActual))
    assert "pay" not in overlay.steps  # asking does not add it


def test_the_felt_emotion_is_there_when_any_step_has_one() -> None:
    assert not JourneyOverlay().has_emotion
    assert not JourneyOverlay(steps={"a": StepActual(cases=3, felt_n=2)}).has_emotion
    overlay = JourneyOverlay(steps={"a": StepActual(cases=3), "b": StepActual(felt_emotion=0.0)})
    assert overlay.has_emotion  # a felt emotion of zero is still measured


def test_defaults_and_immutability() -> None:
    overlay = JourneyOverlay()
    assert (overlay.cases, overlay.reached_outcome, overlay.label, overlay.notes) == (
        None,
        None,
        "actual",
        (),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        overlay.label = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        StepActual().cases = 1  # type: ignore[misc]

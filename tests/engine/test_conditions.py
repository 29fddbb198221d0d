from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeyscope.engine.core.conditions import Condition, Expression, scope
from journeyscope.errors import ConditionError


def test_conditions_read_events_profiles_and_journey_variables() -> None:
    names = scope(
        event={"activity": "Online error", "channel": "app", "properties": {"segment": "assisted"}},
        profile={"timezone": "Europe/Amsterdam"},
        journey={"reminders": 2},
    )
    assert Condition("event.channel in ('web', 'app') and journey.reminders >= 2")(names)
    assert Condition("startswith(event.activity, 'Online')")(names)
    assert Condition("event.properties.segment != 'digital first'")(names)
    assert Expression("journey.reminders + 1")(names) == 3


def test_a_missing_field_reads_as_none_and_a_failing_condition_is_false() -> None:
    names = scope(event={"properties": {}})
    assert Condition("event.properties.score is None")(names)
    assert not Condition("event.properties.score > 3")(names)  # None > 3: false, not an error


@pytest.mark.parametrize(
    "text",
    [
        "event.__class__",
        "__import__('os')",
        "open('x')",
        "(lambda: 1)()",
        "[x for x in event]",
        "event.activity.upper()",
        "len(event, key=1)",
        "a := 1",
        "event.activity ==",
    ],
)
def test_unsafe_or_broken_expressions_are_refused_at_load(text: str) -> None:
    with pytest.raises(ConditionError):
        Condition(text)


values = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5))


@given(left=values, right=values)
def test_conditions_never_raise_on_data(left: object, right: object) -> None:
    names = scope(event={"properties": {"a": left, "b": right}})
    for text in (
        "event.properties.a > event.properties.b",
        "event.properties.a + 1 == 2",
        "len(event.properties.a) > 1",
        "event.properties.a in event.properties.b",
    ):
        assert Condition(text)(names) in (True, False)

"""Definitions and commands that would fail later are refused now (issue 11, findings 2 and 4):
time zones are checked against the zone database at deploy and on profile updates; the
condition language has a cost bound; quiet hours honour the journey's time zone."""

from __future__ import annotations

import contextlib

import pytest
import yaml
from budget import within
from engine_kit import Timeline, cmd, ev, program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyscope.engine.core.conditions import (
    MAX_SIZE,
    Condition,
    ConditionCostError,
    Expression,
    scope,
)
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.localtime import zone
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.errors import ConditionError, JourneyDefinitionError
from lanes import examples

ZONED = """
journey: zoned
version: 1
timezone: {tz}
triggers: [{{event: Start}}]
steps:
  hello: {{invoke: remind}}
"""


@pytest.mark.parametrize("name", ["Europe", "Mars/Olympus", "x" * 300, "../../etc", ""])
def test_unknown_time_zones_are_refused_with_a_clear_error(name: str) -> None:
    with pytest.raises(JourneyDefinitionError, match="unknown time zone"):
        zone(name)
    with pytest.raises(ValueError, match="unknown time zone"):  # pydantic: a 422 at the API
        JourneySpec.model_validate(yaml.safe_load(ZONED.format(tz=repr(name))))
    with pytest.raises(ValueError, match="unknown time zone"):
        ContactPolicy.model_validate({"timezone": name})


def test_a_typo_in_a_zone_gets_the_closest_names() -> None:
    with pytest.raises(JourneyDefinitionError, match="Europe/Amsterdam"):
        zone("Europe/Amsterdm")


def test_a_profile_update_with_an_unknown_zone_is_rejected_not_raised() -> None:
    timeline = Timeline(program(ZONED.format(tz="UTC")))
    timeline.feed(cmd("c1", "profile", "2025-06-02T12:00:00+00:00", set={"timezone": "Europe"}))
    (rejected,) = timeline.records("Command rejected")
    assert "unknown time zone 'Europe'" in rejected.properties["reason"]
    assert "timezone" not in timeline.state.profile


def test_quiet_hours_use_the_journeys_zone_when_the_profile_has_none() -> None:
    quiet = {"timezone": "UTC", "quiet_hours": {"start": "21:00", "end": "08:00"}}
    # 13:00 UTC is 22:00 in Tokyo: quiet for a Tokyo journey, not for a UTC one
    tokyo = Timeline(program(ZONED.format(tz="Asia/Tokyo"), policy=quiet))
    tokyo.feed(ev("c1", "Start", "2025-06-02T13:00:00+00:00"))
    assert tokyo.sends() == []
    (held,) = tokyo.records("Interaction deferred")
    assert "quiet hours" in held.properties["reason"]
    utc = Timeline(program(ZONED.format(tz="UTC"), policy=quiet))
    utc.feed(ev("c1", "Start", "2025-06-02T13:00:00+00:00"))
    assert len(utc.sends()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "'x' * 100000000000 == 'y'",
        "[1] * 100000000 == []",
        " * ".join(["9" * 70] * 60) + " > 0",
    ],
)
def test_constants_past_the_cost_bound_are_refused_at_load(text: str) -> None:
    with pytest.raises(ConditionError):
        Condition(text)


def test_in_asks_whether_a_field_is_there() -> None:
    names = scope(event={"properties": {"segment": "a"}})
    assert Condition("'segment' in event.properties")(names)
    assert not Condition("'missing' in event.properties")(names)


@pytest.mark.slow
def test_values_past_the_cost_bound_are_a_clear_error_at_evaluation() -> None:
    names = scope(event={"properties": {"n": 100_000_000_000, "s": "ab"}})
    assert Condition("'%0999999999d' % 1 == ''")(names) is False  # no formatting with %
    with pytest.raises(ConditionCostError, match=f"the bound is {MAX_SIZE}"):
        Condition("event.properties.s * event.properties.n == 'y'")(names)
    with pytest.raises(ConditionCostError, match="items or characters"):
        Expression("[event.properties.s] * event.properties.n")(names)
    grow = " + ".join(["event.properties.s"] * 60)
    doubled = f"str({grow})"
    # doubled until the text it makes (2 characters x 60 x 2**k) first passes the bound: one
    # doubling more would only make the expression longer to read
    k = 0
    while 2 * 60 * 2**k <= MAX_SIZE:
        k += 1
    for _ in range(k):
        doubled = f"({doubled} + {doubled})"
    with pytest.raises(ConditionCostError):
        Expression(doubled)(names)


# every expression the grammar can build from these pieces evaluates or fails with a
# ConditionError: never another exception, never without bound
_atoms = st.sampled_from(
    [
        "event.properties.n",
        "event.properties.s",
        "event.properties.missing.deeper",
        "profile.timezone",
        "journey.x",
        "now",
        "customer_id",
        "1",
        "0",
        "-1",
        "2.5",
        "'ab'",
        "None",
        "True",
        "[1, 2]",
        "(1,)",
        "{1}",
        "99999999999",
    ]
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(
        children,
        st.sampled_from(["+", "-", "*", "/", "//", "%", "==", "<", "in", "and", "or", "is", "!="]),
        children,
    ).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    call = st.tuples(
        st.sampled_from(["len", "min", "max", "abs", "round", "int", "float", "str", "lower"]),
        children,
    ).map(lambda t: f"{t[0]}({t[1]})")
    other = st.one_of(
        children.map(lambda c: f"(not {c})"),
        children.map(lambda c: f"(-{c})"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
    )
    return st.one_of(binary, call, other)


expressions = st.recursive(_atoms, _combine, max_leaves=25)
event_values = st.one_of(
    st.none(), st.integers(), st.floats(), st.text(max_size=20), st.lists(st.integers(), max_size=3)
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=expressions, n=event_values, s=event_values)
def test_fuzz_the_condition_language_never_raises_anything_but_its_own_errors(
    text: str, n: object, s: object
) -> None:
    names = scope(
        event={"properties": {"n": n, "s": s}}, profile={}, journey={}, customer_id="c", now=1.0
    )
    within(_evaluate_all, text, names)


def _evaluate_all(text: str, names: dict[str, object]) -> None:
    try:
        expression = Expression(text)
    except ConditionError:
        return
    with contextlib.suppress(ConditionError):
        expression(names)
    with contextlib.suppress(ConditionCostError):
        assert isinstance(Condition(text)(names), bool)

"""Typed queries from request parameters named as the CLI's options: defaults, one spelling
for each option, every wrong value named with the parameter it came in, and activity names
checked against the store's with the closest names offered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from journeyscope.errors import InvalidQueryError
from journeyscope.services.queries import (
    KINDS,
    PARAMETERS,
    activities_named,
    build_query,
    check_activities,
)

STORE = ["Start housing application", "Upload documents", "Accept tenancy offer", "Call"]


def test_a_funnel_from_its_parameters() -> None:
    query = build_query(
        "funnel",
        {
            "step": ["Start housing application", " ", "Upload documents", "Accept tenancy offer"],
            "optional": ["2"],
            "window": ["30d"],
            "exclude": ["Call@1-2", "Complaint"],
            "breakdown": ["channel"],
            "open": ["yes"],
            "dropped": ["5"],
        },
    )
    assert [s.activities for s in query.steps] == [  # type: ignore[attr-defined]
        ("Start housing application",),
        ("Upload documents",),
        ("Accept tenancy offer",),
    ]
    assert [s.optional for s in query.steps] == [False, True, False]  # type: ignore[attr-defined]
    assert query.window == timedelta(days=30)  # type: ignore[attr-defined]
    first, second = query.exclusions  # type: ignore[attr-defined]
    assert (first.activities, first.from_step, first.to_step) == (("Call",), 1, 2)
    assert second.activities == ("Complaint",)
    assert (query.breakdown, query.open, query.dropped_limit) == ("channel", True, 5)  # type: ignore[attr-defined]


def test_the_last_non_empty_value_of_a_repeated_parameter_counts() -> None:
    query = build_query("variants", {"top": ["5", "7", ""]})
    assert query.top == 7  # type: ignore[attr-defined]
    defaults = build_query("variants", {})
    assert (defaults.top, defaults.coverage) == (20, 0.8)  # type: ignore[attr-defined]


def test_paths_and_channels_read_their_own_spellings() -> None:
    paths = build_query(
        "paths", {"start": ["Call"], "steps": ["3"], "clean": ["^Call.*=Call"], "loops": ["off"]}
    )
    assert (paths.start, paths.steps, paths.loops) == ("Call", 3, False)  # type: ignore[attr-defined]
    assert paths.cleaning[0].pattern == "^Call.*" and paths.cleaning[0].alias == "Call"  # type: ignore[attr-defined]
    channels = build_query("channels", {"digital": ["web, app ,"], "outcome": ["Call"]})
    assert channels.digital == ("web", "app") and channels.outcomes == ("Call",)  # type: ignore[attr-defined]
    assert channels.repeat_within == timedelta(days=7)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("funel", {}, "unknown analysis 'funel' (did you mean funnel?)"),
        ("funnel", {}, "step: pick at least one step"),
        ("funnel", {"step": ["A"], "open": ["maybe"]}, "open: 'maybe' is not a yes/no value"),
        ("variants", {"top": ["ten"]}, "top: 'ten' is not a whole number"),
        ("variants", {"coverage": ["most"]}, "coverage: 'most' is not a number"),
        ("paths", {"clean": ["no-alias"]}, "clean 'no-alias': write REGEX=ALIAS"),
        ("funnel", {"step": ["A"], "mode": ["sideways"]}, "mode:"),
    ],
)
def test_a_wrong_value_names_its_parameter(
    kind: str, params: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(InvalidQueryError) as caught:
        build_query(kind, params)
    assert str(caught.value).startswith(message), str(caught.value)


def test_every_kind_builds_from_defaults_but_the_funnel_which_needs_steps() -> None:
    for kind in KINDS:
        if kind != "funnel":
            assert build_query(kind, {}).kind == kind  # type: ignore[attr-defined]
    assert set(PARAMETERS) == set(KINDS)


def test_unknown_activities_are_named_with_the_closest_ones() -> None:
    query = build_query(
        "funnel",
        {"step": ["Start housing application", "Upload documnets"], "exclude": ["Cal"]},
    )
    assert activities_named(query) == [
        ("step 1", "Start housing application"),
        ("step 2", "Upload documnets"),
        ("exclude", "Cal"),
    ]
    with pytest.raises(InvalidQueryError) as caught:
        check_activities(query, STORE)
    assert str(caught.value) == (
        "step 2: no activity 'Upload documnets' in the store; closest: 'Upload documents'; "
        "exclude: no activity 'Cal' in the store; closest: 'Call'"
    )
    check_activities(build_query("funnel", {"step": STORE[:2]}), STORE)  # known: no error

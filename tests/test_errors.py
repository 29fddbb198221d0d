"""journeyscope/errors.py: one family of errors, and the one "closest names" helper."""

from __future__ import annotations

import inspect

import pytest

from journeyscope import errors
from journeyscope.errors import (
    DeliveryError,
    InvalidQueryError,
    JourneyscopeError,
    NothingIngestedError,
    SignInRefused,
    UnknownNameError,
    closest,
)


def test_every_error_of_the_module_is_a_journeyscope_error() -> None:
    classes = [
        c
        for _n, c in inspect.getmembers(errors, inspect.isclass)
        if c.__module__ == errors.__name__
    ]
    assert len(classes) > 10
    for cls in classes:
        assert issubclass(cls, JourneyscopeError), cls.__name__
        assert cls.__doc__, f"{cls.__name__} says nothing of what it means"


def test_query_and_name_errors_are_value_errors_callers_may_catch_as_such() -> None:
    assert issubclass(InvalidQueryError, ValueError)
    assert issubclass(UnknownNameError, ValueError)
    with pytest.raises(ValueError, match="no activity"):
        raise UnknownNameError("no activity 'x'")


def test_nothing_ingested_is_an_input_format_error() -> None:
    assert issubclass(NothingIngestedError, errors.InputFormatError)


def test_delivery_errors_say_whether_a_retry_can_help() -> None:
    assert DeliveryError("timeout").permanent is False
    assert DeliveryError("410 gone", permanent=True).permanent is True


def test_a_refused_sign_in_says_when_to_try_again() -> None:
    refused = SignInRefused(29.6)
    assert refused.retry_after == 29.6
    assert str(refused) == "too many failed sign-ins; try again in 30 s"


def test_closest_is_case_insensitive_and_best_first() -> None:
    known = ["Pay deposit", "Upload documents", "Upload quote"]
    assert closest("upload DOCUMENTZ", known) == ["Upload documents", "Upload quote"]
    assert closest("Pay", known) == ["Pay deposit"]  # one name contains the other
    assert closest("zzz", known) == []


def test_closest_keeps_the_original_spelling_and_at_most_n() -> None:
    known = [f"Step {i}" for i in range(10)]
    found = closest("step 1", known, n=2)
    assert len(found) == 2
    assert found[0] == "Step 1"
    assert all(name in known for name in found)


def test_an_unknown_name_lists_the_closest_or_else_some_known_ones() -> None:
    near = errors.unknown_name("activity", "Sign contrct", ["Sign contract", "Pay"], "step 2")
    assert (
        str(near) == "step 2: no activity 'Sign contrct' in the events (closest: 'Sign contract')"
    )
    far = errors.unknown_name("property", "zz", [f"p{i}" for i in range(10)], "breakdown")
    assert "known: 'p0', 'p1'" in str(far) and str(far).endswith(", ...)")
    assert "known: none" in str(errors.unknown_name("activity", "x", [], "step 1"))

"""Checking a design's YAML text as the editor does: every problem with its line, the CLI's
wording, errors first; a design that loads is checked by the linter too."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.services.design_check import Message, check_design

TENANCY = (
    Path(__file__).resolve().parents[2] / "examples" / "journeys" / "tenancy.yaml"
).read_text(encoding="utf-8")
OUTCOME = "  within: 60 days"


def _line(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_example_design_is_valid_and_upper_case_units_are_read() -> None:
    result = check_design(TENANCY, "tenancy.yaml")
    assert result.ok and result.journey is not None and result.errors == []
    days = check_design(TENANCY.replace(OUTCOME, "  within: 60 Days", 1))
    assert days.ok and days.journey is not None
    assert days.journey.outcome.within == result.journey.outcome.within


@pytest.mark.parametrize(
    ("wrong", "field", "code", "says"),
    [
        ("  within: 60 dayz", "outcome.within", "invalid", "'60 dayz' is not a duration"),
        ("  within: [60 days", "", "yaml", "not valid YAML"),
    ],
)
def test_a_design_that_does_not_load_names_the_line_and_field(
    wrong: str, field: str, code: str, says: str
) -> None:
    text = TENANCY.replace(OUTCOME, wrong, 1)
    result = check_design(text, "tenancy.yaml")
    assert not result.ok and result.journey is None
    first = result.messages[0]
    assert (first.severity, first.field, first.code) == ("error", field, code)
    assert says in first.text and "tenancy.yaml" not in first.text  # the name is the editor's
    # YAML reports where it noticed the problem: the broken line or a little after it
    assert first.line is not None and 0 <= first.line - _line(text, wrong) <= 2


def test_a_linter_error_has_its_line_the_closest_name_and_comes_first() -> None:
    wrong = "{from: pay_deposit, to: colect_keys}"
    text = TENANCY.replace("{from: pay_deposit, to: collect_keys}", wrong, 1)
    result = check_design(text, "tenancy.yaml")
    assert result.journey is not None and not result.ok  # it loads; the linter refuses it
    error = result.errors[0]
    assert (error.line, error.field, error.code) == (
        _line(text, wrong),
        "transitions.9.to",
        "unknown-step",
    )
    assert "did you mean 'collect_keys'" in error.text
    order = {"error": 0, "warning": 1, "info": 2}
    ranks = [order[m.severity] for m in result.messages]
    assert ranks == sorted(ranks) and result.messages[0] is error


def test_a_message_prints_as_the_command_line_prints_a_finding() -> None:
    found = Message("warning", 12, "steps.3", "unreachable", "unreachable-step")
    assert found.format("a.yaml") == "a.yaml:12: warning[unreachable-step]: steps.3: unreachable"
    assert Message("error", None, "", "broken").format("a.yaml") == "a.yaml: error[invalid]: broken"

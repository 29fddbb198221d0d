"""The one duration grammar: what each notation means, what is refused with the examples,
and the regular expression given to JSON Schemas accepting exactly what the parser reads."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeyscope.durations import EXAMPLES, PATTERN, DurationError, Parts, parse

DAY = 86400.0


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("30d", Parts(30, 0)),
        ("2 weeks", Parts(14, 0)),
        ("1w2d12h", Parts(9, 12 * 3600)),
        ("1d 12h", Parts(1, 12 * 3600)),
        ("1.5h", Parts(0, 5400)),
        ("90 minutes", Parts(0, 5400)),
        ("10m", Parts(0, 600)),  # m is minutes, never months
        ("3 SECS", Parts(0, 3)),
        (" 45 ", Parts(0, 45)),  # a bare number is seconds
        (45, Parts(0, 45)),
        (2.5, Parts(0, 2.5)),
    ],
)
def test_each_notation_means_what_it_says(text: str | float, parts: Parts) -> None:
    assert parse(text) == parts


def test_days_stay_apart_from_seconds_and_a_day_counts_86400_s_in_total() -> None:
    found = parse("1w 1d 1h")
    assert (found.days, found.seconds) == (8.0, 3600.0)
    assert found.total_seconds == 8 * DAY + 3600


@pytest.mark.parametrize("text", ["", "d", "30 months", "1y", "3 dayz", "-5d", "5d ago", "1,5h"])
def test_anything_else_is_refused_with_examples(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse(text)
    assert repr(text) in str(caught.value) and EXAMPLES in str(caught.value)


@pytest.mark.parametrize("value", [True, None, [1]])
def test_a_value_that_is_not_text_or_a_number_is_refused(value: object) -> None:
    with pytest.raises(DurationError):
        parse(value)  # type: ignore[arg-type]


_PIECES = ["1", "30", "1.5", " ", "d", "day", "Days", "w", "WEEKS", "h", "Hr", "m", "MIN",
           "minutes", "s", "Secs", "y", "x", ".", "-", "mo", "\u212a", "\u0663"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join))
def test_the_schema_pattern_accepts_exactly_what_the_parser_reads(text: str) -> None:
    """Units in any case, as the loader reads them; the Kelvin sign (which Python lower-cases
    to k) and non-ASCII digits refused by both, as an ECMAScript validator would."""
    try:
        parse(text)
        parsed = True
    except DurationError:
        parsed = False
    assert bool(re.fullmatch(PATTERN, text)) is parsed, text


@pytest.mark.parametrize(
    ("text", "read"),
    [("5 Days", True), ("1W2D12H", True), ("90 Minutes", True), ("1 w\u212a", False),
     ("\u0663d", False), ("3 dayZ", False)],
)  # fmt: skip
def test_the_schema_pattern_reads_units_in_any_case_as_the_parser_does(
    text: str, read: bool
) -> None:
    assert bool(re.fullmatch(PATTERN, text)) is read
    if read:
        assert parse(text) == parse(text.lower())
    else:
        with pytest.raises(DurationError):
            parse(text)


def test_the_schema_pattern_uses_the_json_schema_subset_of_regular_expressions() -> None:
    """No non-capturing group, no class shorthand for digits (``\\d`` is Unicode in Python)."""
    assert "(?" not in PATTERN and "\\d" not in PATTERN


@pytest.mark.parametrize("seconds", [1, 45, 59.5, 60, 5400, 3600, 43200, 129600, 86400, 604800])
def test_a_length_written_reads_back_the_same(seconds: float) -> None:
    from journeyscope.durations import parse, written

    assert parse(written(seconds)).total_seconds == seconds

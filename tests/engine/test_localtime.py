"""Durations and local-time windows across daylight-saving changes (Europe/Amsterdam:
clocks go forward on 2025-03-30 02:00 and back on 2025-10-26 03:00)."""

from __future__ import annotations

import pytest

from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at, iso
from journeyscope.engine.core.localtime import Duration, Window, add, local, parse_duration, zone
from journeyscope.errors import JourneyDefinitionError

AMS = zone("Europe/Amsterdam")
NYC = zone("America/New_York")


def test_a_day_is_a_calendar_day_across_spring_forward() -> None:
    start = at("2025-03-29T10:00:00+01:00")
    end = add(start, parse_duration("1d"), AMS)
    assert local(end, AMS).strftime("%H:%M") == "10:00"
    assert end - start == 23 * 3600


def test_a_day_is_a_calendar_day_across_fall_back() -> None:
    start = at("2025-10-25T10:00:00+02:00")
    end = add(start, parse_duration("1d"), AMS)
    assert local(end, AMS).strftime("%H:%M") == "10:00"
    assert end - start == 25 * 3600


def test_hours_are_elapsed_time() -> None:
    start = at("2025-03-29T10:00:00+01:00")
    assert add(start, parse_duration("24h"), AMS) - start == 24 * 3600
    assert iso(add(start, parse_duration("1d 2h"), AMS)) == "2025-03-30T10:00:00+00:00"


def test_a_week_of_days_keeps_the_wall_time() -> None:
    start = at("2025-03-26T09:30:00+01:00")
    end = add(start, parse_duration("1w"), AMS)
    assert local(end, AMS).strftime("%Y-%m-%d %H:%M") == "2025-04-02 09:30"


def test_a_skipped_wall_time_moves_forward_and_a_repeated_one_is_the_first() -> None:
    skipped = add(at("2025-03-29T02:30:00+01:00"), parse_duration("1d"), AMS)
    assert local(skipped, AMS).strftime("%H:%M") == "03:30"  # 02:30 does not exist that day
    repeated = add(at("2025-10-25T02:30:00+02:00"), parse_duration("1d"), AMS)
    assert iso(repeated) == "2025-10-26T00:30:00+00:00"  # the first 02:30 (still +02:00)


def test_fake_clock_jumps_days() -> None:
    clock = FakeClock(at("2025-03-28T12:00:00+00:00"))
    clock.advance(days=30)
    assert iso(clock.now()) == "2025-04-27T12:00:00+00:00"
    clock.set(0)  # never back
    assert iso(clock.now()) == "2025-04-27T12:00:00+00:00"


@pytest.mark.parametrize("text", ["", "3x", "1.5d", "d3", "3 months", "1w 2"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(JourneyDefinitionError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "days", "seconds"),
    [
        ("3 days", 3, 0.0),
        ("1w2d12h", 9, 43200.0),
        ("1d 12h", 1, 43200.0),
        ("90 minutes", 0, 5400.0),
    ],
)
def test_the_engine_reads_the_one_duration_grammar(text: str, days: int, seconds: float) -> None:
    """The engine, the designs and the analyses read durations by one grammar."""
    from journeyscope.analytics.cases import parse_duration as analysis_duration
    from journeyscope.definitions.models import parse_duration as design_duration

    assert parse_duration(text) == Duration(days, seconds)
    total = days * 86400 + seconds
    assert analysis_duration(text).total_seconds() == design_duration(text).total_seconds() == total


def test_an_overnight_window_belongs_to_the_day_it_starts() -> None:
    quiet = Window.of("21:00", "08:00")
    late = at("2025-03-29T23:30:00+01:00")
    assert quiet.contains(late, AMS)
    # the night of the change is an hour shorter: it still ends at 08:00 local (CEST)
    assert iso(quiet.end_of(late, AMS) or 0) == "2025-03-30T06:00:00+00:00"
    assert not quiet.contains(at("2025-03-30T12:00:00+02:00"), AMS)


def test_next_open_skips_days_not_in_the_window() -> None:
    daytime = Window.of("10:00", "19:00", ["mon", "tue", "wed", "thu", "fri", "sat"])
    saturday_evening = at("2025-03-29T20:00:00+01:00")
    opens = daytime.next_open(saturday_evening, AMS)  # Sunday is skipped
    assert local(opens, AMS).strftime("%a %H:%M %Z") == "Mon 10:00 CEST"
    inside = at("2025-03-31T12:00:00+02:00")
    assert daytime.next_open(inside, AMS) == inside


def test_the_same_instant_is_quiet_for_one_customer_and_not_for_another() -> None:
    quiet = Window.of("21:00", "08:00")
    instant = at("2025-06-02T03:00:00+00:00")  # 05:00 in Amsterdam, 23:00 in New York
    assert quiet.contains(instant, AMS)
    assert quiet.contains(instant, NYC)
    noon_utc = at("2025-06-02T12:00:00+00:00")  # 14:00 Amsterdam, 08:00 New York
    assert not quiet.contains(noon_utc, AMS)
    assert not quiet.contains(noon_utc, NYC)
    one_am_utc = at("2025-06-02T01:00:00+00:00")  # 03:00 Amsterdam, 21:00 New York
    assert quiet.contains(one_am_utc, AMS)
    assert quiet.contains(one_am_utc, NYC)
    evening_utc = at("2025-06-02T20:00:00+00:00")  # 22:00 Amsterdam, 16:00 New York
    assert quiet.contains(evening_utc, AMS)
    assert not quiet.contains(evening_utc, NYC)

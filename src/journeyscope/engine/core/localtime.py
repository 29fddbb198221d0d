"""Durations and local-time windows, in the customer's own time zone.

Stated rule. A duration counts **days and weeks on the customer's calendar** and **hours,
minutes and seconds as elapsed time**: ``1d`` from 10:00 local is 10:00 local the next day,
even across a daylight-saving change (23 or 25 hours then), while ``24h`` is always 24 hours.
A wall time that does not exist (the hour skipped in spring) moves forward by the gap; one that
happens twice (autumn) means the first of the two.

>>> from journeyscope.engine.core.clock import at, iso
>>> ams = zone("Europe/Amsterdam")
>>> iso(add(at("2025-03-29T09:00:00+00:00"), parse_duration("1d"), ams))  # 10:00 CET -> 10:00 CEST
'2025-03-30T08:00:00+00:00'
>>> iso(add(at("2025-03-29T09:00:00+00:00"), parse_duration("24h"), ams))
'2025-03-30T09:00:00+00:00'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from journeyscope import durations
from journeyscope.errors import JourneyDefinitionError, closest

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Duration:
    """Calendar days plus elapsed seconds."""

    days: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = [f"{self.days}d"] if self.days else []
        if self.seconds or not parts:
            parts.append(f"{self.seconds:g}s")
        return "".join(parts)

    @property
    def nominal(self) -> float:
        """Length in seconds, counting a day as 86,400 s (for windows that need a number)."""
        return self.days * 86400.0 + self.seconds


@lru_cache(maxsize=1024)
def parse_duration(text: str | int | float) -> Duration:
    """``"3d"``, ``"1w2d"``, ``"36h"``, ``"90m"``, ``"1d 12h"``, or a number of seconds: the
    one grammar of :mod:`journeyscope.durations`, days kept apart for the calendar.

    >>> parse_duration("1w2d12h")
    Duration(days=9, seconds=43200.0)
    """
    try:
        parts = durations.parse(text)
    except durations.DurationError as exc:
        raise JourneyDefinitionError(str(exc)) from None
    if parts.days != int(parts.days):
        raise JourneyDefinitionError(f"{text!r}: days and weeks must be whole numbers")
    return Duration(int(parts.days), parts.seconds)


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (cached), checked against the zone database first, so a
    region (``Europe``), a made-up or over-long name is refused with a clear error, never an
    ``OSError`` from the file system. Close names are suggested."""
    if name not in known_zones():
        close = closest(name[:100], sorted(known_zones()), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise JourneyDefinitionError(f"unknown time zone {name[:100]!r}{hint}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise JourneyDefinitionError(f"unknown time zone {name[:100]!r}") from exc


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every zone name of the IANA database (plus ``UTC``)."""
    return frozenset(available_timezones() | {"UTC"})


def local(ts: float, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, UTC).astimezone(tz)


def from_wall(wall: datetime, tz: ZoneInfo) -> float:
    """Epoch seconds of a naive local wall time (gap: moved forward; overlap: the first)."""
    return wall.replace(tzinfo=tz, fold=0).timestamp()


def add(ts: float, duration: Duration, tz: ZoneInfo) -> float:
    """``ts`` plus ``duration``: calendar days in ``tz``, then elapsed seconds."""
    if duration.days:
        wall = local(ts, tz).replace(tzinfo=None) + timedelta(days=duration.days)
        ts = from_wall(wall, tz)
    return ts + duration.seconds


def parse_clock(text: str) -> time:
    """``"09:00"`` or ``"9:30"`` as a time of day."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise JourneyDefinitionError(f"{text!r} is not a time of day (HH:MM)") from exc


@dataclass(frozen=True, slots=True)
class Window:
    """A daily local-time window ``[start, end)`` on some weekdays; it may pass midnight
    (``21:00``–``08:00``), in which case the day named is the day it starts."""

    start: time
    end: time
    days: frozenset[int] = frozenset(range(7))

    @classmethod
    def of(cls, start: str, end: str, days: list[str] | None = None) -> Window:
        names = [d.lower()[:3] for d in (days or DAYS)]
        unknown = [d for d in names if d not in DAYS]
        if unknown:
            raise JourneyDefinitionError(f"unknown weekday(s) {unknown} (use {', '.join(DAYS)})")
        return cls(parse_clock(start), parse_clock(end), frozenset(DAYS.index(d) for d in names))

    def _spans(self, day: datetime) -> tuple[datetime, datetime]:
        start = datetime.combine(day.date(), self.start)
        end = datetime.combine(day.date(), self.end)
        if end <= start:
            end += timedelta(days=1)
        return start, end

    def contains(self, ts: float, tz: ZoneInfo) -> bool:
        return self.end_of(ts, tz) is not None

    def end_of(self, ts: float, tz: ZoneInfo) -> float | None:
        """If ``ts`` lies inside the window, when that window closes; else ``None``."""
        wall = local(ts, tz).replace(tzinfo=None)
        for back in (0, 1):  # a window that passed midnight started yesterday
            day = wall - timedelta(days=back)
            if day.weekday() not in self.days:
                continue
            start, end = self._spans(day)
            if start <= wall < end:
                return from_wall(end, tz)
        return None

    def next_open(self, ts: float, tz: ZoneInfo) -> float:
        """``ts`` if inside the window, else when it next opens."""
        if self.end_of(ts, tz) is not None:
            return ts
        wall = local(ts, tz).replace(tzinfo=None)
        for ahead in range(0, 8):
            day = wall + timedelta(days=ahead)
            if day.weekday() not in self.days:
                continue
            start, _ = self._spans(day)
            if start > wall:
                return from_wall(start, tz)
        raise JourneyDefinitionError("a local-time window with no weekdays never opens")

"""One grammar for durations, wherever a person writes one: an analysis option (``--window
30d``), a designed journey (``within: 5 days``), an orchestrated journey (``wait: 1w2d``).

A duration is one or more parts, each a number and a unit, optionally separated by spaces:
``30d``, ``1.5h``, ``90 minutes``, ``1w2d12h``, ``1d 12h``, ``2 weeks``. Units: ``w``/``wk``/
``week(s)``, ``d``/``day(s)``, ``h``/``hr``/``hour(s)``, ``m``/``min``/``minute(s)``,
``s``/``sec``/``second(s)`` (``m`` is minutes, never months), in any case (``5 Days``). A bare
number is seconds. Digits and unit letters are ASCII (``[0-9]``, ``a-z`` in either case), so the
grammar reads the same in Python and in a JSON Schema validator (ECMAScript regular expressions).

Weeks and days are kept apart from hours, minutes and seconds (:class:`Parts`): the engine
adds days on the calendar of a time zone (a day across a daylight-saving change is 23 or 25
hours), analyses count a day as 86,400 s. Each caller turns :class:`DurationError` into its
own error kind (a query error, a definition error).

>>> parse("1w2d12h")
Parts(days=9.0, seconds=43200.0)
>>> parse("90 minutes").total_seconds, parse("45").total_seconds
(5400.0, 45.0)
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Final

_UNITS: Final[dict[str, tuple[str, float]]] = {
    "w": ("days", 7),
    "d": ("days", 1),
    "h": ("seconds", 3600),
    "m": ("seconds", 60),
    "s": ("seconds", 1),
}
_UNIT: Final = (
    r"weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s"  # longest first
)
_NUM: Final = r"[0-9]+(?:\.[0-9]+)?"  # ASCII digits: `\d` is Unicode in Python, ASCII in JSON
_PART: Final = re.compile(rf"({_NUM})\s*({_UNIT})(?![a-z])")
_WHOLE: Final = re.compile(rf"\s*(?:{_NUM}\s*(?:{_UNIT})(?![a-z])\s*)+")
_NUMBER: Final = re.compile(rf"\s*{_NUM}\s*")
# the parser lower-cases ASCII letters only (str.lower() would also read the Kelvin sign as k)
_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _any_case(pattern: str) -> str:
    """``pattern`` with each letter matching either case (a JSON Schema pattern has no flags)."""
    return re.sub(r"[a-z]", lambda letter: f"[{letter[0]}{letter[0].upper()}]", pattern)


#: The grammar as one regular expression (for JSON Schemas of the definition files): exactly
#: the text :func:`parse` reads, units in any case.
#: Plain groups only: the subset of regular expressions JSON Schema recommends has no ``(?:``.
PATTERN: Final = rf"^(\s*({_NUM}\s*({_any_case(_UNIT)})\s*)+|\s*{_NUM}\s*)$".replace("(?:", "(")

EXAMPLES: Final = "e.g. 30d, 12h, 90 minutes, 2 weeks, 1w2d"


class DurationError(ValueError):
    """Text that is not a duration in the grammar above."""


@dataclass(frozen=True, slots=True)
class Parts:
    """A duration as written: calendar days (weeks included) and elapsed seconds."""

    days: float = 0.0
    seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        """Length in seconds, a day counted as 86,400 s."""
        return self.days * 86400.0 + self.seconds


def parse(text: str | int | float) -> Parts:
    """Read ``text`` by the grammar above; :class:`DurationError` if it is not a duration."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Parts(0.0, float(text))
    if not isinstance(text, str):
        raise DurationError(f"{text!r} is not a duration ({EXAMPLES})")
    value = text.translate(_LOWER)
    if _NUMBER.fullmatch(value):
        return Parts(0.0, float(value))
    if not _WHOLE.fullmatch(value):
        raise DurationError(f"{text!r} is not a duration ({EXAMPLES})")
    days = seconds = 0.0
    for number, unit in _PART.findall(value):
        kind, size = _UNITS[unit[0]]
        if kind == "days":
            days += float(number) * size
        else:
            seconds += float(number) * size
    return Parts(days, seconds)


def written(seconds: float) -> str:
    """``seconds`` as this grammar writes it, in the largest unit that holds it exactly, so
    :func:`parse` reads back the same length (``36h``, not ``1d``).

    >>> written(30 * 86400), written(12 * 3600), written(36 * 3600), written(5400), written(45.5)
    ('30d', '12h', '36h', '90m', '45.5s')
    """
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s" if float(seconds).is_integer() else f"{seconds}s"

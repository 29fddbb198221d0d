"""Which lane this test run is, for property tests that scale their examples to it.

The fast lane (``-m "not slow"``, what ``make check`` runs) tries each Hypothesis property on a
quarter of its examples (at least 10); the full run (``make test``) on all of them. The
properties and their strategies are the same in both: the fast lane checks every behaviour,
the full run searches harder. ``tests/conftest.py`` sets the lane before any test module is
imported (``pytest_configure``), so ``@settings(max_examples=examples(150))`` reads it.
"""

from __future__ import annotations

#: The share of a property test's examples that the fast lane runs, and the fewest it runs.
FAST_SHARE = 0.25
FAST_FLOOR = 10
#: Hypothesis' own default (100), scaled the same way for tests that do not set theirs.
DEFAULT_EXAMPLES = 100

fast = False  # set by tests/conftest.py: True when this run deselects the slow tests


def is_fast_lane(markexpr: str) -> bool:
    """Whether ``-m markexpr`` deselects the slow tests (the fast lane).

    >>> is_fast_lane("not slow"), is_fast_lane("not slow and not spark"), is_fast_lane("")
    (True, True, False)
    """
    return "not slow" in " ".join(markexpr.split())


def examples(full: int) -> int:
    """``full`` examples in the full run; a quarter of them, at least 10, in the fast lane."""
    return max(min(full, FAST_FLOOR), round(full * FAST_SHARE)) if fast else full

"""The test kit's Hypothesis strategies for event logs, shared by the property tests.

* :func:`identifier_events` — events as identifier columns only (identity stitching);
* :func:`logs` — small logs as ``{case: [token, ...]}``, a token being whatever the test
  declares (``(activity, minute)``, ``(activity, channel, minute)`` …), the shape the
  ``declared``/``journeys`` helpers of ``analytics_kit`` read.

Few distinct values on purpose: collisions (shared identifiers, repeated activities, equal
times) are where the bugs are.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from journeyscope.events.identity import KINDS


def identifier_events(
    values: str = "abcdef", *, at_least_one: bool = False
) -> st.SearchStrategy[dict[str, str | None]]:
    """One event's identifiers: each kind absent or one of ``values``, prefixed by the kind
    (``ac-a``, ``em-b`` …) so kinds never share a value by accident."""
    event = st.fixed_dictionaries(
        {
            k: st.one_of(st.none(), st.sampled_from(values).map(lambda v, k=k: f"{k[:2]}-{v}"))
            for k in KINDS
        }
    )
    if at_least_one:
        return event.filter(lambda r: any(v is not None for v in r.values()))
    return event


def logs(
    token: st.SearchStrategy[Any], cases: list[str], *, max_events: int = 7
) -> st.SearchStrategy[dict[str, list[Any]]]:
    """``{case: [token, ...]}`` over some of ``cases``, each with 1 to ``max_events`` tokens."""
    return st.dictionaries(
        st.sampled_from(cases), st.lists(token, min_size=1, max_size=max_events), min_size=1
    )

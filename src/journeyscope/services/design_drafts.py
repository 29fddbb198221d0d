"""A new design drafted from the data: one implementation for ``journeyscope design infer``
and the workspace's "draft from data".

:func:`infer_from_store` reads the store's events (only one source file's with ``source``; only
the events the Explore ``filters`` keep), groups them into cases by ``rule`` (default: the
data's case ids) and hands them to :func:`journeyscope.definitions.infer.infer_journey`.
:func:`draft_from_store` is the same draft as YAML text with a header saying where it came
from (what the workspace's editor opens).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.config import Settings
from journeyscope.errors import DefinitionError
from journeyscope.services.results import Filters, describe_filters, filtered_events

if TYPE_CHECKING:
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.definitions.models import Journey


def infer_from_store(
    settings: Settings,
    *,
    journey_id: str,
    name: str,
    rule: CaseRule | None = None,
    source: str | None = None,
    filters: Filters | None = None,
    min_cases: float = 0.05,
    min_edge: float = 0.05,
    outcome: str | None = None,
) -> Journey:
    """The design drafted from the store of ``settings`` (opened read-only); ``outcome``: the
    activity that means the outcome (default: where most cases end). Raises
    :class:`DefinitionError` when nothing can be drafted."""
    from journeyscope.analytics.cases import CaseRule, ordered, with_cases
    from journeyscope.definitions.infer import infer_journey
    from journeyscope.services.store import open_store

    rule = rule or CaseRule.given()
    store = open_store(settings)
    try:
        events = filtered_events(store, filters or Filters())
        if source is not None:
            events = events.filter(events.source == source)
        try:
            return infer_journey(
                ordered(with_cases(events, rule)),
                journey_id=journey_id,
                name=name,
                min_cases=min_cases,
                min_edge=min_edge,
                outcome=outcome,
            )
        except ValueError as exc:
            raise DefinitionError(f"cannot draft a journey: {exc}") from None
    finally:
        store.close()


def draft_from_store(
    settings: Settings,
    *,
    journey_id: str,
    name: str,
    source: str | None = None,
    filters: Filters | None = None,
    min_cases: float = 0.05,
    min_edge: float = 0.05,
) -> str:
    """The workspace's draft (cases: the data's case ids) as YAML text;
    :class:`DefinitionError` when nothing can be drafted."""
    from journeyscope.analytics.cases import CaseRule
    from journeyscope.definitions.export import to_yaml

    filters = filters or Filters()
    rule = CaseRule.given()
    journey = infer_from_store(
        settings,
        journey_id=journey_id,
        name=name,
        rule=rule,
        source=source,
        filters=filters,
        min_cases=min_cases,
        min_edge=min_edge,
    )
    scope = " ".join(
        part
        for part in (
            f"events of {source}" if source else "every event",
            describe_filters(filters),
        )
        if part
    )
    header = (
        f"Drafted by journeyscope design infer in the workspace from {scope} "
        f"({rule.describe()}).\nEdit the TODOs; the editor checks as you type."
    )
    return to_yaml(journey, header=header)

"""A new design drafted from the data, as ``journeyscope design infer`` drafts it.

:func:`draft_from_store` reads the store's events (only one source file's with ``source``;
only the events the Explore ``filters`` keep), groups them by the data's case ids and hands
them to :func:`journeyscope.definitions.infer.infer_journey`; the result is the YAML text
``design infer --out`` writes, with a header saying where it came from.
"""

from __future__ import annotations

from journeyscope.config import Settings
from journeyscope.errors import DefinitionError
from journeyscope.services.results import Filters, describe_filters, filtered_events


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
    """The drafted design's YAML; :class:`DefinitionError` when nothing can be drafted."""
    from journeyscope.analytics.cases import CaseRule, ordered, with_cases
    from journeyscope.definitions.export import to_yaml
    from journeyscope.definitions.infer import infer_journey
    from journeyscope.services.store import open_store

    filters = filters or Filters()
    rule = CaseRule.given()
    store = open_store(settings)
    try:
        events = filtered_events(store, filters)
        if source is not None:
            events = events.filter(events.source == source)
        try:
            journey = infer_journey(
                ordered(with_cases(events, rule)),
                journey_id=journey_id,
                name=name,
                min_cases=min_cases,
                min_edge=min_edge,
            )
        except ValueError as exc:
            raise DefinitionError(f"cannot draft a journey: {exc}") from None
    finally:
        store.close()
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

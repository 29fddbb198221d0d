"""Cohorts as the workspace uses them: how many customers of the store a cohort holds (a
cohort defined in a page that holds nobody is refused rather than saved as an empty group),
and which listed customers the store does not hold.

Definitions, membership and saving by name live in :mod:`journeyscope.analytics.cohorts`;
this module only runs membership on the store, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.services.store import open_store

if TYPE_CHECKING:
    from journeyscope.analytics.cohorts import Cohort
    from journeyscope.config import Settings


def size(settings: Settings, cohort: Cohort) -> int:
    """The customers of the store in ``cohort`` (customer as :mod:`analytics.cohorts` counts)."""
    from journeyscope.analytics.cohorts import members

    store = open_store(settings)
    try:
        return int(members(store.events(), cohort).count().to_pyarrow().as_py())
    finally:
        store.close()


def not_found(settings: Settings, cohort: Cohort) -> dict[str, list[str]]:
    """The customers a list cohort names that the store does not hold, each with the closest
    ids it does hold (an id written as in the raw data, ``u2``, where stitching stored
    ``acct:u2``, would otherwise match nobody without a word). Empty for a cohort by
    conditions, or when the store has every one."""
    from journeyscope.analytics.cohorts import customer
    from journeyscope.errors import closest

    if not cohort.customers:
        return {}
    store = open_store(settings)
    try:
        events = store.events()
        who = customer(events).name("who")
        listed = list(cohort.customers)
        found = events.select(who).filter(who.isin(listed)).distinct().to_pyarrow()
        held = set(found.column("who").to_pylist())
        missing = [c for c in listed if c not in held]
        if not missing:
            return {}
        known = events.select(who).filter(who.notnull()).distinct().to_pyarrow()
        names = [str(k) for k in known.column("who").to_pylist()]
    finally:
        store.close()
    return {m: closest(m, names) for m in missing}

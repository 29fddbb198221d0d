"""Cohorts as the workspace uses them: how many customers of the store a cohort holds (a
cohort defined in a page that holds nobody is refused rather than saved as an empty group).

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

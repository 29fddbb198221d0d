"""Checks that the names an analysis asks for exist in the data, so that a typo is an error
naming the closest known names, never a confident zero.

An analysis that has names to check gives :class:`journeyscope.analytics.backends.Backend` a
``checks(events, query)`` method (expressions listing what is known) and a
``validate(query, rows)`` method (raises :class:`~journeyscope.errors.UnknownNameError`).
The expressions are built here; the engine executes them before the analysis runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import ibis

from journeyscope.analytics.cases import property_value
from journeyscope.errors import unknown_name

Rows = list[dict[str, Any]]

#: How many events' properties are read to suggest property names.
SAMPLE = 2000


def activities(events: ibis.Table) -> ibis.Table:
    """The distinct activity names: column ``name``."""
    return events.select(name=events.activity).distinct()


def property_checks(events: ibis.Table, name: str) -> dict[str, ibis.Table]:
    """``property_hits``: events where ``name`` (a column or a property) has a value;
    ``property_sample``: some events' properties, to suggest names when it has none."""
    hits = events.aggregate(n=property_value(events, name).notnull().cast("int64").sum())
    sample = events.filter(events.properties.notnull()).select("properties").limit(SAMPLE)
    return {"property_hits": hits, "property_sample": sample}


def check_activities(asked: Iterable[tuple[str, str]], rows: Mapping[str, Rows]) -> None:
    """Raise for the first ``(name, where)`` whose name is no known activity."""
    known = {str(r["name"]) for r in rows["activities"] if r["name"] is not None}
    for name, where in asked:
        if name not in known:
            raise unknown_name("activity", name, sorted(known), where)


def check_property(name: str, columns: Iterable[str], rows: Mapping[str, Rows], where: str) -> None:
    """Raise when no event has a value for ``name`` (a column or a property key)."""
    if int(rows["property_hits"][0]["n"] or 0) > 0:
        return
    keys = set(columns) - {"properties"}
    for r in rows["property_sample"]:
        try:
            keys.update(json.loads(r["properties"]))
        except (TypeError, ValueError):
            continue
    raise unknown_name("property or column", name, sorted(keys), where)

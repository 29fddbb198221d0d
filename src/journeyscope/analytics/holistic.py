"""Holistic aggregates over more rows than fit in memory: exact percentiles and distinct
counts by sorting.

DuckDB's ``quantile_cont`` (Ibis's ``median()`` and ``quantile(q)``) keeps every value of a
group in memory until the group is done and cannot spill them to disk; its distinct counts
(``nunique()``) hold a set per group, and at 100M events even counting the cases of each
activity in two steps (by activity and case, then by activity) ran out of memory at the 1 GB
default. A window's sort spills. So, where the rows would not fit (:func:`holistic_fits`,
asked through :meth:`Backend.fits`), analyses count with windows:

* :func:`sorted_quantiles`: each group's values ranked by one sort, and the two values around
  each quantile's position picked out;
* :func:`first_rows`: the first row of each group marked, so that summing the marks counts
  the groups (the distinct cases of an activity: the rows first in their activity and case);
  :func:`distinct_count` gives either ``nunique`` or that sum, as the analyses ask.

They give the same numbers, and are slower where the aggregates fit (on 5.0M events the
process map by sorting took 1.8 times as long), so they are used only where they must be.

The interpolation is ``quantile_cont``'s: at position ``(n - 1) * q`` of the sorted values,
with ``d`` its fraction, ``below * (1 - d) + above * d``. DuckDB fuses one of its multiplies
with the addition, so the last binary digit can differ (``-72.1`` against
``-72.10000000000001``); the process map rounds its durations to 0.1 ms, far above that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import ibis

#: How many values DuckDB's holistic aggregates (``quantile_cont``, count distinct) hold per
#: GiB of its memory limit with room to spare: measured, the process map's query over 5.0M
#: events failed at 150 MB and ran at 200 MB (about 26M values per GiB); half of that, for
#: the threads' partial states and whatever else the query holds.
HOLISTIC_VALUES_PER_GIB: Final[int] = 13_000_000


def holistic_fits(values: int, memory_gib: float) -> bool:
    """Whether holistic aggregates over ``values`` values fit in ``memory_gib`` GiB.

    >>> holistic_fits(10_100_000, 0.93), holistic_fits(100_000_000, 0.93)
    (True, False)
    """
    return values <= HOLISTIC_VALUES_PER_GIB * memory_gib


def first_rows(
    t: ibis.Table, keys: Sequence[str], name: str, where: ibis.BooleanValue | None = None
) -> ibis.Table:
    """``t`` with a column ``name``: 1 on one row of each group of ``keys``, 0 on the others
    (summed per a coarser group, it counts the distinct groups in it). ``where``: only rows
    where it holds are marked (null counts as false), as ``nunique(where=...)`` counts; a
    null key is a group of its own, where ``nunique`` leaves nulls out (leave them out with
    ``where``)."""
    if where is None:
        first = ibis.row_number().over(ibis.window(group_by=[t[k] for k in keys])) == 0
        return t.mutate(**{name: first.cast("int64")})
    m = t.mutate(_where=where.fill_null(False))
    group = [m[k] for k in keys] + [m._where]
    first = (ibis.row_number().over(ibis.window(group_by=group)) == 0) & m._where
    return m.mutate(**{name: first.cast("int64")}).drop("_where")


def distinct_count(
    t: ibis.Table,
    keys: Sequence[str],
    of: str,
    *,
    large: bool,
    where: ibis.BooleanValue | None = None,
) -> tuple[ibis.Table, Any]:
    """The table to aggregate, grouped by ``keys``, and the aggregate that counts the distinct
    non-null values of ``of`` in each group where ``where`` holds: ``nunique(where=...)``
    itself, or where ``large`` the first rows of each value marked (:func:`first_rows`) and
    the marks summed (a deferred expression, so that several counts can mark one table)."""
    if not large:
        return t, t[of].nunique(where=where)
    name = f"_first_{of}_{len([c for c in t.columns if c.startswith(f'_first_{of}_')])}"
    held = t[of].notnull() if where is None else where & t[of].notnull()
    return first_rows(t, [*keys, of], name, where=held), ibis._[name].sum()


def sorted_quantiles(
    t: ibis.Table, keys: Sequence[str], value: str, levels: Mapping[str, float]
) -> ibis.Table:
    """Per group of ``keys`` (none: one group of every row): each named quantile
    (``{"median": 0.5}``) of ``value``, as ``quantile_cont`` computes it, a float64 (null
    values are left out; a group with none has no row, except with no ``keys``: then one row,
    null where there are no values)."""
    v = t.filter(t[value].notnull())
    group = [v[k] for k in keys]
    ranked = v.select(
        *keys,
        _x=v[value].cast("float64"),
        _rank=ibis.row_number().over(ibis.window(group_by=group, order_by=v[value])),
        _n=v[value].count().over(ibis.window(group_by=group)),
    )
    at = {k: (ranked._n - 1).cast("float64") * q for k, q in levels.items()}
    ranked = ranked.mutate(
        **{f"_below_{k}": p.floor().cast("int64") for k, p in at.items()},
        **{f"_above_{k}": p.ceil().cast("int64") for k, p in at.items()},
        **{f"_step_{k}": p - p.floor() for k, p in at.items()},
    )
    edges = [ranked[f"_{side}_{k}"] for side in ("below", "above") for k in levels]
    picked = ranked.filter(ibis.or_(*(ranked._rank == e for e in edges)))
    bounds = (picked.group_by(*keys) if keys else picked).aggregate(
        **{
            f"_{side}_{k}": picked._x.min(where=picked._rank == picked[f"_{side}_{k}"])
            for side in ("below", "above")
            for k in levels
        },
        **{f"_step_{k}": picked[f"_step_{k}"].min() for k in levels},
    )
    return bounds.select(
        *keys,
        **{
            k: bounds[f"_below_{k}"] * (1 - bounds[f"_step_{k}"])
            + bounds[f"_above_{k}"] * bounds[f"_step_{k}"]
            for k in levels
        },
    )

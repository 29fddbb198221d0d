"""Holistic aggregates by sorting (analytics/holistic.py): exact quantiles equal to DuckDB's
``quantile_cont`` (to the last binary digits, which DuckDB rounds once less) and distinct
counts equal to ``nunique``, for declared and generated groups of values, on both engines
for the declared ones; and the DuckDB backend choosing them where the events would not fit
in its memory."""

from __future__ import annotations

import math
from typing import Any

import ibis
import pytest
from analytics_kit import backend_for, executed, journeys
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyscope.analytics import DfgQuery
from journeyscope.analytics import holistic as holistic_module
from journeyscope.analytics.cohorts import CohortBackend
from journeyscope.analytics.holistic import (
    distinct_count,
    first_rows,
    holistic_fits,
    sorted_quantiles,
)
from lanes import examples

LEVELS = {"p0": 0.0, "p10": 0.1, "median": 0.5, "p90": 0.9, "p99": 0.99, "p100": 1.0}


def _by_quantile_cont(rows: list[dict[str, Any]]) -> dict[Any, dict[str, float | None]]:
    """Per group, each level by DuckDB's own ``quantile_cont`` (the reference)."""
    t = ibis.memtable(rows, schema={"g": "string", "h": "int64", "v": "int64"})
    counted = t.group_by("g", "h").aggregate(
        _n=t.v.count(), **{k: t.v.quantile(q) for k, q in LEVELS.items()}
    )
    return {
        (r["g"], r["h"]): {k: r[k] for k in LEVELS}
        for r in counted.to_pyarrow().to_pylist()
        if r["_n"]
    }


def _distinct(rows: list[dict[str, Any]], engine: str) -> dict[Any, int]:
    """Per ``g``: the distinct ``(h, v)`` (nulls a value of their own), by marking first rows."""
    t = ibis.memtable(rows, schema={"g": "string", "h": "int64", "v": "int64"})
    marked = first_rows(t, ["g", "h", "v"], "first")
    counted = marked.group_by("g").aggregate(n=marked.first.sum())
    return {r["g"]: r["n"] for r in executed(counted, engine)}


def _counted_both_ways(rows: list[dict[str, Any]], keys: list[str]) -> list[list[Any]]:
    """Per group of ``keys``: distinct non-null ``h``, and those with a positive ``v`` (null
    where ``v`` is), by :func:`distinct_count` held in memory and by sorting."""
    t = ibis.memtable(rows, schema={"g": "string", "h": "int64", "v": "int64"})
    out = []
    for large in (False, True):
        m, every = distinct_count(t, keys, "h", large=large)
        m, positive = distinct_count(m, keys, "h", large=large, where=t.v > 0)
        counted = (m.group_by(*keys) if keys else m).aggregate(every=every, positive=positive)
        out.append(sorted(map(str, executed(counted, "duckdb"))))
    return out


def _distinct_in_python(rows: list[dict[str, Any]]) -> dict[Any, int]:
    return {g: len({(r["h"], r["v"]) for r in rows if r["g"] == g}) for g in {r["g"] for r in rows}}


def _sorted(rows: list[dict[str, Any]], engine: str) -> dict[Any, dict[str, float | None]]:
    t = ibis.memtable(rows, schema={"g": "string", "h": "int64", "v": "int64"})
    got = executed(sorted_quantiles(t, ["g", "h"], "v", LEVELS), engine)
    return {(r["g"], r["h"]): {k: r[k] for k in LEVELS} for r in got}


def _assert_close(got: dict[Any, Any], expected: dict[Any, Any]) -> None:
    assert got.keys() == expected.keys()
    for group, levels in expected.items():
        for level, value in levels.items():
            if value is None:  # no values: both null
                assert got[group][level] is None, (group, level)
                continue
            assert math.isclose(got[group][level], value, rel_tol=1e-13), (group, level)


DECLARED: list[dict[str, Any]] = [
    *({"g": "a", "h": 1, "v": v} for v in (5, 1, 4, 1, 3, 9, 2, 6)),  # duplicates, unsorted
    {"g": "a", "h": None, "v": 7},  # a null key is a group of its own
    {"g": "a", "h": None, "v": None},  # null values are left out
    {"g": "b", "h": 1, "v": -3},  # a group of one value
    {"g": "c", "h": 2, "v": None},  # a group of nulls only has no row
    *({"g": "d", "h": 1, "v": v} for v in (-(10**15), 0, 10**15)),  # wide values
]


@pytest.mark.both_engines
@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_declared_groups_equal_quantile_cont_and_distinct_counts(
    engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "spark":
        request.getfixturevalue("spark")
    _assert_close(_sorted(DECLARED, engine), _by_quantile_cont(DECLARED))
    assert _distinct(DECLARED, engine) == _distinct_in_python(DECLARED)


GROUPS = st.lists(
    st.fixed_dictionaries(
        {
            "g": st.sampled_from(["x", "y", "z"]),
            "h": st.one_of(st.none(), st.integers(0, 2)),
            "v": st.one_of(st.none(), st.integers(-(10**12), 10**12), st.integers(0, 5)),
        }
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=examples(80), deadline=None)
@given(GROUPS)
def test_generated_groups_equal_quantile_cont_and_distinct_counts(
    rows: list[dict[str, Any]],
) -> None:
    _assert_close(_sorted(rows, "duckdb"), _by_quantile_cont(rows))
    assert _distinct(rows, "duckdb") == _distinct_in_python(rows)
    for keys in (["g"], []):
        held, sorted_ = _counted_both_ways(rows, keys)
        assert sorted_ == held
    every = ibis.memtable(rows, schema={"g": "string", "h": "int64", "v": "int64"})
    (overall,) = executed(sorted_quantiles(every, [], "v", LEVELS), "duckdb")
    (expected,) = executed(
        every.aggregate(**{k: every.v.quantile(q) for k, q in LEVELS.items()}), "duckdb"
    )
    _assert_close({(): overall}, {(): expected})


def test_holistic_values_fit_in_proportion_to_the_memory_limit() -> None:
    per_gib = holistic_module.HOLISTIC_VALUES_PER_GIB
    assert holistic_fits(per_gib, 1.0) and not holistic_fits(per_gib + 1, 1.0)
    assert holistic_fits(per_gib * 4, 4.0) and not holistic_fits(per_gib * 4, 3.9)


LOG = {
    "c1": "A@0 B@1 A@3 B@7 C@8",
    "c2": "A@0 B@2 C@2",
    "c3": "B@0 C@30",
    "c4": "A@5 B@5 B@9",
    "c5": "C@0",
}


def test_the_duckdb_backend_sorts_the_dfgs_durations_beyond_its_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same process map either way; which way follows the rows and the memory limit."""
    backend = backend_for(journeys(LOG))
    con = backend._duckdb.con  # type: ignore[attr-defined]
    con.execute("SET memory_limit = '1GB'")
    events = backend.events()
    held = backend.run(DfgQuery())
    assert backend.fits(events)
    monkeypatch.setattr(holistic_module, "HOLISTIC_VALUES_PER_GIB", 12)  # 14 events at 1GB
    assert not backend.fits(events)
    chosen: list[bool] = []
    sort = holistic_module.sorted_quantiles

    def recorded(*args: Any, **kwargs: Any) -> ibis.Table:
        chosen.append(True)
        return sort(*args, **kwargs)

    monkeypatch.setattr("journeyscope.analytics.process.sorted_quantiles", recorded)
    assert backend.run(DfgQuery()) == held and chosen == [True]
    con.execute("SET memory_limit = '4GB'")  # read at each run: raised, the aggregates again
    chosen.clear()
    assert backend.run(DfgQuery()) == held and chosen == []


def test_a_cohort_is_sized_by_the_backend_it_narrows(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = backend_for(journeys(LOG))
    backend._duckdb.con.execute("SET memory_limit = '1GB'")  # type: ignore[attr-defined]
    cohort = CohortBackend(backend, None)
    assert cohort.fits(cohort.events())
    monkeypatch.setattr(holistic_module, "HOLISTIC_VALUES_PER_GIB", 12)  # 14 events at 1GB
    assert not cohort.fits(cohort.events())

"""Variants (analytics/variants.py): each case's whole activity sequence, how common each is,
the ranking (by cases, then alphabetically) and the coverage curve."""

from __future__ import annotations

from collections.abc import Callable

import ibis
import pytest
from pydantic import ValidationError

from journeyscope.analytics import Backend, VariantsQuery
from journeyscope.analytics.variants import SEPARATOR, case_variants, ranked, variants

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

Declared = Callable[..., Backend]


def test_variants_counts_share_and_coverage(declared: Declared) -> None:
    backend = declared(
        {"c1": "A@0 B@1", "c2": "A@0 B@1", "c3": "A@0 B@1", "c4": "B@0 A@1", "c5": "A@0"}
    )
    v = backend.run(VariantsQuery(top=2, coverage=0.8))
    assert (v.cases, v.variants, v.variants_for_coverage) == (5, 3, 2)
    assert [(x.activities, x.cases, x.share) for x in v.top] == [
        (["A", "B"], 3, 0.6),
        (["A"], 1, 0.2),  # ties ranked alphabetically
    ]
    assert [(p.variants, p.share) for p in v.curve] == [(1, 0.6), (2, 0.8), (3, 1.0)]


def test_a_cases_variant_keeps_repeats_and_orders_ties_by_input(declared: Declared) -> None:
    backend = declared({"c1": "B@0 A@0 A@1 C@2", "c2": "A@0"})
    rows = backend.rows(case_variants(backend.events()))
    got = {r["case"]: (r["variant"].split(SEPARATOR), r["length"]) for r in rows}
    assert got == {"c1": (["B", "A", "A", "C"], 4), "c2": (["A"], 1)}


def test_variants_group_cases_with_the_same_sequence(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1", "c2": "A@5 B@9", "c3": "B@0"})
    rows = backend.rows(variants(backend.events()))
    assert {r["variant"]: (r["cases"], r["length"]) for r in rows} == {
        f"A{SEPARATOR}B": (2, 2),
        "B": (1, 1),
    }


def test_ranks_run_by_cases_then_name_with_the_running_coverage() -> None:
    counts = ibis.memtable({"variant": ["b", "a", "c", "d"], "cases": [5, 5, 8, 2]})
    rows = ranked(counts).order_by("rank").to_pyarrow().to_pylist()
    assert [(r["variant"], r["rank"], r["covered"], r["total"]) for r in rows] == [
        ("c", 1, 8, 20),
        ("a", 2, 13, 20),
        ("b", 3, 18, 20),
        ("d", 4, 20, 20),
    ]


def test_the_coverage_rank_is_the_first_to_reach_the_share(declared: Declared) -> None:
    cases = {f"x{i}": "A@0" for i in range(6)} | {f"y{i}": "B@0" for i in range(3)}
    backend = declared({**cases, "z": "C@0"})
    v = backend.run(VariantsQuery(top=1, coverage=0.9))
    assert (v.cases, v.variants, v.variants_for_coverage) == (10, 3, 2)  # 6 + 3 = 90%
    assert [(x.rank, x.activities, x.cumulative_share) for x in v.top] == [(1, ["A"], 0.6)]
    assert "variant = the case's full activity sequence" in v.semantics


@pytest.mark.parametrize("bad", [{"top": 0}, {"coverage": 0}, {"coverage": 1.5}])
def test_a_query_without_variants_to_list_or_a_share_to_cover_is_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        VariantsQuery(**bad)

"""Variants: the distinct activity sequences of cases, how common each is, and coverage.

A case's variant is its whole activity sequence (events ordered by timestamp, ties in input
order), repeats kept. Variants are ranked by the number of cases, then alphabetically, so
the ranking is the same on every engine. The coverage curve answers "how many variants
describe 80% of the cases?".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field

from journeyscope.analytics.cases import AnalysisQuery, CaseRule, with_cases
from journeyscope.analytics.semantics import with_stated

#: Separates activities inside a variant key (the ASCII unit separator never occurs in names).
SEPARATOR = "\x1f"
#: Ranks at which the coverage curve is reported (plus the ranks that reach each threshold).
CURVE_RANKS = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 1.0)


def case_variants(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """One row per case: ``case``, ``variant`` (activities joined by :data:`SEPARATOR`), ``length``.

    The sequence is built by sorting ``(timestamp, source, source_row, event_id, activity)``
    records inside each case, which every engine can do without an ordered aggregate.
    """
    t = with_cases(events, rule)
    record = ibis.struct(
        {
            "timestamp": t.timestamp,
            "source": t.source,
            "source_row": t.source_row,
            "event_id": t.event_id,
            "activity": t.activity,
        }
    )
    ordered = record.collect().sort().map(lambda r: r["activity"])
    return t.group_by("case").aggregate(variant=ordered.join(SEPARATOR), length=t.count())


def variants(events: ibis.Table, rule: CaseRule | None = None) -> ibis.Table:
    """One row per variant: ``variant``, ``cases``, ``length`` (events per case)."""
    v = case_variants(events, rule)
    return v.group_by("variant").aggregate(cases=v.count(), length=v.length.max())


def ranked(variant_counts: ibis.Table) -> ibis.Table:
    """Add ``rank`` (1 = most common), ``covered`` (cases in variants up to this rank) and
    ``total`` (all cases)."""
    v = variant_counts
    order = [ibis.desc(v.cases), v.variant]
    running = ibis.window(order_by=order, preceding=None, following=0)
    return v.mutate(
        rank=ibis.row_number().over(ibis.window(order_by=order)) + 1,
        covered=v.cases.sum().over(running),
        total=v.cases.sum().over(ibis.window()),
    )


VARIANT_SEMANTICS = (
    "variant = the case's full activity sequence (timestamp order, ties in input order, "
    "repeats kept); ranked by cases, then alphabetically"
)


class VariantsQuery(AnalysisQuery):
    """Ask for the most common variants and the coverage curve."""

    kind: Literal["variants"] = "variants"
    CASES_ONLY = True
    top: int = Field(20, ge=1, description="variants listed")
    coverage: float = Field(0.8, gt=0, le=1, description="share of cases to cover")


class Variant(BaseModel):
    rank: int
    activities: list[str]
    cases: int
    share: float
    cumulative_share: float


class CoveragePoint(BaseModel):
    variants: int
    share: float


class VariantsResult(BaseModel):
    """Top variants, the coverage curve, and how they were computed."""

    cases: int
    variants: int
    top: list[Variant]
    coverage: float
    variants_for_coverage: int
    curve: list[CoveragePoint]
    case_rule: str
    semantics: str = VARIANT_SEMANTICS


class VariantsAnalysis:
    """Runner for :class:`VariantsQuery`."""

    def prepare(self, events: ibis.Table, query: VariantsQuery) -> ibis.Table:
        return ranked(variants(events, query.case_rule))

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: VariantsQuery
    ) -> dict[str, ibis.Table]:
        p = prepared
        # the rank that first reaches a share: covered >= share * total > covered - cases
        reaching = [
            (p.covered >= p.total * share) & (p.covered - p.cases < p.total * share)
            for share in (query.coverage, *THRESHOLDS)
        ]
        needed = [p["rank"].max(where=r).name(f"n{i}") for i, r in enumerate(reaching)]
        summary = p.aggregate([p.cases.sum().name("cases"), p.count().name("variants"), *needed])
        on_curve = p["rank"].isin(list(CURVE_RANKS))
        for r in reaching:
            on_curve |= r
        return {
            "top": p.filter(p["rank"] <= query.top).select("rank", "variant", "cases", "covered"),
            "curve": p.filter(on_curve).select("rank", "covered"),
            "summary": summary,
        }

    def result(
        self, query: VariantsQuery, rows: Mapping[str, list[dict[str, Any]]]
    ) -> VariantsResult:
        summary = rows["summary"][0]
        total = int(summary["cases"] or 0)
        n = int(summary["variants"])

        def share(k: int) -> float:
            return round(k / total, 6) if total else 0.0

        top = [
            Variant(
                rank=r["rank"],
                activities=r["variant"].split(SEPARATOR),
                cases=r["cases"],
                share=share(r["cases"]),
                cumulative_share=share(r["covered"]),
            )
            for r in sorted(rows["top"], key=lambda r: r["rank"])
        ]
        points = {int(r["rank"]): int(r["covered"]) for r in rows["curve"]}
        curve = [CoveragePoint(variants=k, share=share(c)) for k, c in sorted(points.items())]
        return VariantsResult(
            cases=total,
            variants=n,
            top=top,
            coverage=query.coverage,
            variants_for_coverage=int(summary["n0"] or 0),
            curve=curve,
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, VARIANT_SEMANTICS),
        )


VARIANTS = VariantsAnalysis()

"""Every analysis result says which definitions it used: case rule, activity key, design and
filters, from one helper (:mod:`journeyscope.analytics.semantics`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest
from analytics_kit import backend_for, journeys

from journeyscope.analytics import (
    ChannelsQuery,
    DfgQuery,
    EmotionQuery,
    FunnelQuery,
    MomentsQuery,
    PathsQuery,
    ValueQuery,
    VariantsQuery,
)
from journeyscope.analytics.attribution import AttributionQuery
from journeyscope.analytics.cases import AnalysisQuery, CaseRule
from journeyscope.analytics.compare import CompareQuery
from journeyscope.analytics.conformance import conformance
from journeyscope.analytics.retention import LifecycleQuery, RetentionQuery
from journeyscope.analytics.semantics import PARTS, stated
from journeyscope.definitions.models import Journey

KEY = ("concept:name", "lifecycle:transition")
KEY_TEXT = "activity: concept:name + lifecycle:transition"
RULE = CaseRule.per_customer()

DESIGN = Journey.model_validate(
    {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "get it done",
        "outcome": {"description": "done", "step": "c"},
        "stages": [
            {
                "id": "all",
                "name": "All",
                "steps": [
                    {"id": s, "name": s.upper(), "activities": [f"{s.upper()} (complete)"]}
                    for s in "abc"
                ],
            }
        ],
    }
)


def log() -> pa.Table:
    cases = {
        f"c{i}~u{i}": "A/web@0 B/phone@60 C/web@120" if i % 2 else "A/web@0 B/web@60"
        for i in range(8)
    }
    rows = journeys(cases).to_pylist()
    for row in rows:
        row["properties"] = json.dumps({"lifecycle:transition": "complete"})
    return pa.Table.from_pylist(rows, schema=journeys({"x": "A@0"}).schema)


QUERIES: dict[str, Any] = {
    "dfg": lambda: DfgQuery(),
    "variants": lambda: VariantsQuery(),
    "funnel": lambda: FunnelQuery(steps=("A (complete)", "C (complete)")),
    "paths": lambda: PathsQuery(start="A (complete)"),
    "channels": lambda: ChannelsQuery(),
    "emotion": lambda: EmotionQuery(journey=DESIGN),
    "moments": lambda: MomentsQuery(
        outcome="completion", outcomes=("C (complete)",), journey=DESIGN, min_cases=1
    ),
    "value": lambda: ValueQuery(journey=DESIGN),
    "compare": lambda: CompareQuery(
        journey=DESIGN,
        step="b",
        before=datetime(2024, 1, 1, tzinfo=UTC),
        after=datetime(2024, 1, 1, tzinfo=UTC),
    ),
    "attribution": lambda: AttributionQuery(conversions=("C (complete)",)),
    "retention": lambda: RetentionQuery(),
    "lifecycle": lambda: LifecycleQuery(),
}
WITH_DESIGN = {"emotion", "moments", "value", "compare"}


def semantics_of(result: Any) -> str:
    text = result.semantics
    return text if isinstance(text, str) else text.description  # the funnel's is structured


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_result_states_case_rule_activity_key_design_and_filters(
    name: str, backend: str
) -> None:
    query: AnalysisQuery = QUERIES[name]().model_copy(
        update={"case_rule": RULE, "activity_key": KEY}
    )
    text = semantics_of(backend_for(log(), backend).run(query))
    assert f"cases: {RULE.describe()}" in text
    assert KEY_TEXT in text
    design = "design: tiny (Tiny)" if name in WITH_DESIGN else "design: none"
    assert design in text
    assert "filters: " in text
    # the stated part comes first, once
    assert text.startswith("cases: ") and all(text.count(p) == 1 for p in PARTS)


def test_conformance_states_its_scope_and_design(backend: str) -> None:
    report = conformance(backend_for(log(), backend).events(), DESIGN.model_copy(), RULE).collect()
    assert report.semantics.startswith(stated(RULE, (), DESIGN, []).split("; filters")[0])
    assert "filters: cases with an event of a regular (not anytime) step" in report.semantics


@pytest.mark.both_engines
def test_filters_are_named(backend: str) -> None:
    paths = PathsQuery(start="A", end="C")
    b = backend_for(journeys({"c1": "A@0 B@1 C@2"}), backend)
    assert "filters: paths: cases with 'C' after 'A'" in b.run(paths).semantics
    plain = b.run(DfgQuery()).semantics
    assert "activity: the activity column; design: none; filters: none" in plain

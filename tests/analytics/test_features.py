"""What each customer went through (analytics/features.py): the lazy per-customer
expressions, the survey studied left out of every feature; and the silent estimate's design
matrix, pivoted from the executed long tables in Arrow and NumPy: counts land on their
customer's row, the most frequent activities are kept (ties in name order), customers without
any count get zeros, properties become one-hot columns."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from analytics_kit import BASE, backend_for, canonical

from journeyscope.analytics import features
from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.features import (
    as_array,
    customer_features,
    feature_matrix,
    with_person,
)

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

DAY = timedelta(days=1)


def _event(case: str | None, customer: str | None, activity: str, day: float, **kw: Any) -> dict:
    return {
        "case_id": case,
        "customer_id": customer,
        "activity": activity,
        "timestamp": BASE + day * DAY,
        "source": "hand",
        **kw,
    }


def _events() -> list[dict[str, Any]]:
    """p1: two cases, two NPS answers (8 then 9), a CSAT answer, an invitation; c9: one event
    and no customer; an event outside any case."""
    seg = json.dumps({"segment": "silver"})
    rows = [
        _event("c1", "p1", "Apply", 0, channel="web", sentiment=0.5, cost=2.0, properties=seg),
        _event("c1", "p1", "Call", 1, channel="phone", cost=3.0),
        _event("c1", "p1", "Rate", 1.5, survey_type="CSAT", survey_score=5.0),
        _event("c2", "p1", "Survey sent", 1.75, channel="email"),
        _event("c2", "p1", "Answer", 3, survey_type="NPS", survey_score=9.0),
        _event("c2", "p1", "Answer", 2, survey_type="NPS", survey_score=8.0),
        _event("c9", None, "Apply", 0, channel="web", properties=json.dumps({"segment": "gold"})),
        _event(None, "p2", "Apply", 0, channel="web"),
    ]
    return [{**r, "event_id": f"e{i}", "source_row": i} for i, r in enumerate(rows)]


def _customers(persons: list[str]) -> pa.Table:
    n = len(persons)
    ones = [1.0] * n
    return pa.table(
        {
            "person": persons,
            "events": [3, 1, 2][:n],
            "cases": ones,
            "activities": [2, 1, 1][:n],
            "span_days": [1.5, None, 0.0][:n],
            "sentiment_mean": [0.2, None, -0.5][:n],
            "sentiments": [1, 0, 2][:n],
            "other_survey_mean": [None, None, 0.5][:n],
            "other_surveys": [0, 0, 1][:n],
            "cost": [10.0, None, 2.5][:n],
            "answers": [1, 0, 0][:n],
            "score": [9.0, None, None][:n],
            "prop_segment": ["gold", None, "basic"][:n],
        }
    )


def _run(engine: str, **kw: Any) -> dict[str, list[dict[str, Any]]]:
    backend = backend_for(canonical(_events()), engine)
    t = with_person(backend.events(), CaseRule.given())
    invitation = t.activity == "Survey sent" if kw.pop("invited", False) else None
    exprs = customer_features(t, "NPS", invitation=invitation, **kw)
    return {
        k: sorted(backend.rows(e), key=lambda r: tuple(map(str, r.values())))
        for k, e in exprs.items()
    }


def test_the_person_is_the_customer_or_else_the_case_and_events_outside_cases_leave(
    backend: str,
) -> None:
    b = backend_for(canonical(_events()), backend)
    rows = b.rows(with_person(b.events(), CaseRule.given()).select("case", "person"))
    assert {(r["case"], r["person"]) for r in rows} == {
        ("c1", "p1"),
        ("c2", "p1"),
        ("c9", "c9"),
    }
    per_customer = with_person(b.events(), CaseRule.per_customer())
    assert {r["person"] for r in b.rows(per_customer.select("person"))} == {"p1", "p2"}


def test_the_surveys_answers_are_the_target_never_a_feature(backend: str) -> None:
    got = _run(backend, properties=("segment",))
    p1 = next(r for r in got["customers"] if r["person"] == "p1")
    # Apply, Call, Rate, Survey sent: the two NPS answers are left out of the counts
    assert (p1["events"], p1["cases"], p1["activities"]) == (4, 2, 4)
    assert p1["span_days"] == pytest.approx(1.75)
    assert (p1["sentiment_mean"], p1["sentiments"]) == (0.5, 1)
    assert (p1["other_survey_mean"], p1["other_surveys"]) == (1.0, 1)  # CSAT 5 on 1..5
    assert p1["cost"] == 5.0
    assert (p1["answers"], p1["score"]) == (2, 9.0)  # the last answer by time, not by row
    assert p1["identified"] == 6 and p1["prop_segment"] == "silver"
    c9 = next(r for r in got["customers"] if r["person"] == "c9")
    assert (c9["events"], c9["answers"], c9["score"], c9["identified"]) == (1, 0, None, 0)
    assert c9["prop_segment"] == "gold"
    assert "Answer" not in {r["activity"] for r in got["activities"]}
    assert got["channels"] == [
        {"person": "c9", "channel": "web", "n": 1},
        {"person": "p1", "channel": "email", "n": 1},
        {"person": "p1", "channel": "phone", "n": 1},
        {"person": "p1", "channel": "web", "n": 1},
    ]


def test_invitations_are_counted_apart_and_left_out_of_the_features(backend: str) -> None:
    got = _run(backend, invited=True)
    p1 = next(r for r in got["customers"] if r["person"] == "p1")
    assert p1["invited"] == 1 and p1["events"] == 3
    assert "Survey sent" not in {r["activity"] for r in got["activities"]}
    assert got["invitations"] == [{"activity": "Survey sent", "customers": 1}]
    assert "invitations" not in _run(backend)


def test_a_truth_property_is_averaged_per_customer(backend: str) -> None:
    rows = _events()
    rows[0]["properties"] = json.dumps({"true_score": 6})
    rows[1]["properties"] = json.dumps({"true_score": 9})
    b = backend_for(canonical(rows), backend)
    t = with_person(b.events(), CaseRule.given())
    got = b.rows(customer_features(t, "NPS", truth="true_score")["customers"])
    assert {r["person"]: r["truth"] for r in got} == {"p1": 7.5, "c9": None}


def test_counts_land_on_their_customers_row_and_ties_keep_name_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(features, "MAX_ACTIVITIES", 2)
    customers = _customers(["c", "a", "b"])  # out of order: rows come back sorted by person
    activities = pa.table(
        {
            "person": ["a", "c", "c", "b", "b"],
            "activity": ["Pay", "Apply", "Pay", "Apply", None],
            "n": [2, 1, 1, 4, 7],
        }
    )
    # Apply: 5, Pay: 3, Zoom: 3 -> Apply, then the tie Pay / Zoom in name order: Pay
    activities = pa.concat_tables(
        [activities, pa.table({"person": ["b"], "activity": ["Zoom"], "n": [3]})]
    )
    channels = pa.table({"person": ["c"], "channel": ["web"], "n": [5]})
    facts, x = feature_matrix(customers, activities, channels, ("segment",))
    assert facts["person"].tolist() == ["a", "b", "c"]
    assert list(x.index) == ["a", "b", "c"]
    assert [c for c in x.columns if c.startswith(("act:", "ch:"))] == [
        "act:Apply",
        "act:Pay",
        "ch:web",
    ]
    assert x["act:Apply"].tolist() == [0.0, 4.0, 1.0]
    assert x["act:Pay"].tolist() == [2.0, 0.0, 1.0]
    assert x["ch:web"].tolist() == [0.0, 0.0, 5.0]
    assert x["rework"].tolist() == [0.0, 1.0, 1.0]  # events - distinct activities
    assert x["span_days"].tolist() == [0.0, 0.0, 1.5]  # missing -> 0
    props = [c for c in x.columns if c.startswith("prop:")]
    assert props == ["prop:segment_(none)", "prop:segment_basic", "prop:segment_gold"]
    assert x[props].to_numpy().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert x.to_numpy().dtype == np.float32 and not np.isnan(x.to_numpy()).any()
    assert np.shares_memory(as_array(x), x.to_numpy())  # the models read it without a copy


def test_no_counts_at_all_leaves_no_count_columns() -> None:
    empty = pa.table(
        {"person": pa.array([], pa.string()), "activity": pa.array([], pa.string()), "n": []}
    )
    no_channels = empty.rename_columns(["person", "channel", "n"])
    facts, x = feature_matrix(_customers(["a", "b"]), empty, no_channels, ())
    assert len(facts) == 2 and not [c for c in x.columns if ":" in c]
    assert x.shape == (2, 10)

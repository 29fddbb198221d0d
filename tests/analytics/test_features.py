"""The silent estimate's design matrix, pivoted from the executed long tables in Arrow and
NumPy: counts land on their customer's row, the most frequent activities are kept (ties in
name order), customers without any count get zeros, properties become one-hot columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from journeyscope.analytics import features
from journeyscope.analytics.features import as_array, feature_matrix


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

"""The silent-customer answer model's quality and each customer's estimate
(analytics/silent_quality.py), on hand-made arrays whose figures are computed by hand. The
propensity's AUC is ``models.roc_auc``'s: a stand-in records what it is given (importing
scikit-learn for it would cost seconds here)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from journeyscope.analytics.silent_quality import predictions_of, quality_of

ANSWERED = np.array([True, True, True, True, False, False])
SCORE = np.array([8.0, 6.0, 9.0, 5.0, 0.0, 0.0])
M_SCORE = np.array([7.0, 6.0, 8.0, 7.0, 6.5, 7.5])
METRIC = np.array([0.0, -100.0, 100.0, -100.0, 0.0, 0.0])  # NPS of the answers
M_METRIC = np.array([10.0, -50.0, 50.0, -50.0, 0.0, 20.0])
P = np.array([0.8, 0.6, 0.5, 0.4, 0.3, 0.5])
FOLDS = np.array([0, 0, 1, 1, 0, 1])


@pytest.fixture(autouse=True)
def auc(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """The AUC's calls; it answers 0.75."""
    calls: list[tuple[Any, ...]] = []

    def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
        calls.append((y, score))
        return 0.75

    fake = types.ModuleType("journeyscope.analytics.models")
    fake.roc_auc = roc_auc  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "journeyscope.analytics.models", fake)
    yield calls


def _quality():  # type: ignore[no-untyped-def]
    return quality_of(2, METRIC, SCORE, M_METRIC, M_SCORE, ANSWERED, P, FOLDS, 0.1234567)


def test_errors_are_out_of_fold_on_respondents_beside_a_no_skill_baseline() -> None:
    q = _quality()
    assert (q.folds, q.propensity_clipped) == (2, 0.123457)
    assert (q.metric_mae, q.metric_mae_baseline) == (40.0, 75.0)  # baseline: their mean, -25
    assert (q.score_mae, q.score_mae_baseline) == (1.0, 1.5)
    assert q.score_r2 == 0.4  # 1 - 6 / 10


def test_the_interval_of_each_fold_comes_from_the_other_folds_residuals() -> None:
    q = _quality()
    # fold 0: residuals of fold 1 are 1 and 2, their 80% quantile 1.8; both of fold 0 inside
    # fold 1: residuals 1 and 0 give 0.8; fold 1's residuals 1 and 2 fall outside
    assert q.interval_level == 0.8
    assert q.interval_half_width == pytest.approx(1.3)
    assert q.interval_coverage == 0.5


def test_calibration_bins_respondents_by_their_predicted_metric() -> None:
    q = _quality()
    assert q.calibration == [
        {"predicted": -50.0, "observed": -100.0, "customers": 2},
        {"predicted": 10.0, "observed": 0.0, "customers": 1},
        {"predicted": 50.0, "observed": 100.0, "customers": 1},
    ]
    assert q.calibration_error == 40.0  # (50 x 2 + 10 + 50) / 4


def test_the_propensitys_separation_and_the_effective_number_of_respondents(
    auc: list[tuple[Any, ...]],
) -> None:
    q = _quality()
    [(y, score)] = auc
    assert y.tolist() == [1, 1, 1, 1, 0, 0] and score is P  # every customer, answered or not
    assert q.propensity_auc == 0.75
    w = 1 / P[ANSWERED]
    assert q.effective_respondents == round(w.sum() ** 2 / (w**2).sum(), 1) == 3.8


def test_each_customer_gets_an_interval_from_the_respondents_residuals_within_the_scale() -> None:
    facts = {"person": ["a", "b", "c"]}
    answered = np.array([True, True, False])
    got = predictions_of(
        "CSAT",
        facts,
        answered,
        np.array([5.0, 2.0, 0.0]),
        np.array([80.0, 10.0, 95.12345]),
        np.array([4.5, 3.0, 4.9]),
        np.array([0.61234, 0.5, 0.2]),
    )
    # residuals 0.5 and 1.0: the 80% quantile is 0.9; CSAT runs from 1 to 5
    assert [(e.person, e.answered, e.score, e.low, e.high) for e in got] == [
        ("a", True, 5.0, 3.6, 5.0),
        ("b", True, 2.0, 2.1, 3.9),
        ("c", False, None, 4.0, 5.0),
    ]
    assert (got[2].expected_metric, got[2].expected_score, got[0].propensity) == (
        95.123,
        4.9,
        0.6123,
    )

"""analytics/models.py: cross-fitted models, each row predicted by a model that never saw it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_info

from journeyscope.analytics import models


def test_folds_are_balanced_seeded_and_cover_every_row() -> None:
    folds = models.folds_of(103, 5, seed=4)
    assert sorted(set(folds.tolist())) == [0, 1, 2, 3, 4]
    assert np.bincount(folds).max() - np.bincount(folds).min() <= 1
    assert (folds == models.folds_of(103, 5, seed=4)).all()
    assert not (folds == models.folds_of(103, 5, seed=5)).all()


def test_a_fold_with_one_class_predicts_it_with_certainty() -> None:
    x = np.arange(6, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 0, 1])
    folds = np.array([0, 0, 0, 1, 1, 1])  # fold 1 trains on fold 0: class 0 only
    out = models.crossfit_classifier(x, y, folds, seed=0)
    assert out.shape == (6, 2)
    assert (out[3:] == [1.0, 0.0]).all()


def test_regressor_learns_from_the_labelled_rows_only() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = np.where(np.arange(400) < 200, 3 * x[:, 0], 1_000.0)  # the unlabelled carry a decoy
    labelled = np.arange(400) < 200
    out = models.crossfit_regressor(x, y, labelled, models.folds_of(400, 4, seed=1), seed=1)
    assert np.abs(out).max() < 100  # the decoy was never learnt
    assert np.corrcoef(out[labelled], y[labelled])[0, 1] > 0.8


def test_constant_labels_are_predicted_as_that_constant() -> None:
    x = np.zeros((10, 1))
    y = np.full(10, 7.0)
    out = models.crossfit_regressor(x, y, np.ones(10, bool), models.folds_of(10, 2, 0), seed=0)
    assert (out == 7.0).all()


def _openmp_threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp")


@pytest.mark.parametrize("rows", [300, models.ONE_THREAD_BELOW])
def test_small_fits_run_on_one_thread_and_large_ones_on_all(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def fit(self, x, y):  # type: ignore[no-untyped-def]
        seen.append(_openmp_threads())
        raise StopIteration  # the threads were all this test wanted

    monkeypatch.setattr(HistGradientBoostingRegressor, "fit", fit)
    x, y = np.random.default_rng(0).normal(size=(rows, 2)), np.arange(rows, dtype=float)
    before = _openmp_threads()
    with pytest.raises(StopIteration):
        models.crossfit_regressor(x, y, np.ones(rows, bool), models.folds_of(rows, 2, 0), 0)
    assert seen == [1 if rows < models.ONE_THREAD_BELOW else before]
    assert _openmp_threads() == before  # set back after the fits


def test_roc_auc_of_one_class_is_none() -> None:
    assert models.roc_auc(np.array([1, 1]), np.array([0.2, 0.9])) is None
    assert models.roc_auc(np.array([0, 1]), np.array([0.2, 0.9])) == 1.0

"""Cross-fitted models shared by the statistical analyses (scikit-learn underneath).

Cross-fitting: rows are split into folds; each fold is predicted by a model fitted on the
other folds only, so no row is predicted by a model that saw it. The estimators built on
these predictions (inverse-propensity weighting, augmented IPW) then keep their stated
confidence intervals.

>>> folds = folds_of(10, 5, seed=0)
>>> sorted(np.bincount(folds).tolist())
[2, 2, 2, 2, 2]
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

#: Below this many rows the models fit and predict on one thread. OpenMP's threads gain little
#: on so few rows, and while the other cores are busy (a service computing pages, Home's
#: background figures, a test run) their spin-waits made a fit of 300 rows 19x slower,
#: 0.14 s -> 2.6 s (docs/benchmarks.md). The limit holds for the calling thread only.
ONE_THREAD_BELOW = 20_000


def folds_of(n: int, k: int, seed: int) -> np.ndarray:
    """A fold number (0..k-1) per row, balanced, in a seeded random order."""
    folds = np.arange(n) % k
    np.random.default_rng(seed).shuffle(folds)
    return folds


def _params(rows: int, seed: int) -> dict[str, object]:
    # early stopping on a held-out 10% once there is enough data for it to mean something
    if rows >= 2_000:
        return {
            "max_iter": 300,
            "early_stopping": True,
            "validation_fraction": 0.1,
            "n_iter_no_change": 15,
            "random_state": seed,
        }
    return {"max_iter": 60, "early_stopping": False, "random_state": seed}


def _threads(rows: int) -> AbstractContextManager[object]:
    """One OpenMP thread for fitting and predicting below :data:`ONE_THREAD_BELOW` rows."""
    return threadpool_limits(1, user_api="openmp") if rows < ONE_THREAD_BELOW else nullcontext()


def crossfit_classifier(x: np.ndarray, y: np.ndarray, folds: np.ndarray, seed: int) -> np.ndarray:
    """Out-of-fold class probabilities (one column per class of ``y``, in sorted order).

    A fold whose training rows hold a single class predicts that class with certainty.
    """
    classes = np.unique(y)
    out = np.zeros((len(y), len(classes)))
    with _threads(len(y)):
        for k in np.unique(folds):
            train, test = folds != k, folds == k
            seen = np.unique(y[train])
            if len(seen) < 2:
                out[np.ix_(test, np.searchsorted(classes, seen))] = 1.0
                continue
            model = HistGradientBoostingClassifier(**_params(int(train.sum()), seed))
            model.fit(x[train], y[train])
            columns = np.searchsorted(classes, model.classes_)
            out[np.ix_(test, columns)] = model.predict_proba(x[test])
    return out


def crossfit_regressor(
    x: np.ndarray, y: np.ndarray, labelled: np.ndarray, folds: np.ndarray, seed: int
) -> np.ndarray:
    """Out-of-fold predictions of ``y`` for every row, learnt from the ``labelled`` rows only."""
    out = np.zeros(len(y))
    with _threads(len(y)):
        for k in np.unique(folds):
            train, test = labelled & (folds != k), folds == k
            if train.sum() == 0:
                continue
            if np.ptp(y[train]) == 0:
                out[test] = y[train][0]
                continue
            model = HistGradientBoostingRegressor(**_params(int(train.sum()), seed))
            model.fit(x[train], y[train])
            out[test] = model.predict(x[test])
    return out


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve, or None when ``y`` has one class only."""
    if len(np.unique(y)) < 2:
        return None
    return round(float(roc_auc_score(y, score)), 4)

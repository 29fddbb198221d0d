"""Moments of truth under non-response: respondents weighted by an answering model, and how
much that changes the ranking.

When the unhappy answer less often, effects fitted on respondents only are distorted (a
planted effect shrinks or grows, depending on how answering bends with the score). If
answering depends on the score (and not on the experience once the score is known),
weighting each answering case by ``1 / P(answer | its score)`` makes the respondents stand
for every case. :func:`answering_weights` takes that curve from a silent-customer result
(the answering model its headline rests on); :func:`ranking_change` says how much the
ranking moved.

>>> w = AnsweringWeights(source="test", p_answer={0.0: 0.1, 10.0: 0.5})
>>> w.weight(np.array([0.0, 10.0, 4.0])).round(2).tolist()
[10.0, 2.0, 3.85]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

if TYPE_CHECKING:
    from journeyscope.analytics.silent import SilentResult


class AnsweringWeights(BaseModel):
    """P(answer | score) per score value; a score between two listed ones is interpolated."""

    source: str
    p_answer: dict[float, float]

    def weight(self, scores: np.ndarray) -> np.ndarray:
        """``1 / P(answer | score)`` for each score (linear interpolation, ends held)."""
        grid = np.array(sorted(self.p_answer))
        p = np.array([self.p_answer[g] for g in grid])
        out: np.ndarray = 1 / np.clip(np.interp(scores, grid, p), 1e-3, 1.0)
        return out


def answering_weights(silent: SilentResult) -> AnsweringWeights | None:
    """The answering curve of ``silent`` (from the strategy its headline rests on, else the
    most general one that converged) as weights; None without a curve."""
    curve = silent.answering_curve
    if curve is None:
        return None
    return AnsweringWeights(
        source=(
            f"the {curve.strategy} answering model of the silent-customer analysis "
            f"({curve.shape} in the score; {curve.described}), P(answer | score) averaged "
            f"over customers"
        ),
        p_answer={pt.score: pt.p_answer for pt in curve.points},
    )


class Move(BaseModel):
    candidate: str
    rank_unweighted: int
    rank_weighted: int


class RankingChange(BaseModel):
    """How the ranking by absolute effect differs between unweighted and weighted fits."""

    rank_correlation: float | None
    top_overlap: float | None
    significance_changed: list[str]
    moved: list[Move]
    rule: str


def ranking_change(
    names: list[str],
    unweighted: np.ndarray,
    weighted: np.ndarray,
    significant_before: list[bool],
    significant_after: list[bool],
    top: int,
) -> RankingChange:
    """Spearman correlation of the absolute effects, the share of the unweighted top ``top``
    still in the weighted top ``top``, the candidates whose significance flipped and the five
    largest moves in rank."""
    k = min(top, len(names))
    if len(names) < 2:
        return RankingChange(
            rank_correlation=None,
            top_overlap=None,
            significance_changed=[],
            moved=[],
            rule="fewer than two candidates: nothing to rank",
        )
    before = np.argsort(np.argsort(-np.abs(unweighted), kind="stable"), kind="stable")
    after = np.argsort(np.argsort(-np.abs(weighted), kind="stable"), kind="stable")
    from scipy import stats

    rho = float(stats.spearmanr(np.abs(unweighted), np.abs(weighted)).statistic)
    overlap = (
        len(
            {i for i in range(len(names)) if before[i] < k}
            & {i for i in range(len(names)) if after[i] < k}
        )
        / k
    )
    order = np.argsort(-np.abs(before - after), kind="stable")[:5]
    moved = [
        Move(
            candidate=names[i], rank_unweighted=int(before[i]) + 1, rank_weighted=int(after[i]) + 1
        )
        for i in order
        if before[i] != after[i]
    ]
    flipped = [
        n for n, a, b in zip(names, significant_before, significant_after, strict=True) if a != b
    ]
    return RankingChange(
        rank_correlation=round(rho, 4) if np.isfinite(rho) else None,
        top_overlap=round(overlap, 4),
        significance_changed=flipped,
        moved=moved,
        rule=(
            f"ranks by absolute effect over the {len(names)} tested candidates; rank_correlation "
            f"= Spearman's; top_overlap = share of the unweighted top {k} still in the "
            f"weighted top {k}; significance by Benjamini-Hochberg in each fit"
        ),
    )

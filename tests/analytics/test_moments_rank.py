"""The moments-of-truth estimates (analytics/moments_rank.py) on small hand-made frames: an
experience's effect is recovered with its interval, one experience under two names (the
data's and a design deviation's) is tested once under the data's name, a rare one is not
tested, and a completion outcome leaves out what mostly comes after it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from journeyscope.analytics.moments import EVERY, MomentsQuery
from journeyscope.analytics.moments_rank import rank
from journeyscope.analytics.moments_result import MomentsResult

N = 200


def _frames(effect: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The cases, their experiences and their risk sets, as frames (the tests change them);
    :func:`_rank` hands them over as the engine's rows."""
    rng = np.random.default_rng(7)
    cases = [f"c{i:03d}" for i in range(N)]
    waited = rng.random(N) < 0.5
    outcome = 8 + effect * waited + rng.normal(0, 1, N)
    frame = pd.DataFrame({"case": cases, "outcome": outcome, "cutoff": 99, "first_channel": "web"})
    rows = []
    for i, case in enumerate(cases):
        if waited[i]:
            rows.append((case, "waited > 14 days before Upload", "wait", "Upload", EVERY))
            rows.append((case, "skipped steps before upload", "skipped_step", "Upload", EVERY))
        if i < 5:
            rows.append((case, "switch web -> phone at Call", "switch", "Call", EVERY))
    experiences = pd.DataFrame(rows, columns=["case", "candidate", "kind", "activity", "risk"])
    reach = pd.DataFrame({"case": cases, "risk": EVERY})
    return frame, experiences, reach


def _rank(query: MomentsQuery, *frames: pd.DataFrame) -> MomentsResult:
    tables = [pa.Table.from_pandas(f, preserve_index=False) for f in frames]
    return rank(query, *tables)


def test_an_effect_is_recovered_and_one_experience_is_tested_once() -> None:
    cases, experiences, reach = _frames(effect=-3.0)
    result = _rank(MomentsQuery(min_cases=10), cases, experiences, reach)
    assert result.cases == N and result.candidates_tested == 1
    (moment,) = result.moments
    assert moment.candidate == "waited > 14 days before Upload", "the data's name is kept"
    assert moment.same_as == ["skipped steps before upload"]
    assert result.duplicates_removed == 1
    assert moment.ci[0] < -3.0 < moment.ci[1] and moment.effect == pytest.approx(-3.0, abs=0.4)
    assert moment.significant and moment.q <= 0.05
    assert moment.cases_with + moment.cases_without == N
    assert moment.impact == pytest.approx(moment.effect * moment.cases_with / N, abs=1e-3)


def test_no_effect_is_not_significant() -> None:
    cases, experiences, reach = _frames(effect=0.0)
    (moment,) = _rank(MomentsQuery(min_cases=10), cases, experiences, reach).moments
    assert not moment.significant and moment.ci[0] < 0 < moment.ci[1]


def test_for_completion_what_mostly_follows_the_outcome_is_left_out() -> None:
    cases, experiences, reach = _frames(effect=-0.3)
    cases["outcome"] = (cases["outcome"] > 7.5).astype(float)
    after = pd.DataFrame({"activity": ["Upload"], "events": [10], "after": [8]})
    query = MomentsQuery(outcome="completion", outcomes=("Done",), min_cases=10)
    assert _rank(query, cases, experiences, reach, after).candidates_tested == 0
    before = after.assign(after=[2])
    assert _rank(query, cases, experiences, reach, before).candidates_tested == 1


def test_no_case_with_an_outcome_tests_nothing() -> None:
    cases, experiences, reach = _frames(effect=-3.0)
    result = _rank(MomentsQuery(min_cases=10), cases.iloc[:0], experiences, reach)
    assert result.cases == 0 and result.candidates_tested == 0 and result.moments == []
    nothing = _rank(MomentsQuery(min_cases=10), cases, experiences.iloc[:0], reach.iloc[:0])
    assert nothing.cases == N and nothing.candidates_tested == 0

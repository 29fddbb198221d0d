"""The moments-of-truth analysis's estimates (Arrow and NumPy; SciPy, statsmodels and pandas,
for the covariates' indicators, loaded when a ranking is computed): each candidate experience's adjusted effect on the outcome within its
risk set, the false-discovery control, the designers' moments of truth checked against the
result, and the result's words (assumptions and semantics). The rows it ranks come from
:mod:`journeyscope.analytics.moments_experiences`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pyarrow as pa

from journeyscope.analytics.cases import human_duration
from journeyscope.analytics.moments_experiences import DEVIATIONS, EVERY
from journeyscope.analytics.moments_result import DesignedMoment, Moment, MomentsResult
from journeyscope.analytics.semantics import with_stated
from journeyscope.analytics.work_items import WENT_BACK

if TYPE_CHECKING:
    from journeyscope.analytics.moments import MomentsQuery


def rank(
    query: MomentsQuery,
    cases: pa.Table,
    experiences: pa.Table,
    reach: pa.Table,
    after: pa.Table | None = None,
) -> MomentsResult:
    """Fit the effect of every candidate on the outcome and rank them (Arrow and NumPy; the
    rows as :mod:`~journeyscope.analytics.moments_experiences` gives them).

    Each candidate is compared within its *risk set*: the cases that could have had it (that
    reached the activity it happens at, had an assisted contact, reached the designed step), so that reaching a late step is not mistaken for
    the effect of what happened there.
    """
    import pandas as pd
    import pyarrow.compute as pc
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    from journeyscope.analytics.estimators import adjusted_effects
    from journeyscope.analytics.moments_weights import ranking_change

    z = float(stats.norm.ppf(0.5 + query.confidence / 2))
    cases = cases.take(pc.sort_indices(cases["case"]))
    n = cases.num_rows
    y = _numbers(cases["outcome"])
    # each experience with its case's row (cases without an outcome are left out); the
    # strings are looked at once each, and from then on only integers are moved
    row = _rows_of(experiences["case"], cases["case"])
    kept = row >= 0
    if query.journey is not None:
        # like the emotion curve: anytime steps with no designed emotion (the survey itself)
        # are bookkeeping around the journey, not experiences of it
        silent_steps = [s for s in query.journey.steps if s.anytime and s.emotion is None]
        kept &= ~_isin(experiences["activity"], {a for s in silent_steps for a in s.activities})
    if query.outcome == "completion" and after is not None and after.num_rows:
        # activities that mostly follow the outcome (a survey after the journey) would only
        # ever count for cases that did not complete: they are left out
        mostly = _numbers(after["after"]) > _numbers(after["events"]) / 2
        late = {a for a, m in zip(after["activity"].to_pylist(), mostly, strict=True) if m}
        kept &= ~_isin(experiences["activity"], late)
    reach_rows = _rows_of(reach["case"], cases["case"])
    risk_codes, risks = _codes(reach["risk"])
    inside = reach_rows >= 0
    members = _split(risk_codes[inside], reach_rows[inside], len(risks))
    adjust_cols = ["first_channel", *[f"adj_{a}" for a in query.adjust]]
    covariates = pd.get_dummies(
        cases.select(adjust_cols).to_pandas().astype("string").fillna("(none)"),
        drop_first=True,
        dtype="float64",
    ).to_numpy()
    steps = query.journey.activity_steps() if query.journey else {}
    weights = (
        query.answering.weight(y)
        if query.answering is not None and query.outcome == "satisfaction"
        else None
    )
    groups, same_as = distinct_candidates(
        query, _Candidates.of(experiences, row, kept, n), dict(zip(risks, members, strict=True)), n
    )
    found: list[tuple[str, str, str | None, np.ndarray, np.ndarray, dict[str, float]]] = []
    plain: list[dict[str, float]] = []
    for risk, rows, per, names, meta in groups:
        position = np.full(n, -1)  # each case's row in the risk set, -1: not in it
        position[rows] = np.arange(len(rows))
        exposed = np.zeros((len(rows), len(names)), dtype=np.float32)
        for j, name in enumerate(names):
            hit = position[per[name]]
            exposed[hit[hit >= 0], j] = 1.0
        w = None if weights is None else weights[rows]
        fit = adjusted_effects(y[rows], exposed, covariates[rows], z, w)
        unweighted = fit if w is None else adjusted_effects(y[rows], exposed, covariates[rows], z)
        for j, name in enumerate(names):
            if not np.isfinite(fit["effect"][j]):
                continue
            kind, activity = meta[name]
            step = (
                None
                if kind == "repeat"
                else str(risk)[5:]
                if str(risk).startswith("step:")
                else steps.get(activity)
                if isinstance(activity, str)
                else None
            )
            stats_j = {k: float(v[j]) for k, v in fit.items()}
            found.append((name, kind, step, y[rows], exposed[:, j] > 0, stats_j))
            plain.append({k: float(v[j]) for k, v in unweighted.items()})
    p = np.array([f[5]["p"] for f in found]) if found else np.array([])
    p = np.nan_to_num(p, nan=1.0)
    qv = multipletests(p, alpha=query.fdr, method="fdr_bh")[1] if len(p) else p
    moments = [
        Moment(
            candidate=name,
            kind=kind,
            step=step,
            cases_with=int(hit.sum()),
            cases_without=int((~hit).sum()),
            outcome_with=round(float(ys[hit].mean()), 4),
            outcome_without=round(float(ys[~hit].mean()), 4),
            effect=round(f["effect"], 4),
            ci=(round(f["low"], 4), round(f["high"], 4)),
            p=float(p[i]),
            q=float(qv[i]),
            significant=bool(qv[i] <= query.fdr),
            impact=round(f["effect"] * float(hit.sum()) / n, 4),
            effect_unweighted=None if weights is None else round(plain[i]["effect"], 4),
            ci_unweighted=None
            if weights is None
            else (round(plain[i]["low"], 4), round(plain[i]["high"], 4)),
            same_as=same_as.get(name, []),
        )
        for i, (name, kind, step, ys, hit, f) in enumerate(found)
    ]
    change = None
    if weights is not None and moments:
        p0 = np.nan_to_num(np.array([d["p"] for d in plain]), nan=1.0)
        q0 = multipletests(p0, alpha=query.fdr, method="fdr_bh")[1]
        change = ranking_change(
            [m.candidate for m in moments],
            np.array([d["effect"] for d in plain]),
            np.array([m.effect for m in moments]),
            [bool(q <= query.fdr) for q in q0],
            [m.significant for m in moments],
            query.top,
        )
    moments.sort(key=lambda m: (not m.significant, -abs(m.effect), m.candidate))
    designed = _designed(query, moments)
    flagged = {d.step for d in designed}
    surprises = [m for m in moments if m.significant and m.step not in flagged][:10]
    return MomentsResult(
        outcome=_outcome_text(query),
        unit="case",
        cases=n,
        outcome_mean=round(float(y.mean()), 4) if n else None,
        candidates_tested=len(moments),
        significant=sum(m.significant for m in moments),
        moments=moments[: query.top],
        designed=designed,
        surprises=surprises,
        adjusted_for=["first channel", *query.adjust],
        case_rule=query.case_rule.describe(),
        assumptions=ASSUMPTIONS,
        semantics=with_stated(query, _semantics(query), _filters(query)),
        weighted_by=None if weights is None or query.answering is None else query.answering.source,
        ranking_change=change,
        duplicates_removed=sum(len(v) for v in same_as.values()),
    )


def _isin(column: pa.ChunkedArray, values: Any) -> np.ndarray:
    """Whether each value of ``column`` is one of ``values``."""
    import pyarrow.compute as pc

    data = _strings(column)
    found = pc.is_in(data, value_set=pa.array(list(values), type=data.type))
    flags: np.ndarray = found.to_numpy(zero_copy_only=False)
    return flags


def _strings(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column``, strings when it is empty and has no type."""
    return column.cast(pa.string()) if pa.types.is_null(column.type) else column


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    """``column`` as float64 (nulls as NaN)."""
    values: np.ndarray = column.cast(pa.float64()).to_numpy()
    return values


def _rows_of(column: pa.ChunkedArray, cases: pa.ChunkedArray) -> np.ndarray:
    """The position in ``cases`` of each value of ``column``, -1 where it is not there."""
    import pyarrow.compute as pc

    data = _strings(column)
    found = pc.index_in(data, value_set=cases.cast(data.type)).fill_null(-1)
    rows: np.ndarray = found.to_numpy().astype(np.int64)
    return rows


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Each value of ``column`` as a number, and the values the numbers stand for."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(_strings(column)).combine_chunks()
    codes: np.ndarray = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def _split(codes: np.ndarray, rows: np.ndarray, count: int) -> list[np.ndarray]:
    """``rows`` split by their ``codes`` (0 .. count - 1), each part in its first order."""
    if not count:
        return []
    order = np.argsort(codes, kind="stable")
    return np.split(rows[order], np.cumsum(np.bincount(codes, minlength=count))[:-1])


#: (kind, activity) of a candidate experience.
Meta = tuple[str, "str | None"]


@dataclass(frozen=True)
class _Candidates:
    """Per risk set, each candidate's cases (their rows of the outcome, sorted, each once)
    and its kind and activity."""

    rows: dict[str, dict[str, np.ndarray]]
    meta: dict[str, dict[str, Meta]]

    @classmethod
    def of(cls, experiences: pa.Table, row: np.ndarray, kept: np.ndarray, n: int) -> _Candidates:
        """From the experiences, each with its case's ``row`` (of ``n``) and whether it is
        ``kept``."""
        risk_codes, risks = _codes(experiences["risk"])
        name_codes, names = _codes(experiences["candidate"])
        at = np.flatnonzero(kept)
        pairs = risk_codes[at] * len(names) + name_codes[at]  # (risk set, candidate)
        codes = None
        if len(risks) * len(names) * max(n, 1) >= 2**62:  # numbered densely, so the key fits
            codes, pairs = np.unique(pairs, return_inverse=True)
        # one number per (risk set, candidate, case): sorted, its distinct values are the
        # pairs, each candidate's cases in order
        key = pairs * n + row[at]
        order = np.argsort(key, kind="stable")
        key, at = key[order], at[order]
        fresh = np.ones(len(key), dtype=bool)
        fresh[1:] = key[1:] != key[:-1]
        key, at = key[fresh], at[fresh]
        if not len(key):
            return cls({}, {})
        pair = key // n
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        first = at[starts]  # one experience of each pair: its kind and activity
        kinds = experiences["kind"].take(first).to_pylist()
        activities = experiences["activity"].take(first).to_pylist()
        rows: dict[str, dict[str, np.ndarray]] = {}
        meta: dict[str, dict[str, Meta]] = {}
        found = pair[starts] if codes is None else codes[pair[starts]]
        for j, (code, part) in enumerate(zip(found, np.split(key % n, starts[1:]), strict=True)):
            risk, name = risks[code // len(names)], names[code % len(names)]
            rows.setdefault(risk, {})[name] = part
            meta.setdefault(risk, {})[name] = (str(kinds[j]), activities[j])
        return cls(rows, meta)


Group = tuple[str, np.ndarray, dict[str, np.ndarray], list[str], dict[str, Meta]]


def distinct_candidates(
    query: MomentsQuery,
    candidates: _Candidates,
    members: dict[str, np.ndarray],
    n: int,
) -> tuple[list[Group], dict[str, list[str]]]:
    """The candidates to test per risk set, each experience once: candidates with exactly the
    same cases (``went back (design) to attend_viewing`` and ``went back to Attend viewing``)
    are one experience under two names; it is tested once, under the name the data gives it
    (a design deviation's name only when no other has those cases), so the false-discovery
    correction does not count it twice. Returns the groups (each candidate's cases as rows of
    the outcome), risk sets and candidates in the order of their names, and, per kept name,
    the others."""
    groups: list[Group] = []
    keys: dict[bytes, list[tuple[bool, str, str]]] = {}
    for risk in sorted(candidates.rows):
        rows = np.arange(n) if risk == EVERY else members.get(risk, np.array([], dtype=int))
        if len(rows) < 2 * query.min_cases:
            continue
        per = candidates.rows[risk]  # each candidate's rows of its cases
        names = [
            c for c in sorted(per) if query.min_cases <= len(per[c]) <= len(rows) - query.min_cases
        ]
        if not names:
            continue
        meta = candidates.meta[risk]
        for name in names:
            design = meta[name][0] in DEVIATIONS
            keys.setdefault(per[name].tobytes(), []).append((design, risk, name))
        groups.append((risk, rows, per, names, meta))
    same_as: dict[str, list[str]] = {}
    dropped: set[str] = set()
    for named in keys.values():
        if len(named) > 1:
            keep, *rest = sorted(named)
            same_as[keep[2]] = [r[2] for r in rest]
            dropped |= {r[2] for r in rest}
    kept = [
        (risk, rows, per, [c for c in names if c not in dropped], meta)
        for risk, rows, per, names, meta in groups
    ]
    return [g for g in kept if g[3]], same_as


def _designed(query: MomentsQuery, moments: list[Moment]) -> list[DesignedMoment]:
    if query.journey is None:
        return []
    out = []
    for step in query.journey.steps:
        if step.moment_of_truth is None:
            continue
        mine = [m for m in moments if m.step == step.id]
        strong = [m for m in mine if m.significant]
        verdict: Literal["confirmed", "not confirmed", "not testable"] = (
            "confirmed" if strong else "not confirmed" if mine else "not testable"
        )
        evidence = [
            f"{m.candidate}: effect {m.effect:+.3g} (q={m.q:.2g})" for m in (strong or mine)[:3]
        ]
        out.append(DesignedMoment(step=step.id, name=step.name, verdict=verdict, evidence=evidence))
    return out


ASSUMPTIONS: Final = (
    "observational evidence: each effect is the difference in the outcome between cases with "
    "and without the experience after adjusting for the listed variables in a linear model; "
    "other differences between those cases (what made them have the experience) are not "
    "removed, so an effect is a lead to investigate or test, not proof of cause; cases "
    "without an outcome are left out; significance is after Benjamini-Hochberg control of "
    "the false discovery rate"
)


def _outcome_text(q: MomentsQuery) -> str:
    if q.outcome == "satisfaction":
        return f"satisfaction: the case's last {q.survey} score (effects in score points)"
    acts = ", ".join(q.outcome_activities()) or "(none given: nothing completes)"
    return f"completion: the case reaches one of {acts} (effects in share of cases, 0..1)"


def _filters(q: MomentsQuery) -> list[str]:
    scope = (
        ["cases with an event of a regular (not anytime) step of the design"]
        if q.journey is not None
        else []
    )
    if q.outcome == "satisfaction":
        return [*scope, f"cases without a {q.survey} answer are left out"]
    return scope


def _semantics(q: MomentsQuery) -> str:
    return (
        f"unit: case; for completion, activities that mostly come after the outcome in completed cases are "
        f"left out (they could only count for cases that did not complete); with a design, "
        f"so are experiences at its anytime steps that have no designed emotion (surveys); "
        f"experiences counted before the outcome (the answer, or the first outcome "
        f"event); experiences are named by work item (the activity without its lifecycle "
        f"transition); backtrack = {WENT_BACK}; switch = consecutive "
        f"events in different channels; wait = more than {human_duration(q.wait)} since the "
        f"case's previous event; repeat = an assisted contact ({', '.join(q.assisted)}) within "
        f"{human_duration(q.repeat_within)} of the case's previous one; tested when seen in "
        f"at least {q.min_cases} cases and missed by as many within its risk set (the cases that "
        f"reached the activity it happens at, had an assisted contact, or reached the designed "
        f"step; every case for steps); effect = OLS "
        f"coefficient within the risk set with "
        f"HC1 {round(q.confidence * 100)}% interval, adjusted for first channel"
        f"{''.join(', ' + a for a in q.adjust)}; q = Benjamini-Hochberg adjusted p, "
        f"significant when q <= {q.fdr}; impact = effect x share of cases with it; "
        f"ranking: significant first, then by absolute effect; candidates with exactly the "
        f"same cases are tested once (other names in same_as)"
        + (
            f"; answering cases weighted by 1 / P(answer | score) from {q.answering.source} "
            f"(weighted least squares, HC1), the unweighted effect beside each"
            if q.answering is not None and q.outcome == "satisfaction"
            else "; respondents unweighted"
        )
    )

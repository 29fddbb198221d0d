"""The moments-of-truth analysis's estimates (pandas, NumPy, statsmodels; loaded when a
ranking is computed): each candidate experience's adjusted effect on the outcome within its
risk set, the false-discovery control, the designers' moments of truth checked against the
result, and the result's words (assumptions and semantics). The rows it ranks come from
:mod:`journeyscope.analytics.moments_experiences`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from journeyscope.analytics.cases import human_duration
from journeyscope.analytics.moments_experiences import DEVIATIONS, EVERY
from journeyscope.analytics.moments_result import DesignedMoment, Moment, MomentsResult
from journeyscope.analytics.semantics import with_stated
from journeyscope.analytics.work_items import WENT_BACK

if TYPE_CHECKING:
    import pandas as pd

    from journeyscope.analytics.moments import MomentsQuery


def rank(
    query: MomentsQuery,
    cases: pd.DataFrame,
    experiences: pd.DataFrame,
    reach: pd.DataFrame,
    after: pd.DataFrame | None = None,
) -> MomentsResult:
    """Fit the effect of every candidate on the outcome and rank them (pure pandas/NumPy).

    Each candidate is compared within its *risk set*: the cases that could have had it (that
    reached the activity it happens at, had an assisted contact, reached the designed step), so that reaching a late step is not mistaken for
    the effect of what happened there.
    """
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    from journeyscope.analytics.estimators import adjusted_effects
    from journeyscope.analytics.moments_weights import ranking_change

    z = float(stats.norm.ppf(0.5 + query.confidence / 2))
    cases = cases.sort_values("case", kind="stable").reset_index(drop=True)
    n = len(cases)
    y = cases["outcome"].astype("float64").to_numpy()
    # each experience with its case's row (cases without an outcome are left out)
    row = _rows_of(experiences["case"], cases["case"])
    kept = row >= 0
    if query.journey is not None:
        # like the emotion curve: anytime steps with no designed emotion (the survey itself)
        # are bookkeeping around the journey, not experiences of it
        silent_steps = [s for s in query.journey.steps if s.anytime and s.emotion is None]
        kept &= ~_isin(experiences["activity"], {a for s in silent_steps for a in s.activities})
    if query.outcome == "completion" and after is not None and len(after):
        # activities that mostly follow the outcome (a survey after the journey) would only
        # ever count for cases that did not complete: they are left out
        late = set(after.loc[after["after"] > after["events"] / 2, "activity"])
        kept &= ~_isin(experiences["activity"], late)
    # one filter for all three (pandas filters Arrow-backed strings slowly: about 2 s for
    # 4.7M experiences, at 10M events)
    experiences = experiences.assign(row=row)
    if not kept.all():
        experiences = experiences[kept]
    reach = reach.assign(row=_rows_of(reach["case"], cases["case"]))
    reach = reach[reach["row"] >= 0]
    adjust_cols = ["first_channel", *[f"adj_{a}" for a in query.adjust]]
    covariates = pd.get_dummies(
        cases[adjust_cols].astype("string").fillna("(none)"), drop_first=True, dtype="float64"
    ).to_numpy()
    members = reach.groupby("risk")["row"].apply(lambda r: r.to_numpy())
    steps = query.journey.activity_steps() if query.journey else {}
    weights = (
        query.answering.weight(y)
        if query.answering is not None and query.outcome == "satisfaction"
        else None
    )
    groups, same_as = distinct_candidates(query, experiences, members, n)
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
            activity = meta.at[name, "activity"]
            kind = str(meta.at[name, "kind"])
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


def _isin(column: pd.Series, values: Any) -> np.ndarray:
    """``column.isin(values)``, by Arrow: pandas' ``isin`` on Arrow strings makes a Python
    object of every value first (a second in a report at 1M events)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = _arrow(column)
    found = pc.is_in(data, value_set=pa.array(list(values), type=data.type))
    flags: np.ndarray = found.to_numpy(zero_copy_only=False)
    return flags


def _arrow(column: pd.Series) -> Any:
    """``column`` as an Arrow array (strings when it is empty and has no type)."""
    import pyarrow as pa

    data = pa.array(column)
    return data.cast(pa.string()) if pa.types.is_null(data.type) else data


def _rows_of(column: pd.Series, cases: pd.Series) -> np.ndarray:
    """The position in ``cases`` of each value of ``column``, -1 where it is not there."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = _arrow(column)
    found = pc.index_in(data, value_set=pa.array(cases, type=data.type)).fill_null(-1)
    rows: np.ndarray = found.to_numpy(zero_copy_only=False).astype(np.int64)
    return rows


def distinct_candidates(
    query: MomentsQuery,
    experiences: pd.DataFrame,
    members: pd.Series,
    n: int,
) -> tuple[list[tuple[Any, np.ndarray, pd.Series, list[str], pd.DataFrame]], dict[str, list[str]]]:
    """The candidates to test per risk set, each experience once: candidates with exactly the
    same cases (``went back (design) to attend_viewing`` and ``went back to Attend viewing``)
    are one experience under two names; it is tested once, under the name the data gives it
    (a design deviation's name only when no other has those cases), so the false-discovery
    correction does not count it twice. Returns the groups (each candidate's cases as rows of
    the outcome) and, per kept name, the others."""
    groups = []
    keys: dict[bytes, list[tuple[bool, str, str]]] = {}
    # grouped once by (risk, candidate), not split into a frame per risk set and grouped
    # again (pandas splits Arrow-backed strings slowly: 2.9 s against 1.4 s at 4.7M rows)
    every_per = experiences.groupby(["risk", "candidate"], sort=True)["row"].unique()
    every_meta = experiences.drop_duplicates(["risk", "candidate"]).set_index(["risk", "candidate"])
    for risk in every_per.index.get_level_values(0).unique():
        rows = np.arange(n) if risk == EVERY else members.get(risk, np.array([], dtype=int))
        if len(rows) < 2 * query.min_cases:
            continue
        per = every_per.loc[risk]  # each candidate's rows of its cases
        names = [
            c for c, v in per.items() if query.min_cases <= len(v) <= len(rows) - query.min_cases
        ]
        if not names:
            continue
        meta = every_meta.loc[risk]  # each candidate's first experience in the risk set
        for name in names:
            design = str(meta.at[name, "kind"]) in DEVIATIONS
            same_cases = np.sort(per[name]).tobytes()
            keys.setdefault(same_cases, []).append((design, str(risk), str(name)))
        groups.append((risk, rows, per, names, meta))
    same_as: dict[str, list[str]] = {}
    dropped: set[str] = set()
    for names in keys.values():
        if len(names) > 1:
            keep, *rest = sorted(names)
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

"""Moments of truth: which experiences move satisfaction or completion, and by how much.

Each case (journey instance) is described by the experiences it went through *before* its
outcome was known (before its survey answer, or before it reached the outcome):

* ``step`` — an activity happened (satisfaction outcomes only: reaching a late step says
  little about completion except that the case got that far);
* ``backtrack`` — the case went back to a work item it had done before, right after another
  one (on lifecycle logs, one work item's transitions are not going back; see
  :mod:`journeyscope.analytics.work_items`);
* ``switch`` — two consecutive events in different channels, named by the activity switched
  to (``switch web -> phone at Call contact centre``);
* ``wait`` — more than ``wait`` passed between an event and the next (``waited > 14 days
  before Upload documents``);
* ``repeat`` — an assisted contact within ``repeat_within`` of the case's previous one;
* with a designed journey, its deviations from :mod:`journeyscope.analytics.conformance`:
  ``time_limit_broken`` into a step, ``skipped_step``, ``out_of_order``, ``entered_midway``.

For each experience seen in at least ``min_cases`` cases (and missed by as many), the effect
is the coefficient of a 0/1 indicator in a linear model of the outcome, adjusted for the
case's first channel and for the properties named in ``adjust`` (e.g. ``segment``), with
heteroskedasticity-robust (HC1) intervals. p-values are controlled for many tests with
Benjamini-Hochberg (false discovery rate ``fdr``). The evidence is observational: an effect
is an association after adjustment, not proof that changing the experience changes the
outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

import ibis
import numpy as np
import pyarrow as pa
from pydantic import BaseModel, Field

from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    cased,
    human_duration,
    lookup,
    property_value,
)
from journeyscope.analytics.conformance import conformance
from journeyscope.analytics.moments_weights import AnsweringWeights, RankingChange
from journeyscope.analytics.semantics import with_stated
from journeyscope.analytics.work_items import LIFECYCLE, WENT_BACK, instances, work_item
from journeyscope.definitions.models import Journey

if TYPE_CHECKING:
    import pandas as pd

Outcome = Literal["satisfaction", "completion"]

#: Risk-set keys besides activities, channels and steps.
EVERY: Final = "(every case)"
ASSISTED: Final = "(assisted contact)"

#: Conformance deviations that become candidate experiences (and how they are named).
DEVIATIONS: Final[dict[str, str]] = {
    "time_limit_broken": "time limit broken before",
    "skipped_step": "skipped steps before",
    "out_of_order": "out of order:",
    "backtracking": "went back (design) to",
    "entered_midway": "entered mid-way at",
}


class MomentsQuery(AnalysisQuery):
    """Rank candidate experiences by their adjusted effect on an outcome."""

    kind: Literal["moments"] = "moments"
    outcome: Outcome = "satisfaction"
    survey: Literal["NPS", "CSAT", "CES"] = "NPS"
    outcomes: tuple[str, ...] = ()
    journey: Journey | None = None
    adjust: tuple[str, ...] = ()
    wait: timedelta = Field(default=timedelta(days=14))
    repeat_within: timedelta = Field(default=timedelta(days=7))
    assisted: tuple[str, ...] = ("phone", "branch", "chat", "email")
    min_cases: int = Field(default=30, ge=1)
    fdr: float = Field(default=0.05, gt=0, lt=1)
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    top: int = Field(default=25, ge=1)
    #: satisfaction only: weight each answering case by 1 / P(answer | its score)
    answering: AnsweringWeights | None = None

    def outcome_activities(self) -> tuple[str, ...]:
        if self.outcomes:
            return self.outcomes
        return tuple(self.journey.outcome_activities()) if self.journey else ()


class Moment(BaseModel):
    candidate: str
    kind: str
    step: str | None
    cases_with: int
    cases_without: int
    outcome_with: float
    outcome_without: float
    effect: float
    ci: tuple[float, float]
    p: float
    q: float
    significant: bool
    impact: float
    #: the unweighted fit beside the weighted one, when the query weights by answering
    effect_unweighted: float | None = None
    ci_unweighted: tuple[float, float] | None = None
    #: other names of the very same experience (the same cases), tested once under this name
    same_as: list[str] = []


class DesignedMoment(BaseModel):
    """A step the designers flagged as a moment of truth, and what the data says."""

    step: str
    name: str
    verdict: Literal["confirmed", "not confirmed", "not testable"]
    evidence: list[str]


class MomentsResult(BaseModel):
    outcome: str
    unit: str
    cases: int
    outcome_mean: float | None
    candidates_tested: int
    significant: int
    moments: list[Moment]
    designed: list[DesignedMoment]
    surprises: list[Moment]
    adjusted_for: list[str]
    case_rule: str
    assumptions: str
    semantics: str
    weighted_by: str | None = None
    ranking_change: RankingChange | None = None
    duplicates_removed: int = 0


class MomentsAnalysis:
    """Runner for :class:`MomentsQuery`."""

    arrow = True

    def prepare(self, events: ibis.Table, query: MomentsQuery) -> ibis.Table:
        t = _narrowed(cased(events, query.case_rule), query)
        if query.journey is None:
            return t
        # as in conformance: the cases with an event of a regular (not anytime) step
        regular = [a for s in query.journey.steps if not s.anytime for a in s.activities]
        scope = t.filter(t.activity.isin(regular)).select("case").distinct()
        return t.semi_join(scope, "case")

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: MomentsQuery
    ) -> dict[str, ibis.Table]:
        outcomes = _outcomes(prepared, query)
        return {
            "cases": outcomes,
            "experiences": _experiences(prepared, events, outcomes, query),
            "reach": _reach(prepared, outcomes, query),
            "after": _after_outcome(prepared, outcomes),
        }

    def result(self, query: MomentsQuery, rows: Mapping[str, pa.Table]) -> MomentsResult:
        return rank(
            query,
            rows["cases"].to_pandas(),
            rows["experiences"].to_pandas(),
            rows["reach"].to_pandas(),
            rows["after"].to_pandas(),
        )


#: The event columns the experiences, outcomes and risk sets read (besides properties).
EVENT_COLUMNS: Final = (
    "case",
    "seq",
    "activity",
    "work_item",
    "channel",
    *ORDER_KEYS,
    "survey_type",
    "survey_score",
)


def _narrowed(t: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """``t`` with only the columns the analysis reads, the properties it reads (the
    adjustment properties and the lifecycle transition) read out of ``properties`` once: the
    cached table then holds about a dozen columns instead of every identifier and the
    properties text."""
    named = dict.fromkeys((*q.adjust, LIFECYCLE))
    kept = list(dict.fromkeys(c for c in (*EVENT_COLUMNS, *named) if c in t.columns))
    if "properties" not in t.columns:
        return t.select(*kept)
    read = {p: property_value(t, p) for p in named if p not in t.columns}
    return t.select(*kept, **read)


def _outcomes(t: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """One row per case: ``outcome``, ``cutoff`` (experiences count before it), ``first_channel``
    and the adjustment properties (``adj_<name>``, the case's smallest value)."""
    props = {f"adj_{name}": property_value(t, name).min() for name in q.adjust}
    first_channel = t.channel.argmin(t.seq).fill_null("(none)")
    if q.outcome == "satisfaction":
        answer = (t.survey_type == q.survey).fill_null(False) & t.survey_score.notnull()
        per = t.group_by("case").aggregate(
            outcome=t.survey_score.argmax(t.seq, where=answer),
            cutoff=t.seq.max(where=answer),
            first_channel=first_channel,
            **props,
        )
        return per.filter(per.outcome.notnull())
    reached = t.activity.isin(list(q.outcome_activities()))
    per = t.group_by("case").aggregate(
        outcome=reached.any().cast("float64"),
        cutoff=t.seq.min(where=reached),
        first_channel=first_channel,
        **props,
    )
    return per.mutate(cutoff=per.cutoff.fill_null(2**62))


def _experiences(
    t: ibis.Table, events: ibis.Table, outcomes: ibis.Table, q: MomentsQuery
) -> ibis.Table:
    """Distinct (case, candidate, kind, activity) of experiences before each case's cutoff."""
    t = instances(t.inner_join(outcomes.select("case", "cutoff"), "case"))
    w = ibis.window(group_by=t.case, order_by=t.seq)
    t = t.mutate(
        prev_channel=t.channel.lag().over(w),
        prev_ts=t.timestamp.lag().over(w),
    )
    contacts = t.filter(t.channel.isin(list(q.assisted)))
    contacts = contacts.mutate(
        prev_contact=contacts.timestamp.lag().over(
            ibis.window(group_by=contacts.case, order_by=contacts.seq)
        )
    )
    contacts = contacts.filter(contacts.seq < contacts.cutoff, contacts.prev_contact.notnull())
    before = t.filter(t.seq < t.cutoff)
    answers = before.survey_type.notnull() & before.survey_score.notnull()
    gap = before.timestamp.epoch_seconds() - before.prev_ts.epoch_seconds()
    parts = [
        _went_back(t),
        before.filter(
            before.prev_channel.notnull(),
            before.channel.notnull(),
            before.prev_channel != before.channel,
        ).select(
            "case",
            candidate="switch "
            + before.prev_channel
            + " -> "
            + before.channel
            + " at "
            + before.item,
            kind=ibis.literal("switch"),
            activity=before.item,
            risk=before.item,
        ),
        before.filter(gap > q.wait.total_seconds()).select(
            "case",
            candidate=f"waited > {human_duration(q.wait)} before " + before.item,
            kind=ibis.literal("wait"),
            activity=before.item,
            risk=before.item,
        ),
        contacts.filter(
            contacts.timestamp.epoch_seconds() - contacts.prev_contact.epoch_seconds()
            <= q.repeat_within.total_seconds()
        ).select(
            "case",
            candidate="repeat contact by " + contacts.channel,
            kind=ibis.literal("repeat"),
            activity=contacts.item,
            risk=ibis.literal(ASSISTED),
        ),
    ]
    if q.outcome == "satisfaction":
        parts.append(
            before.filter(~answers).select(
                "case",
                candidate="step: " + before.item,
                kind=ibis.literal("step"),
                activity=before.item,
                risk=ibis.literal(EVERY),
            )
        )
    if q.journey is not None:
        parts.append(_deviation_experiences(events, outcomes, q))
    return ibis.union(*parts, distinct=True)


def _went_back(t: ibis.Table) -> ibis.Table:
    """``went back to`` experiences: instances of a work item opened again right after
    another work item's, before the cutoff (see :mod:`journeyscope.analytics.work_items`)."""
    o = t.filter(t.opens)
    o = o.mutate(
        prev_item=o.item.lag().over(ibis.window(group_by=o.case, order_by=o.seq)),
        nth=ibis.row_number().over(ibis.window(group_by=[o.case, o.item], order_by=o.seq)),
    )
    o = o.filter(o.seq < o.cutoff, o.nth > 0, o.prev_item != o.item)
    return o.select(
        "case",
        candidate="went back to " + o.item,
        kind=ibis.literal("backtrack"),
        activity=o.item,
        risk=o.item,
    )


def _after_outcome(t: ibis.Table, outcomes: ibis.Table) -> ibis.Table:
    """Per work item, how many of its events in cases that reached the outcome came after
    it."""
    done = outcomes.filter(outcomes.outcome > 0).select("case", "cutoff")
    t = t.inner_join(done, "case")
    t = t.mutate(activity=work_item(t))
    return t.group_by("activity").aggregate(
        events=t.count(), after=(t.seq > t.cutoff).cast("int64").sum()
    )


def _reach(t: ibis.Table, outcomes: ibis.Table, q: MomentsQuery) -> ibis.Table:
    """(case, risk) for every risk set a case belongs to before its cutoff: each activity it
    did, each designed step it reached, any assisted contact."""
    t = t.inner_join(outcomes.select("case", "cutoff"), "case")
    t = t.filter(t.seq < t.cutoff)
    parts = [
        t.select("case", risk=work_item(t)),
        t.filter(t.channel.isin(list(q.assisted))).select("case", risk=ibis.literal(ASSISTED)),
    ]
    claimed = q.journey.activity_steps() if q.journey else {}
    if claimed:
        marked = t.mutate(
            risk=lookup(t.activity, {a: "step:" + s for a, s in claimed.items()}, "string")
        )
        parts.append(marked.filter(marked.risk.notnull()).select("case", "risk"))
    return ibis.union(*parts, distinct=True)


def _deviation_experiences(events: ibis.Table, outcomes: ibis.Table, q: MomentsQuery) -> ibis.Table:
    assert q.journey is not None
    steps = q.journey.steps
    first_activity = {s.id: s.activities[0] for s in steps if s.activities}
    c = conformance(events, q.journey, q.case_rule)
    d = c.deviations.filter(c.deviations.type.isin(list(DEVIATIONS)))
    d = d.inner_join(outcomes.select("case", "cutoff"), "case")
    d = d.filter(d.seq < d.cutoff)
    label = ibis.cases(
        *[(d.type == kind, ibis.literal(text + " ")) for kind, text in DEVIATIONS.items()],
        else_=ibis.literal(""),
    )
    return d.select(
        "case",
        candidate=label + d.to_step.fill_null("?"),
        kind=d.type,
        activity=lookup(d.to_step, first_activity, "string"),
        risk="step:" + d.to_step.fill_null("?"),
    )


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
    index = pd.Series(np.arange(n), index=cases["case"])
    experiences = experiences[experiences["case"].isin(index.index)]
    if query.journey is not None:
        # like the emotion curve: anytime steps with no designed emotion (the survey itself)
        # are bookkeeping around the journey, not experiences of it
        silent_steps = [s for s in query.journey.steps if s.anytime and s.emotion is None]
        quiet = {a for s in silent_steps for a in s.activities}
        experiences = experiences[~experiences["activity"].isin(quiet)]
    if query.outcome == "completion" and after is not None and len(after):
        # activities that mostly follow the outcome (a survey after the journey) would only
        # ever count for cases that did not complete: they are left out
        late = set(after.loc[after["after"] > after["events"] / 2, "activity"])
        experiences = experiences[~experiences["activity"].isin(late)]
    reach = reach[reach["case"].isin(index.index)]
    adjust_cols = ["first_channel", *[f"adj_{a}" for a in query.adjust]]
    covariates = pd.get_dummies(
        cases[adjust_cols].astype("string").fillna("(none)"), drop_first=True, dtype="float64"
    ).to_numpy()
    members = reach.groupby("risk")["case"].apply(lambda c: index[c].to_numpy())
    steps = query.journey.activity_steps() if query.journey else {}
    weights = (
        query.answering.weight(y)
        if query.answering is not None and query.outcome == "satisfaction"
        else None
    )
    groups, same_as = _distinct_candidates(query, experiences, members, n, index)
    found: list[tuple[str, str, str | None, np.ndarray, np.ndarray, dict[str, float]]] = []
    plain: list[dict[str, float]] = []
    for risk, rows, per, names, meta in groups:
        position = pd.Series(np.arange(len(rows)), index=rows)
        exposed = np.zeros((len(rows), len(names)), dtype=np.float32)
        for j, name in enumerate(names):
            hit = position.reindex(index[per[name]].to_numpy()).dropna().astype(int).to_numpy()
            exposed[hit, j] = 1.0
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


def _distinct_candidates(
    query: MomentsQuery,
    experiences: pd.DataFrame,
    members: pd.Series,
    n: int,
    index: pd.Series,
) -> tuple[list[tuple[Any, np.ndarray, pd.Series, list[str], pd.DataFrame]], dict[str, list[str]]]:
    """The candidates to test per risk set, each experience once: candidates with exactly the
    same cases (``went back (design) to attend_viewing`` and ``went back to Attend viewing``)
    are one experience under two names; it is tested once, under the name the data gives it
    (a design deviation's name only when no other has those cases), so the false-discovery
    correction does not count it twice. Returns the groups and, per kept name, the others."""
    groups = []
    keys: dict[frozenset[Any], list[tuple[bool, str, str]]] = {}
    for risk, group in experiences.groupby("risk", sort=True):
        rows = np.arange(n) if risk == EVERY else members.get(risk, np.array([], dtype=int))
        if len(rows) < 2 * query.min_cases:
            continue
        per = group.groupby("candidate")["case"].unique()
        names = [
            c for c, v in per.items() if query.min_cases <= len(v) <= len(rows) - query.min_cases
        ]
        if not names:
            continue
        meta = group.drop_duplicates("candidate").set_index("candidate")
        for name in names:
            design = str(meta.at[name, "kind"]) in DEVIATIONS
            keys.setdefault(frozenset(per[name]), []).append((design, str(risk), str(name)))
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


MOMENTS = MomentsAnalysis()

"""Attribution: which touchpoints (channels, campaigns, activities) lead to a conversion.

The conversion path of a case
    A case *converts* at its first event whose activity is one of ``conversions``; it converts
    at most once (to credit every conversion of a customer, derive cases that end at the
    conversion: ``CaseRule.ending_at(*conversions)``). Its *touchpoints* are the earlier events
    of the case (timestamp order, ties in input order) that carry a value of the ``touchpoint``
    dimension (a column such as ``channel`` or a key of ``properties``), at most ``lookback``
    before the conversion. A case that does not convert has as touchpoints its events with a
    value at most ``lookback`` before its last event (used by the Markov model only).

Rule-based models (each converting case hands out exactly one conversion)
    * ``first`` / ``last``: all of it to the first / last touchpoint;
    * ``linear``: ``1/n`` to each of the ``n`` touchpoints;
    * ``position`` (U-shaped): 40% first, 40% last, 20% shared by the middle ones;
    * ``j`` (J-shaped): 20% first, 60% last, 20% middle; ``inverse_j``: 60% / 20% / 20%.
      With two touchpoints the middle share goes to the first and last in proportion
      (U: 50/50, J: 25/75, inverse J: 75/25); with one touchpoint it gets everything;
    * ``time_decay``: weight ``2^(-age/half_life)`` (age = time before the conversion),
      normalised to sum to 1 in the case.

Data-driven models
    * ``shapley``: the Shapley value of the cooperative game whose players are the touchpoint
      values and whose worth ``v(S)`` is the number of conversions of the cases whose set of
      touchpoint values is a subset of ``S``. That game is a sum of unanimity games (one per
      channel set ``T``, worth the conversions with exactly that set), so the Shapley value is
      exact and cheap: each conversion splits equally among the *distinct* values on its path.
      The tests check it against the permutation formula by enumeration.
    * ``markov``: a first-order Markov chain over ``(start)``, the touchpoint values,
      ``(conversion)`` and ``(null)``, with transitions counted on every path (converting or
      not). ``P`` is the probability of reaching ``(conversion)`` from ``(start)``; the
      *removal effect* of ``c`` is ``1 - P_without_c / P`` (paths through ``c`` end in
      ``(null)``). The conversions are shared in proportion to the removal effects.

A converting case without a touchpoint in the lookback window is credited to
``(no touchpoint)`` by every model, so every model's credits sum to the conversions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

import ibis
import numpy as np
from pydantic import BaseModel, Field, field_validator

from journeyscope.analytics.backends import ANALYSES, Backend
from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    cased,
    epoch_ms,
    human_duration,
    property_value,
    read_properties,
)
from journeyscope.analytics.cohorts import require_activities
from journeyscope.analytics.semantics import with_stated
from journeyscope.errors import closest

Rows = list[dict[str, Any]]

#: Every model, in the order results list them.
MODELS = (
    "first",
    "last",
    "linear",
    "position",
    "j",
    "inverse_j",
    "time_decay",
    "shapley",
    "markov",
)
#: Share of (first, last, middle) touchpoints for the positional models.
POSITIONS: dict[str, tuple[float, float, float]] = {
    "first": (1.0, 0.0, 0.0),
    "last": (0.0, 1.0, 0.0),
    "position": (0.4, 0.4, 0.2),
    "j": (0.2, 0.6, 0.2),
    "inverse_j": (0.6, 0.2, 0.2),
}
NO_TOUCH = "(no touchpoint)"
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
ALL = "(all)"


class AttributionQuery(AnalysisQuery):
    """Attribute the conversions of cases to their touchpoints, with every named model."""

    kind: Literal["attribution"] = "attribution"
    conversions: tuple[str, ...]
    touchpoint: str = "channel"
    lookback: timedelta | None = Field(timedelta(days=30))
    half_life: timedelta = Field(timedelta(days=7))
    models: tuple[str, ...] = MODELS
    breakdown: str | None = None

    @field_validator("conversions")
    @classmethod
    def _some_conversion(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one conversion activity")
        return value

    @field_validator("models")
    @classmethod
    def _known_models(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in MODELS:
                close = closest(name, MODELS, n=2)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                raise ValueError(f"unknown model {name!r}{hint} (models: {', '.join(MODELS)})")
        if not value:
            raise ValueError("name at least one model")
        return value

    @field_validator("lookback", "half_life")
    @classmethod
    def _positive(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value.total_seconds() <= 0:
            raise ValueError("must be a positive duration")
        return value


# ---------------------------------------------------------------- expressions (never executed)


def touchpoints(events: ibis.Table, query: AttributionQuery) -> ibis.Table:
    """One row per touchpoint of every case: ``case``, ``segment``, ``converted``, ``touch``,
    ``pos`` (1-based along the path), ``n`` (touchpoints of the case) and ``age_s`` (seconds
    before the conversion, or before the case's last event when it does not convert).

    Also one row with a null ``touch`` for each case that has no touchpoint (``n = 0``), so
    that every case is present exactly once with ``pos <= 1``.
    """
    named = [query.touchpoint, query.breakdown]
    t = read_properties(events, named)
    # what the case rule, the order and the touchpoints read: no sort carries the rest
    read = (*ORDER_KEYS, "case_id", "customer_id", "activity", *(n for n in named if n))
    t = cased(t.select(*[c for c in dict.fromkeys(read) if c in t.columns]), query.case_rule)
    t = t.mutate(
        touch=property_value(t, query.touchpoint),
        segment=_segment(t, query.breakdown),
        ms=epoch_ms(t.timestamp),
    )
    t = t.drop(*[c for c in (*ORDER_KEYS, "case_id", "customer_id") if c in t.columns])
    # per case, in one aggregate joined back (a hash join, not a sort per window level): the
    # first conversion, its time (else the last event's) and the first segment given
    is_conv = t.activity.isin(list(query.conversions))
    per_case = t.group_by(per_case=t.case).aggregate(
        conv_seq=t.seq.min(where=is_conv),
        ref_ms=t.ms.argmin(t.seq, where=is_conv).fill_null(t.ms.argmax(t.seq)),
        case_segment=t.segment.argmin(t.seq, where=t.segment.notnull()),
    )
    t = t.inner_join(per_case, t.case == per_case.per_case).drop("per_case")
    t = t.mutate(converted=t.conv_seq.notnull(), segment=t.case_segment).drop("case_segment")
    age_s = (t.ref_ms - t.ms).cast("float64") / 1000.0
    keep = t.touch.notnull() & ((t.converted & (t.seq < t.conv_seq)) | ~t.converted)
    if query.lookback is not None:
        keep = keep & (age_s <= query.lookback.total_seconds())
    marked = t.mutate(is_touch=keep.fill_null(False), age_s=age_s)
    numbered = marked.mutate(
        pos=marked.is_touch.cast("int64")
        .sum()
        .over(ibis.window(group_by=marked.case, order_by=marked.seq, preceding=None, following=0)),
        n=marked.is_touch.cast("int64").sum().over(ibis.window(group_by=marked.case)),
    )
    rows = numbered.filter(numbered.is_touch | ((numbered.n == 0) & (numbered.seq == 1)))
    return rows.select(
        "case",
        segment=rows.segment.fill_null(ALL if query.breakdown is None else "(none)"),
        converted=rows.converted,
        touch=ibis.cases((rows.is_touch, rows.touch), else_=ibis.null("string")),
        pos=rows.pos,
        n=rows.n,
        age_s=rows.age_s,
    )


def _segment(t: ibis.Table, breakdown: str | None) -> ibis.StringValue:
    if breakdown is None:
        return ibis.literal(ALL)
    return property_value(t, breakdown)


def positional_weight(pos: ibis.IntegerValue, n: ibis.IntegerValue, model: str) -> ibis.Value:
    """The share of one conversion that a positional model gives the touchpoint at ``pos``."""
    if model == "linear":
        return 1.0 / n.cast("float64")
    first, last, middle = POSITIONS[model]
    ends = first + last
    return ibis.cases(
        (n == 1, 1.0),
        ((n == 2) & (pos == 1), first / ends if ends else 0.5),
        (n == 2, last / ends if ends else 0.5),
        (pos == 1, first),
        (pos == n, last),
        else_=middle / (n - 2).cast("float64"),
    )


def with_decay(t: ibis.Table, half_life: timedelta) -> ibis.Table:
    """Add ``time_decay``: ``2^(-age/half_life)`` normalised per case (ages measured from the
    youngest touchpoint, so the sum is at least 1 and never underflows)."""
    whole = ibis.window(group_by=t.case)
    t = t.mutate(__rel=t.age_s - t.age_s.min().over(whole))
    t = t.mutate(__raw=(t["__rel"] * (-math.log(2) / half_life.total_seconds())).exp())
    return t.mutate(time_decay=t["__raw"] / t["__raw"].sum().over(whole)).drop("__rel", "__raw")


def credits(touches: ibis.Table, query: AttributionQuery) -> ibis.Table:
    """Credit per ``segment`` and ``touch`` for every rule-based model and Shapley (one column
    per model), over converting cases with touchpoints."""
    t = touches.filter(touches.converted & touches.touch.notnull())
    columns: dict[str, ibis.Value] = {}
    for model in query.models:
        if model in POSITIONS or model == "linear":
            columns[model] = positional_weight(t.pos, t.n, model)
    weighted = t.mutate(**columns) if columns else t
    if "time_decay" in query.models:
        weighted = with_decay(weighted, query.half_life)
        columns["time_decay"] = weighted.time_decay
    per_touch = weighted.group_by("segment", "case", "touch").aggregate(
        **{m: weighted[m].sum() for m in columns}
    )
    per_touch = per_touch.mutate(
        shapley=1.0
        / per_touch.touch.count().over(ibis.window(group_by=per_touch.case)).cast("float64")
    )
    return per_touch.group_by("segment", "touch").aggregate(
        **{m: per_touch[m].sum() for m in [*columns, "shapley"]}
    )


def transitions(touches: ibis.Table) -> ibis.Table:
    """Markov transition counts per ``segment``: ``source``, ``target``, ``count`` over every
    path with at least one touchpoint, from ``(start)`` to ``(conversion)`` or ``(null)``."""
    t = touches.filter(touches.touch.notnull())
    w = ibis.window(group_by=t.case, order_by=t.pos)
    steps = t.select("segment", source=t.touch.lag().over(w).fill_null(START), target=t.touch)
    ends = t.filter(t.pos == t.n).select(
        "segment",
        source=t.touch,
        target=ibis.cases((t.converted, CONVERSION), else_=NULL),
    )
    both = steps.union(ends, distinct=False)
    return both.group_by("segment", "source", "target").aggregate(count=both.count())


def case_counts(touches: ibis.Table) -> ibis.Table:
    """Per ``segment``: cases, conversions, conversions without touchpoint, and the touchpoints
    of converting cases."""
    t = touches.filter(touches.pos <= 1)
    conv = t.converted.cast("int64")
    return t.group_by("segment").aggregate(
        cases=t.count(),
        conversions=conv.sum(),
        without=(t.converted & (t.n == 0)).cast("int64").sum(),
        touches=(conv * t.n).sum(),
    )


# -------------------------------------------------------------------------- Python side


def removal_effects(counts: Mapping[tuple[str, str], float]) -> tuple[float, dict[str, float]]:
    """Conversion probability of the chain and the removal effect of each touchpoint value.

    ``counts`` maps ``(source, target)`` to how often the transition happened; sources are
    ``(start)`` and touchpoint values, targets also ``(conversion)`` and ``(null)``.

    >>> p, effects = removal_effects({("(start)", "a"): 2, ("a", "(conversion)"): 1,
    ...                               ("a", "(null)"): 1})
    >>> p, effects
    (0.5, {'a': 1.0})
    """
    states = sorted({s for s, _ in counts} - {START})

    def probability(removed: str | None) -> float:
        live = [START, *[s for s in states if s != removed]]
        index = {s: i for i, s in enumerate(live)}
        q = np.zeros((len(live), len(live)))
        r = np.zeros(len(live))
        out = np.zeros(len(live))
        for (source, target), c in counts.items():
            if source not in index:
                continue
            i = index[source]
            out[i] += c
            if target == CONVERSION:
                r[i] += c
            elif target in index:
                q[i, index[target]] += c
        out[out == 0] = 1.0
        x = np.linalg.solve(np.eye(len(live)) - q / out[:, None], r / out)
        return float(x[0])

    base = probability(None)
    if base <= 0:
        return 0.0, dict.fromkeys(states, 0.0)
    return base, {s: max(0.0, 1.0 - probability(s) / base) for s in states}


class Credit(BaseModel):
    touchpoint: str
    conversions: float
    share: float


class ModelCredits(BaseModel):
    model: str
    definition: str
    credits: list[Credit]
    total: float


class MarkovEffect(BaseModel):
    touchpoint: str
    removal_effect: float


class SegmentAttribution(BaseModel):
    segment: str
    cases: int
    conversions: int
    conversions_without_touchpoint: int
    touchpoints_per_conversion: float
    conversion_probability: float | None
    removal_effects: list[MarkovEffect]
    models: list[ModelCredits]


class AttributionResult(BaseModel):
    """Credits per model (overall and per segment); every model's total is the conversions."""

    conversions: list[str]
    touchpoint: str
    lookback: str | None
    half_life: str
    breakdown: str | None
    overall: SegmentAttribution
    by_segment: list[SegmentAttribution]
    case_rule: str
    semantics: str


def definitions(half_life: timedelta) -> dict[str, str]:
    """One line per model, as the results and the docs state it."""
    return {
        "first": "all credit to the first touchpoint",
        "last": "all credit to the last touchpoint before the conversion",
        "linear": "equal credit to every touchpoint",
        "position": "U-shaped: 40% first, 40% last, 20% split over the middle",
        "j": "J-shaped: 20% first, 60% last, 20% split over the middle",
        "inverse_j": "inverse J: 60% first, 20% last, 20% split over the middle",
        "time_decay": f"weight 2^(-age/{human_duration(half_life)}), normalised per conversion",
        "shapley": "Shapley value; worth of a channel set = conversions whose touchpoint set is "
        "within it (each conversion split equally over its distinct touchpoint values)",
        "markov": "first-order Markov chain; conversions shared in proportion to each value's "
        "removal effect",
    }


class AttributionAnalysis:
    """Runner for :class:`AttributionQuery`."""

    def prepare(self, events: ibis.Table, query: AttributionQuery) -> ibis.Table:
        return touchpoints(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: AttributionQuery
    ) -> dict[str, ibis.Table]:
        return {
            "activities": events.select("activity").distinct(),
            "counts": case_counts(prepared),
            "credits": credits(prepared, query),
            "transitions": transitions(prepared),
        }

    def result(self, query: AttributionQuery, rows: Mapping[str, Rows]) -> AttributionResult:
        require_activities({"conversions": query.conversions}, rows["activities"])
        segments = sorted({str(r["segment"]) for r in rows["counts"]})
        per = [_segment_result(query, rows, {s}, s) for s in segments]
        overall = _segment_result(query, rows, set(segments), ALL)
        return AttributionResult(
            conversions=list(query.conversions),
            touchpoint=query.touchpoint,
            lookback=None if query.lookback is None else human_duration(query.lookback),
            half_life=human_duration(query.half_life),
            breakdown=query.breakdown,
            overall=overall,
            by_segment=per if query.breakdown is not None else [],
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, describe(query)),
        )


def _segment_result(
    query: AttributionQuery, rows: Mapping[str, Rows], segments: set[str], name: str
) -> SegmentAttribution:
    counts = [r for r in rows["counts"] if str(r["segment"]) in segments]
    total = {k: sum(int(r[k] or 0) for r in counts) for k in ("cases", "conversions")}
    without = sum(int(r["without"] or 0) for r in counts)
    touches = sum(int(r["touches"] or 0) for r in counts)
    pooled: dict[tuple[str, str], float] = {}
    for r in rows["transitions"]:
        if str(r["segment"]) in segments:
            key = (str(r["source"]), str(r["target"]))
            pooled[key] = pooled.get(key, 0) + int(r["count"])
    probability, effects = removal_effects(pooled)
    by_touch: dict[str, dict[str, float]] = {}
    for r in rows["credits"]:
        if str(r["segment"]) in segments:
            into = by_touch.setdefault(str(r["touch"]), {})
            for model in query.models:
                if model != "markov":
                    into[model] = into.get(model, 0.0) + float(r[model] or 0.0)
    attributed = total["conversions"] - without
    weight = sum(effects.values())
    for touch, effect in effects.items():
        share = effect / weight if weight else 0.0
        by_touch.setdefault(touch, {})["markov"] = attributed * share
    if without:
        for model in query.models:
            by_touch.setdefault(NO_TOUCH, {})[model] = float(without)
    text = definitions(query.half_life)
    models = [
        _model(model, text[model], {t: v.get(model, 0.0) for t, v in by_touch.items()})
        for model in query.models
    ]
    return SegmentAttribution(
        segment=name,
        cases=total["cases"],
        conversions=total["conversions"],
        conversions_without_touchpoint=without,
        touchpoints_per_conversion=round(touches / attributed, 6) if attributed else 0.0,
        conversion_probability=round(probability, 6) if pooled else None,
        removal_effects=[
            MarkovEffect(touchpoint=t, removal_effect=round(e, 6))
            for t, e in sorted(effects.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        models=models,
    )


def _model(model: str, definition: str, values: Mapping[str, float]) -> ModelCredits:
    total = sum(values.values())
    items = sorted(((t, v) for t, v in values.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))
    return ModelCredits(
        model=model,
        definition=definition,
        credits=[
            Credit(touchpoint=t, conversions=round(v, 6), share=round(v / total, 6))
            for t, v in items
        ],
        total=round(total, 6),
    )


def describe(q: AttributionQuery) -> str:
    window = (
        f"at most {human_duration(q.lookback)} before it" if q.lookback else "any time before it"
    )
    return (
        f"a case converts at its first of: {', '.join(q.conversions)} (at most once per case); "
        f"touchpoints = its earlier events with a {q.touchpoint} value, {window} (ties in input "
        f"order); a non-converting case's touchpoints are measured back from its last event and "
        f"used by the Markov model only; a conversion without touchpoint is credited to "
        f"{NO_TOUCH} by every model; every model's credits sum to the conversions"
        + (f"; segment = the case's first {q.breakdown} value" if q.breakdown else "")
    )


def model_totals(result: AttributionResult) -> dict[str, float]:
    """Each model's total credit (equal to the conversions, up to rounding)."""
    return {m.model: m.total for m in result.overall.models}


def run_attribution(backend: Backend, query: AttributionQuery) -> AttributionResult:
    """Run ``query`` on ``backend`` (``backend.run`` does the same once this module is loaded)."""
    result: AttributionResult = backend.run(query)  # type: ignore[call-overload]
    return result


ATTRIBUTION = AttributionAnalysis()
ANALYSES[AttributionQuery] = ATTRIBUTION

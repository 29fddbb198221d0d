"""Funnels: how many cases reach each step of an ordered list of steps, and how fast.

Every choice is stated in the result (:class:`FunnelSemantics`):

* **mode** — ``sequential``: the steps in order, other events allowed between them;
  ``strict``: each step is the case's very next event; ``any_order``: the steps in any order.
* **window** — a conversion window measured from the entry (step 1), or none.
* **entry** — ``furthest``: the furthest reach over every entry (ClickHouse ``windowFunnel``
  style), or ``first``: only chains that start at the case's first entry count.
* **ties** — ``advance``: an event with the same timestamp as the previous step's may be the
  next step (ClickHouse's default), or ``strict_increase``: each step strictly later.
* **exclusions** — an exclusion event between two steps (timestamps included) stops a chain
  from passing from one to the other; the case stays at the step before.
* **optional steps** may be skipped; the first and the last step are never optional.
* **open** funnels can be entered at any step; every step then restarts the window.

Each step's ``cases`` is the number of cases reaching at least that step (for an optional step
or an open funnel: reaching that step).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field, model_validator

from journeyscope.analytics import chains, funnel_kernel, names
from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    human_duration,
    property_value,
    with_cases,
)
from journeyscope.analytics.process import duration_aggregates, duration_stats
from journeyscope.analytics.semantics import ratio, with_stated
from journeyscope.errors import InvalidQueryError
from journeyscope.events.schema import COLUMNS

Mode = Literal["sequential", "strict", "any_order"]
Entry = Literal["furthest", "first"]
Ties = Literal["advance", "strict_increase"]

#: Time-to-convert histogram edges (the last bin is open-ended).
HISTOGRAM_EDGES: tuple[timedelta, ...] = tuple(
    timedelta(hours=h) for h in (0, 1, 6, 24, 72, 168, 336, 720, 2160)
)


class FunnelStep(BaseModel):
    """One step: done by any of ``activities``; a bare string means one activity."""

    model_config = {"frozen": True, "extra": "forbid"}

    activities: tuple[str, ...] = Field(min_length=1)
    optional: bool = False
    label: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"activities": (value,)}
        if isinstance(value, list | tuple):
            return {"activities": tuple(value)}
        return value

    @property
    def name(self) -> str:
        return self.label or " | ".join(self.activities)


class Exclusion(BaseModel):
    """Events of ``activities`` between step ``from_step`` and ``to_step`` (default: the last)."""

    model_config = {"frozen": True, "extra": "forbid"}

    activities: tuple[str, ...] = Field(min_length=1)
    from_step: int = Field(1, ge=1)
    to_step: int | None = None


class FunnelQuery(AnalysisQuery):
    """A funnel: its steps and every semantic choice (see the module docstring)."""

    kind: Literal["funnel"] = "funnel"
    steps: tuple[FunnelStep, ...] = Field(min_length=1)
    mode: Mode = "sequential"
    window: timedelta | None = None
    entry: Entry = "furthest"
    ties: Ties = "advance"
    exclusions: tuple[Exclusion, ...] = ()
    open: bool = False
    breakdown: str | None = None
    dropped_limit: int = Field(20, ge=0)
    CASES_ONLY = True

    def named_fields(self) -> tuple[str, ...]:
        return (*self.activity_key, *([self.breakdown] if self.breakdown else []))

    @model_validator(mode="after")
    def _check(self) -> FunnelQuery:
        n = len(self.steps)
        if n > 1 and (self.steps[0].optional or self.steps[-1].optional):
            raise InvalidQueryError("the first and the last step of a funnel cannot be optional")
        if self.window is not None and self.window <= timedelta(0):
            raise InvalidQueryError("the conversion window must be positive")
        if self.mode == "any_order":
            if self.exclusions or any(s.optional for s in self.steps) or self.open:
                raise InvalidQueryError(
                    "an any-order funnel has no exclusions, optional steps or open entry"
                )
            if self.ties != "advance":
                raise InvalidQueryError("an any-order funnel counts equal timestamps as done")
        if self.mode == "strict" and self.exclusions:
            raise InvalidQueryError("a strict funnel allows no event between steps to exclude")
        used = {a for s in self.steps for a in s.activities}
        for x in self.exclusions:
            last = x.to_step or n
            if not x.from_step < last <= n:
                raise InvalidQueryError(f"exclusion steps {x.from_step}..{last} not in 1..{n}")
            if used & set(x.activities):
                raise InvalidQueryError(f"{sorted(used & set(x.activities))} are funnel steps")
        return self

    def _filters(self) -> list[str]:
        return [
            f"a case with {' | '.join(x.activities)} between steps {x.from_step} and "
            f"{x.to_step or len(self.steps)} does not go on past it"
            for x in self.exclusions
        ]

    def semantics(self) -> FunnelSemantics:
        return FunnelSemantics(
            mode=self.mode,
            window_seconds=None if self.window is None else self.window.total_seconds(),
            window="none" if self.window is None else human_duration(self.window),
            entry=self.entry,
            ties=self.ties,
            open=self.open,
            optional_steps=[k for k, s in enumerate(self.steps, 1) if s.optional],
            exclusions=[
                f"{' | '.join(x.activities)} between steps {x.from_step} and "
                f"{x.to_step or len(self.steps)}"
                for x in self.exclusions
            ],
            case_rule=self.case_rule.describe(),
            description=with_stated(self, _describe(self), self._filters()),
        )


def _describe(q: FunnelQuery) -> str:
    order = {
        "sequential": "steps in order, other events allowed between them",
        "strict": "each step is the very next event of the case",
        "any_order": "steps in any order",
    }[q.mode]
    window = (
        "no conversion window"
        if q.window is None
        else f"conversion window {human_duration(q.window)} from the "
        + ("latest entry (every step is an entry)" if q.open else "entry (step 1)")
    )
    entry = {
        "furthest": "furthest reach over every entry",
        "first": "only the case's first entry counts",
    }[q.entry]
    ties = {
        "advance": "equal timestamps may advance the funnel",
        "strict_increase": "each step strictly later than the previous one",
    }[q.ties]
    counted = "cases reaching that step" if q.open else "cases reaching at least that step"
    return f"{order}; {window}; {entry}; {ties}; each step counts {counted}"


class FunnelSemantics(BaseModel):
    mode: Mode
    window_seconds: float | None
    window: str
    entry: Entry
    ties: Ties
    open: bool
    optional_steps: list[int]
    exclusions: list[str]
    case_rule: str
    description: str


def funnel_cases(events: ibis.Table, query: FunnelQuery) -> ibis.Table:
    """One row per case that entered the funnel.

    Columns: ``case``; ``level`` (the furthest step reached); ``reached_<k>`` (the case reached
    step ``k``); ``continued_<k>`` (it arrived at step ``k`` from an earlier step);
    ``entry_time``; ``ms_to_convert`` (entry to last step, milliseconds: the shortest among
    converting chains; from the first entry for ``first`` entry); ``breakdown`` when asked
    (the value on the case's first entry event).
    """
    t = with_cases(events, query.case_rule)
    backend = t._find_backend()
    if backend.name == "duckdb":
        out = funnel_kernel.in_memory(funnel_kernel.funnel_table(backend, t, query))
    else:
        build = {
            "sequential": chains.sequential,
            "strict": chains.strict,
            "any_order": chains.any_order,
        }
        out = build[query.mode](t, query)
    if query.breakdown is None:
        return out
    entering = [a for k in chains.entry_steps(query) for a in query.steps[k - 1].activities]
    if query.mode == "any_order":
        entering = [a for s in query.steps for a in s.activities]
    e = t.filter(t.activity.isin(entering))
    w = ibis.window(group_by=e.case, order_by=[e[k] for k in ORDER_KEYS])
    first = e.mutate(n=ibis.row_number().over(w), breakdown=property_value(e, query.breakdown))
    first = first.filter(first.n == 0).select("case", "breakdown")
    joined = out.left_join(first, out.case == first.case)
    return joined.select(*out.columns, breakdown=joined.breakdown.fill_null("(none)"))


# ------------------------------------------------------------------------------------ results


class FunnelStepResult(BaseModel):
    """One step: ``cases`` reaching (at least) it, how they got there, who dropped after it."""

    step: int
    name: str
    activities: list[str]
    optional: bool
    cases: int
    entered: int
    continued: int
    conversion_from_previous: float | None
    conversion_from_start: float | None
    dropped: int
    dropped_cases: list[str]


class HistogramBin(BaseModel):
    label: str
    from_seconds: float
    to_seconds: float | None
    cases: int


class TimeToConvert(BaseModel):
    """Entry to the last step, over converted cases."""

    cases: int
    median_seconds: float | None
    mean_seconds: float | None
    p90_seconds: float | None
    histogram: list[HistogramBin]


class TrendPoint(BaseModel):
    week: str
    entered: int
    converted: int
    conversion: float | None
    """None when the week is incomplete."""
    complete: bool
    """False when the conversion window of the week's entries has not closed by the last
    event in the data (without a window: the week holding the last event)."""


class BreakdownGroup(BaseModel):
    value: str
    steps: list[int]
    conversion: float


class FunnelResult(BaseModel):
    """Step counts, time to convert, weekly trend, breakdown, and the stated semantics."""

    steps: list[FunnelStepResult]
    entered: int
    converted: int
    conversion: float
    time_to_convert: TimeToConvert
    trend: list[TrendPoint]
    breakdown_by: str | None
    breakdown: list[BreakdownGroup]
    semantics: FunnelSemantics
    case_rule: str


class FunnelAnalysis:
    """Runner for :class:`FunnelQuery`."""

    def checks(self, events: ibis.Table, query: FunnelQuery) -> dict[str, ibis.Table]:
        out = {"activities": names.activities(events)}
        if query.breakdown is not None:
            out.update(names.property_checks(events, query.breakdown))
        return out

    def validate(self, query: FunnelQuery, rows: Mapping[str, list[dict[str, Any]]]) -> None:
        asked = [
            (a, f"funnel step {k} ({s.name})")
            for k, s in enumerate(query.steps, start=1)
            for a in s.activities
        ]
        asked += [(a, "funnel exclusion") for x in query.exclusions for a in x.activities]
        names.check_activities(asked, rows)
        if query.breakdown is not None:
            names.check_property(query.breakdown, COLUMNS, rows, "funnel --breakdown")

    def prepare(self, events: ibis.Table, query: FunnelQuery) -> ibis.Table:
        return funnel_cases(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: FunnelQuery
    ) -> dict[str, ibis.Table]:
        p, n = prepared, len(query.steps)
        counts = _step_counts(p, n)
        converting = p.filter(p[f"reached_{n}"])  # only they have a time to convert
        ms = converting.ms_to_convert
        bins = [
            ((ms >= _ms(lo)) & (ms < _ms(hi)) if hi is not None else ms >= _ms(lo))
            .cast("int64")
            .sum()
            .name(f"bin{i}")
            for i, (lo, hi) in enumerate(_bins())
        ]
        week = p.entry_time.truncate("W").cast("date")
        converted = p[f"reached_{n}"].cast("int64")
        out = {
            "steps": p.aggregate(counts),
            "ttc": converting.aggregate(
                [v.name(k) for k, v in duration_aggregates(ms).items()] + bins
            ),
            "trend": p.group_by(week=week).aggregate(entered=p.count(), converted=converted.sum()),
            "end": events.aggregate(end=events.timestamp.max()),
        }
        if query.dropped_limit > 0:  # the report and the backlog list none: no query
            left = p.filter(p.level < n)  # the cases that dropped out (a converted case did not)
            ranked = left.mutate(
                n=ibis.row_number().over(ibis.window(group_by=left.level, order_by=left.case))
            )
            out["dropped"] = ranked.filter(ranked.n < query.dropped_limit).select("level", "case")
        if query.breakdown is not None:
            out["breakdown"] = p.group_by("breakdown").aggregate(counts)
        return out

    def result(self, query: FunnelQuery, rows: Mapping[str, list[dict[str, Any]]]) -> FunnelResult:
        n = len(query.steps)
        c = rows["steps"][0]
        cases = [int(c[f"reached_{k}"] or 0) for k in range(1, n + 1)]
        entered = int(c["entered"] or 0)
        dropped: dict[int, list[str]] = {}
        for r in sorted(rows.get("dropped", []), key=lambda r: (r["level"], r["case"])):
            dropped.setdefault(int(r["level"]), []).append(r["case"])
        steps = []
        every = [a for s in query.steps for a in s.activities]
        for k, step in enumerate(query.steps, start=1):
            any_order = query.mode == "any_order"
            cont = int(c[f"continued_{k}"] or 0) if k > 1 else 0
            steps.append(
                FunnelStepResult(
                    step=k,
                    name=f"any {k} of the {n} steps" if any_order else step.name,
                    activities=every if any_order else list(step.activities),
                    optional=step.optional,
                    cases=cases[k - 1],
                    entered=cases[k - 1] - cont,
                    continued=cont,
                    conversion_from_previous=ratio(cases[k - 1], cases[k - 2]) if k > 1 else None,
                    conversion_from_start=ratio(cases[k - 1], cases[0]),
                    dropped=int(c[f"dropped_{k}"] or 0) if k < n else 0,
                    dropped_cases=dropped.get(k, []) if k < n else [],
                )
            )
        t = rows["ttc"][0]
        histogram = [
            HistogramBin(
                label=_bin_label(lo, hi),
                from_seconds=lo.total_seconds(),
                to_seconds=None if hi is None else hi.total_seconds(),
                cases=int(t[f"bin{i}"] or 0),
            )
            for i, (lo, hi) in enumerate(_bins())
        ]
        end = _end(rows.get("end"))
        trend = []
        for r in sorted(rows["trend"], key=lambda r: str(r["week"])):
            week = str(r["week"])[:10]
            closes = datetime.fromisoformat(week) + timedelta(days=7) + (query.window or ZERO)
            complete = end is not None and closes <= end
            converted = int(r["converted"] or 0)
            trend.append(
                TrendPoint(
                    week=week,
                    entered=int(r["entered"]),
                    converted=converted,
                    conversion=ratio(converted, int(r["entered"])) if complete else None,
                    complete=complete,
                )
            )
        groups = [
            BreakdownGroup(
                value=str(r["breakdown"]),
                steps=[int(r[f"reached_{k}"] or 0) for k in range(1, n + 1)],
                conversion=ratio(int(r[f"reached_{n}"] or 0), int(r["entered"])) or 0.0,
            )
            for r in sorted(
                rows.get("breakdown", []), key=lambda r: (-r["entered"], r["breakdown"])
            )
        ]
        return FunnelResult(
            steps=steps,
            entered=entered,
            converted=cases[-1],
            conversion=ratio(cases[-1], entered) or 0.0,
            time_to_convert=TimeToConvert(
                cases=int(t["timed"] or 0), **duration_stats(t), histogram=histogram
            ),
            trend=trend,
            breakdown_by=query.breakdown,
            breakdown=groups,
            semantics=query.semantics(),
            case_rule=query.case_rule.describe(),
        )


ZERO = timedelta(0)


def _end(rows: list[dict[str, Any]] | None) -> datetime | None:
    """The last event's time (naive UTC, as the engine hands timestamps back)."""
    if not rows or rows[0]["end"] is None:
        return None
    return datetime.fromisoformat(str(rows[0]["end"])).replace(tzinfo=None)


def _step_counts(p: ibis.Table, n: int) -> list[ibis.Scalar]:
    reached = [p[f"reached_{k}"].cast("int64").sum().name(f"reached_{k}") for k in range(1, n + 1)]
    continued = [
        p[f"continued_{k}"].cast("int64").sum().name(f"continued_{k}") for k in range(2, n + 1)
    ]
    dropped = [(p.level == k).cast("int64").sum().name(f"dropped_{k}") for k in range(1, n)]
    return [p.count().name("entered"), *reached, *continued, *dropped]


def _bins() -> list[tuple[timedelta, timedelta | None]]:
    edges = list(HISTOGRAM_EDGES)
    return [(lo, hi) for lo, hi in zip(edges, [*edges[1:], None], strict=True)]


def _bin_label(lo: timedelta, hi: timedelta | None) -> str:
    def short(d: timedelta) -> str:
        h = d.total_seconds() / 3600
        return "0" if h == 0 else f"{h / 24:g}d" if h >= 24 else f"{h:g}h"

    return f"{short(lo)}+" if hi is None else f"{short(lo)}-{short(hi)}"


def _ms(d: timedelta) -> int:
    return int(d.total_seconds() * 1000)


FUNNEL = FunnelAnalysis()

"""Paths: what customers do after a start activity, before an end activity, or between two;
and the loops in their journeys (back-edges, rework, channel ping-pong, going back).

Paths follow each case's events in order (timestamp, ties in input order). Activity names are
first *cleaned* (each rule maps every activity its regular expression finds to one alias;
the first matching rule wins) and, when asked, consecutive repeats are collapsed into one
step. Anchors use the first occurrence: the first ``start`` of a case, the first ``end`` (for
backward paths), or the first ``end`` after the first ``start`` (for paths between the two).
The most frequent ``top_edges`` edges are kept; the others are grouped per source node into
an edge to ``(other)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field

from journeyscope.analytics import names
from journeyscope.analytics.cases import ORDER_KEYS, AnalysisQuery, CaseRule, person, with_cases
from journeyscope.analytics.contacts import ContactRules, classify, ping_pong
from journeyscope.analytics.semantics import customer_definition, with_stated
from journeyscope.analytics.work_items import WENT_BACK, openings

OTHER = "(other)"
Direction = Literal["forward", "backward", "between"]


class CleaningRule(BaseModel):
    """Activities matching ``pattern`` (a regular expression, searched) become ``alias``."""

    model_config = {"frozen": True, "extra": "forbid"}

    pattern: str
    alias: str


class PathsQuery(AnalysisQuery):
    """Paths from ``start``, to ``end``, or between both (neither: from each case's start)."""

    kind: Literal["paths"] = "paths"
    start: str | None = None
    end: str | None = None
    steps: int = Field(5, ge=2, description="nodes per path, the anchor included")
    top_edges: int = Field(20, ge=1)
    cleaning: tuple[CleaningRule, ...] = ()
    collapse_repeats: bool = False
    loops: bool = True
    contacts: ContactRules = Field(default_factory=ContactRules)
    """The classification: channel ping-pong counts contacts only."""

    @property
    def direction(self) -> Direction:
        if self.start is not None and self.end is not None:
            return "between"
        return "backward" if self.end is not None else "forward"


def sequences(
    events: ibis.Table,
    rule: CaseRule | None = None,
    cleaning: tuple[CleaningRule, ...] = (),
    collapse_repeats: bool = False,
    contacts: ContactRules | None = None,
    instances: bool = False,
) -> ibis.Table:
    """Each case's cleaned sequence: ``case``, ``person``, ``seq`` (from 0), ``node``,
    ``channel`` (with ``contacts``: only on contacts, null on the organisation's and
    internal events); consecutive equal nodes collapsed into their first event when asked.
    ``instances``: one node per work-item instance (its opening event, named by the work
    item; see :mod:`journeyscope.analytics.work_items`) instead of one per event."""
    t = with_cases(events, rule)
    if instances:
        t = openings(t)
    if contacts is not None:
        t = classify(t, contacts)
        t = t.mutate(channel=ibis.cases((t.contact, t.channel), else_=ibis.null("string")))
    node = t.activity
    if cleaning:
        node = ibis.cases(
            *((t.activity.re_search(c.pattern), c.alias) for c in cleaning), else_=node
        )
    t = t.mutate(node=node, person=person(t))
    if collapse_repeats:
        w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
        t = t.mutate(previous=t.node.lag().over(w))
        t = t.filter(t.previous.isnull() | (t.previous != t.node))
    w = ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
    return t.select("case", "person", "node", "channel", seq=ibis.row_number().over(w))


def path_rows(seqs: ibis.Table, query: PathsQuery) -> ibis.Table:
    """The anchored part of each path: ``case``, ``step`` (1..steps), ``node``, ``next_node``.

    Backward paths are numbered so that the end is always step ``steps``; paths between two
    activities keep the cases that reach the end after the start, cut after ``steps`` nodes.
    """
    n = query.steps

    def first(s: ibis.Table, name: str, after: ibis.Value | None = None) -> ibis.Value:
        hit = s.node == name if after is None else (s.node == name) & (s.seq > after)
        return ibis.cases((hit, s.seq), else_=None).min().over(ibis.window(group_by=s.case))

    s = seqs
    if query.direction == "backward":
        assert query.end is not None
        s = s.mutate(anchor=first(s, query.end))
        s = s.filter(s.seq <= s.anchor, s.seq > s.anchor - n).mutate(step=s.seq - s.anchor + n)
    else:
        start = ibis.literal(0, "int64") if query.start is None else first(s, query.start)
        s = s.mutate(anchor=start)
        if query.direction == "between":
            assert query.end is not None
            s = s.mutate(stop=first(s, query.end, after=s.anchor))
            s = s.filter(s.stop.notnull(), s.seq <= s.stop)
        s = s.filter(s.seq >= s.anchor, s.seq < s.anchor + n)
        s = s.mutate(step=s.seq - s.anchor + 1)
    w = ibis.window(group_by=s.case, order_by=s.seq)
    return s.select("case", "step", "node", next_node=s.node.lead().over(w))


def path_edges(rows: ibis.Table, top: int) -> ibis.Table:
    """Edges ``(step, source) -> target`` with ``cases``; beyond the ``top`` most frequent,
    targets become ``(other)``."""
    e = rows.filter(rows.next_node.notnull())
    e = e.group_by(step=e.step, source=e.node, target=e.next_node).aggregate(cases=e.count())
    rank = ibis.row_number().over(
        ibis.window(order_by=[ibis.desc(e.cases), e.step, e.source, e.target])
    )
    e = e.mutate(target=ibis.ifelse(rank < top, e.target, OTHER))
    return e.group_by("step", "source", "target").aggregate(cases=e.cases.sum())


def loops(seqs: ibis.Table, items: ibis.Table | None = None) -> dict[str, ibis.Table]:
    """Loops as results: ``back_edges`` (a -> b where b was done before in the case),
    ``rework`` (activities repeated in a case), ``ping_pong`` (channel X -> Y -> X) and
    ``went_back`` (cases and people with at least one back-edge, out of all).

    ``items`` (default ``seqs``): the sequences of work-item instances that back-edges,
    rework and going back are counted on; ping-pong follows every event of ``seqs``."""
    items = seqs if items is None else items
    s = items
    w = ibis.window(group_by=s.case, order_by=s.seq)
    seen = s.seq.min().over(ibis.window(group_by=[s.case, s.node]))
    prev = s.node.lag().over(w)
    s = s.mutate(prev=prev, back=(s.seq > seen) & prev.notnull() & (prev != s.node))
    b = s.filter(s.back)
    back_edges = b.group_by(source=b.prev, target=b.node).aggregate(
        count=b.count(), cases=b.case.nunique()
    )
    per = items.group_by("case", "node").aggregate(n=items.count())
    per = per.filter(per.n > 1)
    rework = per.group_by(activity=per.node).aggregate(cases=per.count(), repeats=(per.n - 1).sum())
    went = s.group_by("case", "person").aggregate(back=s.back.any())
    went_back = went.aggregate(
        cases=went.count(),
        cases_back=went.back.cast("int64").sum(),
        people=went.person.nunique(),
        people_back=went.person.nunique(where=went.back),
    )
    pp = ping_pong(seqs, "seq")
    ping = pp.group_by("channel", "via").aggregate(count=pp.count(), cases=pp.case.nunique())
    ping_cases = pp.aggregate(cases=pp.case.nunique())
    return {
        "back_edges": back_edges,
        "rework": rework,
        "went_back": went_back,
        "ping_pong": ping,
        "ping_pong_cases": ping_cases,
    }


# ------------------------------------------------------------------------------------ results


class PathEdge(BaseModel):
    step: int
    source: str
    target: str
    cases: int


class PathNode(BaseModel):
    step: int
    activity: str
    cases: int
    ended: int


class LoopEdge(BaseModel):
    source: str
    target: str
    count: int
    cases: int


class Rework(BaseModel):
    activity: str
    cases: int
    repeats: int


class PingPong(BaseModel):
    channel: str
    via: str
    count: int
    cases: int


class Loops(BaseModel):
    """Loops and backtracking over the cleaned sequences of every case."""

    back_edges: list[LoopEdge]
    rework: list[Rework]
    ping_pong: list[PingPong]
    ping_pong_cases: int
    cases: int
    cases_went_back: int
    share_cases_went_back: float
    customers: int
    customers_went_back: int
    share_customers_went_back: float
    semantics: str = (
        f"{WENT_BACK}; back-edge: the previous instance's work item -> the one gone back to "
        "(self-loops excluded); rework: a work item with more than one instance in a case "
        "(repeats = extra instances); ping-pong: channel "
        "X -> Y -> X in the case's channel sequence with consecutive repeats collapsed; "
        f"{customer_definition('in_journey')}"
    )


class PathsResult(BaseModel):
    direction: Direction
    start: str | None
    end: str | None
    steps: int
    paths: int
    edges: list[PathEdge]
    nodes: list[PathNode]
    repeats_collapsed: bool
    cleaning: list[CleaningRule]
    loops: Loops | None
    case_rule: str
    semantics: str


class PathsAnalysis:
    """Runner for :class:`PathsQuery`."""

    def checks(self, events: ibis.Table, query: PathsQuery) -> dict[str, ibis.Table]:
        if query.start is None and query.end is None:
            return {}
        return {"activities": names.activities(events)}

    def validate(self, query: PathsQuery, rows: Mapping[str, list[dict[str, Any]]]) -> None:
        """``start`` and ``end`` must be activities, or aliases of the cleaning rules."""
        aliases = [{"name": c.alias} for c in query.cleaning]
        known = {"activities": rows["activities"] + aliases}
        asked = [(n, f"paths --{k}") for k, n in (("start", query.start), ("end", query.end))]
        names.check_activities([(n, w) for n, w in asked if n is not None], known)

    def prepare(self, events: ibis.Table, query: PathsQuery) -> ibis.Table:
        seqs = sequences(events, query.case_rule, query.cleaning, query.collapse_repeats)
        return path_rows(seqs, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: PathsQuery
    ) -> dict[str, ibis.Table]:
        p = prepared
        ended = p.next_node.isnull().cast("int64")
        out = {
            "edges": path_edges(p, query.top_edges),
            "nodes": p.group_by(step=p.step, activity=p.node).aggregate(
                cases=p.count(), ended=ended.sum()
            ),
            "paths": p.aggregate(paths=p.case.nunique()),
        }
        if query.loops:
            rule, cleaning, collapse = query.case_rule, query.cleaning, query.collapse_repeats
            seqs = sequences(events, rule, cleaning, collapse, query.contacts)
            items = sequences(events, rule, cleaning, collapse, instances=True)
            out |= loops(seqs, items)
        return out

    def result(self, query: PathsQuery, rows: Mapping[str, list[dict[str, Any]]]) -> PathsResult:
        edges = sorted(
            rows["edges"], key=lambda r: (r["step"], -r["cases"], r["source"], r["target"])
        )
        nodes = sorted(rows["nodes"], key=lambda r: (r["step"], -r["cases"], r["activity"]))
        return PathsResult(
            direction=query.direction,
            start=query.start,
            end=query.end,
            steps=query.steps,
            paths=int(rows["paths"][0]["paths"] or 0),
            edges=[PathEdge(**r) for r in edges],
            nodes=[PathNode(**r) for r in nodes],
            repeats_collapsed=query.collapse_repeats,
            cleaning=list(query.cleaning),
            loops=_loops(rows) if query.loops else None,
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, _describe(query), _filters(query)),
        )


def _loops(rows: Mapping[str, list[dict[str, Any]]]) -> Loops:
    w = rows["went_back"][0]
    cases, people = int(w["cases"] or 0), int(w["people"] or 0)
    back, people_back = int(w["cases_back"] or 0), int(w["people_back"] or 0)

    back_edges = sorted(rows["back_edges"], key=lambda r: (-r["count"], r["source"], r["target"]))
    rework = sorted(rows["rework"], key=lambda r: (-r["cases"], r["activity"]))
    ping_pong = sorted(rows["ping_pong"], key=lambda r: (-r["count"], r["channel"], r["via"]))
    return Loops(
        back_edges=[LoopEdge(**r) for r in back_edges],
        rework=[Rework(**r) for r in rework],
        ping_pong=[PingPong(**r) for r in ping_pong],
        ping_pong_cases=int(rows["ping_pong_cases"][0]["cases"] or 0),
        cases=cases,
        cases_went_back=back,
        share_cases_went_back=round(back / cases, 6) if cases else 0.0,
        customers=people,
        customers_went_back=people_back,
        share_customers_went_back=round(people_back / people, 6) if people else 0.0,
    )


def _filters(q: PathsQuery) -> list[str]:
    """Which cases the paths (not the loops, which cover every case) are drawn from."""
    return {
        "forward": [f"paths: cases with {q.start!r}"] if q.start else [],
        "backward": [f"paths: cases with {q.end!r}"],
        "between": [f"paths: cases with {q.end!r} after {q.start!r}"],
    }[q.direction]


def _describe(q: PathsQuery) -> str:
    anchor = {
        "forward": f"forward from the first {q.start!r}"
        if q.start
        else "forward from each case's first event",
        "backward": f"backward from the first {q.end!r}",
        "between": f"from the first {q.start!r} to the first {q.end!r} after it",
    }[q.direction]
    repeats = "consecutive repeats collapsed" if q.collapse_repeats else "repeats kept"
    cleaning = (
        f"{len(q.cleaning)} cleaning rules (first match wins)" if q.cleaning else "no cleaning"
    )
    return (
        f"{anchor}; {q.steps} nodes per path; {repeats}; {cleaning}; top {q.top_edges} edges "
        f"kept, the rest grouped per source into {OTHER!r}"
    )


PATHS = PathsAnalysis()

"""Paths: what customers do after a start activity, before an end activity, or between two;
and the loops in their journeys (back-edges, rework, channel ping-pong, going back: counted
by :mod:`journeyscope.analytics.loops`).

Paths follow each case's events in order (timestamp, ties in input order). Activity names are
first *cleaned* (each rule maps every activity its regular expression finds to one alias;
the first matching rule wins) and, when asked, consecutive repeats are collapsed into one
step. Anchors use the first occurrence: the first ``start`` of a case, the first ``end`` (for
backward paths), or the first ``end`` after the first ``start`` (for paths between the two).
The most frequent ``top_edges`` edges are kept; the others are grouped per source node into
an edge to ``(other)``.

Before anchoring, the sequences are *shaped* by the query's options, in this order (see
:func:`shape`): ``hide`` removes the events of chosen activities; ``min_cases`` renames the
activities done in fewer cases than that to ``(rare events)`` (the anchors excepted);
``collapse_repeats`` merges consecutive repeats; then every event is flagged as a
**back-move** when its activity was already done earlier in the case and the previous event
is another activity (the definition of a back-edge in :func:`loops`). ``back_moves="show"``
keeps them (the links they make are counted apart, ``back_cases``); ``"collapse"`` keeps each
activity at its first occurrence only (back-moves and repeats removed). :class:`Shaping`
says what each option did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import ibis
from pydantic import Field, model_validator

from journeyscope.analytics import names
from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    CaseRule,
    person,
    read_properties,
    with_cases,
)
from journeyscope.analytics.contacts import ContactRules, classify
from journeyscope.analytics.holistic import distinct_count
from journeyscope.analytics.loops import Keep, as_is, loops, loops_result
from journeyscope.analytics.paths_result import (
    OTHER,
    RARE,
    BackMoves,
    CleaningRule,
    Direction,
    LoopEdge,
    Loops,
    PathEdge,
    PathNode,
    PathsResult,
    PingPong,
    Rework,
    Shaping,
)
from journeyscope.analytics.repeats import merge_repeats, with_repeats
from journeyscope.analytics.semantics import with_stated
from journeyscope.analytics.work_items import LIFECYCLE
from journeyscope.analytics.work_items import instances as work_instances

__all__ = [
    "OTHER",
    "PATHS",
    "RARE",
    "BackMoves",
    "CleaningRule",
    "Direction",
    "LoopEdge",
    "Loops",
    "PathEdge",
    "PathNode",
    "PathsAnalysis",
    "PathsQuery",
    "PathsResult",
    "PingPong",
    "Rework",
    "Shaping",
    "anchored",
    "edges_of",
    "loops",
    "merge_repeats",
    "nodes_of",
    "ordered_events",
    "path_groups",
    "path_rows",
    "paths_of",
    "selected",
    "sequences",
    "shape",
    "shaping_counts",
]


class PathsQuery(AnalysisQuery):
    """Paths from ``start``, to ``end``, or between both (neither: from each case's start)."""

    kind: Literal["paths"] = "paths"
    start: str | None = None
    end: str | None = None
    steps: int = Field(5, ge=2, description="nodes per path, the anchor included")
    top_edges: int = Field(20, ge=1)
    cleaning: tuple[CleaningRule, ...] = ()
    collapse_repeats: bool = False
    hide: tuple[str, ...] = ()
    """Activities (after cleaning) whose events are left out of the paths."""
    min_cases: int = Field(default=0, ge=0)
    """Activities done in fewer cases than this are grouped as ``(rare events)``."""
    back_moves: BackMoves = "show"
    loops: bool = True
    contacts: ContactRules = Field(default_factory=ContactRules)
    """The classification: channel ping-pong counts contacts only."""

    @model_validator(mode="after")
    def _anchors_not_hidden(self) -> PathsQuery:
        for name, anchor in (("start", self.start), ("end", self.end)):
            if anchor is not None and anchor in self.hide:
                raise ValueError(f"{name} {anchor!r} is also hidden: hide other activities")
        return self

    @property
    def direction(self) -> Direction:
        if self.start is not None and self.end is not None:
            return "between"
        return "backward" if self.end is not None else "forward"


#: The event columns paths read: the order keys, what cases, people, nodes and channels are
#: made of, and what contacts and work-item instances are told by. The others (identifiers,
#: measures, the ``properties`` JSON when no instances are asked) are left out before any
#: window, so that no sort carries them.
_COLUMNS = (
    *ORDER_KEYS,
    "case_id",
    "customer_id",
    "activity",
    "channel",
    "survey_type",
    "work_item",
    LIFECYCLE,
)


def ordered_events(
    events: ibis.Table,
    rule: CaseRule | None = None,
    cleaning: tuple[CleaningRule, ...] = (),
    contacts: ContactRules | None = None,
    instances: bool = False,
) -> ibis.Table:
    """Every event of every case once, in one relation that each sequence of the paths is a
    selection of: ``case``, ``person``, ``pos`` (the event's position in its case, from 0,
    timestamp and input order), ``node`` (the cleaned activity), ``channel``; with
    ``contacts``: ``contact_channel`` (the channel on contacts, null on the organisation's
    and internal events); with ``instances``: ``item`` (the cleaned work item of the
    instance the event opens, null when it continues one; see
    :mod:`journeyscope.analytics.work_items`)."""
    if instances:  # the one property the instances read, taken out of the JSON before any sort
        events = read_properties(events, [LIFECYCLE])
    wanted = {c: events[c] for c in _COLUMNS if c in events.columns}
    t = with_cases(events.select(**wanted), rule)
    t = t.mutate(
        pos=ibis.row_number().over(
            ibis.window(group_by=t.case, order_by=[t[k] for k in ORDER_KEYS])
        ),
        node=_cleaned(t.activity, cleaning),
        person=person(t),
    )
    # the identifiers and order keys are read by that sort only: no later window carries them
    t = t.drop(*[c for c in (*ORDER_KEYS, "case_id", "customer_id") if c in t.columns])
    out = ["case", "person", "pos", "node", "channel"]
    if instances:
        t = work_instances(t, position="pos")
        t = t.mutate(item=ibis.cases((t.opens, _cleaned(t.item, cleaning)), else_=None))
        out.append("item")
    if contacts is not None:
        t = classify(t, contacts, position="pos")
        t = t.mutate(contact_channel=ibis.cases((t.contact, t.channel), else_=None))
        out.append("contact_channel")
    return t.select(*out)


def _cleaned(activity: ibis.StringValue, cleaning: tuple[CleaningRule, ...]) -> ibis.StringValue:
    """``activity`` renamed by the first cleaning rule whose pattern it matches."""
    if not cleaning:
        return activity
    rules = ((activity.re_search(c.pattern), c.alias) for c in cleaning)
    return ibis.cases(*rules, else_=activity)


def selected(
    ordered: ibis.Table,
    collapse_repeats: bool = False,
    contacts: bool = False,
    instances: bool = False,
    keep_prev: bool = False,
) -> ibis.Table:
    """A sequence of :func:`ordered_events` (``case``, ``person``, ``node``, ``channel``,
    ``seq``): every event, or with ``instances`` the events that open a work-item instance
    (named by the work item), with ``contacts`` the channel on contacts only; consecutive
    equal nodes merged into their first when asked. ``seq`` is the event's position in the
    whole case (gaps where events were left out): it orders and compares as a renumbering
    would, at no window's cost. ``keep_prev``: merged sequences keep ``prev`` (see
    :func:`~journeyscope.analytics.repeats.merge_repeats`)."""
    t = ordered
    if instances:
        t = t.filter(t.item.notnull()).mutate(node=t.item)
    if contacts:
        t = t.mutate(channel=t.contact_channel)
    t = t.select("case", "person", "node", "channel", seq=t.pos)
    return merge_repeats(t, [t.seq], keep_prev=keep_prev) if collapse_repeats else t


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
    base = ordered_events(events, rule, cleaning, contacts, instances)
    t = selected(base, collapse_repeats, contacts is not None, instances)
    w = ibis.window(group_by=t.case, order_by=t.seq)
    return t.mutate(seq=ibis.row_number().over(w))


def _without_hidden(seqs: ibis.Table, query: PathsQuery) -> ibis.Table:
    return seqs.filter(~seqs.node.isin(list(query.hide))) if query.hide else seqs


def _rare(seqs: ibis.Table, query: PathsQuery, large: bool = False) -> ibis.Table:
    """The activities (``node``) done in fewer than ``min_cases`` cases, anchors excepted."""
    marked, cases = distinct_count(seqs, ["node"], "case", large=large)
    counts = marked.group_by("node").aggregate(cases=cases)
    rare = counts.filter(counts.cases < query.min_cases)
    anchors = [a for a in (query.start, query.end) if a is not None]
    return rare.filter(~rare.node.isin(anchors)) if anchors else rare


def _grouped(seqs: ibis.Table, query: PathsQuery, large: bool = False) -> ibis.Table:
    if query.min_cases <= 1:
        return seqs
    rare = _rare(seqs, query, large)
    return seqs.mutate(node=ibis.ifelse(seqs.node.isin(rare.node), RARE, seqs.node))


def _flagged(seqs: ibis.Table, query: PathsQuery, large: bool = False) -> ibis.Table:
    """Hidden, grouped, merged as asked; ``back``: a back-move (the activity was done before
    in the case and the previous event is another activity); ``first``: the activity's first
    occurrence in the case."""
    t = _grouped(_without_hidden(seqs, query), query, large)
    if query.collapse_repeats:
        t = merge_repeats(t, [t.seq], keep_prev=True)
    return with_repeats(t).drop("prev")


def shape(seqs: ibis.Table, query: PathsQuery) -> ibis.Table:
    """The sequences the paths are drawn on (``case``, ``person``, ``node``, ``channel``,
    ``seq`` renumbered from 0, ``back``): the query's options applied in the module's order;
    with ``back_moves="collapse"`` each activity kept at its first occurrence only."""
    return _shaped(_flagged(seqs, query), query)


def _shaped(flagged: ibis.Table, query: PathsQuery) -> ibis.Table:
    """:func:`shape` of the sequences :func:`_flagged` already."""
    t = flagged
    if query.back_moves == "collapse":
        t = t.filter(t.first)
    w = ibis.window(group_by=t.case, order_by=t.seq)
    return t.select("case", "person", "node", "channel", "back", seq=ibis.row_number().over(w))


def shaping_counts(
    seqs: ibis.Table, query: PathsQuery, flagged: ibis.Table | None = None, large: bool = False
) -> dict[str, ibis.Table]:
    """What the options did, as one-row tables: ``hidden`` (events, cases), ``rare``
    (activities, events), ``merged`` (events before and after merging repeats),
    ``back_moves`` (back-move events, cases with one, events a collapse removed).
    ``flagged``: :func:`_flagged` of ``seqs``, when the caller has it."""
    f = _flagged(seqs, query, large) if flagged is None else flagged
    out: dict[str, ibis.Table] = {}
    if query.hide:
        h = seqs.filter(seqs.node.isin(list(query.hide)))
        h, cases = distinct_count(h, [], "case", large=large)
        out["hidden"] = h.aggregate(events=h.count(), cases=cases)
    kept = _without_hidden(seqs, query)
    if query.min_cases > 1:
        grouped = _grouped(kept, query, large)
        r = grouped.filter(grouped.node == RARE)
        out["rare"] = r.aggregate(events=r.count()).cross_join(
            _rare(kept, query, large).aggregate(activities=ibis._.count())
        )
    if query.collapse_repeats:  # the flagged sequences are the merged ones
        grouped = _grouped(kept, query, large)
        out["merged"] = grouped.aggregate(before=grouped.count()).cross_join(
            f.aggregate(after=f.count())
        )
    f, cases = distinct_count(f, [], "case", large=large, where=f.back)
    out["back_moves"] = f.aggregate(
        events=f.back.cast("int64").sum(),
        cases=cases,
        removed=(~f.first).cast("int64").sum(),
    )
    return out


def anchored(events: ibis.Table, query: PathsQuery) -> ibis.Table:
    """The path rows of ``query`` over ``events`` (:func:`path_rows` of the shaped
    sequences): what the paths count, and what a drill-down into one link lists."""
    seqs = sequences(events, query.case_rule, query.cleaning)
    return path_rows(shape(seqs, query), query)


def path_rows(seqs: ibis.Table, query: PathsQuery) -> ibis.Table:
    """The anchored part of each path: ``case``, ``step`` (1..steps), ``node``, ``next_node``
    and ``next_back`` (the next event is a back-move; ``seqs`` from :func:`shape`).

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
    return s.select(
        "case", "step", "node", next_node=s.node.lead().over(w), next_back=s.back.lead().over(w)
    )


def path_groups(rows: ibis.Table) -> ibis.Table:
    """The path rows counted by ``(step, node, next_node)``: ``cases`` and ``back_cases`` (of
    them, those whose next event is a back-move). A few thousand rows at most (steps ×
    activities × activities), from which :func:`edges_of`, :func:`nodes_of` and
    :func:`paths_of` draw the picture: one pass over the events for all three."""
    return rows.group_by("step", "node", "next_node").aggregate(
        cases=rows.count(), back_cases=rows.next_back.cast("int64").sum()
    )


def edges_of(groups: list[dict[str, Any]], top: int) -> list[PathEdge]:
    """Edges ``(step, source) -> target`` with ``cases`` and ``back_cases``; beyond the
    ``top`` most frequent (ties by step, source, target), targets become ``(other)``."""
    found = {  # one group per (step, node, next_node): nothing to add up here
        (int(g["step"]), str(g["node"]), str(g["next_node"])): (
            int(g["cases"]),
            int(g["back_cases"] or 0),
        )
        for g in groups
        if g["next_node"] is not None
    }
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], *kv[0]))
    merged: dict[tuple[int, str, str], tuple[int, int]] = {}
    for rank, ((step, source, target), (cases, back)) in enumerate(ranked):
        key = (step, source, target if rank < top else OTHER)
        was = merged.get(key, (0, 0))
        merged[key] = (was[0] + cases, was[1] + back)
    return [
        PathEdge(step=step, source=source, target=target, cases=cases, back_cases=back)
        for (step, source, target), (cases, back) in sorted(
            merged.items(), key=lambda kv: (kv[0][0], -kv[1][0], kv[0][1], kv[0][2])
        )
    ]


def nodes_of(groups: list[dict[str, Any]]) -> list[PathNode]:
    """Each step's activities with their ``cases`` and the cases whose path ``ended`` there."""
    found: dict[tuple[int, str], tuple[int, int]] = {}
    for g in groups:
        key = (int(g["step"]), str(g["node"]))
        cases, ended = found.get(key, (0, 0))
        n = int(g["cases"])
        found[key] = (cases + n, ended + (n if g["next_node"] is None else 0))
    return [
        PathNode(step=step, activity=activity, cases=cases, ended=ended)
        for (step, activity), (cases, ended) in sorted(
            found.items(), key=lambda kv: (kv[0][0], -kv[1][0], kv[0][1])
        )
    ]


def paths_of(groups: list[dict[str, Any]], query: PathsQuery) -> int:
    """The cases with a path: each has one row at the anchor's step (step 1, or the last
    step for backward paths), and the steps of a path are consecutive."""
    anchor = query.steps if query.direction == "backward" else 1
    return sum(int(g["cases"]) for g in groups if g["step"] == anchor)


class PathsAnalysis:
    """Runner for :class:`PathsQuery`."""

    def checks(self, events: ibis.Table, query: PathsQuery) -> dict[str, ibis.Table]:
        if query.start is None and query.end is None and not query.hide:
            return {}
        return {"activities": names.activities(events)}

    def validate(self, query: PathsQuery, rows: Mapping[str, list[dict[str, Any]]]) -> None:
        """``start`` and ``end`` must be activities, or aliases of the cleaning rules."""
        aliases = [{"name": c.alias} for c in query.cleaning]
        known = {"activities": rows["activities"] + aliases}
        asked = [(n, f"paths --{k}") for k, n in (("start", query.start), ("end", query.end))]
        asked += [(n, "paths --hide") for n in query.hide]
        names.check_activities([(n, w) for n, w in asked if n is not None], known)

    def prepare(self, events: ibis.Table, query: PathsQuery, large: bool = False) -> ibis.Table:
        """Every event of every case once (:func:`ordered_events`), with what the loops
        need when asked: the paths, their shaping and the loops are all drawn from it."""
        contacts = query.contacts if query.loops else None
        return ordered_events(events, query.case_rule, query.cleaning, contacts, query.loops)

    #: the shaped sequences, the back-moves and the ping-pong returns are each read by two
    #: outputs: computed once (``keep``)
    keeps = True
    #: ``large``: distinct cases and people counted by sorting (``analytics.holistic``)
    sized = True

    def expressions(
        self,
        prepared: ibis.Table,
        events: ibis.Table,
        query: PathsQuery,
        keep: Keep = as_is,
        large: bool = False,
    ) -> dict[str, ibis.Table]:
        seqs = selected(prepared)
        flagged = keep(_flagged(seqs, query, large))
        out = {"groups": path_groups(path_rows(_shaped(flagged, query), query))}
        out |= shaping_counts(seqs, query, flagged, large)
        if query.loops:
            collapse = query.collapse_repeats
            contacts = selected(prepared, collapse, contacts=True)
            items = selected(prepared, collapse, instances=True, keep_prev=True)
            out |= loops(contacts, items, keep, large)
        return out

    def result(self, query: PathsQuery, rows: Mapping[str, list[dict[str, Any]]]) -> PathsResult:
        groups = rows["groups"]
        shaping = _shaping(query, rows)
        return PathsResult(
            direction=query.direction,
            start=query.start,
            end=query.end,
            steps=query.steps,
            paths=paths_of(groups, query),
            edges=edges_of(groups, query.top_edges),
            nodes=nodes_of(groups),
            repeats_collapsed=query.collapse_repeats,
            cleaning=list(query.cleaning),
            shaping=shaping,
            loops=loops_result(rows) if query.loops else None,
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, _describe(query), _filters(query))
            + f". What the options did: {shaping.describe()}",
        )


def _shaping(query: PathsQuery, rows: Mapping[str, list[dict[str, Any]]]) -> Shaping:
    def one(name: str, field: str) -> int:
        found = rows.get(name) or [{}]
        return int(found[0].get(field) or 0)

    return Shaping(
        hidden=list(query.hide),
        hidden_events=one("hidden", "events"),
        hidden_cases=one("hidden", "cases"),
        min_cases=query.min_cases,
        rare_activities=one("rare", "activities"),
        rare_events=one("rare", "events"),
        repeats_merged=one("merged", "before") - one("merged", "after"),
        back_moves=query.back_moves,
        back_move_events=one("back_moves", "events"),
        back_move_cases=one("back_moves", "cases"),
        collapsed_events=one("back_moves", "removed") if query.back_moves == "collapse" else 0,
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
    if q.back_moves == "collapse":
        repeats = "each activity kept at its first occurrence in the case"
    cleaning = (
        f"{len(q.cleaning)} cleaning rules (first match wins)" if q.cleaning else "no cleaning"
    )
    return (
        f"{anchor}; {q.steps} nodes per path; {repeats}; {cleaning}; top {q.top_edges} edges "
        f"kept, the rest grouped per source into {OTHER!r}"
    )


PATHS = PathsAnalysis()

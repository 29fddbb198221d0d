"""Draft a journey definition from data, for a designer to edit.

The draft comes from the directly-follows graph of the cases, with thresholds:

1. **steps**: every activity present in at least ``min_cases`` of the cases becomes a step
   (one activity per step, the step id is the activity's name in ``snake_case``); rarer
   activities are left out, and conformance will count them as unexpected;
2. **transitions**: the directly-follows graph is computed over the kept activities only,
   with repeats collapsed (the same rules conformance replays cases with). A move
   ``a -> b`` becomes a transition when it makes at least ``min_edge`` of the moves out of
   ``a``; each step also keeps its most frequent way in and out, so nothing is stranded;
3. **order and loops**: steps are ordered so that as few moves as possible go backwards
   (the greedy feedback-arc-set order of Eades, Lin and Smyth over the chosen transitions,
   weighted by moves; ties broken by where the activity first occurs in a case, on
   average). A transition to a step that comes earlier in that order is marked
   ``loop: true``: of two moves between the same steps, only the rarer one is a loop, and
   the dominant move out of a step is never one unless it closes a cycle that some loop
   must break;
4. **entries**: steps that start at least ``min_edge`` of the cases (the most frequent start
   always);
5. **outcome**: the step at which the most cases end, unless ``outcome`` names an activity;
   **exits**: the other steps at which at least ``min_edge`` of the cases end, and steps
   with no transition out (a designed end, so lint finds no dead end);
6. **stages**: from a ``stage`` property of the events when there is one (the event
   catalogue's hint), otherwise one stage for everything; stages in the order customers
   first reach them (their earliest step's mean first position), steps within a stage in
   the order of 3.

Evidence (how many cases, how many moves) is written into descriptions and labels; the
job to be done, emotions, moments of truth and the blueprint are left for the designer.

The directly-follows query is written here, privately: the definitions layer does not
depend on analytics.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from journeyscope.definitions.models import Journey
from journeyscope.events.catalogue import draft_catalogue


@dataclass(frozen=True)
class Evidence:
    """What the data says, gathered by :func:`gather`: the input of :func:`draft_journey`."""

    cases: int
    activities: dict[str, tuple[int, float]]
    """activity -> (cases with it, mean position of its first event in a case, 1-based)."""
    follows: dict[tuple[str, str], int]
    """(a, b) -> times b directly followed a (kept activities only, repeats collapsed)."""
    starts: dict[str, int]
    """activity -> cases starting with it (kept activities only)."""
    ends: dict[str, int]
    """activity -> cases ending with it (kept activities only)."""
    channels: dict[str, list[str]]
    """activity -> channels, most used first."""
    stages: dict[str, str]
    """activity -> stage hint."""


def slug(name: str) -> str:
    """A step id from an activity name.

    >>> slug("T02 Check confirmation of receipt"), slug("A_PARTLYSUBMITTED"), slug("3-D check")
    ('t02_check_confirmation_of_receipt', 'a_partlysubmitted', 's_3_d_check')
    """
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "step"
    if not text[0].isalpha():
        text = "s_" + text
    return text[:64].rstrip("_")


def gather(cases: ir.Table, *, min_cases: float = 0.05) -> Evidence:
    """Run the queries a draft needs on ``cases``: a table with ``case``, ``activity`` and
    ``seq`` (as :func:`~journeyscope.analytics.cases.ordered` makes), any Ibis backend.
    ``channel``, ``properties`` and ``event_id`` columns, when present, give channel and
    stage hints."""
    total = int(cases.case.nunique().to_pyarrow().as_py() or 0)
    firsts = cases.group_by(["case", "activity"]).aggregate(first=cases.seq.min())
    position = cases.group_by("case").aggregate(n=cases.count())
    per_case = firsts.join(position, "case")
    stats = per_case.group_by("activity").aggregate(
        cases=per_case.count(), position=per_case.first.mean()
    )
    activities = {
        r["activity"]: (int(r["cases"]), float(r["position"]))
        for r in stats.to_pyarrow().to_pylist()
        if r["activity"] is not None
    }
    kept = [a for a, (n, _) in activities.items() if total and n / total >= min_cases]
    follows, starts, ends = _follows(cases, kept)
    channels: dict[str, list[str]] = {}
    stages: dict[str, str] = {}
    if {"channel", "properties", "event_id"} <= set(cases.columns):
        catalogue = draft_catalogue(cases.filter(cases.activity.isin(kept)))
        for name, entry in catalogue.activities.items():
            channels[name] = list(entry.channels)
            if entry.stage:
                stages[name] = entry.stage
    return Evidence(total, activities, follows, starts, ends, channels, stages)


def _follows(
    cases: ir.Table, kept: list[str]
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, int]]:
    """Directly-follows counts over the kept activities, repeats collapsed."""
    if not kept:
        return {}, {}, {}
    t = cases.filter(cases.activity.isin(kept)).select("case", "activity", "seq")
    w = ibis.window(group_by=t.case, order_by=t.seq)
    t = t.mutate(prev=t.activity.lag().over(w))
    t = t.filter(t.prev.isnull() | (t.prev != t.activity))  # collapse repeats
    w = ibis.window(group_by=t.case, order_by=t.seq)
    t = t.mutate(prev=t.activity.lag().over(w), next=t.activity.lead().over(w))
    pairs = t.filter(t.prev.notnull()).group_by(["prev", "activity"]).aggregate(n=ibis._.count())
    first = t.filter(t.prev.isnull()).group_by("activity").aggregate(n=ibis._.count())
    last = t.filter(t.next.isnull()).group_by("activity").aggregate(n=ibis._.count())
    follows = {(r["prev"], r["activity"]): int(r["n"]) for r in pairs.to_pyarrow().to_pylist()}
    starts = {r["activity"]: int(r["n"]) for r in first.to_pyarrow().to_pylist()}
    ends = {r["activity"]: int(r["n"]) for r in last.to_pyarrow().to_pylist()}
    return follows, starts, ends


def draft_journey(
    evidence: Evidence,
    *,
    journey_id: str = "drafted_journey",
    name: str = "Drafted journey",
    min_cases: float = 0.05,
    min_edge: float = 0.05,
    outcome: str | None = None,
) -> Journey:
    """A journey drafted from ``evidence`` (pure; see the module documentation).

    >>> ev = Evidence(10, {"A": (10, 1.0), "B": (9, 2.0), "C": (8, 3.0), "X": (1, 2.0)},
    ...     {("A", "B"): 9, ("B", "C"): 8, ("C", "B"): 2}, {"A": 10}, {"C": 8, "B": 2}, {}, {})
    >>> j = draft_journey(ev, min_cases=0.2)
    >>> [s.id for s in j.steps], j.outcome.step
    (['a', 'b', 'c'], 'c')
    >>> [(t.source, t.target, t.loop) for t in j.transitions]
    [('a', 'b', False), ('b', 'c', False), ('c', 'b', True)]
    """
    total = max(evidence.cases, 1)
    kept = [a for a, (n, _) in evidence.activities.items() if n / total >= min_cases]
    if not kept:
        raise ValueError(f"no activity occurs in {min_cases:.0%} of the cases; lower min_cases")
    kept.sort(key=lambda a: (evidence.activities[a][1], -evidence.activities[a][0], a))
    ids: dict[str, str] = {}
    for activity in kept:
        base = slug(activity)
        candidate, n = base, 2
        while candidate in ids.values():
            candidate, n = f"{base}_{n}"[:64], n + 1
        ids[activity] = candidate
    order = {a: i for i, a in enumerate(kept)}

    out_total: Counter[str] = Counter()
    for (a, _), n in evidence.follows.items():
        out_total[a] += n
    chosen: dict[tuple[str, str], int] = {}
    strongest_out: dict[str, tuple[int, str]] = {}
    strongest_in: dict[str, tuple[int, str]] = {}
    for (a, b), n in evidence.follows.items():
        if a not in order or b not in order or a == b:
            continue
        if n / max(out_total[a], 1) >= min_edge:
            chosen[(a, b)] = n
        strongest_out[a] = max(strongest_out.get(a, (0, "")), (n, b))
        strongest_in[b] = max(strongest_in.get(b, (0, "")), (n, a))
    for a, (n, b) in strongest_out.items():
        chosen.setdefault((a, b), n)
    for b, (n, a) in strongest_in.items():
        chosen.setdefault((a, b), n)

    order = _order(kept, chosen)
    kept.sort(key=lambda a: order[a])

    starts = {a: n for a, n in evidence.starts.items() if a in order}
    entries = [a for a in kept if starts.get(a, 0) / total >= min_edge]
    if starts and not entries:
        entries = [max(starts, key=lambda a: (starts[a], -order[a]))]
    ends = {a: n for a, n in evidence.ends.items() if a in order}
    goal = (
        outcome
        if outcome is not None
        else max(ends, key=lambda a: (ends[a], order[a]), default=kept[-1])
    )
    ended = sum(ends.values()) or 1
    endings = ", ".join(
        f"{a} ({n / ended:.0%})" for a, n in sorted(ends.items(), key=lambda x: -x[1])[:4]
    )

    by_stage: dict[str, list[str]] = defaultdict(list)
    for activity in kept:
        by_stage[evidence.stages.get(activity, "Journey")].append(activity)
    stages: list[dict[str, Any]] = []
    stage_ids: set[str] = set()
    first_seen = {
        stage: min(evidence.activities[a][1] for a in members)
        for stage, members in by_stage.items()
    }
    for stage_name, members in sorted(by_stage.items(), key=lambda x: first_seen[x[0]]):
        sid = slug(stage_name)
        while sid in stage_ids:
            sid += "_2"
        stage_ids.add(sid)
        stages.append(
            {
                "id": sid,
                "name": stage_name,
                "goal": "TODO: what the customer wants from this stage",
                "steps": [_step(a, ids[a], evidence, total) for a in members],
            }
        )
    transitions = [
        {
            "from": ids[a],
            "to": ids[b],
            **({"loop": True} if order[b] <= order[a] else {}),
            "label": f"seen {n:,} times ({n / max(out_total[a], 1):.0%} of moves from here)",
        }
        for (a, b), n in sorted(
            chosen.items(), key=lambda x: (order[x[0][0]], -x[1], order[x[0][1]])
        )
    ]
    goal_step = ids.get(goal)
    sources = {a for a, _ in chosen}
    exits = [
        ids[a]
        for a in kept
        if a != goal and (ends.get(a, 0) / total >= min_edge or a not in sources)
    ]
    return Journey.model_validate(
        {
            "id": journey_id,
            "name": name,
            "description": f"Drafted from {evidence.cases:,} cases; thresholds: steps in at "
            f"least {min_cases:.0%} of the cases, transitions at least {min_edge:.0%} of the "
            "moves out of a step.",
            "job_to_be_done": "TODO: When I ..., I want to ..., so I can ...",
            "outcome": {
                "description": f"TODO: the outcome in the customer's words. Cases end most "
                f"often at: {endings or 'n/a'}",
                **({"step": goal_step} if goal_step else {"activities": [goal]}),
            },
            "stages": stages,
            "entries": [ids[a] for a in entries],
            "exits": exits,
            "transitions": transitions,
        }
    )


def _order(kept: list[str], edges: dict[tuple[str, str], int]) -> dict[str, int]:
    """Positions of ``kept`` (already sorted by first occurrence) that leave the least move
    weight on backward edges, by the Eades-Lin-Smyth greedy heuristic: take sinks to the
    back and sources to the front; otherwise the step whose moves out most outweigh its
    moves in goes next.

    >>> _order(["A", "C", "B"], {("A", "B"): 9, ("B", "C"): 9, ("C", "B"): 1})
    {'A': 0, 'B': 1, 'C': 2}
    """
    rank = {a: i for i, a in enumerate(kept)}
    left = set(kept)
    front: list[str] = []
    back: list[str] = []

    def weight(a: str, out: bool) -> int:
        return sum(
            n
            for (x, y), n in edges.items()
            if x != y and x in left and y in left and (x == a if out else y == a)
        )

    while left:
        moved = True
        while moved:
            moved = False
            for a in sorted(left, key=lambda a: -rank[a]):
                if weight(a, True) == 0 and weight(a, False) > 0:
                    back.insert(0, a)
                    left.discard(a)
                    moved = True
            for a in sorted(left, key=lambda a: rank[a]):
                if weight(a, False) == 0:
                    front.append(a)
                    left.discard(a)
                    moved = True
                    break
        if left:
            best = max(left, key=lambda a: (weight(a, True) - weight(a, False), -rank[a]))
            front.append(best)
            left.discard(best)
    return {a: i for i, a in enumerate(front + back)}


def _step(activity: str, step_id: str, evidence: Evidence, total: int) -> dict[str, Any]:
    n = evidence.activities[activity][0]
    step: dict[str, Any] = {
        "id": step_id,
        "name": activity,
        "description": f"Drafted from data: in {n:,} of {total:,} cases ({n / total:.0%}).",
        "activities": [activity],
    }
    if evidence.channels.get(activity):
        step["channels"] = evidence.channels[activity]
    return step


def infer_journey(
    cases: ir.Table,
    *,
    journey_id: str = "drafted_journey",
    name: str = "Drafted journey",
    min_cases: float = 0.05,
    min_edge: float = 0.05,
    outcome: str | None = None,
) -> Journey:
    """Draft a journey from ``cases`` (see :func:`gather`); runs a few small queries."""
    evidence = gather(cases, min_cases=min_cases)
    return draft_journey(
        evidence,
        journey_id=journey_id,
        name=name,
        min_cases=min_cases,
        min_edge=min_edge,
        outcome=outcome,
    )

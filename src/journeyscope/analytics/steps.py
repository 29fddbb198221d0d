"""The designed steps as analyses: the design's main path as funnel steps, and the time
into each designed step.

:func:`design_funnel` turns a designed journey into the steps of a funnel (the shortest
designed route from an entry to the outcome); :func:`step_times` is a lazy Ibis expression
of the median time into each designed step. Neither executes anything.
"""

from __future__ import annotations

import ibis

from journeyscope.analytics.cases import ORDER_KEYS, epoch_seconds
from journeyscope.analytics.funnels import FunnelStep
from journeyscope.analytics.holistic import sorted_quantiles
from journeyscope.definitions.graph import passable, successors
from journeyscope.definitions.models import Journey


def design_funnel(journey: Journey) -> list[FunnelStep]:
    """The designed main path as funnel steps: the shortest designed route from an entry to
    the outcome step (loops left out), without its optional or unobservable steps.

    Without an outcome step (or none reachable): the observable mandatory steps in listed
    order.
    """
    graph = successors(journey, loops=False)
    skip = passable(journey)
    route = main_route(graph, journey.entry_steps(), journey.outcome.step)
    if not route:
        route = [s.id for s in journey.steps if not s.anytime]
    steps = [journey.step(sid) for sid in route if sid not in skip]
    return [FunnelStep(activities=tuple(s.activities), label=s.name) for s in steps]


def main_route(graph: dict[str, list[str]], entries: list[str], goal: str | None) -> list[str]:
    """Shortest path from any entry to ``goal`` through ``graph`` (both ends kept)."""
    if goal is None:
        return []
    parent: dict[str, str | None] = {e: None for e in entries if e in graph}
    queue = list(parent)
    while queue:
        node = queue.pop(0)
        if node == goal:
            route = [node]
            while (before := parent[route[-1]]) is not None:
                route.append(before)
            return route[::-1]
        for nxt in graph.get(node, []):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return []


def step_times(events: ibis.Table, journey: Journey, *, large: bool = False) -> ibis.Table:
    """Median seconds into each designed step from the last event of the previous one.

    Events of the regular (not ``anytime``) steps, in case order; a step's visit starts at an
    event whose step differs from the event before it; the time is measured from that
    earlier event (the last one of the previous visit). One row per step: ``step``,
    ``median_seconds``, ``moves``. ``large``: the medians found by sorting
    (:mod:`~journeyscope.analytics.holistic`: the same numbers in bounded memory, slower).
    """
    steps = journey.activity_steps()
    regular = {s.id for s in journey.steps if not s.anytime}
    acts = [a for a, sid in steps.items() if sid in regular]
    table = ibis.memtable(
        {"activity": acts, "step": [steps[a] for a in acts]},
        schema={"activity": "string", "step": "string"},
    )
    t = events.filter(events.activity.isin(acts)).join(table, "activity")
    w = ibis.window(group_by=t.case_id, order_by=[t[k] for k in ORDER_KEYS])
    t = t.mutate(prev_step=t.step.lag().over(w), prev_ts=t.timestamp.lag().over(w))
    moved = t.filter(t.prev_step.notnull() & (t.prev_step != t.step))
    seconds = epoch_seconds(moved.timestamp) - epoch_seconds(moved.prev_ts)
    moved = moved.mutate(seconds=seconds)
    if not large:
        return moved.group_by("step").aggregate(
            median_seconds=moved.seconds.median(), moves=moved.count()
        )
    counted = moved.group_by("step").aggregate(moves=moved.count())
    medians = sorted_quantiles(moved, ["step"], "seconds", {"median_seconds": 0.5})
    joined = counted.left_join(medians, "step")
    return joined.select(counted.step, medians.median_seconds, counted.moves)

"""The designed journey as a graph: reachability, order, and every move judged by the design.

Pure Python over a :class:`~journeyscope.definitions.models.Journey`; nothing here reads
data. Conformance turns :func:`move_table` into a small table and joins it to the moves
customers really make, so the rules live in one place.

Terms used throughout:

* a **regular** step is one that is not ``anytime``; an **observable** step has activities;
* a step is **passable** when the design lets customers go through it unseen: it is
  ``optional``, or it has no activities (so data can never show it);
* the **forward graph** is the transitions not marked ``loop``; it has no cycles (the loader
  checks), so it orders the steps: :func:`ranks` is a topological order that keeps the
  listed order wherever the transitions allow.

>>> from journeyscope.definitions.models import Journey
>>> j = Journey.model_validate({"id": "j", "name": "J", "job_to_be_done": "x",
...     "outcome": {"description": "done", "step": "c"},
...     "stages": [{"id": "s", "name": "S", "steps": [
...         {"id": "a", "name": "A", "activities": ["A"]},
...         {"id": "b", "name": "B", "activities": ["B"], "optional": True},
...         {"id": "c", "name": "C", "activities": ["C"]}]}]})
>>> sorted(allowed_moves(j))
[('a', 'b'), ('a', 'c'), ('b', 'c')]
>>> judge(j, "c", "a").relation, judge(j, None, "b").relation
('back', 'midway')
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from journeyscope.definitions.models import Journey

#: How a move relates to the design.
#: ``allowed``: the design allows it; ``skip``: forward past mandatory steps;
#: ``back``: to a step earlier in the design; ``cross``: between steps the design never
#: orders (alternative branches); ``entry``: a case starts at an allowed entry;
#: ``midway``: a case starts at a step that is not an entry.
Relation = Literal["allowed", "skip", "back", "cross", "entry", "midway"]


@dataclass(frozen=True)
class Move:
    """The design's verdict on moving from ``source`` (None: the case starts) to ``target``."""

    source: str | None
    target: str
    relation: Relation
    skipped: tuple[str, ...] = ()
    """For ``skip`` and ``midway``: the mandatory steps on the shortest designed path that
    the move jumps over."""

    @property
    def allowed(self) -> bool:
        return self.relation in ("allowed", "entry")


def regular_steps(journey: Journey) -> list[str]:
    """Ids of the steps that are not ``anytime``, in listed order."""
    return [s.id for s in journey.steps if not s.anytime]


def observable_steps(journey: Journey) -> list[str]:
    """Regular steps with activities (the ones data can show), in listed order."""
    return [s.id for s in journey.steps if not s.anytime and s.activities]


def passable(journey: Journey) -> set[str]:
    """Regular steps customers may go through unseen: optional ones and unobservable ones."""
    return {s.id for s in journey.steps if not s.anytime and (s.optional or not s.activities)}


def successors(journey: Journey, *, loops: bool = True) -> dict[str, list[str]]:
    """Step id -> the steps its transitions lead to (``loops=False``: forward graph only,
    every transition but the designed back-edges, see :func:`back_edges`)."""
    back = set() if loops else back_edges(journey)
    graph: dict[str, list[str]] = {s: [] for s in regular_steps(journey)}
    for t in journey.flow():
        usable = (t.source, t.target) not in back and t.source in graph and t.target in graph
        if usable and t.target not in graph[t.source]:
            graph[t.source].append(t.target)
    return graph


def back_edges(journey: Journey) -> set[tuple[str, str]]:
    """The designed back-edges: each ``loop: true`` transition ``a -> b`` whose target ``b``
    comes before ``a`` in the order of the transitions not marked ``loop`` (the listed order
    where they leave it free). One per designed loop, from the later step back to the
    earlier: a ``loop: true`` transition that goes forward (``b`` after ``a``; a pair of
    loops ``a -> b`` and ``b -> a``, one of them is) is a forward transition, so a loop is
    never a back-edge in both directions.

    >>> from journeyscope.definitions.models import Journey
    >>> j = Journey.model_validate({"id": "j", "name": "J", "job_to_be_done": "x",
    ...     "outcome": {"description": "done", "step": "b"},
    ...     "stages": [{"id": "s", "name": "S", "steps": [
    ...         {"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}],
    ...     "transitions": [{"from": "a", "to": "b", "loop": True},
    ...                     {"from": "b", "to": "a", "loop": True}]})
    >>> back_edges(j)
    {('b', 'a')}
    """
    steps = regular_steps(journey)
    plain: dict[str, list[str]] = {s: [] for s in steps}
    for t in journey.flow():
        if not t.loop and t.source in plain and t.target in plain:
            plain[t.source].append(t.target)
    order = _topological(plain)
    return {
        (t.source, t.target)
        for t in journey.flow()
        if t.loop and t.source in order and t.target in order and order[t.target] <= order[t.source]
    }


def find_cycle(journey: Journey) -> list[str] | None:
    """A cycle of the forward graph as ``[a, b, ..., a]``, or None when it has none."""
    graph = successors(journey, loops=False)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            nxt = graph[node]
            if i < len(nxt):
                stack.append((node, i + 1))
                child = nxt[i]
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def ranks(journey: Journey) -> dict[str, int]:
    """Step id -> position in a topological order of the forward graph (0-based).

    Among the steps that may come next, the one listed first goes first, so a design
    listed in flow order keeps its order. On a cyclic graph the rest follow as listed.
    """
    return _topological(successors(journey, loops=False))


def _topological(graph: dict[str, list[str]]) -> dict[str, int]:
    listed = list(graph)
    indegree = {s: 0 for s in listed}
    for targets in graph.values():
        for t in targets:
            indegree[t] += 1
    order: list[str] = []
    ready = [s for s in listed if indegree[s] == 0]
    while ready:
        ready.sort(key=listed.index)
        node = ready.pop(0)
        order.append(node)
        for t in graph[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    order += [s for s in listed if s not in order]
    return {s: i for i, s in enumerate(order)}


def reachable_from(graph: dict[str, list[str]], starts: Iterable[str]) -> set[str]:
    """Every node reachable from ``starts`` (the starts included)."""
    seen = {s for s in starts if s in graph}
    queue = deque(seen)
    while queue:
        for t in graph[queue.popleft()]:
            if t not in seen:
                seen.add(t)
                queue.append(t)
    return seen


def _through(
    graph: dict[str, list[str]], start: str, via: set[str], *, include_start: bool
) -> set[str]:
    """Nodes reachable from ``start`` by paths whose inner nodes are all in ``via``."""
    found: set[str] = {start} if include_start else set()
    if include_start and start not in via:
        return found
    queue, seen = deque([start]), {start}
    while queue:
        for t in graph.get(queue.popleft(), []):
            found.add(t)
            if t in via and t not in seen:
                seen.add(t)
                queue.append(t)
    return found


def allowed_moves(journey: Journey) -> set[tuple[str, str]]:
    """Pairs of observable steps (a, b), a != b, that the design lets a customer move between
    directly: a transition a -> b, or a path of transitions whose inner steps are passable."""
    graph = successors(journey)
    via = passable(journey)
    observable = set(observable_steps(journey))
    return {
        (a, b)
        for a in observable
        for b in _through(graph, a, via, include_start=False)
        if b in observable and b != a
    }


def allowed_entries(journey: Journey) -> set[str]:
    """Observable steps a case may start at: the entries, and the steps after passable
    entries through passable steps only."""
    graph = successors(journey)
    via = passable(journey)
    observable = set(observable_steps(journey))
    found: set[str] = set()
    for entry in journey.entry_steps():
        found |= _through(graph, entry, via, include_start=True)
    return found & observable


def _shortest_path(graph: dict[str, list[str]], starts: Iterable[str], goal: str) -> list[str]:
    """Shortest path from any of ``starts`` to ``goal`` (both ends included); [] if none."""
    parent: dict[str, str | None] = {s: None for s in starts if s in graph}
    queue = deque(parent)
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (p := parent[path[-1]]) is not None:
                path.append(p)
            return path[::-1]
        for t in graph[node]:
            if t not in parent:
                parent[t] = node
                queue.append(t)
    return []


def judge(journey: Journey, source: str | None, target: str) -> Move:
    """The design's verdict on one move (``source`` None: the case starts at ``target``)."""
    return _Judge(journey).move(source, target)


class _Judge:
    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.forward = successors(journey, loops=False)
        self.allowed = allowed_moves(journey)
        self.entries = allowed_entries(journey)
        self.mandatory = set(regular_steps(journey)) - passable(journey)

    def _skipped(
        self, starts: Iterable[str], target: str, *, from_start: bool = False
    ) -> tuple[str, ...]:
        """Mandatory steps on the shortest forward path, ends excluded (``from_start``:
        the path's first step included: a case entering mid-way skipped the entry too)."""
        path = _shortest_path(self.forward, starts, target)
        inner = path[:-1] if from_start else path[1:-1]
        return tuple(s for s in inner if s in self.mandatory)

    def move(self, source: str | None, target: str) -> Move:
        if source is None:
            if target in self.entries:
                return Move(None, target, "entry")
            skipped = self._skipped(self.journey.entry_steps(), target, from_start=True)
            return Move(None, target, "midway", skipped)
        if (source, target) in self.allowed:
            return Move(source, target, "allowed")
        if target in reachable_from(self.forward, self.forward.get(source, [])):
            return Move(source, target, "skip", self._skipped([source], target))
        if source in reachable_from(self.forward, self.forward.get(target, [])):
            return Move(source, target, "back")
        return Move(source, target, "cross")


def move_table(journey: Journey) -> list[Move]:
    """The verdict on every possible move between observable steps, entries included.

    ``len = n * n`` for ``n`` observable steps (a step to itself is not a move: repeats are
    one visit, so it is left out; the ``n`` entry moves are in).
    """
    judge_ = _Judge(journey)
    steps = observable_steps(journey)
    moves = [judge_.move(None, b) for b in steps]
    moves += [judge_.move(a, b) for a in steps for b in steps if a != b]
    return moves

"""A layered (Sugiyama-style) layout for directed graphs with cycles, top to bottom.

1. **Cycles**: a weighted greedy ordering (Eades, Lin & Smyth) keeps the heaviest flow
   pointing down; edges against that order are drawn as back-flows.
2. **Layers**: longest path from the sources, then each node is moved to the layer that
   shortens its edges most (weighted by flow), so long edges are rare.
3. **Long edges** get a dummy point per layer they cross.
4. **Order within layers**: weighted barycentre sweeps, down and up, then swaps of
   neighbours while they remove crossings; the order with the fewest (weighted) crossings
   is kept.
5. **Coordinates**: each node is pulled towards the flow-weighted mean position of its
   neighbours, then pushed apart so nothing overlaps, a few rounds.

Pure and deterministic: the same graph always gives the same picture.

>>> layout = layered_layout(
...     ["a", "b", "c"], [("a", "b", 5.0), ("b", "c", 5.0), ("c", "b", 1.0)],
...     width={"a": 100, "b": 100, "c": 100}, first="a",
... )
>>> [layout.layer[n] for n in "abc"]
[0, 1, 2]
>>> [e.reversed for e in layout.edges]
[False, False, True]
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoutedEdge:
    source: str
    target: str
    weight: float
    reversed: bool
    """Drawn against the flow (a back-flow or loop)."""
    points: list[tuple[float, float]]
    """Centre x and layer y of the dummy points in between, from source to target."""


@dataclass
class Layout:
    layer: dict[str, int]
    x: dict[str, float]
    """Centre x of each node."""
    order: list[list[str]]
    """Nodes (dummies included, named ``\\0...``) per layer, left to right."""
    edges: list[RoutedEdge] = field(default_factory=list)
    crossings: float = 0.0
    """Weighted crossings of the chosen order (for tests and tuning)."""
    width: float = 0.0


def _greedy_order(
    nodes: list[str], edges: list[tuple[str, str, float]], first: str | None, last: tuple[str, ...]
) -> list[str]:
    """A vertex order with little weight on backward edges (Eades–Lin–Smyth, weighted)."""
    out_w: dict[str, dict[str, float]] = defaultdict(dict)
    in_w: dict[str, dict[str, float]] = defaultdict(dict)
    for s, t, w in edges:
        if s != t:
            out_w[s][t] = out_w[s].get(t, 0.0) + w
            in_w[t][s] = in_w[t].get(s, 0.0) + w
    left: list[str] = []
    right: list[str] = []
    remaining = [n for n in nodes if n != first and n not in last]
    alive = set(remaining)
    rank = {n: i for i, n in enumerate(nodes)}

    def outs(n: str) -> float:
        return sum(w for t, w in out_w[n].items() if t in alive)

    def ins(n: str) -> float:
        return sum(w for s, w in in_w[n].items() if s in alive)

    while alive:
        changed = True
        while changed:
            changed = False
            for n in sorted(alive, key=rank.__getitem__):
                if outs(n) == 0:  # sink
                    right.insert(0, n)
                    alive.discard(n)
                    changed = True
            for n in sorted(alive, key=rank.__getitem__):
                if not any(s in alive for s in in_w[n]):  # source
                    left.append(n)
                    alive.discard(n)
                    changed = True
        if alive:
            best = max(sorted(alive, key=rank.__getitem__), key=lambda n: outs(n) - ins(n))
            left.append(best)
            alive.discard(best)
    head = [first] if first is not None else []
    tail = list(last)
    return head + left + right + tail


def _layers(
    nodes: list[str],
    forward: list[tuple[str, str, float]],
    first: str | None,
    last: tuple[str, ...],
) -> dict[str, int]:
    preds: dict[str, list[tuple[str, float]]] = defaultdict(list)
    succs: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for s, t, w in forward:
        preds[t].append((s, w))
        succs[s].append((t, w))
    layer: dict[str, int] = {}
    for n in nodes:  # nodes come in topological order
        layer[n] = max((layer[p] + 1 for p, _ in preds[n]), default=0)
    # pull nodes towards their neighbours: shorter weighted edges
    for _ in range(6):
        moved = False
        for n in nodes:
            if n == first or n in last:
                continue
            lo = max((layer[p] + 1 for p, _ in preds[n]), default=0)
            hi = min((layer[s] - 1 for s, _ in succs[n]), default=layer[n])
            if not succs[n]:
                hi = lo  # sinks sit right under their predecessors
            if lo > hi:
                continue

            def cost(k: int, n: str = n) -> float:
                return sum(w * (k - layer[p]) for p, w in preds[n]) + sum(
                    w * (layer[s] - k) for s, w in succs[n]
                )

            best = min(range(lo, hi + 1), key=lambda k: (cost(k), abs(k - layer[n])))
            if best != layer[n]:
                layer[n] = best
                moved = True
        if not moved:
            break
    if last:
        bottom = max((layer[n] + 1 for n in nodes if n not in last), default=0)
        for n in last:
            layer[n] = bottom
    return layer


def _crossings(upper: list[str], lower: list[str], links: dict[tuple[str, str], float]) -> float:
    pos_u = {n: i for i, n in enumerate(upper)}
    pos_l = {n: i for i, n in enumerate(lower)}
    segs = [(pos_u[a], pos_l[b], w) for (a, b), w in links.items() if a in pos_u and b in pos_l]
    total = 0.0
    for (a1, b1, w1), (a2, b2, w2) in itertools.combinations(segs, 2):
        if (a1 - a2) * (b1 - b2) < 0:
            total += w1 * w2
    return total


def layered_layout(
    nodes: list[str],
    edges: list[tuple[str, str, float]],
    *,
    width: dict[str, float],
    first: str | None = None,
    last: str | tuple[str, ...] = (),
    gap: float = 36.0,
    dummy_width: float = 16.0,
    sweeps: int = 16,
) -> Layout:
    """Lay out ``nodes`` and weighted ``edges`` (self-loops are ignored) top to bottom.

    ``width``: each node's box width; ``first``/``last``: node(s) pinned to the top and the
    bottom layer (a start and an end); ``gap``: least room between two boxes in a layer.
    """
    edges = [(s, t, w) for s, t, w in edges if s != t and s in width and t in width]
    pinned = (last,) if isinstance(last, str) else tuple(last)
    order = _greedy_order(nodes, edges, first, pinned)
    rank = {n: i for i, n in enumerate(order)}
    oriented = [(s, t, w, False) if rank[s] < rank[t] else (t, s, w, True) for s, t, w in edges]
    merged: dict[tuple[str, str], float] = defaultdict(float)
    for s, t, w, _ in oriented:
        merged[(s, t)] += w
    layer = _layers(order, [(s, t, w) for (s, t), w in merged.items()], first, pinned)

    # long edges: a dummy per crossed layer
    chains: list[tuple[str, str, float, bool, list[str]]] = []
    dummy_layer: dict[str, int] = {}
    links: dict[tuple[str, str], float] = defaultdict(float)
    for i, (s, t, w, rev) in enumerate(oriented):
        chain = [s]
        for k in range(layer[s] + 1, layer[t]):
            d = f"\0{i}:{k}"
            dummy_layer[d] = k
            chain.append(d)
        chain.append(t)
        for a, b in itertools.pairwise(chain):
            links[(a, b)] += w
        chains.append((s, t, w, rev, chain[1:-1]))
    depth = max([*layer.values(), *dummy_layer.values()], default=0) + 1
    rows: list[list[str]] = [[] for _ in range(depth)]
    for n in order:
        rows[layer[n]].append(n)
    for d, k in dummy_layer.items():
        rows[k].append(d)
    up: dict[str, list[tuple[str, float]]] = defaultdict(list)
    down: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), w in links.items():
        down[a].append((b, w))
        up[b].append((a, w))

    def total_crossings(rs: list[list[str]]) -> float:
        return sum(_crossings(rs[k], rs[k + 1], links) for k in range(len(rs) - 1))

    def sweep(rs: list[list[str]], downward: bool) -> None:
        indices = range(1, len(rs)) if downward else range(len(rs) - 2, -1, -1)
        for k in indices:
            ref = rs[k - 1] if downward else rs[k + 1]
            pos = {n: i for i, n in enumerate(ref)}
            current = {n: i for i, n in enumerate(rs[k])}

            def bary(
                n: str,
                pos: dict[str, int] = pos,
                current: dict[str, int] = current,
                scale: float = len(ref) / max(len(rs[k]), 1),
            ) -> float:
                nbrs = [(pos[m], w) for m, w in (up[n] if downward else down[n]) if m in pos]
                if not nbrs:
                    return float(current[n]) * scale
                return sum(p * w for p, w in nbrs) / sum(w for _, w in nbrs)

            rs[k].sort(key=lambda n: (bary(n), current[n]))

    def transpose(rs: list[list[str]]) -> None:
        improved = True
        rounds = 0
        while improved and rounds < 4:
            improved = False
            rounds += 1
            for k in range(len(rs)):
                for i in range(len(rs[k]) - 1):
                    before = _local(rs, k, links)
                    rs[k][i], rs[k][i + 1] = rs[k][i + 1], rs[k][i]
                    if _local(rs, k, links) < before - 1e-9:
                        improved = True
                    else:
                        rs[k][i], rs[k][i + 1] = rs[k][i + 1], rs[k][i]

    best = [list(r) for r in rows]
    best_c = total_crossings(best)
    current_rows = [list(r) for r in rows]
    for i in range(sweeps):
        sweep(current_rows, downward=i % 2 == 0)
        c = total_crossings(current_rows)
        if c < best_c:
            best, best_c = [list(r) for r in current_rows], c
    transpose(best)
    best_c = total_crossings(best)

    size = {**width, **{d: dummy_width for d in dummy_layer}}
    x = _coordinates(best, size, up, down, gap)
    routed = []
    for s, t, w, rev, dummies in chains:
        pts = [(x[d], float(dummy_layer[d])) for d in dummies]
        if rev:
            routed.append(RoutedEdge(t, s, w, True, pts[::-1]))
        else:
            routed.append(RoutedEdge(s, t, w, False, pts))
    right = max((x[n] + size[n] / 2 for r in best for n in r), default=0.0)
    all_layers = {**layer}
    return Layout(all_layers, {n: x[n] for n in layer}, best, routed, best_c, right)


def _local(rs: list[list[str]], k: int, links: dict[tuple[str, str], float]) -> float:
    c = 0.0
    if k > 0:
        c += _crossings(rs[k - 1], rs[k], links)
    if k + 1 < len(rs):
        c += _crossings(rs[k], rs[k + 1], links)
    return c


def _coordinates(
    rows: list[list[str]],
    size: dict[str, float],
    up: dict[str, list[tuple[str, float]]],
    down: dict[str, list[tuple[str, float]]],
    gap: float,
) -> dict[str, float]:
    x: dict[str, float] = {}
    for row in rows:  # packed left to right
        at = 0.0
        for n in row:
            x[n] = at + size[n] / 2
            at += size[n] + gap
    widest = max((sum(size[n] + gap for n in r) for r in rows), default=0.0)
    for row in rows:  # centre each row under the widest
        used = sum(size[n] + gap for n in row)
        for n in row:
            x[n] += (widest - used) / 2
    weight = {n: sum(w for _, w in up[n] + down[n]) for r in rows for n in r}
    for rnd in range(12):
        for row in rows if rnd % 2 == 0 else rows[::-1]:
            want = {}
            for n in row:
                nbrs = up[n] + down[n]
                total = sum(w for _, w in nbrs)
                want[n] = sum(x[m] * w for m, w in nbrs) / total if total else x[n]
            _place(row, want, weight, size, gap, x)
    low = min((x[n] - size[n] / 2 for r in rows for n in r), default=0.0)
    return {n: v - low for n, v in x.items()}


def _place(
    row: list[str],
    want: dict[str, float],
    weight: dict[str, float],
    size: dict[str, float],
    gap: float,
    x: dict[str, float],
) -> None:
    """Move the nodes of ``row`` towards their wanted x, heaviest first (priority method).

    A node pushes lighter neighbours along; nodes already placed in this round stay put.
    Order and gaps are kept.
    """
    n = len(row)
    pos = [x[m] for m in row]

    def sep(i: int) -> float:  # least distance between the centres of i-1 and i
        return (size[row[i - 1]] + size[row[i]]) / 2 + gap

    fixed = [False] * n
    for i in sorted(range(n), key=lambda i: (-weight[row[i]], i)):
        delta = want[row[i]] - pos[i]
        if delta > 0:
            room, at = delta, pos[i]
            for j in range(i + 1, n):
                at += sep(j)
                if fixed[j]:
                    room = min(room, pos[j] - at)
                    break
            pos[i] += max(room, 0.0)
            for j in range(i + 1, n):
                pos[j] = max(pos[j], pos[j - 1] + sep(j))
        elif delta < 0:
            room, at = -delta, pos[i]
            for j in range(i - 1, -1, -1):
                at -= sep(j + 1)
                if fixed[j]:
                    room = min(room, at - pos[j])
                    break
            pos[i] -= max(room, 0.0)
            for j in range(i - 1, -1, -1):
                pos[j] = min(pos[j], pos[j + 1] - sep(j + 1))
        fixed[i] = True
    for m, v in zip(row, pos, strict=True):
        x[m] = v

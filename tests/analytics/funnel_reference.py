"""A brute-force reference for funnel semantics: enumerate every chain of every case.

Written from the definitions in docs/analytics.md, independently of the window-function
implementation: it tries every chain instead of keeping the latest start per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Outcome:
    level: int
    reached: frozenset[int]
    continued: frozenset[int]
    ms_to_convert: int | None


def reference(events: list[tuple[datetime, str]], q: Any) -> Outcome | None:
    """Events of one case in input order -> what the funnel says about it (None: not in it)."""
    order = sorted(range(len(events)), key=lambda i: (events[i][0], i))
    ev = [events[i] for i in order]
    n = len(q.steps)
    match = [{k for k in range(1, n + 1) if a in q.steps[k - 1].activities} for _, a in ev]
    if q.mode == "any_order":
        return _any_order(ev, match, q)
    entries = set(range(1, n + 1)) if q.open else {1}
    can_enter = [bool(m & entries) for m in match]
    first = min((ev[i][0] for i in range(len(ev)) if can_enter[i]), default=None)
    chains: list[list[tuple[int, int]]] = []

    def nexts(k: int) -> list[int]:
        out, j = [], k + 1
        while j <= n:
            out.append(j)
            if not q.steps[j - 1].optional:
                break
            j += 1
        return out

    def ok_time(a: int, b: int) -> bool:
        ta, tb = ev[a][0], ev[b][0]
        return tb > ta if q.ties == "strict_increase" else tb >= ta

    def excluded(a: int, b: int, k: int) -> bool:
        lo, hi = ev[a][0], ev[b][0]
        return any(
            x.from_step < k <= (x.to_step or n)
            and any(lo <= t <= hi and act in x.activities for t, act in ev)
            for x in q.exclusions
        )

    def extend(chain: list[tuple[int, int]]) -> None:
        chains.append(list(chain))
        i, k = chain[-1]
        start = ev[chain[0][0]][0]
        for nk in nexts(k):
            candidates = [i + 1] if q.mode == "strict" else range(len(ev))
            for j in candidates:
                if j >= len(ev) or nk not in match[j] or (j, nk) in chain:
                    continue
                if q.mode != "strict" and (ev[j][0], j) < (ev[i][0], i) and ev[j][0] != ev[i][0]:
                    continue
                if not ok_time(i, j) or (q.mode == "strict" and j != i + 1):
                    continue
                if q.window is not None and ev[j][0] - start > q.window:
                    continue
                if excluded(i, j, nk):
                    continue
                extend([*chain, (j, nk)])

    for i in range(len(ev)):
        for k in match[i] & entries:
            if q.entry == "first" and ev[i][0] != first:
                continue
            extend([(i, k)])
    if not chains:
        return None
    reached = frozenset(c[-1][1] for c in chains)
    continued = frozenset(c[-1][1] for c in chains if len(c) > 1)
    done = [_ms(ev[c[-1][0]][0] - ev[c[0][0]][0]) for c in chains if c[-1][1] == n and c[0][1] == 1]
    return Outcome(max(reached), reached, continued, min(done) if done else None)


def _any_order(ev: list[tuple[datetime, str]], match: list[set[int]], q: Any) -> Outcome | None:
    n = len(q.steps)
    rows = [i for i in range(len(ev)) if match[i]]
    if not rows:
        return None
    first = min(ev[i][0] for i in rows)
    best, fastest = 0, None
    for i in rows:
        t0 = ev[i][0]
        if q.entry == "first" and t0 != first:
            continue
        end = t0 + (q.window if q.window is not None else timedelta(days=10**5))
        done = {
            k: min(ev[j][0] for j in rows if k in match[j] and t0 <= ev[j][0] <= end)
            for k in range(1, n + 1)
            if any(k in match[j] and t0 <= ev[j][0] <= end for j in rows)
        }
        best = max(best, len(done))
        if len(done) == n:
            ms = _ms(max(done.values()) - t0)
            fastest = ms if fastest is None else min(fastest, ms)
    reached = frozenset(range(1, best + 1))
    return Outcome(best, reached, frozenset(k for k in reached if k > 1), fastest)


def _ms(d: timedelta) -> int:
    return int(d / timedelta(milliseconds=1))

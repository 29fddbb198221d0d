"""Arbitration: when several interaction objects are eligible, which one goes out, and why.

``priority = propensity × context weight × value × lever``

* **propensity** — how likely the customer is to act on it, learned online from outcomes in
  the decision's context: ``(successes + prior successes) / (trials + prior trials)``; an
  outcome is the interaction's ``outcome`` event arriving within its window (success) or the
  window closing (failure);
* **context weight** — the product of the object's ``weights`` whose conditions hold now;
* **value** — what the interaction is worth when it works (the object's ``value``);
* **lever** — the business's dial (the object's ``lever``, overridden at run time).

Candidates that are ineligible or that the contact policy would not let out right now are
listed with the reason and skipped; the highest priority among the rest wins (ties: the
candidate listed first). Every decision keeps all of this (:meth:`Decision.explain`).

>>> k = Knowledge({("a", "web"): (8.0, 10.0)})
>>> round(k.propensity("a", "web", (1.0, 2.0)), 3)
0.75
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeyscope.engine.core.actions import Learn

FORMULA = "priority = propensity × context weight × value × lever"


class Knowledge:
    """Propensity counts and levers: read by transitions, updated from :class:`Learn` actions."""

    def __init__(
        self,
        stats: Mapping[tuple[str, str], tuple[float, float]] | None = None,
        levers: Mapping[str, float] | None = None,
    ) -> None:
        self.stats: dict[tuple[str, str], tuple[float, float]] = dict(stats or {})
        self.levers: dict[str, float] = dict(levers or {})

    def counts(self, name: str, context: str) -> tuple[float, float]:
        return self.stats.get((name, context), (0.0, 0.0))

    def propensity(self, name: str, context: str, prior: tuple[float, float]) -> float:
        successes, trials = self.counts(name, context)
        return (successes + prior[0]) / (trials + prior[1])

    def learn(self, lessons: Iterable[Learn]) -> None:
        for lesson in lessons:
            successes, trials = self.counts(lesson.interaction, lesson.context)
            self.stats[(lesson.interaction, lesson.context)] = (
                successes + (1.0 if lesson.success else 0.0),
                trials + 1.0,
            )


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    version: int
    eligible: bool
    propensity: float = 0.0
    successes: float = 0.0
    trials: float = 0.0
    weight: float = 1.0
    value: float = 0.0
    lever: float = 1.0
    priority: float = 0.0
    allowed: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    context: str
    candidates: tuple[Candidate, ...]
    winner: str | None
    why: str
    ranked: tuple[str, ...] = field(default_factory=tuple)

    def explain(self) -> dict[str, Any]:
        return {
            "formula": FORMULA,
            "context": self.context,
            "winner": self.winner,
            "why": self.why,
            "ranked": list(self.ranked),
            "candidates": [
                {name: getattr(c, name) for name in Candidate.__slots__} for c in self.candidates
            ],
        }


def choose(candidates: list[Candidate], context: str) -> Decision:
    """Pick the allowed, eligible candidate with the highest priority, and say why."""
    scored = sorted(
        (c for c in candidates if c.eligible), key=lambda c: -c.priority
    )  # stable: ties keep the listed order
    ranked = tuple(c.name for c in scored)
    winner = next((c for c in scored if c.allowed), None)
    if winner is None:
        if not scored:
            why = "no candidate was eligible"
        else:
            why = "every eligible candidate was held back by the contact policy: " + "; ".join(
                f"{c.name}: {c.reason}" for c in scored
            )
        return Decision(context, tuple(candidates), None, why, ranked)
    why = (
        f"{winner.name} won with priority {winner.priority:.4g} = propensity "
        f"{winner.propensity:.3g} × weight {winner.weight:.3g} × value {winner.value:.3g} × "
        f"lever {winner.lever:.3g}"
    )
    passed = [c for c in scored if c.priority > winner.priority]
    if passed:
        why += "; ranked higher but held back: " + "; ".join(
            f"{c.name} ({c.reason})" for c in passed
        )
    others = [c for c in scored if c.priority <= winner.priority and c is not winner]
    if others:
        why += f"; next best {others[0].name} at {others[0].priority:.4g}"
    return Decision(context, tuple(candidates), winner.name, why, ranked)

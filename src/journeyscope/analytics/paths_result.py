"""The typed result of :class:`~journeyscope.analytics.paths.PathsQuery`: the path edges and
nodes, what the query's options did to the sequences (:class:`Shaping`) and the loops
(:class:`Loops`); and the names both the query and its result use (the cleaning rules, the
direction, the back-move option, the ``(other)`` and ``(rare events)`` groups)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from journeyscope.analytics.semantics import customer_definition
from journeyscope.analytics.work_items import WENT_BACK

OTHER = "(other)"
RARE = "(rare events)"
Direction = Literal["forward", "backward", "between"]
BackMoves = Literal["show", "collapse"]


class CleaningRule(BaseModel):
    """Activities matching ``pattern`` (a regular expression, searched) become ``alias``."""

    model_config = {"frozen": True, "extra": "forbid"}

    pattern: str
    alias: str


class PathEdge(BaseModel):
    step: int
    source: str
    target: str
    cases: int
    back_cases: int = 0
    """Of ``cases``, those for which ``target`` is a back-move (done before in the case)."""


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


class Shaping(BaseModel):
    """What the query's options did to the sequences the paths are drawn on (events and
    cases over every case, before anchoring)."""

    hidden: list[str]
    hidden_events: int = 0
    hidden_cases: int = 0
    min_cases: int = 0
    rare_activities: int = 0
    rare_events: int = 0
    repeats_merged: int = 0
    back_moves: BackMoves = "show"
    back_move_events: int = 0
    back_move_cases: int = 0
    collapsed_events: int = 0
    """With ``back_moves="collapse"``: events removed (back-moves and other repeats)."""

    def describe(self) -> str:
        """The options' effects as a sentence (``3 back-moves collapsed; 2 events hidden``)."""
        parts = []
        if self.hidden:
            parts.append(
                f"{self.hidden_events:,} events of {len(self.hidden)} hidden "
                f"{'activity' if len(self.hidden) == 1 else 'activities'} left out "
                f"({', '.join(self.hidden)}; in {self.hidden_cases:,} cases)"
            )
        if self.min_cases > 1:
            parts.append(
                f"{self.rare_activities:,} activities done in fewer than {self.min_cases:,} "
                f"cases grouped as {RARE!r} ({self.rare_events:,} events)"
            )
        if self.repeats_merged:
            parts.append(f"{self.repeats_merged:,} consecutive repeats merged")
        moves = (
            f"{self.back_move_events:,} back-moves (an activity done again after another) "
            f"in {self.back_move_cases:,} cases"
        )
        if self.back_moves == "collapse":
            parts.append(
                f"{moves} collapsed: each activity kept at its first occurrence "
                f"({self.collapsed_events:,} events removed, repeats included)"
            )
        else:
            parts.append(f"{moves} shown; the links they make are marked as back-moves")
        return "; ".join(parts)


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
    shaping: Shaping
    loops: Loops | None
    case_rule: str
    semantics: str

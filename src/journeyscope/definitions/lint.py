"""Lint a journey definition: what is valid but probably wrong, in the design and against data.

Design checks (no data needed):

``invalid`` (error)
    Every structural problem of :func:`~journeyscope.definitions.loader.check_journey`
    (transitions to unknown steps, duplicate ids, cycles...), under its own code.
``unreachable-step`` (warning)
    A step no entry leads to through the transitions: customers can never get there.
``no-way-to-outcome`` (warning)
    A step from which no transition path leads to the outcome or a designed exit, and
    that does not come after the outcome either: a dead end.
``unobservable-step`` (info)
    A step with no activities: data can never show it; conformance passes through it.
``unobservable-outcome`` (warning)
    No activity means the outcome was reached, so every case counts as leaving before it.
``loop-goes-forward`` (warning)
    A transition marked ``loop: true`` whose target comes after its source: it is read as a
    forward move (a designed loop is one back-edge, from the later step to the earlier).
``unchecked-time-limit`` (info)
    An ``anytime`` step has a time limit; conformance does not check it (anytime steps are
    not moves).

Data checks (with an events table):

``step-not-in-data`` (warning)
    None of a step's activities occurs in the data.
``activity-not-in-data`` (info)
    One of a step's activities never occurs (the step has others that do).
``unclaimed-activity`` (warning)
    An activity recorded in the journey's cases (cases with an event of a regular step)
    that no step claims; conformance counts each as an unexpected activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import ibis.expr.types as ir

from journeyscope.definitions.graph import back_edges, reachable_from, regular_steps, successors
from journeyscope.definitions.loader import Loc, check_journey
from journeyscope.definitions.models import Journey
from journeyscope.yamlfile import YamlDocument

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One lint finding: how serious, what kind (``code``), where (``loc``) and what."""

    severity: Severity
    code: str
    message: str
    loc: Loc = ()

    def format(self, doc: YamlDocument | None = None) -> str:
        """``file:line: severity[code]: field: message`` (without a document: no file)."""
        head = ""
        if doc is not None:
            head = f"{doc.where(self.loc) if self.loc else doc.source}: "
        field = ".".join(str(p) for p in self.loc)
        return f"{head}{self.severity}[{self.code}]: {field + ': ' if field else ''}{self.message}"


def _step_locs(journey: Journey) -> dict[str, Loc]:
    locs: dict[str, Loc] = {}
    for i, stage in enumerate(journey.stages):
        for k, step in enumerate(stage.steps):
            locs.setdefault(step.id, ("stages", i, "steps", k))
    return locs


def lint(
    journey: Journey, events: ir.Table | None = None, *, case: str = "case_id"
) -> list[Finding]:
    """Findings for ``journey``; with ``events`` (any Ibis backend), data checks too.

    ``case`` names the column that groups ``events`` into cases (the data's ``case_id``,
    or ``case`` after :func:`~journeyscope.analytics.cases.with_cases`). Runs one small
    aggregate query when ``events`` is given.
    """
    findings = [Finding("error", p.code, p.message, p.loc) for p in check_journey(journey)]
    if findings:
        return findings  # the graph checks below assume a consistent design
    findings += _design(journey)
    if events is not None:
        findings += _data(journey, events, case)
    return findings


def _design(journey: Journey) -> list[Finding]:
    found: list[Finding] = []
    locs = _step_locs(journey)
    graph = successors(journey)
    reached = reachable_from(graph, journey.entry_steps())
    for step_id in regular_steps(journey):
        if step_id not in reached:
            found.append(
                Finding(
                    "warning",
                    "unreachable-step",
                    f"step {step_id!r} cannot be reached from any entry "
                    f"({', '.join(journey.entry_steps())}); add a transition into it or list it "
                    "in 'entries'",
                    locs[step_id],
                )
            )
    goals = set(journey.exits)
    outcome_steps = [journey.outcome.step] if journey.outcome.step else []
    if not outcome_steps:
        claimed = journey.activity_steps()
        outcome_steps = sorted({claimed[a] for a in journey.outcome.activities if a in claimed})
    goals |= set(outcome_steps)
    after_outcome = reachable_from(graph, outcome_steps)
    for step_id in regular_steps(journey):
        if step_id in after_outcome or step_id not in reached:
            continue
        if not reachable_from(graph, [step_id]) & goals:
            found.append(
                Finding(
                    "warning",
                    "no-way-to-outcome",
                    f"no transition path leads from step {step_id!r} to the outcome or an exit; "
                    "add a transition out of it, or list it in 'exits' if the journey may "
                    "end there",
                    locs[step_id],
                )
            )
    for step in journey.steps:
        if not step.activities:
            found.append(
                Finding(
                    "info",
                    "unobservable-step",
                    f"step {step.id!r} has no activities, so data can never show it; "
                    "conformance passes through it",
                    locs[step.id],
                )
            )
    for step in journey.steps:
        if step.anytime and step.time_limit is not None:
            found.append(
                Finding(
                    "info",
                    "unchecked-time-limit",
                    f"step {step.id!r} is 'anytime', so its time limit is not checked; "
                    "remove it, or put the limit on the step customers go on to",
                    (*locs[step.id], "time_limit"),
                )
            )
    back = back_edges(journey)
    for i, t in enumerate(journey.transitions):
        if t.loop and (t.source, t.target) not in back and t.source != t.target:
            found.append(
                Finding(
                    "warning",
                    "loop-goes-forward",
                    f"the transition {t.source} -> {t.target} is marked 'loop: true' but "
                    f"{t.target!r} comes after {t.source!r} in the design, so it is read as a "
                    "forward move; a loop goes back from the later step to the earlier: remove "
                    "'loop: true', or mark the transition back instead",
                    ("transitions", i, "loop"),
                )
            )
    if not journey.outcome_activities():
        found.append(
            Finding(
                "warning",
                "unobservable-outcome",
                "no activity means the outcome was reached (the outcome step has none and "
                "'activities' is empty), so every case will count as leaving before it",
                ("outcome",),
            )
        )
    return found


def _data(journey: Journey, events: ir.Table, case: str) -> list[Finding]:
    locs = _step_locs(journey)
    regular = [a for s in journey.steps if not s.anytime for a in s.activities]
    key = events[case]
    scope = (
        events.filter(events.activity.isin(regular) & key.notnull())
        .select(scope_case=key)
        .distinct()
    )
    marked = events.left_join(scope, key == scope.scope_case)
    in_scope = marked.scope_case.notnull()
    counts = marked.group_by(activity=marked.activity).aggregate(
        events=marked.count(),
        scope_events=in_scope.cast("int64").sum(),
        scope_cases=marked.scope_case.nunique(),
    )
    rows = {r["activity"]: r for r in counts.to_pyarrow().to_pylist()}
    found: list[Finding] = []
    for step in journey.steps:
        if not step.activities:
            continue
        missing = [a for a in step.activities if a not in rows]
        if len(missing) == len(step.activities):
            found.append(
                Finding(
                    "warning",
                    "step-not-in-data",
                    f"none of step {step.id!r}'s activities ({', '.join(step.activities)}) "
                    "occurs in the data; check their spelling against the event catalogue",
                    (*locs[step.id], "activities"),
                )
            )
            continue
        for activity in missing:
            k = step.activities.index(activity)
            found.append(
                Finding(
                    "info",
                    "activity-not-in-data",
                    f"activity {activity!r} of step {step.id!r} does not occur in the data",
                    (*locs[step.id], "activities", k),
                )
            )
    claimed = set(journey.activity_steps())
    unclaimed = sorted(
        (r for a, r in rows.items() if a is not None and a not in claimed and r["scope_events"]),
        key=lambda r: (-int(r["scope_events"]), str(r["activity"])),
    )
    for r in unclaimed:
        found.append(
            Finding(
                "warning",
                "unclaimed-activity",
                f"activity {r['activity']!r} occurs {int(r['scope_events']):,} times in "
                f"{int(r['scope_cases']):,} of the journey's cases but no step claims it; add it "
                "to a step's activities (or to an 'anytime' step if it may happen at any point)",
            )
        )
    return found

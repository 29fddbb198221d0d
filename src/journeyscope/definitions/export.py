"""Exports of a journey definition: Mermaid ``journey`` text for docs, JSON for the web UI.

>>> from journeyscope.definitions.models import Journey
>>> j = Journey.model_validate({"id": "j", "name": "Renew: passport", "job_to_be_done": "x",
...     "outcome": {"description": "done", "step": "b"},
...     "stages": [{"id": "s", "name": "Apply", "steps": [
...         {"id": "a", "name": "Fill in form", "channels": ["web"], "emotion": -1},
...         {"id": "b", "name": "Get passport", "emotion": 2,
...          "moment_of_truth": {"why": "the goal"}}]}]})
>>> print(to_mermaid(j), end="")
journey
    title Renew - passport
    section Apply
      Fill in form: 2: web
      ★ Get passport: 5: Customer
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml

from journeyscope.definitions.graph import allowed_entries, back_edges, ranks
from journeyscope.definitions.models import Journey

#: Identifies the JSON export's layout; changes only when consumers must change too.
JSON_FORMAT: Final = "journeyscope.journey/1"

_UNSAFE = re.compile(r"[:;#\n\r]+")


def _text(value: str) -> str:
    """Mermaid's journey syntax splits on ``:``; ``#`` and ``;`` end a statement."""
    return re.sub(r"\s+", " ", _UNSAFE.sub(" - ", value)).strip(" -") or "-"


def to_mermaid(journey: Journey, *, actors: str = "channels") -> str:
    """Mermaid ``journey`` diagram text: one section per stage, one task per step.

    The score is the expected emotion moved to Mermaid's 1..5 scale (-2 -> 1, 0 -> 3,
    +2 -> 5; no emotion -> 3). Actors are the step's channels (``actors="channels"``) or
    just ``Customer`` (``actors="customer"``). Moments of truth start with ★.
    """
    lines = ["journey", f"    title {_text(journey.name)}"]
    for stage in journey.stages:
        lines.append(f"    section {_text(stage.name)}")
        for step in stage.steps:
            score = 3 if step.emotion is None else step.emotion + 3
            who = step.channels if actors == "channels" and step.channels else ["Customer"]
            names = ", ".join(_text(w).replace(",", " ") for w in who)
            star = "★ " if step.moment_of_truth is not None else ""
            lines.append(f"      {star}{_text(step.name)}: {score}: {names}")
    return "\n".join(lines) + "\n"


def to_json(journey: Journey) -> dict[str, Any]:
    """The journey for the web UI: the definition as written, plus its graph worked out.

    ``{"format", "journey", "steps", "edges"}``: ``journey`` is the definition (JSON field
    names as in the file); ``steps`` lists every step in listed order with ``stage``,
    ``rank`` (topological order of the non-loop transitions), and flags ``entry``
    (a case may start there), ``outcome``, ``exit``, ``optional``, ``anytime``,
    ``observable`` (has activities), ``moment_of_truth``; ``edges`` the transitions in
    force (declared, or implied by the listed order) with ``implied`` set for the latter.
    """
    order = ranks(journey)
    entries = allowed_entries(journey) | set(journey.entry_steps())
    outcome_steps = {journey.outcome.step} if journey.outcome.step else set()
    claimed = journey.activity_steps()
    outcome_steps |= {claimed[a] for a in journey.outcome.activities if a in claimed}
    steps = []
    for stage in journey.stages:
        for step in stage.steps:
            steps.append(
                {
                    "id": step.id,
                    "name": step.name,
                    "stage": stage.id,
                    "rank": order.get(step.id),
                    "entry": step.id in entries,
                    "outcome": step.id in outcome_steps,
                    "exit": step.id in journey.exits,
                    "optional": step.optional,
                    "anytime": step.anytime,
                    "observable": bool(step.activities),
                    "moment_of_truth": step.moment_of_truth is not None,
                    "emotion": step.emotion,
                    "channels": list(step.channels),
                }
            )
    implied = not journey.transitions
    backwards = back_edges(journey)
    edges = [
        {
            "from": t.source,
            "to": t.target,
            "loop": (t.source, t.target) in backwards,
            "label": t.label,
            "implied": implied,
        }
        for t in journey.flow()
    ]
    return {
        "format": JSON_FORMAT,
        "journey": journey.model_dump(mode="json", by_alias=True),
        "steps": steps,
        "edges": edges,
    }


def to_yaml(journey: Journey, *, header: str = "") -> str:
    """The journey as a definition file (fields never set are left out).

    Transitions are written one per line (``- {from: a, to: b}``), as people write them.
    ``header`` becomes comment lines at the top. Reading the text back gives the same
    journey.
    """
    data = journey.model_dump(mode="json", by_alias=True, exclude_unset=True)
    data = {"version": journey.version, **data}
    keys = list(data)
    cut = keys.index("transitions") if "transitions" in data else len(keys)
    before = {k: data[k] for k in keys[:cut]}
    after = {k: data[k] for k in keys[cut + 1 :]}
    parts = [f"# {line}".rstrip() + "\n" for line in header.splitlines()]
    parts.append(_dump(before))
    if "transitions" in data:
        parts.append("transitions:\n")
        for t in data["transitions"]:
            flow = yaml.safe_dump(t, default_flow_style=True, sort_keys=False, width=10_000)
            parts.append(f"  - {flow.strip()}\n")
    if after:
        parts.append(_dump(after))
    return "".join(parts)


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

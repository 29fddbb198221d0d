"""Helpers for the render tests: read an SVG back as boxes of text, and build big inputs.

Text boxes are computed with the same font metrics the renderers use (the typeface is
inlined, so this is what a browser draws); the browser tests check the same with real
layout boxes.
"""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from journeyscope.definitions import Journey
from journeyscope.render._svg import text_width
from journeyscope.render.process_map import Activity, Move, ProcessGraph

NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    owner: int  # id of the <text> element
    classes: str

    def overlaps(self, other: TextLine, tolerance: float = 0.5) -> bool:
        return not (
            self.x1 - tolerance <= other.x0
            or other.x1 - tolerance <= self.x0
            or self.y1 - tolerance <= other.y0
            or other.y1 - tolerance <= self.y0
        )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def size_of(root: ET.Element) -> tuple[float, float]:
    return float(root.get("width", 0)), float(root.get("height", 0))


def _box(text: str, x: float, y: float, size: float, bold: bool, anchor: str) -> tuple[float, ...]:
    w = text_width(text, size, bold=bold)
    x0 = x - (w / 2 if anchor == "middle" else w if anchor == "end" else 0)
    return x0, y - 0.76 * size, x0 + w, y + 0.24 * size


def text_lines(root: ET.Element) -> list[TextLine]:
    """Every drawn line of text (tooltips left out) with its box."""
    lines: list[TextLine] = []
    for i, t in enumerate(root.iter(f"{NS}text")):
        size = float(t.get("font-size", "16"))
        bold = t.get("font-weight") == "bold"
        anchor = t.get("text-anchor", "start")
        classes = t.get("class", "")
        spans = t.findall(f"{NS}tspan")
        if spans:
            for s in spans:
                content = s.text or ""
                x0, y0, x1, y1 = _box(
                    content, float(s.get("x")), float(s.get("y")), size, bold, anchor
                )
                lines.append(TextLine(content, x0, y0, x1, y1, size, i, classes))
        else:
            title = t.find(f"{NS}title")
            content = (t.text or "") + ((title.tail or "") if title is not None else "")
            if not content:
                continue
            x0, y0, x1, y1 = _box(content, float(t.get("x")), float(t.get("y")), size, bold, anchor)
            lines.append(TextLine(content, x0, y0, x1, y1, size, i, classes))
    return lines


def overlapping(lines: list[TextLine]) -> list[tuple[TextLine, TextLine]]:
    """Pairs of lines of different text elements that overlap."""
    found = []
    ordered = sorted(lines, key=lambda line: line.y0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.y0 >= a.y1:
                break
            if a.owner != b.owner and a.overlaps(b):
                found.append((a, b))
    return found


def drawn_text(root: ET.Element) -> str:
    """All drawn text (tooltips left out), one line after another."""
    return " ".join(line.text for line in text_lines(root))


def tooltips(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}title")]


def all_text(root: ET.Element) -> str:
    """Everything a reader can see or hover: drawn text and tooltips."""
    return " ".join(line.text for line in text_lines(root)) + " " + " ".join(tooltips(root))


def colours(svg: str) -> set[str]:
    """Every colour used in fill or stroke (attributes and inline styles), upper case."""
    found = re.findall(r'(?:fill|stroke)[=:]"?\s*(#[0-9A-Fa-f]{6})', svg)
    return {c.upper() for c in found}


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if cls in (e.get("class") or "").split()]


# ------------------------------------------------------------------------------ big inputs

_WORDS = [
    "apply",
    "check",
    "upload",
    "verify",
    "documents",
    "decision",
    "offer",
    "sign",
    "pay",
    "collect",
    "appointment",
    "review",
    "confirm",
    "request",
    "advice",
    "assessment",
    "eligibility",
    "payment",
    "notification",
    "follow-up",
    "survey",
    "complaint",
    "escalation",
    "callback",
    "visit",
    "inspection",
    "approval",
]


def big_journey(stages: int = 8, steps: int = 40, seed: int = 3) -> Journey:
    """A designed journey with long names and full lanes: the legibility stress test."""
    rng = random.Random(seed)

    def phrase(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize()

    per = [steps // stages + (1 if i < steps % stages else 0) for i in range(stages)]
    counter = itertools.count(1)
    stage_list = []
    for s, n in enumerate(per):
        step_list = []
        for _ in range(n):
            k = next(counter)
            step = {
                "id": f"step_{k}",
                "name": f"{k}. {phrase(rng.randint(2, 7))}",
                "activities": [f"Activity {k}"],
                "channels": rng.sample(
                    ["web", "app", "phone", "branch", "email", "letter", "chat"], rng.randint(1, 4)
                ),
                "touchpoints": [
                    {"name": phrase(rng.randint(2, 6)), "channel": "web"}
                    for _ in range(rng.randint(0, 6))
                ],
                "blueprint": {
                    "customer_action": phrase(rng.randint(4, 14)),
                    "frontstage": [phrase(rng.randint(2, 8)) for _ in range(rng.randint(0, 5))],
                    "backstage": [phrase(rng.randint(2, 8)) for _ in range(rng.randint(0, 3))],
                    "support_processes": [phrase(3) for _ in range(rng.randint(0, 2))],
                    "systems": [phrase(2) for _ in range(rng.randint(0, 3))],
                    "physical_evidence": [phrase(3) for _ in range(rng.randint(0, 2))],
                },
                "emotion": rng.randint(-2, 2),
                "pain_points": [phrase(rng.randint(3, 12)) for _ in range(rng.randint(0, 5))],
                "opportunities": [phrase(rng.randint(3, 12)) for _ in range(rng.randint(0, 4))],
                "optional": rng.random() < 0.1 and k > 1,
            }
            if rng.random() < 0.15:
                step["moment_of_truth"] = {"why": phrase(rng.randint(8, 40))}
            step_list.append(step)
        stage_list.append(
            {
                "id": f"stage_{s + 1}",
                "name": f"Stage {s + 1}: {phrase(rng.randint(1, 6))}",
                "goal": phrase(rng.randint(4, 16)),
                "steps": step_list,
            }
        )
    return Journey.model_validate(
        {
            "id": "big",
            "name": "A long journey with many steps and very long names everywhere",
            "job_to_be_done": phrase(30),
            "outcome": {"description": phrase(8), "step": f"step_{steps}", "within": "60 days"},
            "stages": stage_list,
        }
    )


def big_graph(activities: int = 36, seed: int = 5) -> ProcessGraph:
    """A directly-follows graph with many activities, long names, loops and rare moves."""
    rng = random.Random(seed)
    names = [
        f"T{i:02d} " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 7)))
        for i in range(activities)
    ]
    counts = {n: int(5000 * 0.88**i) + 3 for i, n in enumerate(names)}
    moves: dict[tuple[str | None, str | None], int] = {}
    for i, a in enumerate(names):
        if i + 1 < activities:
            moves[(a, names[i + 1])] = int(counts[names[i + 1]] * 0.8)
        for _ in range(4):
            b = rng.choice(names)
            moves[(a, b)] = moves.get((a, b), 0) + rng.randint(1, max(2, counts[a] // 20))
        if rng.random() < 0.3:
            moves[(a, None)] = rng.randint(1, counts[a] // 5 + 1)
    moves[(None, names[0])] = counts[names[0]]
    moves[(None, names[3])] = 120
    return ProcessGraph(
        nodes=tuple(Activity(n, c, c) for n, c in counts.items()),
        edges=tuple(
            Move(s, t, c, median_seconds=rng.uniform(30, 86400 * 20)) for (s, t), c in moves.items()
        ),
        cases=counts[names[0]] + 120,
    )


def one_stage(steps: list[dict[str, Any]]) -> Journey:
    """A journey ``j`` of one stage ``a`` holding ``steps`` (each a step's fields)."""
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "d"},
            "stages": [{"id": "a", "name": "A", "steps": steps}],
        }
    )

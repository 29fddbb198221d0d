"""Mutated valid YAML through every YAML loader: only the project's own errors, no hang.

Seeds are the shipped examples (a designed journey, an orchestrated journey, a contact
policy, an interaction catalogue) and an event catalogue; mutations add anchors, aliases,
brackets, tags and indentation. Each loader must load the text or raise its own error type
(a :class:`~journeyscope.errors.JourneyscopeError`) within the harness's time budget.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import FUZZ, TALLY, budget
from hypothesis import given
from hypothesis import strategies as st

from journeyscope.definitions import load_journey
from journeyscope.engine.core.interactions import load_interactions
from journeyscope.engine.core.journeys import load_journeys
from journeyscope.engine.core.policy import load_policy
from journeyscope.engine.core.program import load_program
from journeyscope.errors import JourneyscopeError
from journeyscope.events import load_catalogue

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CATALOGUE = """version: 1
activities:
  Submit application: &a
    description: The customer sends the form.
    channels: [web, app]
    properties: {amount: number}
  Call: *a
"""
SEEDS: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "design (journeys/tenancy.yaml)": (
        (EXAMPLES / "journeys" / "tenancy.yaml").read_text(),
        load_journey,
    ),
    "orchestrated journey": (
        (EXAMPLES / "orchestration" / "tenancy.yaml").read_text(),
        load_journeys,
    ),
    "contact policy": ((EXAMPLES / "orchestration" / "policy.yaml").read_text(), load_policy),
    "interaction catalogue": (
        (EXAMPLES / "orchestration" / "interactions.yaml").read_text(),
        load_interactions,
    ),
    "program (kind sniffing)": (
        (EXAMPLES / "orchestration" / "policy.yaml").read_text(),
        load_program,
    ),
    "event catalogue": (CATALOGUE, load_catalogue),
}
TOKENS = [
    "&a ",
    "*a",
    "&b [*a, *a, *a, *a]",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "\n",
    "\n  ",
    "- ",
    "<<: *a\n",
    "!!python/object:os.system ",
    "!!binary ",
    "? ",
    "'",
    '"',
    "#",
    "%YAML 1.1\n",
    "---\n",
    "\t",
    "\x00",
    "x" * 200,
    "[" * 300,
    "2024-13-45",
    "1e999",
]


@st.composite
def mutated_text(draw: st.DrawFn, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "repeat"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif op == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        else:
            text = text[:at] + text[at : at + draw(st.integers(1, 60))] * 3 + text[at:]
    return text


@FUZZ
@given(st.data())
def test_yaml_loaders(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(SEEDS)))
    seed, load = SEEDS[name]
    text = data.draw(mutated_text(seed))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with budget(name):
            try:
                load(path)
                TALLY[(f"yaml: {name}", "loaded")] += 1
            except JourneyscopeError as exc:
                assert str(exc) and "Traceback" not in str(exc)
                TALLY[(f"yaml: {name}", "refused with a clear error")] += 1

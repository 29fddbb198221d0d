"""Lint: design findings, and findings against data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pytest

from journeyscope.definitions import Journey, load_journey
from journeyscope.definitions.lint import Finding, lint
from journeyscope.definitions.loader import load_document
from journeyscope.events import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


def journey(
    steps: list[str | dict[str, Any]], transitions: list[tuple[str, str]], **extra: Any
) -> Journey:
    specs = [{"id": s} if isinstance(s, str) else dict(s) for s in steps]
    for spec in specs:
        spec.setdefault("name", spec["id"])
        spec.setdefault("activities", [spec["id"].upper()])
    data: dict[str, Any] = {
        "id": "j",
        "name": "J",
        "job_to_be_done": "x",
        "outcome": {"description": "done", "step": "c"},
        "stages": [{"id": "s", "name": "S", "steps": specs}],
        "transitions": [{"from": a, "to": b} for a, b in transitions],
        **extra,
    }
    return Journey.model_validate(data)


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, ".".join(str(p) for p in f.loc)) for f in findings]


def test_unreachable_steps_and_dead_ends() -> None:
    j = journey(["a", "b", "c", "d", "e"], [("a", "b"), ("b", "c"), ("a", "e")])
    assert codes(lint(j)) == [
        ("unreachable-step", "stages.0.steps.3"),  # nothing leads to d
        ("no-way-to-outcome", "stages.0.steps.4"),  # e leads nowhere
    ]


def test_steps_after_the_outcome_and_exits_are_not_dead_ends() -> None:
    j = journey(
        ["a", "b", "c", "after", "no"],
        [("a", "b"), ("b", "c"), ("c", "after"), ("a", "no")],
        exits=["no"],
    )
    assert lint(j) == []


def test_unobservable_steps_and_outcome() -> None:
    j = journey(["a", "b", {"id": "c", "activities": []}], [("a", "b"), ("b", "c")])
    assert codes(lint(j)) == [
        ("unobservable-step", "stages.0.steps.2"),
        ("unobservable-outcome", "outcome"),
    ]


def test_time_limits_of_anytime_steps_are_not_checked() -> None:
    j = journey(
        ["a", "b", "c", {"id": "h", "activities": ["Call"], "anytime": True, "time_limit": "1h"}],
        [("a", "b"), ("b", "c")],
    )
    assert codes(lint(j)) == [("unchecked-time-limit", "stages.0.steps.3.time_limit")]


def test_structural_problems_are_errors_with_their_own_codes() -> None:
    j = journey(["a", "b", "c"], [("a", "b"), ("b", "zz")])
    [finding] = lint(j)
    assert (finding.severity, finding.code) == ("error", "unknown-step")
    assert (
        finding.format() == "error[unknown-step]: transitions.1.to: no step 'zz' (steps: a, b, c)"
    )


def test_findings_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    path.write_text(
        "id: j\nname: J\njob_to_be_done: x\noutcome: {description: d, step: c}\n"
        "stages:\n  - id: s\n    name: S\n    steps:\n"
        "      - {id: a, name: A, activities: [A]}\n"
        "      - {id: b, name: B, activities: [B]}\n"
        "      - {id: c, name: C, activities: [C]}\n"
        "transitions:\n  - {from: a, to: c}\n  - {from: b, to: c}\n"
        "  - {from: a, to: nowhere}\n",
        encoding="utf-8",
    )
    j, doc = load_document(path)  # shape only: structural problems become findings
    lines = [f.format(doc) for f in lint(j)]
    assert lines == [
        f"{path}:15: error[unknown-step]: transitions.2.to: no step 'nowhere' (steps: a, b, c)"
    ]


@pytest.mark.parametrize(
    "name", ["tenancy", "maintenance_loan", "permit_receipt", "loan_application"]
)
def test_the_examples_are_lint_clean(name: str) -> None:
    assert lint(load_journey(EXAMPLES / f"{name}.yaml")) == []


def data(rows: list[tuple[str | None, str]]) -> ibis.Table:
    return ibis.memtable(
        {"case_id": [r[0] for r in rows], "activity": [r[1] for r in rows]},
        schema={"case_id": "string", "activity": "string"},
    )


def test_data_findings() -> None:
    j = journey(
        ["a", {"id": "b", "activities": ["B", "B2"]}, "c", {"id": "d", "activities": ["Typo"]}],
        [("a", "b"), ("b", "c"), ("c", "d")],
    )
    events = data(
        [
            ("1", "A"),
            ("1", "Oops"),
            ("1", "B"),
            ("1", "C"),
            ("2", "A"),
            ("2", "Oops"),
            ("2", "Other"),
            ("x", "Elsewhere"),  # a case of another journey: not reported
            (None, "Anonymous"),  # no case: not reported
        ]
    )
    findings = lint(j, events)
    assert codes(findings) == [
        ("activity-not-in-data", "stages.0.steps.1.activities.1"),
        ("step-not-in-data", "stages.0.steps.3.activities"),
        ("unclaimed-activity", ""),
        ("unclaimed-activity", ""),
    ]
    assert "'Oops' occurs 2 times in 2 of the journey's cases" in findings[2].message
    assert "'Other' occurs 1 times in 1 of" in findings[3].message


def test_the_synthetic_data_against_its_designs(synthetic_store: Store) -> None:
    events = synthetic_store.events()
    for name in ("tenancy", "maintenance_loan"):
        findings = lint(load_journey(EXAMPLES / f"{name}.yaml"), events)
        # failed online steps are recorded as 'Online error', which no step claims
        assert [(f.code, f.message.split("'")[1]) for f in findings] == [
            ("unclaimed-activity", "Online error")
        ]


def test_a_loop_that_goes_forward_is_flagged() -> None:
    j = journey(["a", "b", "c"], [("a", "b"), ("b", "c")])
    data = j.model_dump(by_alias=True)
    data["transitions"] = [
        {"from": "a", "to": "b", "loop": True},
        {"from": "b", "to": "a", "loop": True},
        {"from": "b", "to": "c"},
    ]
    found = codes(lint(Journey.model_validate(data)))
    assert ("loop-goes-forward", "transitions.0.loop") in found
    assert not any(
        code == "loop-goes-forward" and loc.startswith("transitions.1") for code, loc in found
    )

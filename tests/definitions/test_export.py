"""Exports: Mermaid journey text, JSON for the web UI, YAML."""

from __future__ import annotations

import json
from pathlib import Path

from journeyscope.definitions import load_journey, parse_journey
from journeyscope.definitions.export import JSON_FORMAT, to_json, to_mermaid, to_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


def test_mermaid_journey_of_the_tenancy() -> None:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    text = to_mermaid(journey)
    lines = text.splitlines()
    assert lines[:2] == ["journey", "    title Establish a tenancy"]
    sections = [line.strip() for line in lines if line.strip().startswith("section ")]
    assert sections == [f"section {stage.name}" for stage in journey.stages]
    tasks = [line.strip() for line in lines if line.startswith("      ")]
    assert len(tasks) == len(journey.steps)
    assert "★ Upload documents: 2: web, app, email, branch" in tasks  # emotion -1 -> 2
    assert "★ Collect keys: 5: branch" in tasks  # emotion +2 -> 5
    for task in tasks:  # task: score: actors, and nothing else with a colon
        assert task.count(":") == 2
        assert 1 <= int(task.split(":")[1]) <= 5


def test_mermaid_text_is_made_safe() -> None:
    journey = parse_journey(
        """
id: j
name: "Renew: passport; fast # now"
job_to_be_done: x
outcome: {description: d, step: a}
stages:
  - id: s
    name: "Stage: one"
    steps:
      - {id: a, name: "Pay: deposit", activities: [A], channels: ["web, mobile"]}
"""
    )
    text = to_mermaid(journey, actors="customer")
    assert text == (
        "journey\n"
        "    title Renew - passport - fast - now\n"
        "    section Stage - one\n"
        "      Pay - deposit: 3: Customer\n"
    )
    assert "web  mobile" in to_mermaid(journey)


def test_json_for_the_web_ui() -> None:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    data = json.loads(json.dumps(to_json(journey)))
    assert data["format"] == JSON_FORMAT
    assert data["journey"]["id"] == "tenancy"
    assert data["journey"]["transitions"][0] == {
        "from": "view_listing",
        "to": "start_application",
        "loop": False,
        "label": "",
    }
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["view_listing"]["entry"] and steps["start_application"]["entry"]
    assert not steps["upload_documents"]["entry"]
    assert steps["collect_keys"]["outcome"] and steps["collect_keys"]["moment_of_truth"]
    assert steps["get_help"]["anytime"] and steps["get_help"]["rank"] is None
    assert [s["rank"] for s in data["steps"] if s["rank"] is not None] == list(range(11))
    loops = [e for e in data["edges"] if e["loop"]]
    assert [(e["from"], e["to"]) for e in loops] == [("eligibility_decision", "upload_documents")]
    assert not any(e["implied"] for e in data["edges"])


def test_json_marks_implied_edges() -> None:
    journey = parse_journey(
        "id: j\nname: J\njob_to_be_done: x\noutcome: {description: d, step: b}\n"
        "stages: [{id: s, name: S, steps: [{id: a, name: A}, {id: b, name: B}]}]\n"
    )
    assert to_json(journey)["edges"] == [
        {"from": "a", "to": "b", "loop": False, "label": "", "implied": True}
    ]


def test_yaml_export_writes_transitions_one_per_line() -> None:
    journey = load_journey(EXAMPLES / "maintenance_loan.yaml")
    text = to_yaml(journey, header="made by a test")
    assert text.startswith("# made by a test\nversion: 1\nid: maintenance_loan\n")
    assert (
        "  - {from: credit_decision, to: upload_quote, loop: true, label: underwriter needs a new quote}\n"
        in text
    )
    assert parse_journey(text) == journey

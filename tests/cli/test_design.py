"""The design commands and ``journeyscope conformance``, driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from command_kit import outcome
from journeyscope.definitions import load_journey

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture(scope="module")
def receipt_store(tmp_path_factory: pytest.TempPathFactory, real_data: Path) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store.duckdb"
    code, _, err = outcome("ingest", str(real_data / "receipt.csv"), "--store", str(store))
    assert code == 0, err
    return store


def test_validate() -> None:
    code, _, err = outcome("design", "validate", str(EXAMPLES / "tenancy.yaml"))
    assert code == 0
    assert "ok" in err and "journey 'tenancy', 8 stages, 13 steps, 11 transitions" in err
    code, out, _ = outcome("design", "validate", str(EXAMPLES / "tenancy.yaml"), "--json")
    assert json.loads(out)["variants"] == ["assisted"]


def test_validate_a_bad_file_prints_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (EXAMPLES / "tenancy.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "{from: book_viewing, to: attend_viewing}", "{from: book_viewing, to: attend_viewng}"
        ),
        encoding="utf-8",
    )
    code, out, err = outcome("design", "validate", str(bad))
    assert code == 2 and out == ""
    assert "Traceback" not in err
    assert err.startswith("error: ")
    assert f"{bad}:" in err and "transitions.5.to: no step 'attend_viewng'" in err
    assert "did you mean 'attend_viewing'?" in err


def test_lint_exit_codes(tmp_path: Path) -> None:
    code, _, err = outcome("design", "lint", str(EXAMPLES / "tenancy.yaml"))
    assert code == 0 and "nothing to report" in err
    dead = tmp_path / "dead.yaml"
    dead.write_text(
        "id: j\nname: J\njob_to_be_done: x\noutcome: {description: d, step: b}\n"
        "stages:\n  - id: s\n    name: S\n    steps:\n"
        "      - {id: a, name: A, activities: [A]}\n"
        "      - {id: b, name: B, activities: [B]}\n"
        "      - {id: c, name: C, activities: [C]}\n"
        "transitions:\n  - {from: a, to: b}\n",
        encoding="utf-8",
    )
    code, _, err = outcome("design", "lint", str(dead))
    assert code == 1
    assert (
        f"{dead}:11: warning[unreachable-step]: stages.0.steps.2: step 'c' cannot be reached"
        in err.replace("\n", "")
    )
    code, out, _ = outcome("design", "lint", str(dead), "--json")
    assert code == 1
    assert json.loads(out) == [
        {
            "severity": "warning",
            "code": "unreachable-step",
            "field": "stages.0.steps.2",
            "line": 11,
            "message": "step 'c' cannot be reached from any entry (a); add a transition into it "
            "or list it in 'entries'",
        }
    ]


def test_lint_against_a_store(receipt_store: Path) -> None:
    code, _, err = outcome(
        "design", "lint", str(EXAMPLES / "permit_receipt.yaml"), "--store", str(receipt_store)
    )
    assert code == 0, err
    code, out, _ = outcome(
        "design", "lint", str(EXAMPLES / "tenancy.yaml"), "--store", str(receipt_store), "--json"
    )
    findings = json.loads(out)
    assert code == 1
    assert {f["code"] for f in findings} == {"step-not-in-data"}  # no tenancy events here


def test_conformance_json(receipt_store: Path) -> None:
    code, out, err = outcome(
        "conformance",
        str(EXAMPLES / "permit_receipt.yaml"),
        "--store",
        str(receipt_store),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["cases"] == 1434
    assert set(report["fitness"]) >= {"mean", "min", "p10", "p25", "p50", "p75", "p90", "perfect"}
    assert set(report["deviations"]) == {
        "skipped_step",
        "unexpected_activity",
        "backtracking",
        "entered_midway",
        "left_before_outcome",
        "out_of_order",
        "time_limit_broken",
    }
    assert report["case_rule"] == "case_id from the data; events without one are left out"
    first = report["steps"][0]
    assert first["id"] == "register_application" and first["entries"] == 1434
    left = next(i for i in first["instead"] if i["to"] == "(end)")
    assert left["deviation"] == "left_before_outcome" and left["count"] == 116
    assert report["definitions"]["backtracking"].startswith("went back")


def test_conformance_table_and_variant(receipt_store: Path) -> None:
    code, _, err = outcome(
        "conformance",
        str(EXAMPLES / "permit_receipt.yaml"),
        "--store",
        str(receipt_store),
        "--variant",
        "desk",
    )
    assert code == 0, err
    assert "permit_receipt: 1,434 cases" in err.replace("\n", " ")
    code, _, err = outcome(
        "conformance",
        str(EXAMPLES / "permit_receipt.yaml"),
        "--store",
        str(receipt_store),
        "--variant",
        "kiosk",
    )
    assert code == 2 and "has no variant 'kiosk' (variants: desk)" in err


def test_conformance_without_a_store(tmp_path: Path) -> None:
    code, _, err = outcome(
        "conformance", str(EXAMPLES / "tenancy.yaml"), "--store", str(tmp_path / "none.duckdb")
    )
    assert code == 2 and "no such store" in err and "Traceback" not in err


@pytest.mark.slow
def test_conformance_case_rule_options(receipt_store: Path) -> None:
    code, out, _ = outcome(
        "conformance",
        str(EXAMPLES / "permit_receipt.yaml"),
        "--store",
        str(receipt_store),
        "--case-rule",
        "gap",
        "--gap",
        "30 days",
        "--json",
    )
    assert code == 0
    assert (
        json.loads(out)["case_rule"]
        == "per customer, a new case after 30 days of inactivity; events without a customer are left out"
    )
    code, _, err = outcome(
        "conformance",
        str(EXAMPLES / "permit_receipt.yaml"),
        "--store",
        str(receipt_store),
        "--case-rule",
        "gap",
    )
    assert code == 2 and "--gap" in err


def test_infer_writes_a_valid_draft(receipt_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    code, _, err = outcome(
        "design",
        "infer",
        "--store",
        str(receipt_store),
        "--out",
        str(out),
        "--id",
        "receipt",
        "--min-cases",
        "0.02",
    )
    assert code == 0, err
    journey = load_journey(out)
    assert journey.id == "receipt" and len(journey.steps) >= 8
    assert out.read_text(encoding="utf-8").startswith("# Drafted by journeyscope design infer")
    code, _, err = outcome(
        "design", "infer", "--store", str(receipt_store), "--out", str(out), "--min-cases", "2"
    )
    assert code == 2 and "lower min_cases" in err


def test_mermaid_json_and_schema() -> None:
    code, out, _ = outcome(
        "design", "mermaid", str(EXAMPLES / "maintenance_loan.yaml"), "--variant", "branch"
    )
    assert code == 0 and out.startswith("journey\n    title Finance a home repair\n")
    assert "Start loan application: 4: branch" in out
    code, out, _ = outcome("design", "json", str(EXAMPLES / "tenancy.yaml"))
    assert code == 0 and json.loads(out)["journey"]["id"] == "tenancy"
    code, out, _ = outcome("design", "schema")
    assert code == 0 and json.loads(out)["title"] == "Journey"

"""``journeyscope retention | lifecycle | cohort save | cohort show`` (cli/retention.py): weekly
figures of three customers counted by hand, ``--json`` as the service's result, saved cohorts
written where asked and narrowing the analyses, bad input as one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from command_kit import outcome, run_cli
from journeyscope.analytics.retention import RetentionQuery
from journeyscope.config import Settings
from journeyscope.services import analyses

# weeks from Monday: 2024-01-01 (0), 01-08 (1), 01-15 (2), 01-22 (3)
ROWS = """case_id,customer_id,activity,timestamp,channel
a1,u1,Sign,2024-01-01T10:00:00Z,web
a2,u1,Visit,2024-01-09T10:00:00Z,web
a3,u1,Visit,2024-01-23T10:00:00Z,app
b1,u2,Sign,2024-01-02T10:00:00Z,app
b2,u2,Visit,2024-01-17T10:00:00Z,web
c1,u3,Sign,2024-01-08T10:00:00Z,web
c2,u3,Visit,2024-01-16T10:00:00Z,phone
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("retention-cli")
    (folder / "events.csv").write_text(ROWS)
    path = str(folder / "store.duckdb")
    run_cli("ingest", str(folder / "events.csv"), "--store", path)
    return path


def test_retention_json_is_the_service_result_counted_by_hand(store: str) -> None:
    data = json.loads(run_cli("retention", "--store", store, "--periods", "3", "--json"))
    cohorts = {c["cohort"]: (c["customers"], c["retained"]) for c in data["cohorts"]}
    # u1 and u2 start in week 0: u1 back in weeks 1 and 3, u2 in week 2; u3 starts in week 1
    # and is back in week 2; week 4 has not begun by the last event, so it is null
    assert cohorts == {"2024-01-01": (2, [2, 1, 1, 1]), "2024-01-08": (1, [1, 1, 0, None])}
    assert data["overall"] == pytest.approx([1.0, 2 / 3, 1 / 3, 0.5], abs=1e-6)
    assert data["cohort"] is None
    service = analyses.run(Settings(store=Path(store)), RetentionQuery(periods=3))
    assert data == {**service.model_dump(mode="json"), "cohort": None}


def test_retention_on_or_after_counts_any_later_return_in_the_table(store: str) -> None:
    code, _, err = outcome("retention", "--store", store, "--periods", "3", "--on-or-after")
    assert code == 0
    rows = [line.replace("│", " ").split() for line in err.splitlines()]
    assert "retention by week (on or after)" in err
    assert ["2024-01-01", "2", "100.0%", "100.0%", "100.0%", "50.0%"] in rows
    assert ["2024-01-08", "1", "100.0%", "100.0%", "0.0%", "-"] in rows  # week 4 not begun
    assert ["all", "100.0%", "100.0%", "66.7%", "50.0%"] in rows
    assert "in period k or any later period" in err


def test_lifecycle_json_and_the_active_event(store: str) -> None:
    every = json.loads(run_cli("lifecycle", "--store", store, "--json"))
    got = [
        (p["period"], p["active"], p["new"], p["returning"], p["resurrecting"], p["dormant"])
        for p in every["periods"]
    ]
    assert got == [
        ("2024-01-01", 2, 2, 0, 0, 0),
        ("2024-01-08", 2, 1, 1, 0, 1),  # u3 new, u1 returning, u2 dormant
        ("2024-01-15", 2, 0, 1, 1, 1),  # u3 returning, u2 resurrecting, u1 dormant
        ("2024-01-22", 1, 0, 0, 1, 2),  # u1 resurrecting, u2 and u3 dormant
    ]
    code, _, err = outcome("lifecycle", "--store", store, "--active", "Visit")
    assert code == 0
    rows = [line.replace("│", " ").split() for line in err.splitlines()]
    assert "lifecycle by week" in err and "a Visit event in it" in err
    assert ["2024-01-08", "1", "1", "0", "0", "0"] in rows  # no Visit in week 0
    assert ["2024-01-15", "2", "2", "0", "0", "1"] in rows
    assert ["2024-01-22", "1", "0", "0", "1", "2"] in rows


def test_a_saved_cohort_is_written_where_asked_and_narrows_retention(
    store: str, tmp_path: Path
) -> None:
    file = tmp_path / "loyal.json"
    code, _, err = outcome("cohort", "save", "loyal", "--did", "Visit:2", "--out", str(file))
    assert code == 0 and f"saved loyal to {file}" in err
    assert json.loads(file.read_text()) == {
        "name": "loyal",
        "conditions": [{"activity": "Visit", "min_count": 2}],
    }
    shown = json.loads(run_cli("cohort", "show", str(file), "--store", store, "--json"))
    assert (
        shown["customers"] == 1 and shown["rule"] == "loyal: customers with at least 2 Visit events"
    )
    narrowed = json.loads(
        run_cli("retention", "--store", store, "--periods", "3", "--cohort", str(file), "--json")
    )
    assert narrowed["cohort"] == str(file)
    assert [(c["cohort"], c["retained"]) for c in narrowed["cohorts"]] == [
        ("2024-01-01", [1, 1, 0, 1])  # u1 alone
    ]


def test_a_cohort_by_name_lives_in_the_cohorts_folder(store: str, tmp_path: Path) -> None:
    env = {"JOURNEYSCOPE_COHORTS": str(tmp_path / "cohorts")}
    ids = tmp_path / "ids.txt"
    ids.write_text("# stitched customer ids\nacct:u2\n\nacct:u3\nacct:nobody\n")
    code, _, _ = outcome("cohort", "save", "listed", "--customers", str(ids), env=env)
    assert code == 0
    saved = json.loads((tmp_path / "cohorts" / "listed.json").read_text())
    assert saved == {"name": "listed", "customers": ["acct:u2", "acct:u3", "acct:nobody"]}
    code, _, err = outcome("cohort", "show", "listed", "--store", store, env=env)
    assert code == 0
    assert "listed: a list of 3 customers" in err and f"2 customers in {store}" in err
    code, _, err = outcome("cohort", "show", "listd", "--store", store, env=env)
    assert code == 2 and "did you mean 'listed'?" in err
    assert "cohort 'listd': no such cohort file" in err and "--cohort" not in err  # an argument


def test_did_not_and_where_conditions_all_hold(store: str, tmp_path: Path) -> None:
    file = tmp_path / "w.json"
    args = ["cohort", "save", "w", "--out", str(file), "--where", "channel=phone"]
    assert outcome(*args, "--did-not", "Sign")[0] == 0
    assert json.loads(file.read_text())["conditions"] == [
        {"activity": "Sign", "negate": True},
        {"property": "channel", "equals": "phone"},
    ]
    shown = json.loads(run_cli("cohort", "show", str(file), "--store", store, "--json"))
    assert shown["customers"] == 0  # u3, the only one with a phone event, did sign
    assert outcome(*args)[0] == 0
    shown = json.loads(run_cli("cohort", "show", str(file), "--store", store, "--json"))
    assert shown["customers"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["retention", "--cohort-event", "Sgn"], "did you mean 'Sign'?"),
        (["retention", "--period", "fortnight"], "'fortnight' is not one of day, week, month"),
        (["retention", "--periods", "0"], "periods: Input should be greater than or equal to 1"),
        (["lifecycle", "--active", "Vist"], "did you mean 'Visit'?"),
    ],
)
def test_bad_analysis_input_is_one_clear_line(store: str, args: list[str], message: str) -> None:
    code, out, err = outcome(*args, "--store", store)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_a_bad_cohort_definition_writes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    code, _, err = outcome("cohort", "save", "x", "--out", str(file), "--where", "channel")
    assert code == 2 and "--where 'channel': write PROPERTY=VALUE" in err
    code, _, err = outcome(
        "cohort", "save", "x", "--out", str(file), "--customers", str(tmp_path / "none.txt")
    )
    assert code == 2 and "no such file of customer ids" in err
    assert not file.exists()


def test_saving_a_list_names_the_customers_the_store_does_not_hold(
    store: str, tmp_path: Path
) -> None:
    env = {"JOURNEYSCOPE_COHORTS": str(tmp_path / "cohorts"), "JOURNEYSCOPE_STORE": store}
    ids = tmp_path / "ids.txt"
    ids.write_text("acct:u2\nu3\n")  # u3 as the raw data wrote it; stitching stored acct:u3
    code, _, err = outcome("cohort", "save", "raw", "--customers", str(ids), env=env)
    assert code == 0  # saved all the same: the store may not hold them yet
    flat = " ".join(err.split())
    assert "1 of 2 listed customers are not in the store" in flat
    assert "'u3' (closest: 'acct:u3')" in flat
    code, _, err = outcome(
        "cohort",
        "save",
        "fine",
        "--customers",
        str(ids),
        env={**env, "JOURNEYSCOPE_STORE": str(tmp_path / "none.duckdb")},
    )
    assert code == 0 and "warning" not in err  # no store yet: nothing to check against

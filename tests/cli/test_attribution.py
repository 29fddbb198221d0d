"""``journeyscope attribution`` (cli/attribution.py): credits per touchpoint on a four-case
store counted by hand, ``--json`` as the service's result, options reaching the query, typos
named with the closest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from command_kit import four_case_store, outcome, run_cli
from journeyscope.analytics.attribution import AttributionQuery
from journeyscope.config import Settings
from journeyscope.services import analyses


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return four_case_store(tmp_path_factory.mktemp("attribution-cli"))


def credits(data: dict[str, Any], model: str) -> dict[str, float]:
    (found,) = [m for m in data["overall"]["models"] if m["model"] == model]
    return {c["touchpoint"]: c["conversions"] for c in found["credits"]}


def test_json_is_the_service_result_with_credits_counted_by_hand(store: str) -> None:
    args = ["attribution", "Buy", "--store", store, "--json"]
    data = json.loads(run_cli(*args, "--model", "first", "--model", "last", "--model", "linear"))
    assert data["overall"]["conversions"] == 2 and data["cohort"] is None
    assert credits(data, "first") == {"web": 2.0}
    assert credits(data, "last") == {"email": 1.0, "web": 1.0}
    assert credits(data, "linear") == {"web": 1.5, "email": 0.5}
    assert [m["model"] for m in data["overall"]["models"]] == ["first", "last", "linear"]
    query = AttributionQuery(conversions=("Buy",), models=("first", "last", "linear"))
    service = analyses.run(Settings(store=Path(store)), query)
    assert data == {**service.model_dump(mode="json"), "cohort": None}


def test_every_model_runs_by_default_and_each_sums_to_the_conversions(store: str) -> None:
    data = json.loads(run_cli("attribution", "Buy", "--store", store, "--json"))
    models = data["overall"]["models"]
    assert [m["model"] for m in models] == [
        "first",
        "last",
        "linear",
        "position",
        "j",
        "inverse_j",
        "time_decay",
        "shapley",
        "markov",
    ]
    for m in models:
        assert m["total"] == pytest.approx(2.0), m["model"]
    # each conversion split equally over the distinct channels on its path
    assert credits(data, "shapley") == {"web": 1.5, "email": 0.5}


def test_the_lookback_and_touchpoint_options_reach_the_query(store: str) -> None:
    # 45 minutes: c1's visit (an hour before its purchase) is no longer a touchpoint
    short = json.loads(
        run_cli(
            "attribution",
            "Buy",
            "--store",
            store,
            "--lookback",
            "45m",
            "--model",
            "first",
            "--json",
        )
    )
    assert short["lookback"] == "45 minutes"
    assert credits(short, "first") == {"email": 1.0, "web": 1.0}
    by_activity = json.loads(
        run_cli(
            "attribution",
            "Buy",
            "--store",
            store,
            "--touchpoint",
            "activity",
            "--lookback",
            "none",
            "--model",
            "last",
            "--json",
        )
    )
    assert by_activity["lookback"] is None and by_activity["touchpoint"] == "activity"
    assert credits(by_activity, "last") == {"Email": 1.0, "Visit": 1.0}


def test_the_table_has_a_column_per_model_and_a_total_row(store: str) -> None:
    code, _, err = outcome(
        "attribution", "Buy", "--store", store, "--model", "first", "--model", "linear"
    )
    assert code == 0
    rows = [line.replace("│", " ").replace("┃", " ").split() for line in err.splitlines()]
    assert "(all): 2 conversions" in err
    assert ["channel", "first", "linear"] in rows  # the header, models in the order asked
    assert ["web", "2.00", "1.50"] in rows and ["email", "0.00", "0.50"] in rows
    assert ["total", "2.00", "2.00"] in rows
    assert "cases: case_id from the data" in err


def test_a_breakdown_prints_one_table_per_segment(store: str) -> None:
    code, _, err = outcome(
        "attribution", "Buy", "--store", store, "--model", "first", "--breakdown", "channel"
    )
    assert code == 0
    # a case's segment is its first channel: c1 and c3 web, c2 app, c4 phone
    for title in ("(all): 2 conversions", "web: 2 conversions", "app: 0 conversions"):
        assert title in err
    assert "phone: 0 conversions" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bye"], "did you mean 'Buy'?"),
        (["Buy", "--model", "shapely"], "did you mean shapley?"),
        (["Buy", "--lookback", "soon"], "'soon' is not a duration"),
    ],
)
def test_bad_input_is_one_clear_line(store: str, args: list[str], message: str) -> None:
    code, out, err = outcome("attribution", *args, "--store", store)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err

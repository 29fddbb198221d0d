"""The journey analytics commands (``cli/analytics.py``): ``dfg``, ``variants``, ``funnel``,
``paths`` and ``channels`` on a four-case log whose figures are counted by hand, as a table
and as JSON, and the options each command turns into its query."""

from __future__ import annotations

import json
from typing import Any

import pytest

from command_kit import outcome, run_cli

# c1 buys on the web; c2 starts in the app and moves to the phone; c3 goes back to Visit a
# day after it first visited; c4 only calls.
ROWS = """case_id,activity,timestamp,channel
c1,Visit,2024-01-01T10:00:00Z,web
c1,Apply,2024-01-01T11:00:00Z,web
c1,Buy,2024-01-01T13:00:00Z,web
c2,Visit,2024-01-02T10:00:00Z,app
c2,Call,2024-01-02T10:30:00Z,phone
c2,Apply,2024-01-02T12:00:00Z,phone
c3,Visit,2024-01-03T10:00:00Z,web
c3,Apply,2024-01-04T10:00:00Z,web
c3,Visit,2024-01-04T11:00:00Z,web
c4,Call,2024-01-04T10:00:00Z,phone
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("analytics-cli")
    (folder / "log.csv").write_text(ROWS, encoding="utf-8")
    path = str(folder / "store.duckdb")
    run_cli("ingest", str(folder / "log.csv"), "--store", path)
    return path


def _json(store: str, *args: str) -> Any:
    return json.loads(run_cli(*args, "--store", store, "--json"))


def _table(store: str, *args: str) -> tuple[str, list[list[str]]]:
    """The command's terminal output (on standard error) and the cells of its table rows."""
    code, out, err = outcome(*args, "--store", store)
    assert code == 0, err
    assert out == "", "tables go to standard error, standard output stays for --json"
    rows = [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in err.splitlines()
        if line.startswith("│")
    ]
    return err, rows


def test_the_process_map_table_shows_counts_and_durations_in_the_largest_unit(store: str) -> None:
    text, rows = _table(store, "dfg")
    assert "directly-follows graph: 4 cases, 10 events" in text
    assert ["Apply", "Visit", "1", "1", "1.0h", "1.0h"] in rows  # c3 went back
    # Visit -> Apply took 1 h (c1) and 24 h (c3): median 12.5 h, p90 1 + 0.9 x 23 = 21.7 h
    assert ["Visit", "Apply", "2", "2", "12.5h", "21.7h"] in rows
    assert ["Visit", "Call", "1", "1", "30.0m", "30.0m"] in rows
    assert ["Visit", "3"] in rows and ["Call", "1"] in rows  # start table
    assert "cases: case_id from the data" in text


def test_variants_rank_by_cases_then_name_and_count_what_covers_the_share(store: str) -> None:
    data = _json(store, "variants", "--top", "2", "--coverage", "0.8")
    assert (data["cases"], data["variants"]) == (4, 4)
    assert [v["activities"] for v in data["top"]] == [["Call"], ["Visit", "Apply", "Buy"]]
    assert [v["cumulative_share"] for v in data["top"]] == [0.25, 0.5]
    assert data["variants_for_coverage"] == 4  # three cover 75 %, short of 80 %


def test_the_funnel_table_counts_cases_reaching_each_step(store: str) -> None:
    text, rows = _table(store, "funnel", "Visit", "Apply", "Buy")
    assert "funnel: 3 cases entered, 1 converted (33.3%)" in text
    assert ["1", "Visit", "3", "-", "100.0%", "0"] in rows
    assert ["2", "Apply", "3", "100.0%", "100.0%", "2"] in rows
    assert ["3", "Buy", "1", "33.3%", "33.3%", "0"] in rows
    assert "time to convert: median 3.0h, p90 3.0h" in text


def test_funnel_exclusions_between_steps_and_optional_steps_reach_the_query(store: str) -> None:
    data = _json(
        store, "funnel", "Visit", "Apply", "Buy", "--exclude", "Call@1-2", "--optional", "2"
    )
    assert data["semantics"]["exclusions"] == ["Call between steps 1 and 2"]
    assert data["semantics"]["optional_steps"] == [2]
    assert [s["cases"] for s in data["steps"]] == [3, 2, 1]
    assert data["steps"][0]["dropped_cases"] == ["c2"]  # it called before applying
    assert data["steps"][1]["optional"] is True


def test_funnel_options_written_with_hyphens_reach_the_query_and_bad_ones_are_named(
    store: str,
) -> None:
    # both hyphenated values arrive as the query's names: the query then refuses the pair
    code, _, err = outcome(
        "funnel",
        "Visit",
        "Buy",
        "--mode",
        "any-order",
        "--ties",
        "strict-increase",
        "--store",
        store,
    )
    assert code == 2 and "an any-order funnel counts equal timestamps as done" in err
    code, _, err = outcome("funnel", "Visit", "Buy", "--mode", "sideways", "--store", store)
    assert code == 2 and "mode: 'sideways' is not one of sequential, strict, any-order" in err


def test_paths_mark_back_moves_and_report_who_went_back(store: str) -> None:
    text, rows = _table(store, "paths", "--start", "Visit")
    assert "paths (forward): 3 cases" in text
    assert ["2", "Apply", "Visit", "1", "1"] in rows  # c3's return to Visit
    assert "back-edges: 1 of 4 cases went back (25.0%)" in text


def test_paths_backward_after_cleaning_and_a_rule_without_alias_is_refused(store: str) -> None:
    data = _json(
        store, "paths", "--end", "Application", "--steps", "2", "--clean", "^A.*=Application"
    )
    assert data["direction"] == "backward"
    assert {(e["source"], e["target"], e["cases"]) for e in data["edges"]} == {
        ("Visit", "Application", 2),
        ("Call", "Application", 1),
    }
    code, _, err = outcome("paths", "--clean", "Application", "--store", store)
    assert code == 2 and "--clean 'Application': write REGEX=ALIAS" in err


def test_channels_count_switches_and_digital_completion(store: str) -> None:
    text, rows = _table(store, "channels")
    assert rows == [["app", "phone", "1", "1"]]  # switches to the same channel are not listed
    assert "digital completion: 2 of 4 completed cases (50.0%)" in text  # c1 and c3
    assert "at first contact 66.7%" in text  # c1, c2 and c3 start digitally; two stay
    assert "repeat contacts within 7 days: 1 of 3 assisted contacts (33.3%)" in text  # c2 again


def test_channels_named_digital_count_as_digital(store: str) -> None:
    counted = _json(store, "channels", "--digital", " phone, ,")["digital"]
    assert (counted["completed_digitally"], counted["digital_completion"]) == (4, 1.0)


@pytest.mark.parametrize("args", [["dfg"], ["variants"], ["funnel", "Visit", "Apply"], ["paths"]])
def test_each_table_states_its_semantics_once_with_the_case_rule_first(
    store: str, args: list[str]
) -> None:
    text, _rows = _table(store, *args)
    flat = " ".join(text.split())  # rich wraps long lines
    assert flat.count("cases: case_id from the data") == 1
    assert "activity: the activity column" in flat

"""``--cohort`` and ``--by-cohort`` reach every analysis command through one place (the
services' engine): counts checked by hand on a four-case log, the cohort stated in each
result, an unknown cohort named with the closest saved names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyscope.cli import app

ROWS = """case_id,activity,timestamp,channel
c1,Visit,2024-01-01T10:00:00Z,web
c1,Buy,2024-01-01T11:00:00Z,web
c2,Visit,2024-01-02T10:00:00Z,app
c2,Call,2024-01-02T12:00:00Z,phone
c3,Visit,2024-01-03T10:00:00Z,web
c3,Buy,2024-01-03T10:30:00Z,app
c4,Call,2024-01-04T10:00:00Z,phone
"""
BUYERS = "Only the events of the customers in cohort buyers"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, str]:
    monkeypatch.setenv("JOURNEYSCOPE_COHORTS", str(tmp_path / "cohorts"))
    monkeypatch.delenv("JOURNEYSCOPE_COHORT", raising=False)
    (tmp_path / "t.csv").write_text(ROWS)
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    done = runner.invoke(app, ["ingest", str(tmp_path / "t.csv"), "--store", store])
    assert done.exit_code == 0, done.output
    saved = runner.invoke(app, ["cohort", "save", "buyers", "--did", "Buy"])
    assert saved.exit_code == 0, saved.output
    assert (tmp_path / "cohorts" / "buyers.json").is_file()
    return runner, store


def run(cli: tuple[CliRunner, str], *args: str) -> dict[str, object]:
    runner, store = cli
    out = runner.invoke(app, [*args, "--store", store, "--json"])
    assert out.exit_code == 0, out.output
    data: dict[str, object] = json.loads(out.stdout)
    return data


@pytest.mark.slow
def test_funnel_dfg_variants_and_channels_see_only_the_cohort(
    cli: tuple[CliRunner, str],
) -> None:
    everyone = run(cli, "funnel", "Visit", "Buy")
    assert (everyone["entered"], everyone["converted"]) == (3, 2)
    assert BUYERS not in str(everyone["case_rule"])
    buyers = run(cli, "--cohort", "buyers", "funnel", "Visit", "Buy")
    assert (buyers["entered"], buyers["converted"]) == (2, 2)  # c1 and c3
    assert BUYERS in str(buyers["case_rule"])
    dfg = run(cli, "--cohort", "buyers", "dfg")
    edges = {(e["source"], e["target"]): e["count"] for e in dfg["edges"]}  # type: ignore[attr-defined]
    assert edges == {("Visit", "Buy"): 2}
    assert BUYERS in str(dfg["semantics"])
    variants = run(cli, "--cohort", "buyers", "variants")
    assert [v["cases"] for v in variants["top"]] == [2]  # type: ignore[attr-defined]
    channels = run(cli, "--cohort", "buyers", "channels")
    assert BUYERS in str(channels["semantics"])
    # a command's own --cohort is the same setting
    same = run(cli, "attribution", "Buy", "--cohort", "buyers")
    assert BUYERS in str(same["semantics"]) and same["cohort"] == "buyers"


def test_by_cohort_makes_a_breakdown_column(cli: tuple[CliRunner, str]) -> None:
    split = run(cli, "--by-cohort", "buyers", "funnel", "Visit", "Buy", "--breakdown", "cohort")
    groups = {g["value"]: (g["steps"], g["conversion"]) for g in split["breakdown"]}  # type: ignore[attr-defined]
    assert groups == {"buyers": ([2, 2], 1.0), "(no cohort)": ([1, 0], 0.0)}
    assert "Column 'cohort'" in str(split["case_rule"])


def test_unknown_cohort_names_the_closest(cli: tuple[CliRunner, str]) -> None:
    runner, store = cli
    out = runner.invoke(app, ["--cohort", "buyer", "variants", "--store", store])
    assert out.exit_code != 0
    assert "did you mean 'buyers'?" in out.output


@pytest.mark.slow
def test_the_report_is_the_cohorts_and_says_so(cli: tuple[CliRunner, str], tmp_path: Path) -> None:
    runner, store = cli
    page = tmp_path / "r.html"
    out = runner.invoke(app, ["--cohort", "buyers", "report", "--store", store, "--out", str(page)])
    assert out.exit_code == 0, out.output
    html = page.read_text()
    assert BUYERS in html and "2 cases, 4 events" in html  # c1 and c3

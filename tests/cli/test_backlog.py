"""``journeyscope backlog`` and ``journeyscope compare`` (cli/backlog.py): the options that reach
the services, each export format printed or written where asked, a step before and after a
change on a four-case store counted by hand, bad input as one clear line.

The backlog's analyses take seconds of query compilation even on a tiny store; here the
service is a stand-in that records what the command asked and answers a story map built from
one drop-off (tests/render/test_backlog.py runs the real analyses end to end)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from command_kit import outcome, run_cli
from journeyscope.analytics import opportunities as opp
from journeyscope.analytics.compare import CompareResult
from journeyscope.analytics.story_map import StoryMap, story_map
from journeyscope.definitions import load_journey
from journeyscope.definitions.models import Journey
from journeyscope.render.backlog import FORMATS, export
from journeyscope.render.story_map import story_map_svg
from journeyscope.services import backlog as service

DESIGN = """id: loan
name: Loan
job_to_be_done: get a loan
outcome: {description: approved, step: approve, within: 7d}
stages:
  - id: ask
    name: Ask
    steps:
      - {id: apply, name: Apply, activities: [Apply]}
      - {id: upload, name: Upload, activities: [Upload]}
      - {id: approve, name: Approve, activities: [Approve]}
transitions:
  - {from: apply, to: upload}
  - {from: upload, to: approve}
"""
# before 2024-02-01: c1 approved, c2 stops after uploading; after: c3 and c4 both approved
ROWS = """case_id,activity,timestamp,channel
c1,Apply,2024-01-01T10:00:00Z,web
c1,Upload,2024-01-02T10:00:00Z,web
c1,Approve,2024-01-03T10:00:00Z,web
c2,Apply,2024-01-02T10:00:00Z,web
c2,Upload,2024-01-04T10:00:00Z,phone
c3,Apply,2024-02-02T10:00:00Z,web
c3,Upload,2024-02-03T10:00:00Z,web
c3,Approve,2024-02-04T10:00:00Z,web
c4,Apply,2024-02-05T10:00:00Z,phone
c4,Upload,2024-02-06T10:00:00Z,web
c4,Approve,2024-02-07T10:00:00Z,web
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The design ``loan.yaml`` and the store ``store.duckdb`` of the four cases."""
    here = tmp_path_factory.mktemp("backlog-cli")
    (here / "loan.yaml").write_text(DESIGN)
    (here / "events.csv").write_text(ROWS)
    run_cli("ingest", str(here / "events.csv"), "--store", str(here / "store.duckdb"))
    return here


def drop_off_map(journey: Journey, value_per_case: float, min_dropoff: float) -> StoryMap:
    """The story map of one drop-off: 1 of the 2 cases that uploaded in a year never approved."""
    evidence = opp.from_dropoffs(
        [("approve", "Approve", 2, 1)],
        years=1.0,
        value_per_case=value_per_case,
        min_dropoff=min_dropoff,
        analysis="journeyscope funnel",
    )
    return story_map(journey, opp.collect(journey, evidence), semantics="stand-in")


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What each ``backlog`` asked of the (stand-in) service, in order."""
    calls: list[dict[str, Any]] = []

    def build_backlog(settings: Any, journey: Journey, **options: Any) -> StoryMap:
        calls.append({"settings": settings, "journey": journey, **options})
        return drop_off_map(journey, options["value_per_case"], options["min_dropoff"])

    monkeypatch.setattr(service, "build_backlog", build_backlog)
    return calls


def test_json_is_the_services_story_map_and_every_option_reaches_it(
    folder: Path, asked: list[dict[str, Any]]
) -> None:
    design, store = folder / "loan.yaml", folder / "store.duckdb"
    out = run_cli(
        "backlog",
        str(design),
        "--store",
        str(store),
        "--format",
        "json",
        "--value-per-case",
        "400",
        "--cost",
        "phone=6.5",
        "--cost",
        "branch=12",
        "--min-dropoff",
        "0.25",
        env={"JOURNEYSCOPE_CHANNEL_COSTS": '{"web": 0.1, "phone": 1}'},
    )
    (call,) = asked
    journey = load_journey(design)
    assert call["journey"] == journey and call["settings"].store == store
    assert call["value_per_case"] == 400.0 and call["min_dropoff"] == 0.25
    # the settings' costs with each --cost on top
    assert call["channel_costs"] == {"web": 0.1, "phone": 6.5, "branch": 12.0}
    got = StoryMap.model_validate_json(out)
    assert got == drop_off_map(journey, 400.0, 0.25)
    (story,) = got.stories
    assert (story.step, story.rank, story.value_at_stake) == ("approve", 1, 400.0)  # 0.5 x 2 x 400


def test_markdown_is_the_default_and_money_carries_the_currency(
    folder: Path, asked: list[dict[str, Any]]
) -> None:
    design = folder / "loan.yaml"
    out = run_cli(
        "backlog",
        str(design),
        "--store",
        str(folder / "store.duckdb"),
        "--value-per-case",
        "100",
        env={"JOURNEYSCOPE_CURRENCY": "GBP"},
    )
    assert out == export(drop_off_map(load_journey(design), 100.0, 0.1), "markdown", "GBP")
    assert out.startswith("# Story map: Loan") and "GBP 100 a year" in out
    assert asked[0]["min_dropoff"] == 0.1 and asked[0]["channel_costs"] == {}


@pytest.mark.parametrize("fmt", [*FORMATS, "svg"])
def test_each_format_is_written_to_the_file_asked(
    folder: Path, tmp_path: Path, asked: list[dict[str, Any]], fmt: str
) -> None:
    design, target = folder / "loan.yaml", tmp_path / "new folder" / f"stories.{fmt}"
    code, out, err = outcome(
        "backlog",
        str(design),
        "--store",
        str(folder / "store.duckdb"),
        "--format",
        fmt,
        "--out",
        str(target),
    )
    assert code == 0 and out == ""
    assert f"1 stories written to {target}" in err
    expected = drop_off_map(load_journey(design), 0.0, 0.1)
    text = target.read_text(encoding="utf-8")
    if fmt == "svg":
        assert text == story_map_svg(expected, currency="EUR") and text.startswith("<svg")
    else:
        assert text == export(expected, fmt, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "excel"], "--format 'excel': choose one of csv, jira-csv, github, markdown"),
        (["--cost", "phone"], "--cost 'phone': write CHANNEL=AMOUNT"),
        (["--cost", "phone=cheap"], "--cost 'phone=cheap': write CHANNEL=AMOUNT"),
    ],
)
def test_bad_backlog_options_are_refused_before_any_analysis(
    folder: Path, asked: list[dict[str, Any]], args: list[str], message: str
) -> None:
    code, out, err = outcome("backlog", str(folder / "loan.yaml"), "--store", "x.duckdb", *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert asked == []


@pytest.fixture(scope="module")
def compared(folder: Path) -> dict[str, Any]:
    """``compare --json`` of step upload, before and after 2024-02-01, on the real store."""
    data: dict[str, Any] = json.loads(
        run_cli(
            "compare",
            str(folder / "loan.yaml"),
            "--step",
            "upload",
            "--before",
            "2024-02-01",
            "--after",
            "2024-02-01",
            "--store",
            str(folder / "store.duckdb"),
            "--json",
        )
    )
    return data


def test_compare_json_counts_the_step_before_and_after_by_hand(compared: dict[str, Any]) -> None:
    assert (compared["step"], compared["before"]["reached"], compared["after"]["reached"]) == (
        "upload",
        2,
        2,
    )
    measures = {m["name"]: m for m in compared["measures"]}
    drop = measures["drop-off"]
    # before: c2 of c1 and c2 never reached approve; after: neither c3 nor c4 stopped
    assert (drop["before"]["estimate"], drop["after"]["estimate"]) == (0.5, 0.0)
    assert drop["difference"]["estimate"] == -0.5
    wait = measures["waiting"]
    # hours from apply to upload: c1 24 and c2 48 before; c3 and c4 24 after
    assert (wait["before"]["estimate"], wait["after"]["estimate"]) == (36.0, 24.0)
    assert measures["NPS score"]["difference"]["estimate"] is None  # no survey answers
    assert "2024-02-01 00:00 UTC" in compared["semantics"]


def test_compare_table_shows_each_measure_and_its_interval(
    compared: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dates: list[tuple[datetime, datetime]] = []

    def compare_step(
        settings: Any, journey: Journey, step: str, before: datetime, after: datetime
    ) -> CompareResult:
        dates.append((before, after))
        return CompareResult.model_validate(compared)

    monkeypatch.setattr(service, "compare_step", compare_step)
    code, _, err = outcome(
        "compare",
        str(folder / "loan.yaml"),
        "--step",
        "upload",
        "--store",
        "x.duckdb",
        "--before",
        "2024-02-01",
        "--after",
        "2024-02-08T12:00:00+02:00",
    )
    assert code == 0
    # a date without a zone is UTC; one with a zone keeps it
    assert dates == [
        (datetime(2024, 2, 1, tzinfo=UTC), datetime.fromisoformat("2024-02-08T12:00:00+02:00"))
    ]
    rows = [line.replace("│", " ").split() for line in err.splitlines()]
    assert "Upload: 2 cases before, 2 after" in err
    assert ["waiting", "(hours)", "36.00", "24.00", "-12.00", "-35.52", "..", "11.52"] in rows
    drop = next(r for r in rows if r[:1] == ["drop-off"])
    assert drop[-6:-3] == ["50.0%", "0.0%", "-50.0%"]
    assert ["NPS", "score", "(mean", "answer", "of", "respondents)", "-", "-", "-", "-"] in rows
    assert "before/after, not a controlled comparison" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "yesterday"], "--before 'yesterday': write a date, e.g. 2026-03-01"),
        (["--after", "soon"], "--after 'soon': write a date"),
        (["--step", "uplod"], "has no step 'uplod'; did you mean upload?"),
    ],
)
def test_bad_compare_input_is_one_clear_line(folder: Path, args: list[str], message: str) -> None:
    base = {"--step": "upload", "--before": "2024-02-01", "--after": "2024-02-01"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    options = [x for pair in base.items() for x in pair]
    code, out, err = outcome(
        "compare", str(folder / "loan.yaml"), *options, "--store", str(folder / "store.duckdb")
    )
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and "Value error" not in err

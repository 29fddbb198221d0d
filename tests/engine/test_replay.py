"""Replays of recorded event histories: the synthetic journeys through the example programs,
checked against what the data says should happen (computed independently with DuckDB), and a
small recorded story whose every decision is spelled out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from engine_kit import EXAMPLES
from typer.testing import CliRunner

from journeyscope import synthetic
from journeyscope.cli import app
from journeyscope.engine.core.actions import Event, Record, Send
from journeyscope.engine.core.localtime import local, zone
from journeyscope.engine.core.program import load_program
from journeyscope.engine.history import read_history
from journeyscope.engine.simulator import Simulator

DATA = Path(__file__).parent / "data"
AMS = zone("Europe/Amsterdam")


@pytest.fixture(scope="module")
def history_file(tmp_path_factory: pytest.TempPathFactory, synthetic_table: Any) -> Path:
    path = tmp_path_factory.mktemp("replay") / "events.parquet"
    synthetic.write(synthetic_table, path)
    return path


@pytest.fixture(scope="module")
def history(history_file: Path) -> list[Event]:
    return read_history(history_file)


@pytest.fixture(scope="module")
def tenancy(history: list[Event]) -> list[Any]:
    program = load_program(EXAMPLES, only=EXAMPLES / "tenancy.yaml")
    return list(Simulator(program).run(history, until=history[-1].timestamp + 30 * 86400))


def _events_table(history: list[Event]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE e (customer VARCHAR, activity VARCHAR, ts DOUBLE, journey VARCHAR)")
    con.executemany(
        "INSERT INTO e VALUES (?, ?, ?, ?)",
        [(e.customer_id, e.activity, e.timestamp, e.properties.get("journey")) for e in history],
    )
    return con


def _customers(actions: list[Any], activity: str, journey: str) -> Counter[str]:
    return Counter(
        a.customer_id
        for a in actions
        if isinstance(a, Record)
        and a.activity == activity
        and a.properties.get("journey") == journey
    )


@pytest.mark.slow
def test_document_reminders_go_to_exactly_those_who_did_not_upload_in_three_days(
    history: list[Event], tenancy: list[Any]
) -> None:
    fired = _customers(tenancy, "Trigger fired", "tenancy-documents")
    entered = _customers(tenancy, "Journey entered", "tenancy-documents")
    assert fired and set(entered) <= set(fired)
    assert max(entered.values()) == 1  # re_entry: never
    con = _events_table(history)
    # the oracle: a start with no upload in the next 3 days (± 1 hour: calendar days in
    # Amsterdam are 23 or 25 hours long across daylight saving)
    no_upload = """
        SELECT DISTINCT s.customer FROM e s
        WHERE s.activity = 'Start housing application' AND NOT EXISTS (
          SELECT 1 FROM e u WHERE u.customer = s.customer AND u.activity = 'Upload documents'
            AND u.ts > s.ts AND u.ts <= s.ts + {hours} * 3600)
        {first}"""
    first_only = """AND s.ts = (SELECT min(ts) FROM e f WHERE f.customer = s.customer
                                 AND f.activity = 'Start housing application')"""
    possible = {r[0] for r in con.execute(no_upload.format(hours=71, first="")).fetchall()}
    certain = {r[0] for r in con.execute(no_upload.format(hours=73, first=first_only)).fetchall()}
    assert set(fired) <= possible
    assert certain <= set(fired)
    assert len(certain) > 50


def test_every_online_error_in_the_tenancy_journey_gets_one_help_decision(
    history: list[Event], tenancy: list[Any]
) -> None:
    errors = sum(
        1
        for e in history
        if e.activity == "Online error" and e.properties.get("journey") == "tenancy"
    )
    decisions = [
        a
        for a in tenancy
        if isinstance(a, Record)
        and a.activity == "Decision"
        and a.properties["journey"] == "tenancy-online-help"
    ]
    assert len(decisions) == errors > 20
    for d in decisions:
        assert d.properties["winner"] in {
            c["name"] for c in d.properties["candidates"] if c["eligible"]
        } | {None}


def test_nps_surveys_go_out_a_day_after_the_keys_in_the_customers_daytime(
    history: list[Event], tenancy: list[Any]
) -> None:
    keys = {}
    for e in history:
        if e.activity == "Collect keys":
            keys.setdefault(e.customer_id, e.timestamp)
    entered = _customers(tenancy, "Journey entered", "tenancy-nps")
    assert set(entered) == set(keys) and max(entered.values()) == 1
    surveys = [a for a in tenancy if isinstance(a, Send) and a.interaction == "nps_survey"]
    assert len(surveys) > 0.7 * len(keys)  # the rest: holdout or caps, each recorded
    for send in surveys:
        assert send.at >= keys[send.customer_id] + 23 * 3600
        when = local(send.at, AMS)
        assert when.weekday() < 6 and 10 <= when.hour < 19


@pytest.mark.slow
def test_replays_are_deterministic_through_the_command_line(history_file: Path) -> None:
    runner = CliRunner()
    args = ["simulate", str(EXAMPLES / "maintenance_loan.yaml"), str(history_file), "--json"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert {line["type"] for line in lines} == {"record", "send", "learn"}
    kinds = Counter(line.get("activity") for line in lines)
    assert kinds["Decision"] and kinds["Journey entered"] and kinds["Interaction suppressed"]


def _story() -> list[dict[str, Any]]:
    program = load_program(EXAMPLES, only=EXAMPLES / "tenancy.yaml")
    history = read_history(DATA / "tenancy_story.jsonl")
    return [
        {
            "customer": a.customer_id,
            "at": local(a.at, AMS).strftime("%a %d %H:%M"),
            "what": a.activity,
            **{
                k: a.properties[k]
                for k in ("step", "interaction", "winner", "reason", "until")
                if k in a.properties
            },
        }
        for a in Simulator(program).run(history, until=history[-1].timestamp + 30 * 86400)
        if isinstance(a, Record) and a.activity != "Journey step"
    ]


def test_a_recorded_story_replays_decision_by_decision() -> None:
    story = _story()
    a1 = [s for s in story if s["customer"] == "acct:A1"]
    a2 = [s for s in story if s["customer"] == "acct:A2"]
    a3 = [s for s in story if s["customer"] == "acct:A3"]
    # A1 started Monday 10:00 and uploaded nothing for three days: reminded Thursday 10:00
    # (sms or e-mail: an experiment), an online error at 22:30 gets a help decision but the
    # chat offer waits for the end of quiet hours (08:00); the upload on Saturday reaches
    # the goal and ends the journey.
    assert [s["what"] for s in a1][:3] == [
        "Trigger fired",
        "Journey entered",
        "Experiment assigned",
    ]
    assert a1[0]["at"] == "Thu 27 10:00"
    assert any(
        s["what"] == "Interaction sent" and s["interaction"].startswith("document_reminder")
        for s in a1
    )
    decision = next(s for s in a1 if s["what"] == "Decision")
    assert decision["at"] == "Thu 27 22:30"
    assert decision["winner"] == "help_article"  # chat is held back by quiet hours
    goal = next(s for s in a1 if s["what"] == "Journey goal reached")
    assert goal["at"] == "Sat 29 11:00"
    # A2 uploaded the next morning: never reminded; the app error got a branch appointment
    # (assisted customers: eligible, and their chat weight doubles) or chat
    assert not [s for s in a2 if s["what"] == "Trigger fired"]
    assert next(s for s in a2 if s["what"] == "Decision")["winner"] in (
        "chat_callback",
        "branch_appointment",
    )
    # A3 collected the keys on Saturday 17:00; one calendar day later is Sunday, outside the
    # survey window (Mon-Sat 10-19 local): the survey goes on Monday 10:00, after the change
    # to summer time
    survey = next(s for s in a3 if s["what"] == "Interaction sent")
    assert (survey["interaction"], survey["at"]) == ("nps_survey", "Mon 31 10:00")
    assert _story() == story

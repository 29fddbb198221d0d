"""The orchestration commands (``cli/orchestrate.py``): ``simulate``, ``serve``, ``worker`` and
``engine deploy | api-key | status | export | dead-letters``, run in the test process on a
throwaway SQLite database; ``serve`` and ``worker`` with the server and the worker's loop
replaced, so that what the command hands them is checked without starting either."""

from __future__ import annotations

import json
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from command_kit import outcome, run_cli
from journeyscope.cli import orchestrate

JOURNEY = """journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait}
  wait: {wait: {event: Upload documents, timeout: 2d}, on_timeout: remind}
  remind: {invoke: remind}
"""
OBJECTS = """interactions:
  - {name: receipt, category: transactional, channel: email}
  - {name: remind, category: service, channel: email}
"""
# c1 never uploads (reminded two days later); c2 uploads the next day
HISTORY = """case_id,activity,timestamp
c1,Start,2025-05-05T09:00:00Z
c2,Start,2025-05-05T10:00:00Z
c2,Upload documents,2025-05-06T10:00:00Z
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "program").mkdir()
    (tmp_path / "program" / "apply.yaml").write_text(JOURNEY, encoding="utf-8")
    (tmp_path / "program" / "objects.yaml").write_text(OBJECTS, encoding="utf-8")
    (tmp_path / "history.csv").write_text(HISTORY, encoding="utf-8")
    return tmp_path


def _url(folder: Path) -> str:
    return f"sqlite:///{folder / 'engine.sqlite'}"


def _counts(table: str) -> dict[str, str]:
    cells = [
        [c.strip() for c in line.strip("│").split("│")]
        for line in table.splitlines()
        if line.startswith("│")
    ]
    return {row[0]: row[1] for row in cells}


def test_simulate_prints_every_action_as_one_json_line(folder: Path) -> None:
    args = ("simulate", str(folder / "program" / "apply.yaml"), str(folder / "history.csv"))
    out = run_cli(*args, "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert out.splitlines() == [  # compact, one object a line
        json.dumps(line, ensure_ascii=False, separators=(",", ":")) for line in lines
    ]
    sends = [(a["customer_id"], a["interaction"]) for a in lines if a["type"] == "send"]
    assert sends == [("case:c1", "receipt"), ("case:c2", "receipt"), ("case:c1", "remind")]
    remind = next(a for a in lines if a["type"] == "send" and a["interaction"] == "remind")
    assert remind["timestamp"] == "2025-05-07T09:00:00+00:00"  # two days after the start


def test_simulate_counts_actions_and_fires_timers_only_within_the_horizon(folder: Path) -> None:
    args = ("simulate", str(folder / "program"), str(folder / "history.csv"))
    code, _, table = outcome(*args, "--horizon", "1d")
    assert code == 0, table
    assert "3 events through" in table
    assert _counts(table) == {
        "Journey step": "5",  # c1: welcome, wait, remind; c2: welcome, wait
        "send": "3",
        "Interaction sent": "3",
        "Journey entered": "2",
        "Journey completed": "2",
        "Journey wait timed out": "1",
    }
    code, _, short = outcome(*args, "--horizon", "1h")  # c1's timeout is 23 h later than that
    assert code == 0 and "Journey wait timed out" not in _counts(short)
    assert _counts(short)["send"] == "2"


def test_deploy_reports_what_is_new_and_status_counts_the_database(folder: Path) -> None:
    url = _url(folder)
    env = {"JOURNEYSCOPE_DATABASE_URL": url}  # no --database-url: the settings' database
    code, _, said = outcome("engine", "deploy", str(folder / "program"), env=env)
    assert code == 0 and "deployed: apply@1, receipt@1, remind@1" in said
    code, _, again = outcome("engine", "deploy", str(folder / "program"), "--database-url", url)
    assert code == 0 and "deployed: nothing new" in again  # the same database
    counts = json.loads(run_cli("engine", "status", "--database-url", url, "--json"))
    assert counts["inbox"] == 0 and counts["customers"] == 0 and counts["dead_letters"] == 0
    code, _, table = outcome("engine", "status", "--database-url", url)
    assert code == 0 and _counts(table)["inbox"] == "0"


def test_a_bad_program_is_one_clear_line(folder: Path) -> None:
    (folder / "program" / "apply.yaml").write_text(
        JOURNEY.replace("invoke: remind", "invoke: nothing")
    )
    code, _, err = outcome(
        "engine", "deploy", str(folder / "program"), "--database-url", _url(folder)
    )
    assert code == 2 and "no interaction object 'nothing'" in err and "Traceback" not in err


def test_an_api_key_is_printed_once_on_standard_output(folder: Path) -> None:
    url = _url(folder)
    first = run_cli("engine", "api-key", "ops", "--scope", "admin", "--database-url", url)
    second = run_cli("engine", "api-key", "crm", "--scope", "admin", "--database-url", url)
    assert first.endswith("\n") and first.count("\n") == 1
    assert first.startswith("js_") and first != second
    code, _, err = outcome("engine", "api-key", "ops", "--scope", "admin", "--database-url", url)
    assert code == 2 and "an API key named 'ops' exists already" in err


def test_dead_letters_on_an_empty_database(folder: Path) -> None:
    url = _url(folder)
    code, _, listed = outcome("engine", "dead-letters", "list", "--database-url", url)
    assert code == 0 and "no failed inputs" in listed
    assert (
        json.loads(run_cli("engine", "dead-letters", "list", "--json", "--database-url", url)) == []
    )
    code, _, retried = outcome("engine", "dead-letters", "retry", "--database-url", url)
    assert code == 0 and "0 handed to the workers again" in retried
    code, _, dropped = outcome("engine", "dead-letters", "drop", "3", "--database-url", url)
    assert code == 2 and "no failed input with id 3" in dropped


def test_export_names_the_store_it_added_to(folder: Path) -> None:
    store = folder / "events.duckdb"
    code, _, said = outcome(
        "engine", "export", "--database-url", _url(folder), "--store", str(store)
    )
    assert code == 0 and f"0 engine events added to {store}" in said
    assert store.is_file()


@pytest.fixture
def no_signals(monkeypatch: pytest.MonkeyPatch) -> dict[int, Any]:
    """The handlers the command installs, kept here instead of in the test process."""
    installed: dict[int, Any] = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: installed.__setitem__(sig, handler))
    return installed


def test_serve_deploys_then_hands_its_settings_to_the_web_factory(
    folder: Path, monkeypatch: pytest.MonkeyPatch, no_signals: dict[int, Any]
) -> None:
    import uvicorn
    import uvicorn.importer

    made: dict[str, Any] = {}

    def factory(settings: Any, **flags: Any) -> str:
        made.update(settings=settings, **flags)
        return "the app"

    def find(name: str) -> Any:
        made["factory"] = name
        return factory

    monkeypatch.setattr(uvicorn.importer, "import_from_string", find)
    monkeypatch.setattr(uvicorn, "run", lambda app, **where: made.update(app=app, **where))
    url = _url(folder)
    code, _, said = outcome(
        "serve",
        "--database-url",
        url,
        "--program",
        str(folder / "program"),
        "--port",
        "8123",
        "--no-embedded-worker",
        "--public-docs",
    )
    assert code == 0, said
    assert "deployed: apply@1" in said and "workspace at http://127.0.0.1:8123/" in said
    assert made["factory"] == orchestrate.APP_FACTORY == "journeyscope.web.app:create_app"
    assert made["settings"].database_url == url
    assert (made["embedded_worker"], made["public_docs"]) == (False, True)
    assert (made["app"], made["host"], made["port"]) == ("the app", "127.0.0.1", 8123)
    assert signal.SIGTERM in no_signals


def test_the_web_factory_named_is_the_web_layers() -> None:
    from uvicorn.importer import import_from_string

    from journeyscope.web.app import create_app

    assert import_from_string(orchestrate.APP_FACTORY) is create_app


def test_worker_builds_its_worker_from_the_options_and_settings(
    folder: Path, monkeypatch: pytest.MonkeyPatch, no_signals: dict[int, Any]
) -> None:
    from journeyscope.engine.worker import Worker

    ran: list[Worker] = []
    monkeypatch.setattr(Worker, "run", lambda self, stop: ran.append(self))
    env = {"JOURNEYSCOPE_ENGINE_LATENCY_BUDGET": "0.5"}
    url = _url(folder)
    code, _, said = outcome(
        "worker", "--database-url", url, "--worker-id", "w1", "--batch-size", "7", env=env
    )
    assert code == 0, said
    [worker] = ran
    assert (worker.id, worker.batch_size) == ("w1", 7)
    assert worker.batching.budget == 0.5  # the setting, no option given
    assert worker.leases.ttl == 15.0
    assert "worker w1 on sqlite" in said and "worker w1 stopped: 0 inputs, 0 deliveries" in said
    assert {signal.SIGTERM, signal.SIGINT} <= set(no_signals)
    code, _, _ = outcome(
        "worker", "--database-url", url, "--worker-id", "w2", "--latency-budget", "0", env=env
    )
    assert code == 0 and ran[1].batching.budget == 0.0  # the option wins
    assert Counter(w.id for w in ran) == {"w1": 1, "w2": 1}

"""The orchestration console's pages and actions: who may act (operators, admins), CSRF on
every action, the confirmation step, the audit log, the /v1 pause and resume, a simulation."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from journeyscope.engine.core.program import load_program
from journeyscope.services import api_keys

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "orchestration"
JOURNEY = "tenancy-documents"
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    (f"/console/{JOURNEY}/pause", {}),
    (f"/console/{JOURNEY}/resume", {}),
    (f"/console/{JOURNEY}/migrate", {"from_version": "1", "to_version": "1"}),
    ("/console/deploy", {"draft": "journey: x\nsteps: {a: {next: end}}\n"}),
    ("/console/dead-letters/retry", {}),
    ("/console/dead-letters/drop", {}),
    (
        "/console-simulate",
        {
            "draft": "journey: x\nsteps: {a: {next: end}}\n",
            "since": "2025-11-01",
            "until": "2025-11-30",
        },
    ),
]


@pytest.fixture
def client(app_client: Any) -> Any:
    app_client.app.state.engine.store.deploy(load_program(EXAMPLES))
    return app_client


def test_everyone_reads_the_console(client: Any, login: Any) -> None:
    login(client, "viewer")
    page = client.get("/console")
    assert page.status_code == 200 and JOURNEY in page.text
    assert "Pause the journey" not in client.get(f"/console/{JOURNEY}").text
    live = client.get(f"/console/{JOURNEY}/live")
    assert live.status_code == 200 and 'hx-trigger="every 2s"' in live.text
    assert client.get("/console/no-such-journey").status_code == 404


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_a_viewer_is_refused_each_action(
    client: Any, login: Any, url: str, data: dict[str, Any]
) -> None:
    token = login(client, "viewer")
    done = client.post(url, data={**data, "csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 403
    assert "viewer role may not" in done.text


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_each_action_needs_the_csrf_token(
    client: Any, login: Any, url: str, data: dict[str, Any]
) -> None:
    login(client, "operator")
    done = client.post(url, data={**data, "confirmed": "yes"})
    assert done.status_code == 403 and "CSRF" in done.text


def test_pause_asks_first_then_acts_and_is_audited(client: Any, login: Any) -> None:
    token = login(client, "operator")
    store = client.app.state.engine.store
    ask = client.post(f"/console/{JOURNEY}/pause", data={"csrf_token": token})
    assert ask.status_code == 200 and "Pause the journey?" in ask.text
    assert 'name="confirmed" value="yes"' in ask.text
    from journeyscope.engine import journey_controls

    assert journey_controls.paused(store) == frozenset()  # nothing happened yet
    done = client.post(
        f"/console/{JOURNEY}/pause",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert journey_controls.paused(store) == frozenset({JOURNEY})
    page = client.get(done.headers["location"])
    assert "paused: no new entries and no sends" in page.text
    assert "user:operator" in page.text and "Resume the journey" in page.text
    again = client.post(f"/console/{JOURNEY}/pause", data={"csrf_token": token, "confirmed": "yes"})
    assert "already paused" in again.text  # refused, and the refusal is in the log
    assert "refused: journey" in client.get(f"/console/{JOURNEY}").text


def test_the_api_pauses_and_resumes_with_the_journeys_write_scope(client: Any) -> None:
    store = client.app.state.engine.store
    ops = api_keys.issue(store, "ops-robot", ["journeys:write"])
    reader = api_keys.issue(store, "reader", ["journeys:read"])
    refused = client.post(f"/v1/journeys/{JOURNEY}/pause", headers={"X-API-Key": reader})
    assert refused.status_code == 403
    done = client.post(f"/v1/journeys/{JOURNEY}/pause", headers={"X-API-Key": ops})
    assert done.status_code == 200 and done.json()["paused"] is True
    assert (
        client.post(f"/v1/journeys/{JOURNEY}/pause", headers={"X-API-Key": ops}).status_code == 409
    )
    assert client.post("/v1/journeys/nope/pause", headers={"X-API-Key": ops}).status_code == 404
    assert (
        client.post(f"/v1/journeys/{JOURNEY}/resume", headers={"X-API-Key": ops}).status_code == 200
    )
    from journeyscope.engine import audit

    actors = [(e.actor, e.action, e.ok) for e in audit.entries(store, JOURNEY)]
    assert actors[0] == ("key:ops-robot", "resume", True)
    assert ("key:ops-robot", "pause", False) in actors


def test_an_operator_simulates_a_draft_and_sees_it_beside_the_live_version(
    client: Any, login: Any
) -> None:
    token = login(client, "operator")
    form = client.get(f"/console-simulate?journey={JOURNEY}")
    draft = re.search(r'<textarea id="draft" name="draft"[^>]*>(.*?)</textarea>', form.text, re.S)
    assert draft and "version: 2" in draft[1]
    import html

    text = html.unescape(draft[1])
    assert re.search(r'name="since" value="\d{4}-\d\d-01"', form.text)  # a month by default
    # the synthetic store's busiest recent month (its last months hold only a few events)
    since, until = ["", "2025-12-01"], ["", "2025-12-31"]
    bad = client.post(
        "/console-simulate",
        data={
            "csrf_token": token,
            "draft": text.replace("on_timeout: call-back", "on_timeout: calback"),
            "since": since[1],
            "until": until[1],
        },
    )
    assert bad.status_code == 422 and "calback" in bad.text
    started = client.post(
        "/console-simulate",
        data={"csrf_token": token, "draft": text, "since": since[1], "until": until[1]},
        follow_redirects=False,
    )
    assert started.status_code == 303
    url = started.headers["location"] + "?part=1"
    for _ in range(600):
        part = client.get(url).text
        if "Replayed" in part or "error" in part:
            break
        time.sleep(0.1)
    assert "Replayed" in part, part
    entered = re.search(r'data-total="Journey entered">([\d,]+)<', part)
    assert entered and int(entered[1].replace(",", "")) > 0
    assert "Live (engine history, same period)" in part and "Deploy this draft" in part


def test_dead_letters_are_retried_and_dropped_with_confirmation(client: Any, login: Any) -> None:
    from sqlalchemy import insert

    from journeyscope.engine import audit
    from journeyscope.engine import schema as t

    store = client.app.state.engine.store
    with store.write() as conn:
        conn.execute(
            insert(t.failed_inputs),
            [
                {
                    "inbox_seq": None,
                    "event_id": None,
                    "customer_id": f"acct:{n}",
                    "partition": 0,
                    "kind": "timer",
                    "error": "ZeroDivisionError: division by zero",
                    "failed_at": 1.0,
                    "worker": "w",
                }
                for n in (1, 2)
            ],
        )
    token = login(client, "operator")
    assert "2\n" in client.get("/console").text.replace("</span>", "\n")
    page = client.get(f"/console/{JOURNEY}").text
    assert "ZeroDivisionError" in page and 'data-dead="retry-1"' in page
    ask = client.post("/console/dead-letters/retry", data={"csrf_token": token, "ids": "1"})
    assert "Hand the failed inputs (ids 1)" in ask.text
    done = client.post(
        "/console/dead-letters/retry",
        data={"csrf_token": token, "ids": "1", "journey": JOURNEY, "confirmed": "yes"},
    )
    assert "1 failed input(s) handed to the workers again" in done.text
    missing = client.post(
        "/console/dead-letters/drop",
        data={"csrf_token": token, "ids": "9", "journey": JOURNEY, "confirmed": "yes"},
    )
    assert "no failed input with id 9" in missing.text
    client.post(
        "/console/dead-letters/drop",
        data={"csrf_token": token, "ids": "2", "journey": JOURNEY, "confirmed": "yes"},
    )
    assert [(e.action, e.ok) for e in audit.entries(store, JOURNEY)] == [
        ("drop", True),
        ("drop", False),
        ("retry", True),
    ]
    bad = client.post("/console/dead-letters/retry", data={"csrf_token": token, "ids": "x"})
    assert bad.status_code == 422


def test_migrate_asks_with_the_number_of_customers_then_refuses_a_same_version_move(
    client: Any, login: Any
) -> None:
    token = login(client, "admin")
    data = {"csrf_token": token, "from_version": "1", "to_version": "1"}
    ask = client.post(f"/console/{JOURNEY}/migrate", data=data)
    assert "Move the 0 customer(s) running version 1" in ask.text
    done = client.post(f"/console/{JOURNEY}/migrate", data={**data, "confirmed": "yes"})
    assert "same version: nothing to migrate" in done.text

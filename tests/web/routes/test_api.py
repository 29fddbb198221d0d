"""``/api/`` (web/routes/api.py): the analyses as JSON for a machine with an API key, on a
six-case store built here: the funnel's counts and drop-outs, the store's counts, a
customer's stitched timeline, each behind its scope, and a bad parameter answered 422 with
the closest name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from journeyscope.config import Settings
from journeyscope.engine.store import EngineStore
from journeyscope.events import Store
from journeyscope.events.identity import stitch
from journeyscope.services.api_keys import issue
from journeyscope.web import create_app

FUNNEL = {"step": ["Apply", "Upload", "Decision"]}


def _log(path: Path) -> Path:
    """Six cases apply, four upload, two get a decision (a day later, by phone)."""
    rows = ["case_id,activity,timestamp,channel,account_id"]
    for i in range(6):
        rows.append(f"c{i},Apply,2025-01-01T09:00:00Z,web,A{i}")
        if i < 4:
            rows.append(f"c{i},Upload,2025-01-01T10:00:00Z,web,A{i}")
        if i < 2:
            rows.append(f"c{i},Decision,2025-01-02T10:00:00Z,phone,A{i}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(_log(tmp_path / "events.csv"))
        stitch(store.con)
    url = f"sqlite:///{tmp_path / 'engine.sqlite'}"
    with EngineStore(url) as engine:
        keys = {
            "reader": issue(engine, "dashboard", ["journeys:read"]),
            "support": issue(engine, "support desk", ["journeys:read", "customers:read"]),
        }
    settings = Settings(store=tmp_path / "store.duckdb", database_url=url)
    with TestClient(create_app(settings, embedded_worker=False)) as client:
        yield client, keys


def _get(client: TestClient, key: str, path: str, **params: object) -> tuple[int, object]:
    answer = client.get(path, params=params, headers={"X-API-Key": key})
    return answer.status_code, answer.json()


def test_the_funnel_counts_each_step_and_who_dropped(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, keys = api
    status, body = _get(client, keys["reader"], "/api/funnel", **FUNNEL)
    assert status == 200 and isinstance(body, dict)
    assert [(s["cases"], s["dropped_cases"]) for s in body["steps"]] == [
        (6, ["c4", "c5"]),
        (4, ["c2", "c3"]),
        (2, []),
    ]
    assert (body["entered"], body["converted"], body["conversion"]) == (6, 2, 0.333333)
    assert body["time_to_convert"]["median_seconds"] == 25 * 3600


def test_the_stores_counts(api: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = api
    status, body = _get(client, keys["reader"], "/api/stats")
    assert status == 200 and isinstance(body, dict)
    assert (body["events"], body["cases"], body["customers"]) == (12, 6, 6)
    assert body["channels"] == {"web": 6, "phone": 2}  # cases with an event in the channel
    assert body["last_event"] == "2025-01-02T10:00:00+00:00"


def test_a_customers_timeline_needs_the_customer_scope(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, keys = api
    status, body = _get(client, keys["reader"], "/api/customers/acct:A1")
    assert status == 403 and body == {"detail": "this needs the scope 'customers:read'"}
    status, body = _get(client, keys["support"], "/api/customers/acct:A1")
    assert status == 200
    assert [e["activity"] for e in body["events"]] == ["Apply", "Upload", "Decision"]  # type: ignore[index]
    status, _ = _get(client, keys["support"], "/api/customers/acct:nobody")
    assert status == 404


def test_bad_parameters_are_a_422_that_says_what_to_give(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, keys = api
    status, body = _get(client, keys["reader"], "/api/funnel")
    assert status == 422 and body == {"detail": "step: Field required"}
    status, body = _get(client, keys["reader"], "/api/funnel", step=["Apply", "Uplaod"])
    assert status == 422
    assert body == {"detail": "step 2: no activity 'Uplaod' in the store; closest: 'Upload'"}
    assert client.get("/api/stats").status_code == 401, "no key, no session"

"""Raw e-mail addresses and phone numbers at ingest: one workspace secret with the engine,
and the catalogue's ``hashed: true`` for columns the data gives hashed already."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from journeyscope.cli import app
from journeyscope.config import Settings
from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.program import Program
from journeyscope.engine.export import export_events
from journeyscope.engine.store import EngineStore
from journeyscope.errors import CatalogueError, StoreError
from journeyscope.events import Store, load_catalogue
from journeyscope.events.identity import stitch
from journeyscope.events.pii import align_secret
from journeyscope.pseudonyms import pseudonym, workspace_secret
from journeyscope.services import api_keys
from journeyscope.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

runner = CliRunner()
CSV = (
    "case_id,activity,timestamp,email_hash,phone_hash\n"
    "c1,Apply,2024-01-01, Alice@Example.com ,+44 20 7946 0000\n"
)
CATALOGUE = """
version: 1
activities: {Apply: {}}
identifiers:
  email_hash: {hashed: %s}
"""


def _ingest(tmp_path: Path, *extra: str) -> tuple[str, str]:
    data = tmp_path / "events.csv"
    data.write_text(CSV)
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", str(data), "--store", str(store), *extra])
    assert result.exit_code == 0, result.output
    with Store(store) as db:
        row = db.con.execute("SELECT email_hash, phone_hash FROM events").fetchall()[0]
    return str(row[0]), str(row[1])


@pytest.mark.parametrize("hashed", [True, False])
def test_the_catalogue_says_which_columns_are_hashed_already(tmp_path: Path, hashed: bool) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE % str(hashed).lower())
    email, phone = _ingest(tmp_path, "--catalogue", str(catalogue))
    secret = workspace_secret(tmp_path / "identifier.key")  # beside the store
    if hashed:
        assert email == " Alice@Example.com "  # as the data gives it
    else:
        assert email == pseudonym(secret, "email", "alice@example.com")
    assert phone == pseudonym(secret, "phone", "+442079460000")  # not flagged: hashed


def test_a_typo_in_the_identifiers_section_is_an_error_with_the_line(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE.replace("email_hash:", "emial_hash:") % "true")
    with pytest.raises(CatalogueError, match=r"catalogue.yaml:5.*email_hash"):
        load_catalogue(catalogue)


@pytest.mark.slow
def test_the_same_email_gets_the_same_id_in_the_engine_and_at_ingest(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "s.duckdb")
    objects = [
        InteractionSpec.model_validate(
            {"name": "receipt", "category": "transactional", "channel": "email"}
        )
    ]
    journey = JourneySpec.model_validate(
        yaml.safe_load(
            "journey: apply\nversion: 1\ntriggers: [{event: Start}]\n"
            "steps: {welcome: {invoke: receipt}}"
        )
    )
    with EngineStore(f"sqlite:///{tmp_path / 'engine.sqlite'}") as engine:
        engine.deploy(Program.build([journey], InteractionCatalogue(objects)))
        key = {"X-API-Key": api_keys.issue(engine, "ops", ["admin"])}
        with TestClient(create_app(settings, store=engine)) as client:
            body = {
                "events": [
                    {
                        "event_id": "web-1",
                        "customer_id": "email:ALICE@example.com",
                        "activity": "Start",
                        "timestamp": time.time(),
                    }
                ]
            }
            assert client.post("/v1/events?wait=5", json=body, headers=key).status_code == 202
            found = client.get("/v1/customers/email:alice@example.com", headers=key).json()
            deadline = time.monotonic() + 30
            while not engine.engine_events(after=0, limit=10) and time.monotonic() < deadline:
                time.sleep(0.05)
        email, _ = _ingest(tmp_path)  # the CLI: the key beside the store
        assert found["customer_id"] == f"email:{email}"
        with Store(settings.store) as store:
            report = export_events(engine, store)
            assert report.events_added > 0
            stitch(store.con)
            people = store.con.execute(
                "SELECT DISTINCT customer_id FROM events WHERE email_hash = ?", [email]
            ).fetchall()
            sources = store.con.execute(
                "SELECT count(DISTINCT source) FROM events WHERE email_hash = ?", [email]
            ).fetchall()
    assert len(people) == 1 and sources == [(2,)]  # the engine's events and the file's: one


def test_a_store_hashed_under_another_secret_is_refused_not_mixed(tmp_path: Path) -> None:
    data = tmp_path / "events.csv"
    data.write_text(CSV)
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(data)  # hashed with the store's own secret (no workspace yet)
        own = align_secret(store.con, tmp_path / "identifier.key")  # the workspace adopts it
        assert workspace_secret(tmp_path / "identifier.key") == own
    with Store(tmp_path / "t.duckdb") as other:
        other.ingest(data)
        with pytest.raises(StoreError, match="hashed with another secret"):
            align_secret(other.con, tmp_path / "identifier.key")
    with Store(":memory:") as empty:  # nothing hashed yet: takes the workspace's secret
        assert align_secret(empty.con, tmp_path / "identifier.key") == own
        empty.ingest(data)
        (email,) = empty.con.execute("SELECT email_hash FROM events").fetchall()[0]
    assert email == pseudonym(own, "email", "alice@example.com")


def test_the_hashed_flag_survives_a_round_trip_and_a_draft_has_none(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE % "true")
    loaded = load_catalogue(catalogue)
    again = tmp_path / "again.yaml"
    again.write_text(loaded.to_yaml())
    assert load_catalogue(again).already_hashed() == ["email_hash"]
    assert "identifiers" not in loaded.model_copy(update={"identifiers": {}}).to_yaml()

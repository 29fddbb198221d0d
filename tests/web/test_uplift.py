"""``/console/{journey}/uplift`` and ``/api/uplift``: every role reads them, the numbers are the
CLI's and the services', bad names are clear errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from journeyscope.analytics.uplift import UpliftQuery
from journeyscope.config import Settings
from journeyscope.engine import synthetic_trial as trial
from journeyscope.events import Store
from journeyscope.services import analyses
from journeyscope.services.accounts import ROLES


@pytest.fixture(scope="module")
def trial_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("uplift") / "store.duckdb"
    with Store(path) as store:
        trial.write_store(trial.generate(customers=400, seed=2), store)
    return path


@pytest.fixture
def settings(trial_store: Path, tmp_path: Path) -> Settings:
    """The workspace over a copy of the trial's store (overrides the package fixture)."""
    store = tmp_path / "store.duckdb"
    store.write_bytes(trial_store.read_bytes())
    return Settings(store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_page_and_the_api(app_client: Any, login: Any, role: str) -> None:
    login(app_client, role)
    page = app_client.get(f"/console/{trial.JOURNEY}/uplift")
    assert page.status_code == 200, page.text
    assert "Did it help?" in page.text and "document_reminder" in page.text
    assert "Intention to treat" in page.text
    api = app_client.get("/api/uplift", params={"journey": trial.JOURNEY})
    assert api.status_code == 200 and api.json()["journeys"][0]["journey"] == trial.JOURNEY


def test_signed_out_is_sent_to_sign_in(app_client: Any) -> None:
    page = app_client.get(f"/console/{trial.JOURNEY}/uplift", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert app_client.get("/api/uplift").status_code == 401


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


@pytest.mark.slow
def test_same_numbers_in_the_api_the_page_the_cli_and_the_services(
    app_client: Any, login: Any, settings: Settings, run_cli: Any
) -> None:
    login(app_client, "viewer")
    params = {"journey": trial.JOURNEY, "since": "2025-03-03", "until": "2025-03-20"}
    api = app_client.get("/api/uplift", params=params).json()
    cli = json.loads(
        run_cli(
            "uplift",
            trial.JOURNEY,
            "--since",
            "2025-03-03",
            "--until",
            "2025-03-20",
            "--store",
            str(settings.store),
            "--json",
        )
    )
    direct = analyses.uplift(
        settings,
        UpliftQuery(
            journey=trial.JOURNEY,
            since=date(2025, 3, 3),
            until=date(2025, 3, 20),
        ),
    ).model_dump(mode="json")
    # equal but for the last bits of a float mean (DuckDB adds in parallel, in any order)
    assert _rounded(api) == _rounded(cli) == _rounded(direct)
    j = api["journeys"][0]
    page = app_client.get(f"/console/{trial.JOURNEY}/uplift", params=params).text
    assert f"{j['outcome']['treated'] * 100:.1f}%" in page
    assert f"{j['treated_customers']:,} customers" in page
    assert f"{j['outcome']['difference'] * 100:+.1f} points" in page


def test_unknown_journey_names_the_closest(app_client: Any, login: Any) -> None:
    login(app_client, "viewer")
    api = app_client.get("/api/uplift", params={"journey": "docs-remnder"})
    assert api.status_code == 422 and "closest: 'docs-reminder'" in api.json()["detail"]
    page = app_client.get("/console/docs-remnder/uplift", headers={"accept": "text/html"})
    assert page.status_code == 404 and "closest: &#39;docs-reminder&#39;" in page.text
    assert 'id="since"' in page.text  # the form stays, to correct the input
    outcome = app_client.get(
        f"/console/{trial.JOURNEY}/uplift", params={"outcome": "Upload documnts"}
    )
    assert outcome.status_code == 422 and "Upload documents" in outcome.text
    bad = app_client.get("/api/uplift", params={"window": "soon"})
    assert bad.status_code == 422

"""A small synthetic store (300 customers, ingested once per session) with one user per role,
and a workspace app over it."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from browser_kit import PASSWORD, serve

from command_kit import run_cli
from journeyscope.config import Settings
from journeyscope.services.accounts import ROLES, Accounts, workspace_database

with warnings.catch_warnings():
    # Starlette asks for `httpx2` in its test client and warns on `httpx` (the lock's)
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

# argon2 with small costs keeps tests fast; production uses the library's defaults
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder with ``store.duckdb`` holding 300 synthetic customers."""
    folder = tmp_path_factory.mktemp("workspace")
    csv = folder / "synthetic.csv"
    run_cli("synthetic", "--customers", "300", "--out", str(csv))
    run_cli("ingest", str(csv), "--store", str(folder / "store.duckdb"))
    return folder / "store.duckdb"


@pytest.fixture
def settings(synthetic_store: Path, tmp_path: Path) -> Settings:
    """Settings over a copy of the synthetic store (tests may ingest into it)."""
    store = tmp_path / "store.duckdb"
    store.write_bytes(synthetic_store.read_bytes())
    return Settings(store=store, database_url=f"sqlite:///{tmp_path / 'engine.sqlite'}")


@pytest.fixture
def accounts(settings: Settings) -> Accounts:
    found = Accounts(workspace_database(settings), hasher=FAST_HASHER)
    for role in ROLES:
        found.add(role, role, PASSWORD)
    return found


@pytest.fixture
def app_client(settings: Settings, accounts: Accounts) -> Iterator[TestClient]:
    from journeyscope.services import results
    from journeyscope.web import create_app

    results.clear()
    app = create_app(settings, accounts=accounts, embedded_worker=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


# Every page carries the session's CSRF token; sign_in reads it from one that every role may
# see and that runs no analysis (Home counts the store: 1.5 CPU s on the 300-customer store,
# paid again by each test that signs in; the saved insights' list: 0.07 s).
TOKEN_PAGE = "/insights"


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``name`` in; the session's CSRF token."""
    form = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    done = client.post(
        "/signin",
        data={"username": name, "password": password, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = client.get(TOKEN_PAGE)
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
    assert found, page.text
    return found[1]


@pytest.fixture
def login():  # type: ignore[no-untyped-def]
    """``login(client, name)`` signs in and answers the session's CSRF token."""
    return sign_in


@pytest.fixture(name="run_cli")
def run_cli_fixture():  # type: ignore[no-untyped-def]
    """``run_cli(*args, env=...)``: the ``journeyscope`` command's standard output (must
    succeed), run in the test process (``command_kit``)."""
    return run_cli


@pytest.fixture
def live_server(settings: Settings, accounts: Accounts) -> Iterator[str]:
    """The workspace served by uvicorn on a free local port (for browser tests); its URL."""
    from journeyscope.services import results
    from journeyscope.web import create_app

    results.clear()
    with serve(create_app(settings, accounts=accounts, embedded_worker=False)) as url:
        yield url

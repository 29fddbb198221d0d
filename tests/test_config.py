"""Settings (config.py): read from ``JOURNEYSCOPE_*`` environment variables, JSON for the
mappings, a clear error for a bad value, and the identifier secret beside the store unless
named."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from journeyscope.config import Settings


@pytest.fixture(autouse=True)
def _no_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in ("STORE", "ENGINE", "CHANNEL_COSTS", "CURRENCY", "SPARK_CONF", "IDENTIFIER_KEY"):
        monkeypatch.delenv(f"JOURNEYSCOPE_{name}", raising=False)


def test_defaults_keep_everything_in_the_workspace_folder() -> None:
    settings = Settings()
    assert settings.store == Path(".journeyscope/store.duckdb")
    assert settings.engine == "duckdb" and settings.currency == "EUR"
    assert settings.database_url == "sqlite:///.journeyscope/engine.sqlite"
    assert settings.identifier_key_file() == Path(".journeyscope/identifier.key")


def test_environment_variables_are_read_json_for_mappings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYSCOPE_STORE", "/data/shop/events.duckdb")
    monkeypatch.setenv("JOURNEYSCOPE_CHANNEL_COSTS", '{"phone": 6.5, "web": 0.1}')
    monkeypatch.setenv("JOURNEYSCOPE_SPARK_CONF", '{"spark.executor.memory": "4g"}')
    monkeypatch.setenv("JOURNEYSCOPE_CURRENCY", "GBP")
    settings = Settings()
    assert settings.store == Path("/data/shop/events.duckdb")
    assert settings.channel_costs == {"phone": 6.5, "web": 0.1}
    assert settings.spark_conf == {"spark.executor.memory": "4g"}
    assert settings.currency == "GBP"
    assert settings.identifier_key_file() == Path("/data/shop/identifier.key")
    assert Settings(store=Path("/elsewhere/s.duckdb")).store == Path("/elsewhere/s.duckdb")


def test_a_named_secret_file_is_used_wherever_the_store_is(tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    assert Settings(identifier_key=key).identifier_key_file() == key


def test_a_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="currency"):
        Settings(currency="euro")
    with pytest.raises(ValidationError, match="engine_latency_budget"):
        Settings(engine_latency_budget=-1)
    monkeypatch.setenv("JOURNEYSCOPE_CHANNEL_COSTS", "phone=6.5")
    with pytest.raises(Exception, match="channel_costs"):
        Settings()

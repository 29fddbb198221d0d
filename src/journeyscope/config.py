"""Settings, read from ``JOURNEYSCOPE_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where journeyscope keeps its data and which engines it uses.

    >>> Settings(store=Path("/tmp/s.duckdb")).store.name
    's.duckdb'
    """

    model_config = SettingsConfigDict(env_prefix="JOURNEYSCOPE_", env_file=".env", extra="ignore")

    store: Path = Field(
        default=Path(".journeyscope/store.duckdb"),
        description="DuckDB file holding events, quarantine and identities.",
    )
    memory_limit: str | None = Field(
        default="1GB",
        description="DuckDB memory limit for the store; larger inputs spill to disk.",
    )
    engine: str = Field(
        default="duckdb", description="Analytics backend (the --engine option): duckdb or spark."
    )
    spark_master: str = Field(
        default="local[2]", description="Spark master URL for --engine spark."
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Extra Spark settings for --engine spark, as JSON "
            '(JOURNEYSCOPE_SPARK_CONF=\'{"spark.executor.memory": "4g"}\'); they override '
            "journeyscope's defaults and apply when the process creates its Spark session."
        ),
    )
    channel_costs: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Cost to serve one interaction per channel, as JSON "
            '(JOURNEYSCOPE_CHANNEL_COSTS=\'{"phone": 6.5, "web": 0.1}\'); used by the value '
            "stream where events carry no cost of their own."
        ),
    )
    currency: str = Field(
        default="EUR",
        pattern=r"^[A-Z]{3}$",
        description=(
            "Currency of money figures (costs, value at stake), as an ISO 4217 code "
            "(JOURNEYSCOPE_CURRENCY=GBP); the report, the pages and the backlog exports show it "
            "beside every amount. Default EUR. Amounts are not converted."
        ),
    )
    source: str | None = Field(
        default=None,
        description=(
            "Analyse events where they live instead of the store: parquet:PATH (file, folder "
            "with Hive partitions, glob), csv:PATH or table:NAME (the engine's catalog)."
        ),
    )
    source_columns: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Column mapping for --source, canonical field -> column, as JSON "
            '(JOURNEYSCOPE_SOURCE_COLUMNS=\'{"case_id": "Case", "activity": "Step"}\').'
        ),
    )
    activity_key: str | None = Field(
        default=None,
        description=(
            "What makes an activity for every analysis, e.g. "
            "concept:name+lifecycle:transition (the activity, then properties)."
        ),
    )
    cohort: str | None = Field(
        default=None,
        description=(
            "Analyse only the customers of this saved cohort: a cohort file, or the name of "
            "one saved in the cohorts folder (journeyscope cohort save NAME)."
        ),
    )
    cohort_breakdown: tuple[str, ...] = Field(
        default=(),
        description=(
            "Saved cohorts (files or names) that make the events' 'cohort' column, which "
            "any breakdown can split by (--breakdown cohort)."
        ),
    )
    cohorts: Path = Field(
        default=Path(".journeyscope/cohorts"),
        description="Folder where journeyscope cohort save keeps cohorts by name.",
    )
    designs: Path = Field(
        default=Path("examples/journeys"),
        description="Folder of designed journeys (YAML) the web pages offer by journey id.",
    )
    database_url: str = Field(
        default="sqlite:///.journeyscope/engine.sqlite",
        description="Orchestration store (SQLite by default, PostgreSQL to scale out).",
    )
    engine_latency_budget: float = Field(
        default=0.025,
        ge=0.0,
        description=(
            "Seconds an engine worker's batch may take: a batch closes at the inputs the "
            "worker can apply within it, so a backlog leaves in steps of that length "
            "(0: no budget, batches of up to --batch-size). Default 0.025."
        ),
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        gt=0,
        description="Largest request body the service reads, in bytes (413 beyond it).",
    )
    failed_auth_limit: int = Field(
        default=20,
        gt=0,
        description="Failed authentications per address within failed_auth_window before 429.",
    )
    failed_auth_window: float = Field(
        default=60.0, gt=0, description="Seconds over which failed authentications are counted."
    )
    embedded_worker: bool | None = Field(
        default=None,
        description=(
            "Whether a service started by its ASGI factory runs an engine worker thread "
            "(default: on for SQLite, off for PostgreSQL)."
        ),
    )
    public_docs: bool = Field(
        default=False,
        description="Serve /docs to a service started by its ASGI factory without sign-in.",
    )
    failpoint: str = Field(
        default="",
        description=(
            "Testing only: ``name=N`` makes an engine worker kill its own process (SIGKILL) the "
            "N-th time it passes the point ``name`` (e.g. ``after-delivery=3``). Empty: off."
        ),
    )
    identifier_key: Path | None = Field(
        default=None,
        description=(
            "File holding the workspace's secret for hashing raw e-mail addresses and phone "
            "numbers, shared by ingest and the engine (made on first use; default: "
            "identifier.key beside the event store). Give every engine server the same file."
        ),
    )

    def identifier_key_file(self) -> Path:
        """Where the workspace's identifier secret is kept."""
        return self.identifier_key or self.store.parent / "identifier.key"

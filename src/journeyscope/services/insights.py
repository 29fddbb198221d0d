"""Saved insights and dashboards, in the workspace database beside the store.

An insight is a named analysis query: its kind and its URL parameters (the CLI's option
names), never its numbers; opening it, or a dashboard holding it, runs the query on the store
as it is now (from the result cache when the store has not changed), so dashboards refresh
when data changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)

from journeyscope.errors import InsightError
from journeyscope.services.accounts import create_tables, database
from journeyscope.services.queries import KINDS, PARAMETERS

_meta = MetaData()
insights_table = Table(
    "insights",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("query", String, nullable=False),
    Column("owner", String, nullable=False),
    Column("created_at", Float, nullable=False),
)
dashboards_table = Table(
    "dashboards",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),
    Column("owner", String, nullable=False),
    Column("created_at", Float, nullable=False),
)
items_table = Table(
    "dashboard_items",
    _meta,
    Column("dashboard_id", Integer, ForeignKey("dashboards.id"), primary_key=True),
    Column("insight_id", Integer, ForeignKey("insights.id"), primary_key=True),
    Column("position", Integer, nullable=False),
)
#: The results an insight can save: Explore's five analyses and its Trends view.
SAVED_KINDS: Final[tuple[str, ...]] = (*KINDS, "trends")
#: The URL parameters of the Trends view (``journeyscope.web.routes.trends``).
TRENDS_PARAMETERS: Final = ("event", "period", "measure", "breakdown", "top")
#: Explore's case rule and filters, the cohort filter and the cohort split included.
FILTER_PARAMETERS: Final = frozenset(
    {"case_rule", "gap", "case_activity", "since", "until", "channel", "first_channel", "where"}
    | {"cohort", "by_cohort", "group"}
)
KEPT_PARAMETERS = {
    kind: set(PARAMETERS.get(kind, TRENDS_PARAMETERS)) | FILTER_PARAMETERS for kind in SAVED_KINDS
}


@dataclass(frozen=True)
class Insight:
    id: int
    name: str
    kind: str
    query: str  # URL parameters
    owner: str
    created_at: float

    @property
    def url(self) -> str:
        return f"/explore/{self.kind}?{self.query}"


@dataclass(frozen=True)
class Dashboard:
    id: int
    name: str
    owner: str
    created_at: float
    insights: list[Insight]


def _name(text: str, what: str) -> str:
    name = " ".join(text.split())
    if not 1 <= len(name) <= 120:
        raise InsightError(f"{what} name: 1 to 120 characters")
    return name


class Insights:
    def __init__(self, path: Path) -> None:
        self.engine = database(path)
        create_tables(self.engine, _meta)

    def save(self, name: str, kind: str, query: str, owner: str) -> Insight:
        if kind not in SAVED_KINDS:
            raise InsightError(f"unknown analysis {kind!r}; choose {', '.join(SAVED_KINDS)}")
        kept = [(k, v) for k, v in parse_qsl(query) if k in KEPT_PARAMETERS[kind] and v != ""]
        row = {
            "name": _name(name, "insight"),
            "kind": kind,
            "query": urlencode(kept),
            "owner": owner,
            "created_at": time.time(),
        }
        with self.engine.begin() as conn:
            new_id = conn.execute(insert(insights_table).values(**row)).inserted_primary_key
        assert new_id is not None
        return Insight(int(new_id[0]), **row)  # type: ignore[arg-type]

    def insights(self) -> list[Insight]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(insights_table).order_by(insights_table.c.id.desc())).all()
        return [Insight(*r) for r in rows]

    def insight(self, insight_id: int) -> Insight:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(insights_table).where(insights_table.c.id == insight_id)
            ).first()
        if row is None:
            raise InsightError(f"no insight {insight_id}")
        return Insight(*row)

    def delete(self, insight_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(items_table).where(items_table.c.insight_id == insight_id))
            conn.execute(delete(insights_table).where(insights_table.c.id == insight_id))

    def create_dashboard(self, name: str, owner: str) -> int:
        with self.engine.begin() as conn:
            new_id = conn.execute(
                insert(dashboards_table).values(
                    name=_name(name, "dashboard"), owner=owner, created_at=time.time()
                )
            ).inserted_primary_key
        assert new_id is not None
        return int(new_id[0])

    def add(self, dashboard_id: int, insight_id: int) -> None:
        self.insight(insight_id)
        self.dashboard(dashboard_id)
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(items_table).where(
                    items_table.c.dashboard_id == dashboard_id,
                    items_table.c.insight_id == insight_id,
                )
            ).first()
            if exists is None:
                last = conn.execute(
                    select(func.coalesce(func.max(items_table.c.position), 0)).where(
                        items_table.c.dashboard_id == dashboard_id
                    )
                ).scalar_one()
                conn.execute(
                    insert(items_table).values(
                        dashboard_id=dashboard_id, insight_id=insight_id, position=last + 1
                    )
                )

    def dashboards(self) -> list[Dashboard]:
        with self.engine.connect() as conn:
            ids = conn.execute(
                select(dashboards_table.c.id).order_by(dashboards_table.c.id.desc())
            ).scalars()
            found = list(ids)
        return [self.dashboard(i) for i in found]

    def dashboard(self, dashboard_id: int) -> Dashboard:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(dashboards_table).where(dashboards_table.c.id == dashboard_id)
            ).first()
            if row is None:
                raise InsightError(f"no dashboard {dashboard_id}")
            items = conn.execute(
                select(insights_table)
                .join(items_table, items_table.c.insight_id == insights_table.c.id)
                .where(items_table.c.dashboard_id == dashboard_id)
                .order_by(items_table.c.position)
            ).all()
        return Dashboard(row.id, row.name, row.owner, row.created_at, [Insight(*r) for r in items])

"""The report's lifecycle section: computed once on the report's events and period, and
reconciled with the retention section (each period's new customers are its cohort); the
identities hold; the page shows the chart, the table and the semantics line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from journeyscope.definitions import load_journey
from journeyscope.events import Store
from journeyscope.render.report import report_html
from journeyscope.render.report_data import ReportData
from journeyscope.render.report_sections import lifecycle_figure, lifecycle_section
from journeyscope.services.report import compute_analyses

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture(scope="module")
def data(synthetic_store: Store) -> ReportData:
    design = load_journey(EXAMPLES / "tenancy.yaml")
    return compute_analyses(
        synthetic_store.events(), design, ["attribution and retention", "lifecycle"]
    )


@pytest.mark.slow
def test_lifecycle_reconciles_with_retention(data: ReportData) -> None:
    life, ret = data.lifecycle, data.retention
    assert life is not None and ret is not None and data.runs["lifecycle"] == 1
    assert life.period == ret.period == "month"  # the same period as the retention's
    cohorts = {c.cohort: c.customers for c in ret.cohorts}
    assert cohorts == {p.period: p.new for p in life.periods if p.new}
    assert sum(p.new for p in life.periods) == sum(cohorts.values())
    previous = 0
    for p in life.periods:
        assert p.active == p.new + p.returning + p.resurrecting
        assert p.active - previous == p.new + p.resurrecting - p.dormant, p.period
        previous = p.active


@pytest.mark.slow
def test_the_page_shows_chart_table_and_semantics(data: ReportData) -> None:
    assert data.lifecycle is not None
    page = report_html(data, now=NOW)
    ids = re.findall(r'<section id="([a-z-]+)" data-section', page)
    assert page.count('id="lifecycle"') == 1  # the chart's own id: Plotly draws into the id
    assert ids.index("lifecycle") == ids.index("retention") + 1
    section = page.split('<section id="lifecycle"')[1].split("</section>")[0]
    last = data.lifecycle.periods[-1]
    assert f"Latest month ({last.period}): {last.active:,} active" in section
    assert "resurrecting = active before but not in the previous period" in section
    assert "retention table&#39;s cohort" in section or "retention table's cohort" in section


def test_the_figure_draws_dormant_below_zero() -> None:
    fig = lifecycle_figure([("2024-01", 5, 0, 0, 0), ("2024-02", 2, 3, 0, 2)])
    by = {t["name"]: t["y"] for t in fig["data"]}
    assert by == {
        "new": [5, 2],
        "returning": [0, 3],
        "resurrecting": [0, 0],
        "dormant": [0, -2],
    }
    assert fig["layout"]["barmode"] == "relative"
    json.dumps(fig)  # plain data, embeddable


def test_without_a_result_the_section_says_why() -> None:
    empty = ReportData(title="t", journey=None, case_rule="", source="", overview={})
    assert "no lifecycle analysis" in str(lifecycle_section(empty).body)

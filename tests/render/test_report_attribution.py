"""The report's attribution and retention sections: computed once where the design has an
outcome, figures that reconcile with the other views, semantics stated on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from journeyscope.definitions import load_journey
from journeyscope.events import Store
from journeyscope.render.report import report_html
from journeyscope.render.report_attribution import attribution_section, retention_section
from journeyscope.render.report_data import ReportData
from journeyscope.services.report import compute_report

pytestmark = pytest.mark.slow  # the report on the synthetic store

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture(scope="module")
def data(synthetic_store: Store) -> ReportData:
    return compute_report(
        synthetic_store.events(), load_journey(EXAMPLES / "tenancy.yaml"), source="synthetic"
    )


def _section(page: str, sid: str) -> str:
    return page.split(f'<section id="{sid}"')[1].split("</section>")[0]


def test_attribution_reconciles_with_conformance(data: ReportData) -> None:
    a = data.attribution
    assert a is not None and data.conformance is not None and data.runs["attribution"] == 1
    assert a.overall.conversions == data.conformance.reached_outcome > 0
    for model in a.overall.models:
        assert model.total == pytest.approx(a.overall.conversions)


def test_retention_counts_every_customer_once(data: ReportData) -> None:
    r = data.retention
    assert r is not None and data.runs["retention"] == 1
    assert r.period == "month"  # the synthetic data spans more than 60 days
    unit = data.overview["customers"] or data.overview["cases"]
    assert sum(c.customers for c in r.cohorts) == unit
    assert all(c.rates[0] == 1.0 for c in r.cohorts)


def test_sections_show_figures_and_semantics(data: ReportData) -> None:
    assert data.attribution is not None
    page = report_html(data, now=NOW)
    ids = re.findall(r'<section id="([a-z-]+)" data-section', page)
    assert ids.index("attribution") == ids.index("value") + 1
    assert ids.index("retention") == ids.index("attribution") + 1
    section = _section(page, "attribution")
    assert f"{data.attribution.overall.conversions:,}" in section
    assert "Shapley" in section and "every model" in section  # the semantics line
    retention = _section(page, "retention")
    assert "all cohorts" in retention and "retained in period k" in retention


def test_without_an_outcome_the_sections_say_why() -> None:
    empty = ReportData(title="t", journey=None, case_rule="", source="", overview={})
    empty.missing["attribution"] = "the design names no outcome activity"
    assert "no outcome activity" in str(attribution_section(empty).body)
    assert "no retention analysis" in str(retention_section(empty).body)

"""The report: every analysis computed once and shared, numbers that reconcile, one
self-contained HTML file, and the command that writes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from journeyscope.analytics.steps import design_funnel
from journeyscope.cli import app
from journeyscope.definitions import load_journey
from journeyscope.render.report import SECTIONS, overlay_of, report_html
from journeyscope.services.report import compute_report

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"
ANALYSES = {
    "cases",
    "overview",
    "process map",
    "variants",
    "loops",
    "channels",
    "funnel",
    "conformance",
    "step times",
    "moments",
    "emotion",
    "value",
    "backlog",
    "silent",
    "attribution",
    "retention",
    "lifecycle",
}


@pytest.fixture(scope="module")
def tenancy():
    return load_journey(EXAMPLES / "tenancy.yaml")


@pytest.fixture(scope="module")
def data(synthetic_store, tenancy):
    return compute_report(synthetic_store.events(), tenancy, source="synthetic")


@pytest.fixture(scope="module")
def page(data) -> str:
    return report_html(data, now=NOW)


@pytest.mark.slow
def test_every_analysis_runs_exactly_once(data):
    assert set(data.runs) == ANALYSES
    assert all(n == 1 for n in data.runs.values()), data.runs
    assert set(data.seconds) == ANALYSES


@pytest.mark.slow
def test_numbers_from_different_views_reconcile(data, tenancy):
    cases = data.overview["cases"]
    assert data.process.cases == cases
    assert data.variants.cases == cases
    assert data.conformance.cases == cases  # the scope is the design's cases
    assert sum(v.cases for v in data.variants.top) <= cases
    # the funnel's first step is the first designed step that is not optional
    first = design_funnel(tenancy)[0]
    assert data.funnel.steps[0].activities == list(first.activities)
    overlay = overlay_of(data)
    by_id = {s.id: s for s in data.conformance.steps}
    for step_id, actual in overlay.steps.items():
        assert actual.cases == by_id[step_id].cases
    assert overlay.reached_outcome == data.conformance.reached_outcome


@pytest.mark.slow
def test_all_sections_with_a_design(page):
    ids = re.findall(r'<section id="([a-z-]+)" data-section', page)
    assert ids[:9] == [
        "overview",
        "journey-map",
        "blueprint",
        "paths",
        "process-map",
        "funnel",
        "channels",
        "conformance",
        "emotion",
    ]
    assert set(ids) <= set(SECTIONS)
    assert 'class="missing"' not in page.split('id="emotion"')[0]  # nothing left out


@pytest.mark.slow
def test_the_backlog_section_draws_the_story_map(data, page):
    assert data.backlog is not None and data.backlog.stories
    section = _section(page, "backlog")
    assert 'data-picture="story-map"' in section
    top = data.backlog.stories[0]
    assert escape(top.text) in section
    # the story map reuses the report's value stream: failure demand valued the same way
    failures = {s.step: s.opportunity for s in data.value.steps}
    for o in data.backlog.opportunities:
        for e in o.evidence:
            if e.source == "failure demand" and e.step in failures:
                assert e.value_per_year is not None and e.value_per_year.estimate > 0


@pytest.mark.slow
def test_self_contained(page):
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    head, _, rest = page.partition("<script>")  # leave plotly.js itself out of the search
    ours = head + rest.partition("</script>")[2]
    assert not re.search(r"url\((?!data:|#)", ours), "every url() is inlined"
    assert not re.search(r"""(?:src|href)=["']?https?:""", ours)
    assert page.count("@font-face") == 2  # regular and bold, once for the page
    assert page.count("Plotly.newPlot") == 1 and 'data-figure="' in page
    assert len(page) < 8_000_000
    # each SVG picture is inlined without a second copy of the typeface
    assert page.count("<svg") >= 4


@pytest.mark.slow
def test_html_is_pure(data, page):
    """The same data and time give the same page; the time drawn is the one given."""
    assert report_html(data, now=NOW) == page
    assert "generated 2026-01-02 03:04 UTC" in page
    later = report_html(data, now=datetime(2027, 5, 6, 7, 8, tzinfo=UTC))
    assert "generated 2027-05-06 07:08 UTC" in later and later != page


def _check_without_a_design(data) -> None:
    assert "conformance" not in data.runs and data.runs["funnel"] == 1
    page = report_html(data, now=NOW)
    assert "no designed journey given" in page
    assert 'data-picture="process-map"' in page and 'data-picture="paths-sankey"' in page
    assert data.funnel is not None and len(data.funnel.steps) >= 2


# a second whole report with the survey correction (about 140 s of CPU, most of it the silent
# customers' analysis): the full run only; the fast lane checks the same without the NPS
# answers (test_without_a_design_or_nps_answers), the silent section with the design's report
@pytest.mark.slow
def test_without_a_design(synthetic_store):
    _check_without_a_design(compute_report(synthetic_store.events()))


@pytest.fixture(scope="module")
def without_nps(synthetic_store):
    """The report without a design of the events without NPS answers (no silent analysis)."""
    events = synthetic_store.events()
    return compute_report(
        events.filter(events.survey_type.isnull() | (events.survey_type != "NPS"))
    )


def test_without_a_design_or_nps_answers(without_nps):
    _check_without_a_design(without_nps)


def _section(page: str, sid: str) -> str:
    return page.split(f'<section id="{sid}"')[1].split("</section>")[0]


@pytest.mark.slow
def test_insight_sections_show_their_key_figures(data, page):
    assert data.silent is not None and data.moments is not None and data.value is not None
    silent = _section(page, "silent")
    from journeyscope.analytics.silent_text import headline_text

    assert escape(headline_text(data.silent)) in silent  # estimate, range or abstention
    for strategy in data.silent.strategies:
        assert escape(strategy.assumption) in silent  # each strategy with its assumption
        if strategy.metric is not None:
            assert f"{strategy.metric:+.1f}" in silent
    assert "truth" in silent and "respondents only (naive)" in silent
    assert 'data-picture="silent-sensitivity"' in silent
    moments = _section(page, "moments")
    assert data.moments.designed and "Designed moments of truth" in moments
    first = data.moments.designed[0]
    assert f"<td>{escape(first.name)}</td><td>{first.verdict}</td>" in moments
    assert escape(data.moments.moments[0].candidate) in moments
    value = _section(page, "value")
    assert data.value.opportunities
    assert f"<td>{escape(data.value.opportunities[0].name)}</td>" in value
    assert "Cost to serve" in value
    # the felt emotion comes from the emotion analysis
    assert any(s.felt_emotion is not None for s in overlay_of(data).steps.values())


def test_silent_section_without_nps_answers(without_nps):
    data = without_nps
    assert data.silent is None and "silent" not in data.runs
    silent = _section(report_html(data, now=NOW), "silent")
    assert 'class="missing"' in silent and "no NPS answers in the data" in silent


@pytest.mark.slow
def test_the_report_counts_contacts_with_the_one_classification(data):
    """The report's channel figures are the channels analysis with the same classification:
    outbound and back-office events are no contacts (no second, name-based rule)."""
    assert data.channels is not None
    assert "classification" in data.channels.model_dump()


@pytest.mark.slow
def test_report_command_on_a_small_store(small_store, tmp_path):
    """The command end to end (options, design, variant, the file written) on 300 customers;
    the figures are checked on the computed report above (``small_store``: tests/conftest.py)."""
    _report_command(Path(small_store.path), tmp_path)


# the command on the 2,000 customers (about 110 s of CPU): the full run only; the fast lane
# runs it on a small store (test_report_command_on_a_small_store)
@pytest.mark.slow
def test_report_command(synthetic_store, tmp_path):
    _report_command(Path(synthetic_store.path), tmp_path)


def _report_command(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--out",
            str(out),
            "--store",
            str(store),
            "--design",
            str(EXAMPLES / "tenancy.yaml"),
            "--variant",
            "assisted",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size > 1_000_000
    assert "Journey report: Establish a tenancy" in out.read_text(encoding="utf-8")


def test_report_command_says_what_is_wrong(tmp_path):
    result = CliRunner().invoke(app, ["report", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no such store" in result.output

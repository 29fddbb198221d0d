"""What the report shows (render/report_data.py): the sections in page order and a
ReportData whose results start as not computed."""

from __future__ import annotations

import dataclasses
import re

from journeyscope.render.report_data import SECTIONS, ReportData


def _empty() -> ReportData:
    return ReportData(title="t", journey=None, case_rule="case id", source="", overview={})


def test_sections_are_listed_in_page_order_with_anchor_ids() -> None:
    assert list(SECTIONS)[:3] == ["overview", "journey-map", "blueprint"]
    assert list(SECTIONS)[-4:] == ["attribution", "retention", "lifecycle", "backlog"]
    assert len(SECTIONS) == 16
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", sid) for sid in SECTIONS)  # usable as #anchors
    assert len(set(SECTIONS.values())) == len(SECTIONS)  # no two sections share a title
    assert SECTIONS["silent"] == "Silent customers"


def test_every_result_starts_as_not_computed_and_money_is_in_euros() -> None:
    data = _empty()
    results = [f.name for f in dataclasses.fields(ReportData) if f.default is None]
    assert "conformance" in results and "backlog" in results and "silent" in results
    assert all(getattr(data, name) is None for name in results)
    assert data.currency == "EUR"
    assert (data.step_medians, data.insights, data.missing, data.seconds, data.runs) == (
        {},
        {},
        {},
        {},
        {},
    )


def test_two_reports_share_no_dictionary() -> None:
    a, b = _empty(), _empty()
    a.missing["funnel"] = "no design"
    a.runs["funnel"] = 1
    a.step_medians["apply"] = 60.0
    assert b.missing == {} and b.runs == {} and b.step_medians == {}

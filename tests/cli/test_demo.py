"""The demo's last step writes the report of the synthetic store, with the tenancy design."""

from __future__ import annotations

import pytest

from journeyscope.cli.demo import demo_design, write_demo_report
from journeyscope.config import Settings


# a whole report with the design (minutes on a shared machine): the full run only; the report
# command itself stays in the fast lane (tests/render/test_report.py::test_report_command)
@pytest.mark.slow
def test_demo_step_writes_the_report(synthetic_store, tmp_path):
    assert demo_design() is not None and demo_design().name == "tenancy.yaml"
    out = write_demo_report(synthetic_store.path, tmp_path, Settings())
    page = out.read_text(encoding="utf-8")
    assert out == tmp_path / "report.html"
    assert "Journey report: Establish a tenancy" in page
    assert 'data-picture="journey-map"' in page and 'data-picture="blueprint"' in page

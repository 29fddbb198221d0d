"""``journeyscope report`` (cli/report.py): the page written where asked, the options that reach
``build_report``, the design's variant, the PNG export, bad options as one clear line.

The report's services and pictures import Plotly and SciPy (seconds) and run every analysis;
most tests here put stand-ins in their place that record what the command asked. The real
page is drawn in the full lane below, and on a four-case store by tests/cli/test_cohort_option.py."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from command_kit import four_case_store, outcome, run_cli
from journeyscope.analytics.cases import CaseRule
from journeyscope.definitions import load_journey

TENANCY = Path(__file__).resolve().parents[2] / "examples" / "journeys" / "tenancy.yaml"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``build_report``, ``report_html`` and ``export_pngs`` as stand-ins (modules put in
    ``sys.modules``, where the command's imports find them): what each was given."""
    seen: dict[str, Any] = {}

    def build_report(settings: Any, journey: Any, **options: Any) -> dict[str, Any]:
        seen.update(settings=settings, journey=journey, **options)
        return {"title": options["title"]}

    def report_html(data: dict[str, Any], *, now: datetime) -> str:
        seen["now"] = now
        return f"<html>{data['title']}</html>"

    def export_pngs(report: Path, out_dir: Path) -> list[Path]:
        seen["pngs"] = (report, out_dir)
        return [out_dir / "funnel.png", out_dir / "map.png"]

    for name, stand_in in [
        ("journeyscope.services.report", build_report),
        ("journeyscope.render.report", report_html),
        ("journeyscope.render.png", export_pngs),
    ]:
        module = types.ModuleType(name)
        setattr(module, stand_in.__name__, stand_in)
        monkeypatch.setitem(sys.modules, name, module)
    return seen


def test_the_page_is_written_where_asked_with_the_options_given(
    tmp_path: Path, asked: dict[str, Any]
) -> None:
    out = tmp_path / "new" / "folder" / "r.html"
    code, stdout, err = outcome(
        "report",
        "--store",
        str(tmp_path / "s.duckdb"),
        "--out",
        str(out),
        "--title",
        "Tiny shop",
        "--value-per-case",
        "250",
        "--case-rule",
        "gap",
        "--gap",
        "30d",
    )
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8") == "<html>Tiny shop</html>"
    assert f"report: {out} (0.0 MB)" in err
    assert asked["settings"].store == tmp_path / "s.duckdb"
    assert asked["journey"] is None and asked["title"] == "Tiny shop"
    assert asked["value_per_case"] == 250.0
    assert asked["rule"] == CaseRule.inactivity(timedelta(days=30))
    assert asked["now"].tzinfo is UTC
    assert "pngs" not in asked


def test_the_defaults_are_report_html_the_given_cases_and_no_title(
    tmp_path: Path, asked: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli("report", "--store", "s.duckdb")
    assert (tmp_path / "report.html").is_file()
    assert asked["rule"] == CaseRule.given() and asked["title"] is None
    assert asked["value_per_case"] == 0.0


def test_a_design_and_its_variant_are_what_the_report_draws(
    tmp_path: Path, asked: dict[str, Any]
) -> None:
    page = str(tmp_path / "r.html")
    run_cli("report", "--store", "s.duckdb", "--out", page, "--design", str(TENANCY))
    assert asked["journey"] == load_journey(TENANCY)
    run_cli(
        "report",
        "--store",
        "s.duckdb",
        "--out",
        page,
        "--design",
        str(TENANCY),
        "--variant",
        "assisted",
    )
    assisted = load_journey(TENANCY).variant("assisted")
    assert asked["journey"] == assisted and assisted != load_journey(TENANCY)


def test_png_dir_exports_the_pictures_of_the_page_written(
    tmp_path: Path, asked: dict[str, Any]
) -> None:
    out, pictures = tmp_path / "r.html", tmp_path / "png"
    code, _, err = outcome(
        "report", "--store", "s.duckdb", "--out", str(out), "--png-dir", str(pictures)
    )
    assert code == 0
    assert asked["pngs"] == (out, pictures)
    assert f"2 pictures: {pictures}" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--design", "nope.yaml"], "nope.yaml: cannot read"),
        (["--case-rule", "bogus"], "unknown case rule 'bogus' (choose given, customer, gap"),
        (["--case-rule", "gap"], "--case-rule gap needs --gap"),
        (["--case-rule", "start"], "--case-rule start needs at least one --case-activity"),
        (["--variant", "assisted"], "give --design too"),
        (["--design", str(TENANCY), "--variant", "asisted"], "did you mean assisted?"),
    ],
)
def test_bad_options_are_one_clear_line_and_write_nothing(
    tmp_path: Path, asked: dict[str, Any], args: list[str], message: str
) -> None:
    out = tmp_path / "r.html"
    code, stdout, err = outcome("report", "--store", "s.duckdb", "--out", str(out), *args)
    assert code == 2 and stdout == ""
    assert message in err and "Traceback" not in err
    assert not out.exists() and asked == {}


@pytest.mark.slow
def test_the_real_page_of_a_four_case_store(tmp_path: Path) -> None:
    """The real services and page (seconds of imports and analyses: the full lane)."""
    store = four_case_store(tmp_path)
    out = tmp_path / "a" / "b" / "r.html"
    code, _, err = outcome("report", "--store", store, "--out", str(out), "--title", "Tiny shop")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "Tiny shop" in html and "4 cases, 8 events" in html
    assert f"report: {out} ({out.stat().st_size / 1e6:.1f} MB)" in err

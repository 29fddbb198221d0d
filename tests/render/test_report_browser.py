"""The report in a real browser, offline: every section drawn, no console errors, no request
leaving the file, no text drawn over other text — for the synthetic journeys and for the
real permit-receipt log. PNG export of every picture.

Chromium is the system's (``/usr/bin/chromium`` or ``JOURNEYSCOPE_CHROMIUM``); when it is
missing these tests fail and say so.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from journeyscope.definitions import load_journey
from journeyscope.errors import BrowserNotFoundError
from journeyscope.events import Store
from journeyscope.render.png import CHROMIUM_ARGS, export_pngs, find_chromium
from journeyscope.render.report import report_html
from journeyscope.services.report import compute_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"
# Chromium on whole reports (minutes on a shared machine, with waits that time out under load):
# the full run only; test_report.py checks the same pages' content in the fast lane
pytestmark = pytest.mark.slow

#: Text boxes (per line) of different <text> elements that overlap by more than this.
_OVERLAPS_JS = """
(svg) => {
  const boxes = [];
  svg.querySelectorAll('text').forEach((t, i) => {
    const spans = t.querySelectorAll('tspan');
    (spans.length ? Array.from(spans) : [t]).forEach(p => {
      const r = p.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) boxes.push([i, r.left, r.top, r.right, r.bottom, p.textContent]);
    });
  });
  const found = [];
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      const A = boxes[a], B = boxes[b];
      if (A[0] === B[0]) continue;
      const ox = Math.min(A[3], B[3]) - Math.max(A[1], B[1]);
      const oy = Math.min(A[4], B[4]) - Math.max(A[2], B[2]);
      if (ox > 1 && oy > 3) found.push([A[5], B[5]]);
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        return find_chromium()
    except BrowserNotFoundError as exc:
        pytest.fail(f"{exc} (the browser tests need it; scripts/system-deps.sh installs it)")


@pytest.fixture(scope="module")
def synthetic_report(synthetic_store, tmp_path_factory) -> Path:
    journey = load_journey(EXAMPLES / "tenancy.yaml")
    data = compute_report(synthetic_store.events(), journey, source="synthetic journeys")
    path = tmp_path_factory.mktemp("report") / "synthetic.html"
    path.write_text(report_html(data, now=datetime(2026, 1, 2, tzinfo=UTC)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def receipt_report(real_data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("receipt")
    with Store(folder / "store.duckdb") as store:
        store.ingest(real_data / "receipt.csv")
        journey = load_journey(EXAMPLES / "permit_receipt.yaml")
        data = compute_report(store.events(), journey, source="receipt.csv (CoSeLoG, 4TU)")
    path = folder / "receipt.html"
    path.write_text(report_html(data, now=datetime(2026, 1, 2, tzinfo=UTC)), encoding="utf-8")
    return path


def _open(chromium: str, report: Path) -> dict[str, Any]:
    """Open ``report`` offline; return what a reader would meet."""
    from playwright.sync_api import Route, sync_playwright

    errors: list[str] = []
    requests: list[str] = []

    def offline(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", offline)
            page.goto(report.as_uri())
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.chart'))"
                ".every(c => c.getAttribute('data-rendered') === 'true')",
                timeout=60_000,
            )
            sections = {}
            for section in page.query_selector_all("section"):
                sid = section.get_attribute("id")
                svgs = [
                    s.bounding_box()
                    for s in section.query_selector_all(".picture-scroll > svg")
                    if s.is_visible()
                ]
                charts = len(section.query_selector_all(".chart .main-svg"))
                missing = len(section.query_selector_all(".missing"))
                text = section.inner_text()
                sections[sid] = {"svgs": svgs, "charts": charts, "missing": missing, "text": text}
            overlaps = {}
            for svg in page.query_selector_all(".picture-scroll > svg"):
                if svg.is_visible():
                    name = svg.evaluate("s => s.closest('figure').dataset.picture")
                    overlaps[name] = svg.evaluate(_OVERLAPS_JS)
            page.click("label[for=pm-mode-duration]")
            duration = page.query_selector("figure[data-picture=process-map-duration] svg")
            assert duration is not None and duration.is_visible()
            overlaps["process-map-duration"] = duration.evaluate(_OVERLAPS_JS)
            activities = len(
                page.query_selector_all("figure[data-picture=process-map] rect.activity")
            )
        finally:
            browser.close()
    return {
        "errors": errors,
        "requests": requests,
        "sections": sections,
        "overlaps": overlaps,
        "activities": activities,
    }


def _check(seen: dict[str, Any], expect_charts: dict[str, int]) -> None:
    assert seen["errors"] == [], seen["errors"]
    assert seen["requests"] == [], f"the report tried to reach {seen['requests']}"
    sections = seen["sections"]
    for sid in ("journey-map", "blueprint", "process-map"):
        assert sections[sid]["svgs"], f"{sid}: nothing drawn"
        assert all(b["width"] > 200 and b["height"] > 150 for b in sections[sid]["svgs"])
    for sid, n in expect_charts.items():
        assert sections[sid]["charts"] >= n, f"{sid}: chart not drawn"
    for sid, found in sections.items():
        assert (
            found["svgs"]
            or found["charts"]
            or found["missing"]
            or sid
            in ("overview", "conformance", "moments", "silent", "value", "attribution", "retention")
        ), sid
        assert "NaN" not in found["text"] and "None" not in found["text"], sid
    for picture, pairs in seen["overlaps"].items():
        assert pairs == [], f"{picture}: text over text: {pairs[:5]}"


def test_synthetic_report_in_the_browser(chromium, synthetic_report):
    seen = _open(chromium, synthetic_report)
    _check(seen, {"paths": 1, "funnel": 1, "channels": 1, "emotion": 1})
    assert seen["sections"]["conformance"]["text"].count("%") >= 5


def test_real_receipt_report_is_as_readable(chromium, receipt_report):
    seen = _open(chromium, receipt_report)
    _check(seen, {"paths": 1, "funnel": 1, "emotion": 1})
    assert seen["activities"] >= 25  # the log's 27 activities, on one map
    assert "Confirmation of receipt" in seen["sections"]["paths"]["text"]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_png_export_of_every_picture(chromium, synthetic_report, tmp_path):
    written = export_pngs(synthetic_report, tmp_path / "png", chromium=chromium)
    names = {p.stem for p in written}
    assert {
        "journey-map",
        "blueprint",
        "paths-sankey",
        "process-map",
        "process-map-duration",
        "funnel-chart",
        "channel-switches",
        "emotion-curve",
    } <= names
    for path in written:
        width, height = _png_size(path)
        assert width > 400 and height > 200, path
    # wide pictures come out whole, not cut at the frame (2x pixel density)
    # (the journey map wraps its stages onto rows 932 px wide)
    assert _png_size(tmp_path / "png" / "journey-map.png")[0] >= 2 * 900

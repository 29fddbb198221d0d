"""PNG pictures of a report, drawn by the system's Chromium (through Playwright).

The one part of :mod:`journeyscope.render` that is not a pure function: it opens the
written report in a headless browser, offline (every request that is not the file itself is
refused), waits for the charts, and saves each picture — the journey map, the blueprint,
both process maps, the Sankey and every chart — as ``<picture>.png`` at twice the pixel
density, uncut (wide pictures are not clipped by their scroll frames).

Chromium is looked up in ``JOURNEYSCOPE_CHROMIUM``, then ``/usr/bin/chromium``, then on the
``PATH``; Playwright's own browser download is not needed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

from journeyscope.errors import BrowserNotFoundError

#: Flags for a headless Chromium that reaches nothing outside the page.
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_EXPORT_CSS: Final = """
nav.toc { display: none !important; }
.picture-scroll { overflow: visible !important; border: none !important; }
.pm-duration { display: block !important; }
.zoom { display: none !important; }
.picture-scroll.fit > svg { width: auto !important; height: auto !important; }
"""


def find_chromium() -> str:
    """The Chromium executable to use; :class:`BrowserNotFoundError` when there is none."""
    candidates = [os.environ.get("JOURNEYSCOPE_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    raise BrowserNotFoundError(
        "no Chromium found to draw PNG pictures with: install it (scripts/system-deps.sh) "
        "or set JOURNEYSCOPE_CHROMIUM to its path"
    )


def export_pngs(report: Path, out_dir: Path, *, chromium: str | None = None) -> list[Path]:
    """Save every picture of the HTML ``report`` as a PNG in ``out_dir``; returns the files."""
    try:
        from playwright.sync_api import Route, sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is installed with the dev tools
        raise BrowserNotFoundError(
            "PNG export needs the playwright package (pip install playwright)"
        ) from exc
    executable = chromium or find_chromium()
    out_dir.mkdir(parents=True, exist_ok=True)
    url = report.resolve().as_uri()
    written: list[Path] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
            page.route("**/*", offline)
            page.goto(url)
            page.add_style_tag(content=_EXPORT_CSS)
            # pictures at full size, never fitted to the frame (the report's zoom switch)
            page.evaluate(
                "document.querySelectorAll('.picture-scroll.fit')"
                ".forEach(f => f.classList.remove('fit'))"
            )
            page.wait_for_function(
                "Array.from(document.querySelectorAll('.chart'))"
                ".every(c => c.getAttribute('data-rendered') === 'true')",
                timeout=120_000,
            )
            widest = page.evaluate(
                "Math.max(1400, ...Array.from(document.querySelectorAll("
                "'figure.picture svg, figure.picture .chart')).map(e => "
                "Math.ceil(e.getBoundingClientRect().width) + 80))"
            )
            page.set_viewport_size({"width": int(widest), "height": 1000})
            for figure in page.query_selector_all("figure.picture"):
                name = figure.get_attribute("data-picture") or f"picture-{len(written) + 1}"
                target = figure.query_selector(".chart") or figure.query_selector("svg")
                if target is None:
                    continue
                path = out_dir / f"{name}.png"
                target.screenshot(path=str(path))
                written.append(path)
        finally:
            browser.close()
    return written

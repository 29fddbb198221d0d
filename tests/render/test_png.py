"""PNG export (render/png.py) without a browser: where Chromium is looked for, the flags that
keep it offline, and a clear error when there is none (the browser tests draw the pictures)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from journeyscope.errors import BrowserNotFoundError
from journeyscope.render import png


def _executable(folder: Path, name: str = "my-chromium") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def _nowhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Chromium on this machine: none on the PATH, and nothing executable anywhere."""
    monkeypatch.delenv("JOURNEYSCOPE_CHROMIUM", raising=False)
    monkeypatch.setattr(png.shutil, "which", lambda name: None)
    monkeypatch.setattr(png.os, "access", lambda path, mode: False)


def test_the_configured_browser_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = _executable(tmp_path)
    monkeypatch.setenv("JOURNEYSCOPE_CHROMIUM", str(browser))
    assert png.find_chromium() == str(browser)


def test_a_configured_path_that_cannot_run_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_executable = tmp_path / "chromium.txt"
    not_executable.write_text("")
    on_path = _executable(tmp_path, "chromium")
    monkeypatch.setenv("JOURNEYSCOPE_CHROMIUM", str(not_executable))
    can_run = os.access  # the real check, but for the system's browser: pretend it is absent
    monkeypatch.setattr(
        png.os,
        "access",
        lambda path, mode: str(path) != "/usr/bin/chromium" and can_run(path, mode),
    )
    monkeypatch.setattr(
        png.shutil, "which", lambda name: str(on_path) if name == "chromium" else None
    )
    assert png.find_chromium() == str(on_path)


def test_no_browser_is_an_error_that_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _nowhere(monkeypatch)
    with pytest.raises(BrowserNotFoundError, match="JOURNEYSCOPE_CHROMIUM"):
        png.find_chromium()
    out = tmp_path / "png"
    with pytest.raises(BrowserNotFoundError, match="no Chromium found"):
        png.export_pngs(tmp_path / "report.html", out)
    assert not out.exists()  # nothing written before the browser is found


def test_chromium_runs_headless_and_reaches_nothing() -> None:
    flags = set(png.CHROMIUM_ARGS)
    assert {"--headless", "--disable-background-networking", "--disable-component-update"} <= flags
    assert {"--disable-sync", "--no-first-run"} <= flags
    assert os.sep not in "".join(flags)  # flags only, no path baked in

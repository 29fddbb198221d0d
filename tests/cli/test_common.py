"""The command line's shared pieces (``cli/common.py``): the console on standard error, JSON
on standard output, the progress bar and the store a command works on."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
import typer
from rich.console import Console

from journeyscope.cli import common, options
from journeyscope.config import Settings


def test_the_console_writes_to_standard_error(capsys: pytest.CaptureFixture[str]) -> None:
    common.console.print("a message for the person")
    out, err = capsys.readouterr()
    assert out == "" and "a message for the person" in err


def test_json_goes_to_standard_output_indented_with_text_kept_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    common.print_json(
        {"store": Path("/tmp/s.duckdb"), "at": datetime(2024, 1, 2, tzinfo=UTC), "name": "Zoë"}
    )
    out, err = capsys.readouterr()
    assert err == ""
    assert out.endswith("}\n") and '\n  "name": "Zoë"' in out  # two spaces, not \u00eb
    assert json.loads(out) == {
        "store": "/tmp/s.duckdb",
        "at": "2024-01-02 00:00:00+00:00",
        "name": "Zoë",
    }


def test_the_shared_options_are_the_options_modules() -> None:
    assert common.JsonOption is options.JsonOption
    assert common.StoreOption is options.StoreOption
    assert set(common.__all__) >= {"console", "print_json", "progress_bar", "store_path"}


def test_a_store_given_is_used_else_the_command_lines_settings(tmp_path: Path) -> None:
    given = tmp_path / "given.duckdb"
    assert common.store_path(given) == given  # no settings needed
    settings = Settings(store=tmp_path / "configured.duckdb")
    root = typer.Context(click.Command("journeyscope"), obj=settings)
    with typer.Context(click.Command("stats"), parent=root):
        assert common.store_path(None) == tmp_path / "configured.duckdb"
        assert common.store_path(given) == given


def test_the_progress_bar_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, force_terminal=True, width=80))
    with common.progress_bar("ingesting") as update:
        update(40.0)
        update(100.0)
    drawn = screen.getvalue()
    assert "ingesting" in drawn and "100.0%" in drawn


def test_the_progress_bar_stays_silent_when_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, force_terminal=False))
    with common.progress_bar("ingesting") as update:
        update(100.0)
    assert screen.getvalue() == ""

"""Starting the command line is cheap: importing it (and printing its help) loads none of the
heavy libraries; each command imports what it uses when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

import journeyscope
from journeyscope.cli import app
from journeyscope.cli.ingest import FORMATS

HEAVY = ("pandas", "scipy", "sklearn", "pyspark", "plotly", "ibis", "duckdb")

_LOADED = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(code=code, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_nothing_heavy() -> None:
    assert _heavy_after("import journeyscope.cli") == []


def test_help_of_every_command_loads_nothing_heavy() -> None:
    code = """
from journeyscope.cli import app
for args in (["--help"], ["funnel", "--help"], ["ingest", "--help"], ["report", "--help"],
             ["design", "--help"], ["silent", "--help"]):
    try:
        app(args)
    except SystemExit as exc:
        assert exc.code == 0, (args, exc.code)
"""
    assert _heavy_after(code) == []


def test_the_root_package_is_lazy_and_still_public() -> None:
    assert _heavy_after("import journeyscope; journeyscope.Settings; journeyscope.StoreError") == []
    assert _heavy_after("import journeyscope; journeyscope.Store") != []
    assert journeyscope.Store.__module__ == "journeyscope.events.store"


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (
        result.exit_code == 0
        and result.stdout.strip() == f"journeyscope {journeyscope.__version__}"
    )


def test_the_format_list_of_ingest_help_is_the_readers_list() -> None:
    from journeyscope.events.readers import FORMATS as READERS

    assert READERS == FORMATS


def test_a_bad_setting_is_one_clear_line(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("JOURNEYSCOPE_CHANNEL_COSTS", "not json")
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "JOURNEYSCOPE_CHANNEL_COSTS" in result.stderr and "Traceback" not in result.stderr

"""Starting the command line is cheap: importing it (and printing its help) loads none of the
heavy libraries; each command imports what it uses when it runs."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import journeyscope
from import_kit import loaded_after
from journeyscope.cli import app
from journeyscope.cli.ingest import FORMATS

HEAVY = ("pandas", "scipy", "sklearn", "pyspark", "plotly", "ibis", "duckdb")


def _heavy_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return loaded_after(code, heavy)


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


@pytest.mark.slow
def test_the_root_package_is_lazy_and_still_public() -> None:
    assert _heavy_after("import journeyscope; journeyscope.Settings; journeyscope.StoreError") == []
    assert _heavy_after("import journeyscope; journeyscope.Store") != []
    assert journeyscope.Store.__module__ == "journeyscope.events.store"


#: What no DFG or funnel needs: the statistical analyses' libraries, plotting, Spark.
STATISTICS = ("pandas", "scipy", "sklearn", "statsmodels", "pyspark", "plotly")


@pytest.mark.slow
def test_a_dfg_and_a_funnel_command_load_no_statistics_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Running ``dfg --json`` and ``funnel --json`` (the CLI, the analyses service, the
    backend, Arrow to rows) imports only the analyses they run: before, importing any analysis
    imported them all, and with them pandas, SciPy and scikit-learn."""
    from journeyscope import synthetic
    from journeyscope.events import Store

    synthetic.write(synthetic.generate(60, seed=3), tmp_path / "events.parquet")
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "events.parquet")
    code = f"""
from journeyscope.cli import app
for args in (["dfg"], ["funnel", "Visit loan page", "Start loan application"]):
    try:
        app([*args, "--json", "--store", {str(tmp_path / "store.duckdb")!r}])
    except SystemExit as exc:
        assert exc.code in (0, None), (args, exc.code)
"""
    assert _heavy_after(code, (*STATISTICS, "journeyscope.analytics.moments")) == []
    assert _heavy_after("import sklearn", STATISTICS) != []  # the check sees what is loaded


def test_the_analytics_package_is_lazy_and_still_public() -> None:
    import journeyscope.analytics as analytics

    assert _heavy_after("import journeyscope.analytics.process", STATISTICS) == []
    assert analytics.DfgQuery.__module__ == "journeyscope.analytics.process"
    assert set(analytics.__all__) <= set(dir(analytics))


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


def test_ingest_passes_the_ocel_object_type_on(tmp_path, real_data) -> None:  # type: ignore[no-untyped-def]
    """Before, --object-type was accepted and dropped: every object became a case."""
    log = str(real_data / "ocel20_example.jsonocel")
    counts = {}
    for kind in ("Invoice", "*"):  # "*": every object is a case
        store = str(tmp_path / f"{'all' if kind == '*' else kind}.duckdb")
        ingest = CliRunner().invoke(app, ["ingest", log, "--store", store, "--object-type", kind])
        assert ingest.exit_code == 0, ingest.stderr
        out = CliRunner().invoke(app, ["stats", "--store", store, "--json"])
        counts[kind] = json.loads(out.stdout)["cases"]
    assert counts["Invoice"] == 3  # the log's three invoices
    assert counts["*"] > counts["Invoice"]


def test_settings_are_built_once_in_the_cli_callback() -> None:
    """No module under cli/, render/ or services/ builds its own Settings (they are injected)."""
    import ast
    from pathlib import Path

    root = Path(journeyscope.__file__).parent
    built = []
    for folder in ("cli", "render", "services"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "Settings"
                ):
                    built.append(f"{path.relative_to(root)}:{node.lineno}")
    assert len(built) == 1 and built[0].startswith("cli/__init__.py:"), built


def test_no_cli_module_imports_private_helpers_of_another() -> None:
    import ast
    from pathlib import Path

    root = Path(journeyscope.__file__).parent / "cli"
    private = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "journeyscope.cli"
            ):
                private += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert private == []

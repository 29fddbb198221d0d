"""Which engines an analytics test runs on: DuckDB always; Spark as well only where the test
is marked ``both_engines`` (``pytest_generate_tests`` in this folder's conftest)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


class _Definition:
    def __init__(self, marks: set[str]) -> None:
        self.marks = marks

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.marks else None


class _Metafunc:
    """What the hook reads of pytest's ``Metafunc``, recording what it parametrizes."""

    def __init__(self, fixtures: list[str], marks: set[str]) -> None:
        self.fixturenames = fixtures
        self.definition = _Definition(marks)
        self.calls: list[tuple[str, list[str], bool]] = []

    def parametrize(self, name: str, values: list[Any], indirect: bool = False) -> None:
        engines = [getattr(v, "values", (v,))[0] for v in values]  # pytest.param or a plain value
        self.calls.append((name, engines, indirect))


def _conftest(request: pytest.FixtureRequest) -> ModuleType:
    for plugin in request.config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == str(HERE / "conftest.py"):
            return plugin  # type: ignore[no-any-return]
    raise AssertionError("this folder's conftest is not loaded")


@pytest.mark.parametrize(
    "fixtures", [["backend"], ["declared", "backend"]], ids=["backend", "declared"]
)
def test_the_engine_fixtures_run_on_duckdb_unless_marked(
    request: pytest.FixtureRequest, fixtures: list[str]
) -> None:
    """``fixtures``: what pytest hands the hook for a test that reads ``backend``, or
    ``declared`` (which reads ``backend``)."""
    hook = _conftest(request).pytest_generate_tests
    plain = _Metafunc([*fixtures, "tmp_path"], set())
    marked = _Metafunc(fixtures, {"both_engines"})
    hook(plain)
    hook(marked)
    assert plain.calls == [("backend", ["duckdb"], True)]
    assert marked.calls == [("backend", ["duckdb", "spark"], True)]


def test_a_declared_test_gets_one_engine(
    declared: object, backend: str, request: pytest.FixtureRequest
) -> None:
    assert backend == "duckdb" and request.node.name.endswith("[duckdb]")


def test_a_test_without_either_fixture_is_not_parametrized(request: pytest.FixtureRequest) -> None:
    metafunc = _Metafunc(["tmp_path"], {"both_engines"})
    _conftest(request).pytest_generate_tests(metafunc)
    assert metafunc.calls == []


def test_an_unmarked_test_gets_duckdb(backend: str, request: pytest.FixtureRequest) -> None:
    assert backend == "duckdb" and request.node.name.endswith("[duckdb]")

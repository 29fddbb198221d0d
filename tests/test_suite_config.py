"""The test suite's own guarantees: a hang fails (a per-test timeout, in the full run and in
the fast lane alike) instead of stalling CI, and the fast lane is the full run minus the tests
marked slow."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> str:
    """The command lines of a Makefile target."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, flags=re.MULTILINE)
    assert found, f"no target {target!r} in the Makefile"
    return found[1]


def test_every_test_has_a_timeout(request: pytest.FixtureRequest) -> None:
    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    configured = int(options["tool"]["pytest"]["ini_options"]["timeout"])
    assert configured > 0
    assert request.config.pluginmanager.hasplugin("timeout"), "pytest-timeout is not installed"
    assert float(request.config.getini("timeout")) == configured


@pytest.mark.parametrize("target", ["test", "check"])
def test_neither_lane_switches_the_timeout_off(target: str) -> None:
    recipe = _recipe(target)
    assert "pytest" in recipe
    assert not re.search(r"--timeout[= ]0\b|no:timeout", recipe), recipe


def test_the_fast_lane_is_the_full_run_without_the_slow_tests() -> None:
    check, full = _recipe("check"), _recipe("test")
    assert '-m "not slow"' in check and "-m" not in full.replace("-m pytest", "")


@pytest.mark.spark
def test_a_spark_test_is_slow_wherever_it_is_declared(request: pytest.FixtureRequest) -> None:
    """This test is marked spark only; the suite's hook marks it slow, so the fast lane (which
    runs no Spark) deselects it."""
    assert request.node.get_closest_marker("slow") is not None


def test_the_fast_lane_runs_a_quarter_of_each_propertys_examples(
    request: pytest.FixtureRequest,
) -> None:
    """Property tests take ``max_examples=examples(n)``: all n in the full run, a quarter (at
    least 10) when this run deselects the slow tests; Hypothesis' default of 100 likewise."""
    from hypothesis import settings

    import lanes

    fast = lanes.is_fast_lane(request.config.getoption("markexpr") or "")
    assert lanes.fast is fast
    assert [lanes.examples(n) for n in (300, 40, 12, 5)] == (
        [75, 10, 10, 5] if fast else [300, 40, 12, 5]
    )
    assert settings.default.max_examples == (25 if fast else 100)

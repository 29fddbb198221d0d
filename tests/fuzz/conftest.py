"""Fuzz tests write their tally (inputs per target, outcomes) when JS_FUZZ_REPORT is set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import write_tally


@pytest.fixture(scope="session", autouse=True)
def _tally() -> object:
    yield
    write_tally()

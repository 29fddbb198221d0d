"""The command-line tests read tables as a person on a wide terminal would."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console takes its width once, when it is created (from ``COLUMNS`` or the
    terminal): which test imports it first must not decide how every later table wraps."""
    from journeyscope.cli.common import console

    monkeypatch.setattr(console, "_width", 200)

"""The statistical analyses import their heavy libraries where they compute, not on import:
a command, a page or a report that only builds a query (or reads a result's type) does not
load pandas, scikit-learn or statsmodels for it."""

from __future__ import annotations

import pytest

from import_kit import loaded_after


def _loaded_by(module: str, heavy: tuple[str, ...]) -> list[str]:
    return loaded_after(f"import {module}", heavy)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        # moments and the emotion curve need none of them until they fit
        ("journeyscope.analytics.moments", ("pandas", "scipy", "sklearn", "statsmodels")),
        ("journeyscope.analytics.emotion", ("pandas", "scipy", "sklearn", "statsmodels")),
        # the silent result's types come from the identification strategies (SciPy), but
        # neither the feature matrix (pandas) nor the models (scikit-learn) load on import
        ("journeyscope.analytics.silent", ("pandas", "sklearn", "statsmodels")),
    ],
)
def test_importing_an_analysis_loads_no_statistics_library(
    module: str, heavy: tuple[str, ...]
) -> None:
    assert _loaded_by(module, heavy) == []


@pytest.mark.slow
def test_the_check_sees_what_is_loaded() -> None:
    assert _loaded_by("journeyscope.analytics.models", ("sklearn",)) == ["sklearn"]

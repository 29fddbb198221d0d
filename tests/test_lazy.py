"""The one lazy loader of public names (``lazy.py``), used by the root package, analytics and
the engine: a name is imported from its home on first use and kept, anything else is an
AttributeError naming the closest public names."""

from __future__ import annotations

import sys
import types

import pytest

import journeyscope
import journeyscope.analytics
import journeyscope.engine
from journeyscope.lazy import lazy_names


def _package(homes: dict[str, str]) -> types.ModuleType:
    """A throwaway package module with lazy names, as the three packages declare theirs."""
    module = types.ModuleType("lazypkg")
    module.__all__ = sorted(homes)  # type: ignore[attr-defined]
    module.__getattr__, module.__dir__ = lazy_names(vars(module), homes)  # type: ignore[method-assign]
    return module


def test_a_name_is_imported_from_its_home_on_first_use_and_kept() -> None:
    module = _package({"OrderedDict": "collections", "dedent": "textwrap"})
    assert "dedent" not in vars(module)
    from textwrap import dedent

    assert module.dedent is dedent
    assert vars(module)["dedent"] is dedent  # kept: the next use is a plain lookup
    assert sorted(dir(module)) == sorted(set(vars(module)) | {"OrderedDict", "dedent"})


def test_an_unknown_name_names_the_closest_public_ones() -> None:
    module = _package({"OrderedDict": "collections", "dedent": "textwrap"})
    with pytest.raises(
        AttributeError, match=r"'lazypkg' has no attribute 'dedant' \(did you mean 'dedent'\?\)"
    ):
        _ = module.dedant
    with pytest.raises(AttributeError) as caught:
        _ = module.zzz
    assert str(caught.value) == "module 'lazypkg' has no attribute 'zzz'"


def test_a_home_without_the_name_fails_loudly() -> None:
    module = _package({"nothing_here": "textwrap"})
    with pytest.raises(AttributeError, match="nothing_here"):
        _ = module.nothing_here


@pytest.mark.parametrize("package", [journeyscope, journeyscope.analytics, journeyscope.engine])
def test_the_three_lazy_packages_use_the_one_helper(package: types.ModuleType) -> None:
    assert package.__getattr__.__qualname__ == "lazy_names.<locals>.__getattr__"
    assert set(package.__all__) <= set(dir(package))
    name = sorted(package.__all__)[0]
    assert getattr(package, name) is not None
    with pytest.raises(AttributeError, match=f"did you mean {name!r}"):
        getattr(package, name + "x")
    assert package.__name__ in sys.modules

"""The one lazy loader of public names (``lazy.py``), used by the root package, analytics and
the engine: a name is imported from its home on first use and kept, anything else is an
AttributeError naming the closest public names."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

import journeyscope
import journeyscope.analytics
import journeyscope.engine
from journeyscope.lazy import lazy_names, lazy_reexports, reexports


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


def _write_package(root: Path, name: str, init: str) -> None:
    """A package ``name`` under ``root`` with submodules ``a`` (``A``) and ``b`` (``B``), each
    recording in ``name.LOADED`` (a list on the ``loaded`` module) that it was imported."""
    folder = root / name
    folder.mkdir()
    (root / f"{name}_loaded.py").write_text("LOADED = []\n")
    for sub, cls in (("a", "A"), ("b", "B")):
        (folder / f"{sub}.py").write_text(
            f"import {name}_loaded\n{name}_loaded.LOADED.append({sub!r})\nclass {cls}: pass\n"
        )
    (folder / "__init__.py").write_text(init)


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the finder added here only
    return tmp_path


def test_a_reexporting_package_imports_each_submodule_when_first_used(on_path: Path) -> None:
    _write_package(
        on_path,
        "lazyre1",
        '"""doc"""\nfrom __future__ import annotations\n__all__ = ["A", "B"]\n'
        "from lazyre1.a import A\nfrom lazyre1.b import B\n",
    )
    lazy_reexports("lazyre1")
    lazy_reexports("lazyre1")  # once is enough: a second call adds no finder
    assert sum(getattr(f, "package", None) == "lazyre1" for f in sys.meta_path) == 1
    import lazyre1
    import lazyre1_loaded

    assert lazyre1_loaded.LOADED == []  # nothing imported yet
    assert lazyre1.__all__ == ["A", "B"]
    assert lazyre1.A.__module__ == "lazyre1.a"
    assert lazyre1_loaded.LOADED == ["a"]  # only what was used
    from lazyre1 import B

    assert B.__module__ == "lazyre1.b" and lazyre1.b.B is B
    with pytest.raises(AttributeError, match="'lazyre1' has no attribute 'C'"):
        _ = lazyre1.C


def test_a_package_that_does_more_than_reexport_runs_as_it_is(on_path: Path) -> None:
    _write_package(on_path, "lazyre2", "from lazyre2.a import A\nSIDE = len('effect')\n")
    lazy_reexports("lazyre2")
    import lazyre2
    import lazyre2_loaded

    assert lazyre2.SIDE == 6 and lazyre2_loaded.LOADED == ["a"]  # its __init__ ran


def test_reexports_reads_only_a_pure_reexporting_init() -> None:
    assert reexports("from p.a import A as X\nfrom p.b import B", "p") == {"X": "a", "B": "b"}
    assert reexports("from p.a.deep import A", "p") is None  # not a direct submodule
    assert reexports("from q.a import A", "p") is None
    assert reexports("from .a import A", "p") is None
    assert reexports("import os", "p") is None


def test_ibis_compilers_are_imported_one_by_one_with_every_name_as_before() -> None:
    """In a fresh process: the DuckDB backend loads only DuckDB's compiler; every name the
    package's ``__init__`` lists still resolves to its submodule's class."""
    code = """
import sys, ibis, journeyscope
from pathlib import Path
from importlib.util import find_spec
from journeyscope.lazy import IBIS_COMPILERS, reexports
ibis.duckdb.connect()
loaded = sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith(IBIS_COMPILERS + '.'))
assert loaded == ['_compat', 'base', 'duckdb'], loaded
import ibis.backends.sql.compilers as sc
init = Path(sc.__spec__.origin).read_text()
homes = reexports(init, IBIS_COMPILERS)
assert homes and sorted(homes) == sorted(sc.__all__) and 'PySparkCompiler' in homes, homes
for name, sub in homes.items():
    cls = getattr(sc, name)
    assert cls.__module__ == f'{IBIS_COMPILERS}.{sub}' and getattr(sc, sub).compiler, name
sql = ibis.to_sql(ibis.table({'a': 'int'}, name='t').filter(ibis._.a > 1), dialect='trino')
assert '"t0"."a" > 1' in sql, sql
print('ok')
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]

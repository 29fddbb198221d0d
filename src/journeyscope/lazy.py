"""A package's public names, imported from their home modules on first use (PEP 562).

The root package, ``journeyscope.analytics`` and ``journeyscope.engine`` list where each
public name lives and hand that to :func:`lazy_names`, so that importing the package (or any
module in it) loads no heavy library until a name that needs one is used::

    __getattr__, __dir__ = lazy_names(globals(), {"Store": "journeyscope.events.store"})

>>> space = {"__name__": "pkg", "__all__": ["dumps"]}
>>> getattr_, dir_ = lazy_names(space, {"dumps": "json"})
>>> getattr_("dumps").__module__, "dumps" in space
('json', True)
>>> getattr_("dump")
Traceback (most recent call last):
AttributeError: module 'pkg' has no attribute 'dump' (did you mean 'dumps'?)

The same idea for a library's package that imports all its submodules: :func:`lazy_reexports`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["IBIS_COMPILERS", "lazy_names", "lazy_reexports", "reexports"]

#: The package of Ibis's SQL compilers, one submodule per database.
IBIS_COMPILERS = "ibis.backends.sql.compilers"


def lazy_names(
    namespace: dict[str, Any], homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of the package whose ``globals()`` is
    ``namespace`` (its ``__name__`` and ``__all__`` set): a name of ``homes`` is imported
    from its home module on first use and kept in ``namespace`` (the next use is a plain
    lookup); any other name is an :class:`AttributeError` naming the closest public names,
    so ``from package import submodule`` still finds a submodule."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            from difflib import get_close_matches  # only on a miss: the package stays cheap

            close = get_close_matches(name, namespace.get("__all__", list(homes)), n=3)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
            raise AttributeError(f"module {package!r} has no attribute {name!r}{hint}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__


def lazy_reexports(package: str) -> None:
    """Load ``package`` (of any library) so that each name its ``__init__`` re-exports from a
    submodule is imported when first used, not all of them when the package is.

    Made for Ibis's SQL compilers (:data:`IBIS_COMPILERS`): their package's ``__init__``
    imports the compiler of every database Ibis knows (Athena, BigQuery, Trino... twenty, with
    their SQL dialects), and every Ibis backend imports that package, so opening a DuckDB store
    paid for all of them on every command (0.09 CPU s of the 0.50 that ``import ibis;
    ibis.duckdb.connect()`` takes). Loaded this way the package has the same names
    (``sc.duckdb``, ``sc.DuckDBCompiler``, ``from ...compilers import PostgresCompiler`` all
    work as before), each imported from its submodule on first use. Only an ``__init__`` that
    does nothing but re-export (:func:`reexports`) is loaded this way; another (a later
    version that changed it) runs as it is. A no-op once the package is imported."""
    if package in sys.modules or any(
        isinstance(f, _LazyPackageFinder) and f.package == package for f in sys.meta_path
    ):
        return
    sys.meta_path.insert(0, _LazyPackageFinder(package))


def reexports(source: str, package: str) -> dict[str, str] | None:
    """``{name: submodule}`` of a package ``__init__`` whose only statements are a docstring,
    ``from __future__`` imports, ``__all__ = [...]`` and ``from <package>.<sub> import
    <name>``; ``None`` for any other (it must run as it is).

    >>> reexports("from p.a import A\\nfrom p.b import B as C\\n__all__ = ['A', 'C']", "p")
    {'A': 'a', 'C': 'b'}
    >>> reexports("from p.a import A\\nregister(A)", "p") is None
    True
    """
    homes: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["__all__"]:
            continue
        prefix = package + "."
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module is not None
            and node.module.startswith(prefix)
            and "." not in node.module[len(prefix) :]
        ):
            for alias in node.names:
                homes[alias.asname or alias.name] = node.module[len(prefix) :]
            continue
        return None
    return homes


class _LazyPackageFinder(MetaPathFinder):
    """Finds ``package`` as the file system would, and loads it with :class:`_LazyPackage`
    when its ``__init__`` only re-exports its submodules' names."""

    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.package:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.submodule_search_locations:
            return None
        try:
            homes = reexports(Path(spec.origin).read_text(encoding="utf-8"), fullname)
        except (OSError, SyntaxError, UnicodeDecodeError):
            homes = None
        if homes is None:
            return spec
        spec.loader = _LazyPackage(homes)
        return spec


class _LazyPackage(Loader):
    """Makes the package module without running its ``__init__``: a re-exported name or a
    submodule is imported when first asked for, and kept."""

    def __init__(self, homes: Mapping[str, str]) -> None:
        self.homes = dict(homes)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        package, homes = module.__name__, self.homes
        submodules = set(homes.values())
        module.__all__ = sorted(homes)  # type: ignore[attr-defined]

        def __getattr__(name: str) -> Any:
            if name in homes:
                value = getattr(import_module(f"{package}.{homes[name]}"), name)
            elif name in submodules:
                value = import_module(f"{package}.{name}")
            else:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            setattr(module, name, value)
            return value

        module.__getattr__ = __getattr__  # type: ignore[method-assign]

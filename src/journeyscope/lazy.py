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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


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

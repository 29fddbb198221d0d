"""The layer rules of docs/architecture.md, checked on every import in the package, including
imports inside functions (a lazy import is still a dependency).

Each layer may import itself and the layers listed for it; nothing else of journeyscope. The
core (every layer but web and cli) never imports a web or command-line framework, and no module
imports the test-only oracles. The engine's deterministic core (``engine/core``) imports
nothing of the engine's runtime around it and no database, network, thread or clock library."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "journeyscope"

SHARED = {"errors", "config", "yamlfile", "durations", "pseudonyms"}
BELOW: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "yamlfile": {"errors"},
    "durations": set(),
    "pseudonyms": {"errors"},
    # identity stitching is part of the events layer (events/identity.py): the store completes
    # a stitch that a killed ingest left pending before anything reads it
    "events": SHARED,
    "definitions": SHARED | {"events"},
    "analytics": SHARED | {"events", "definitions"},
    "engine": SHARED | {"events", "definitions"},
    "synthetic": SHARED | {"events", "definitions"},
    "render": SHARED | {"events", "definitions", "analytics", "engine"},
}
BELOW["services"] = set(BELOW) | {"render", "synthetic"}
BELOW["web"] = BELOW["services"] | {"services"}
BELOW["cli"] = BELOW["services"] | {"services"}
BELOW["testing"] = BELOW["services"] | {"services"}
# The root package re-exports the public API lazily; `python -m journeyscope` runs the CLI.
BELOW["__init__"] = BELOW["services"] | {"services"}
BELOW["__main__"] = {"cli"}

FRAMEWORKS = {"fastapi", "starlette", "uvicorn", "typer", "click", "rich"}
NEVER = {"pm4py", "chdb"}  # test oracles only: pm4py is AGPL-3.0

ENGINE_CORE = "journeyscope.engine.core"
# the core is a pure transition: no database, HTTP, server, thread, socket or wall clock
CORE_NEVER = {"sqlalchemy", "httpx", "psycopg", "uvicorn", "fastapi", "threading", "socket", "time"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its package."""
    if package is None:
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_module_belongs_to_a_declared_layer() -> None:
    unknown = {_layer(_module_name(p)) for p in _modules()} - set(BELOW)
    assert not unknown, f"layers missing from docs/architecture.md and this test: {unknown}"


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in _modules():
        layer = _layer(_module_name(path))
        for imported in _imports(path):
            if imported == "journeyscope" or not imported.startswith("journeyscope."):
                continue
            target = _layer(imported)
            if target != layer and target not in BELOW.get(layer, set()):
                wrong.append(f"{path.relative_to(SRC)} ({layer}) imports {imported} ({target})")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_no_web_or_cli_framework() -> None:
    wrong = []
    for path in _modules():
        layer = _layer(_module_name(path))
        roots = {name.split(".")[0] for name in _imports(path)}
        if layer not in {"web", "cli"} and roots & FRAMEWORKS:
            wrong.append(f"{path.relative_to(SRC)}: {sorted(roots & FRAMEWORKS)}")
        if roots & NEVER:
            wrong.append(f"{path.relative_to(SRC)}: {sorted(roots & NEVER)}")
    assert not wrong, "\n".join(wrong)


def _core_violations(module: str, imported: set[str]) -> list[str]:
    """What ``module`` (of the engine core) must not import, of ``imported``."""
    wrong = [
        name
        for name in imported
        if name.startswith("journeyscope.engine")
        and not (name == ENGINE_CORE or name.startswith(ENGINE_CORE + "."))
    ]  # `from journeyscope.engine import x` (or `from .. import x`) reads as the package: wrong too
    wrong += [name for name in imported if name.split(".")[0] in CORE_NEVER]
    return sorted(f"{module} imports {name}" for name in wrong)


def test_the_engine_core_imports_nothing_of_its_runtime() -> None:
    core = [p for p in _modules() if _module_name(p).startswith(ENGINE_CORE)]
    assert len(core) > 10, "the engine core has moved: update ENGINE_CORE"
    wrong = [w for p in core for w in _core_violations(_module_name(p), _imports(p))]
    assert not wrong, "\n".join(wrong)


def test_the_rules_catch_a_wrong_import(tmp_path: Path) -> None:
    """The checker itself: an analytics module importing the web layer is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("from journeyscope.web.app import create_app\nfrom . import funnels\n")
    names = _imports(bad, package="journeyscope.analytics")
    assert names == {"journeyscope.web.app", "journeyscope.analytics"}
    assert _layer("journeyscope.web.app") not in BELOW["analytics"]
    assert _layer("journeyscope.analytics") == "analytics"


def test_the_core_rule_catches_a_runtime_import(tmp_path: Path) -> None:
    """The checker itself: a core module importing the store, a sibling of the runtime by a
    relative import, or SQLAlchemy inside a function is found; core siblings are not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from journeyscope.engine.store import EngineStore\n"
        "from .. import worker\n"
        "from . import rules\n"
        "def f():\n    import sqlalchemy.orm\n"
    )
    names = _imports(bad, package=ENGINE_CORE)
    assert _core_violations(f"{ENGINE_CORE}.bad", names) == [
        f"{ENGINE_CORE}.bad imports journeyscope.engine",
        f"{ENGINE_CORE}.bad imports journeyscope.engine.store",
        f"{ENGINE_CORE}.bad imports sqlalchemy.orm",
    ]

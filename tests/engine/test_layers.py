"""The engine's imports flow one way: it uses events, identity and definitions (plus the
shared errors and YAML loader), never the web or CLI layers, FastAPI or Typer; the web
and CLI layers never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

from engine_kit import REPO

SRC = REPO / "src" / "journeyscope"


def imports(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(SRC))] = names
    return found


def test_the_engine_imports_only_lower_layers() -> None:
    allowed = (
        "journeyscope.engine",
        "journeyscope.events",
        "journeyscope.identity",
        "journeyscope.definitions",
        "journeyscope.errors",
        "journeyscope.yamlfile",
    )
    for module, names in imports(SRC / "engine").items():
        ours = {n for n in names if n.startswith("journeyscope")}
        assert all(n.startswith(allowed) for n in ours), (module, ours)
        assert not {n.split(".")[0] for n in names} & {
            "fastapi",
            "starlette",
            "typer",
            "uvicorn",
        }, module


def test_web_and_cli_never_import_each_other() -> None:
    for module, names in imports(SRC / "web").items():
        assert not any(n.startswith("journeyscope.cli") for n in names), module
    cli = imports(SRC / "cli")["cli/orchestrate.py"]
    assert not any(n.startswith("journeyscope.web") for n in cli)

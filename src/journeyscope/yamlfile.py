"""Load YAML into pydantic models with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from journeyscope.errors import JourneyscopeError

M = TypeVar("M", bound=BaseModel)


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (the deepest one that exists)."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            if match is None:
                key = next((k for k, _ in node.value if k.value == str(part)), None)
                return line if key is None else key.start_mark.line + 1
            node = match
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def load_model(path: Path, model: type[M], error: type[JourneyscopeError]) -> M:
    """Parse ``path`` and validate it as ``model``; raise ``error`` with ``file:line: field: problem``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        node = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{where}: not valid YAML: {problem}") from exc
    if data is None:
        raise error(f"{path}: the file is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for problem in exc.errors():
            loc = tuple(problem["loc"])
            line = _line_of(node, loc)
            field = ".".join(str(p) for p in loc) or "(top level)"
            lines.append(f"{path}:{line}: {field}: {problem['msg']}")
        raise error("\n".join(lines)) from exc

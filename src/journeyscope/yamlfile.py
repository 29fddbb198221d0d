"""Load YAML into pydantic models with errors that name the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from journeyscope.errors import JourneyscopeError, closest, validation_message

M = TypeVar("M", bound=BaseModel)

#: Deepest nesting of lists and mappings a YAML file may have.
MAX_DEPTH = 100
#: Most nodes a YAML file may have once every alias is expanded (``&a [*a, *a]`` twice...).
MAX_EXPANDED_NODES = 200_000


def check_structure(text: str, source: str, error: type[JourneyscopeError]) -> None:
    """Refuse, before anything walks the tree, YAML whose size is not what it looks like.

    One pass over the parser's event stream (no recursion, no tree) finds: nesting deeper
    than :data:`MAX_DEPTH`; an alias inside the node it refers to (``&a [*a]``, a cycle that
    would make every walk of the tree endless); and a document that, with aliases expanded,
    has more than :data:`MAX_EXPANDED_NODES` nodes ("billion laughs"). Each is an ``error``
    naming ``source`` and the line. Malformed YAML raises ``yaml.YAMLError`` as usual.
    """
    open_nodes: list[list[int]] = []  # per open collection: [expanded size so far]
    open_anchors: list[str | None] = []
    sizes: dict[str, int] = {}  # anchor -> expanded size of its (closed) node
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        size = 0
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(open_nodes) >= MAX_DEPTH:
                raise error(
                    f"{source}:{line}: lists and mappings are nested more than {MAX_DEPTH} "
                    "levels deep; flatten the structure"
                )
            open_nodes.append([1])
            open_anchors.append(event.anchor)
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            size = open_nodes.pop()[0]
            anchor = open_anchors.pop()
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise error(
                    f"{source}:{line}: alias *{event.anchor} refers to a node that contains it "
                    "(a cycle); write the value out instead"
                )
            size = sizes.get(str(event.anchor), 1)
        else:
            continue
        if open_nodes:
            open_nodes[-1][0] += size
            size = open_nodes[-1][0]
        if size > MAX_EXPANDED_NODES:
            raise error(
                f"{source}:{line}: with its aliases expanded the file has more than "
                f"{MAX_EXPANDED_NODES:,} values; write fewer aliases of aliases"
            )


def _compose_and_load(text: str, source: str, error: type[JourneyscopeError]) -> tuple[Any, Any]:
    """The node tree and the data of one YAML document, after :func:`check_structure`."""
    check_structure(text, source, error)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def safe_load(text: str, source: str, error: type[JourneyscopeError]) -> Any:
    """``yaml.safe_load`` with :func:`check_structure` first; malformed YAML is ``error``
    naming ``source`` and the line."""
    try:
        return _compose_and_load(text, source, error)[1]
    except yaml.YAMLError as exc:
        raise error(_yaml_problem(exc, source)) from exc


def _yaml_problem(exc: yaml.YAMLError, source: str) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{source}:{mark.line + 1}" if mark is not None else source
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{where}: not valid YAML: {problem}"


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
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text: {exc.reason}; save the file as UTF-8") from exc
    try:
        node, data = _compose_and_load(text, str(path), error)
    except yaml.YAMLError as exc:
        raise error(_yaml_problem(exc, str(path))) from exc
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


# --------------------------------------------------------------------------------------------
# Documents: the parsed YAML kept beside its node tree, so later checks can name lines too.


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: ``data`` for validation, ``node`` to find the line of any field."""

    source: str
    """How errors name the file (its path, or a name given with the text)."""
    node: yaml.Node
    data: Any

    def line(self, loc: tuple[int | str, ...]) -> int | None:
        """1-based line of the field at ``loc`` (or of its deepest existing parent)."""
        return _line_of(self.node, loc)

    def where(self, loc: tuple[int | str, ...]) -> str:
        """``source:line`` of the field at ``loc``."""
        line = self.line(loc)
        return self.source if line is None else f"{self.source}:{line}"


def parse_yaml(
    text: str, source: str, error: type[JourneyscopeError], *, unique_keys: bool = True
) -> YamlDocument:
    """Parse YAML ``text``; malformed YAML, an empty text or (with ``unique_keys``) a key
    given twice in one mapping raise ``error`` naming ``source`` and the line."""
    try:
        node, data = _compose_and_load(text, source, error)
    except yaml.YAMLError as exc:
        raise error(
            f"{_yaml_problem(exc, source)} (check the indentation and quoting near this line)"
        ) from exc
    if data is None or node is None:
        raise error(f"{source}: the file is empty")
    if unique_keys:
        _check_unique_keys(node, source, error)
    return YamlDocument(source, node, data)


def read_yaml(
    path: Path, error: type[JourneyscopeError], *, unique_keys: bool = True
) -> YamlDocument:
    """Read and parse a YAML file (see :func:`parse_yaml`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text: {exc.reason}; save the file as UTF-8") from exc
    return parse_yaml(text, str(path), error, unique_keys=unique_keys)


def _check_unique_keys(node: yaml.Node, source: str, error: type[JourneyscopeError]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if name in seen:
                    raise error(
                        f"{source}:{line}: key {name!r} is given twice in the same mapping "
                        f"(first at line {seen[name]}); keep one of them"
                    )
                seen[name] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def validate_document(doc: YamlDocument, model: type[M], error: type[JourneyscopeError]) -> M:
    """Validate ``doc`` as ``model``; every problem becomes ``source:line: field: problem``
    followed by how to fix it (the fields allowed, the closest name, what to add)."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        lines = []
        for problem in exc.errors():
            loc = tuple(problem["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            hint = _hint(model, loc, problem)
            message = validation_message(problem)
            lines.append(f"{doc.where(loc)}: {field}: {message}{hint}")
        raise error("\n".join(lines)) from exc


def _hint(model: type[BaseModel], loc: tuple[int | str, ...], problem: Any) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        if parent is None:
            return ""
        allowed = [f.alias or name for name, f in parent.model_fields.items()]
        close = closest(str(loc[-1]), allowed, n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        return f" ({guess}fields allowed here: {', '.join(allowed)})"
    if kind == "missing":
        return f" (add '{loc[-1]}:' here)"
    if kind == "string_pattern_mismatch":
        return " (use lower-case letters, digits and '_', starting with a letter, e.g. 'upload_documents')"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {
            "list_type": "a list (items starting with '- ' or [a, b])",
            "dict_type": "a mapping (key: value lines)",
        }.get(kind, "a mapping of fields (key: value lines)")
        return f" (write {expected})"
    return ""


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the value at ``loc`` (None when not a model)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple) and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` -> ``X``."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) in (Union, UnionType) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation

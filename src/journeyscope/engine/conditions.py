"""Conditions and input expressions: a small, safe subset of Python expressions.

Journeys and interaction objects say *when* with expressions such as
``event.channel in ('web', 'app') and profile.segment != 'vulnerable'``. An expression may use
names given by the engine (``event``, ``profile``, ``journey``, ``customer_id``, ``now``),
attribute access on them (a missing field reads as ``None``), literals, comparisons,
``and``/``or``/``not``, arithmetic, ``x if c else y`` and a few functions (:data:`FUNCTIONS`).
Everything else (imports, lambdas, dunder attributes, comprehensions) is refused when the
journey is loaded, not when it runs.

A condition that cannot be evaluated on the data at hand (say ``None > 3``) counts as false.

>>> c = Condition("event.channel in ('web', 'app') and event.properties.attempt >= 2")
>>> c(scope(event={"channel": "web", "properties": {"attempt": 3}}))
True
>>> c(scope(event={"channel": "web", "properties": {}}))
False
>>> Condition("event.__class__")
Traceback (most recent call last):
...
journeyscope.errors.ConditionError: 'event.__class__': names starting with '_' are not allowed
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any, Final

from journeyscope.errors import ConditionError


def _startswith(text: object, prefix: str) -> bool:
    return isinstance(text, str) and text.startswith(prefix)


def _lower(text: object) -> object:
    return text.lower() if isinstance(text, str) else text


FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "lower": _lower,
    "startswith": _startswith,
}

_ALLOWED: Final[tuple[type[ast.AST], ...]] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Subscript,
    ast.Slice,
    ast.Call,
    ast.IfExp,
)


class View(Mapping[str, Any]):
    """Read-only attribute access to a mapping; missing names read as ``None``."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return wrap(self._data.get(name))

    def __getitem__(self, key: str) -> Any:
        return wrap(self._data.get(key))

    def __iter__(self) -> Any:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return dict(self._data) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"View({dict(self._data)!r})"


def wrap(value: Any) -> Any:
    return View(value) if isinstance(value, Mapping) and not isinstance(value, View) else value


def scope(**names: Any) -> dict[str, Any]:
    """The names an expression sees, mappings wrapped for attribute access."""
    return {key: wrap(value) for key, value in names.items()}


def _check(text: str, tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ConditionError(f"{text!r}: {type(node).__name__} is not allowed in expressions")
        if isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name.startswith("_"):
                raise ConditionError(f"{text!r}: names starting with '_' are not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ConditionError(
                    f"{text!r}: only these functions may be called: {', '.join(FUNCTIONS)}"
                )
            if node.keywords:
                raise ConditionError(f"{text!r}: keyword arguments are not allowed")


class Expression:
    """A compiled expression; call it with a :func:`scope` to get its value."""

    __slots__ = ("_code", "text")

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        try:
            tree = ast.parse(self.text, mode="eval")
        except SyntaxError as exc:
            raise ConditionError(f"{self.text!r}: not a valid expression: {exc.msg}") from exc
        _check(self.text, tree)
        self._code: CodeType = compile(tree, "<expression>", "eval")

    def __call__(self, names: dict[str, Any]) -> Any:
        return eval(self._code, {"__builtins__": FUNCTIONS}, names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


class Condition(Expression):
    """A boolean expression; one that raises on the data counts as false."""

    __slots__ = ()

    def __call__(self, names: dict[str, Any]) -> bool:
        try:
            return bool(eval(self._code, {"__builtins__": FUNCTIONS}, names))
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError):
            return False

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
import contextlib
import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

from journeyscope.errors import ConditionCostError, ConditionError


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

    def __contains__(self, key: object) -> bool:
        return key in self._data

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


#: The cost bound of one evaluation: nodes evaluated, and the size of any intermediate value
#: (characters of a string, items of a list, tuple or set, bits of an integer).
MAX_STEPS: Final = 10_000
MAX_SIZE: Final = 100_000
MAX_INT_BITS: Final = 4_096

_BINARY: Final[dict[type[ast.operator], Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: Final[dict[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_SIZED: Final = (str, bytes, list, tuple, set, frozenset)


class _Budget:
    __slots__ = ("steps", "text")

    def __init__(self, text: str) -> None:
        self.text, self.steps = text, 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ConditionCostError(f"{self.text!r}: more than {MAX_STEPS} evaluation steps")

    def size(self, n: int, what: str) -> None:
        if n > MAX_SIZE:
            raise ConditionCostError(
                f"{self.text!r}: {what} would hold {n} items or characters "
                f"(the bound is {MAX_SIZE})"
            )

    def check(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > MAX_INT_BITS:
                raise ConditionCostError(
                    f"{self.text!r}: an integer of more than {MAX_INT_BITS} bits"
                )
        elif isinstance(value, _SIZED):
            self.size(len(value), type(value).__name__)
        return value


def _binary(op: ast.operator, a: Any, b: Any, budget: _Budget) -> Any:
    if isinstance(op, ast.Mult):
        for seq, n in ((a, b), (b, a)):
            if isinstance(seq, _SIZED) and isinstance(n, int):
                budget.size(len(seq) * max(n, 0), "a repeated " + type(seq).__name__)
        if (
            isinstance(a, int)
            and isinstance(b, int)
            and a.bit_length() + b.bit_length() > MAX_INT_BITS
        ):
            raise ConditionCostError(
                f"{budget.text!r}: an integer of more than {MAX_INT_BITS} bits"
            )
    elif isinstance(op, ast.Add) and isinstance(a, _SIZED) and isinstance(b, _SIZED):
        budget.size(len(a) + len(b), "a joined " + type(a).__name__)
    elif isinstance(op, ast.Mod) and isinstance(a, str | bytes):
        raise TypeError("string formatting with % is not allowed")
    return budget.check(_BINARY[type(op)](a, b))


def _attribute(value: Any, name: str) -> Any:
    """``value.name``: a field of a mapping; anything else (``None`` included) reads ``None``."""
    if isinstance(value, View):
        return value[name]
    if isinstance(value, Mapping):
        return wrap(value.get(name))
    return None


def _evaluate(node: ast.AST, names: Mapping[str, Any], budget: _Budget) -> Any:
    budget.tick()
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        if node.id in FUNCTIONS:
            return FUNCTIONS[node.id]
        return None
    if isinstance(node, ast.Attribute):
        return _attribute(_evaluate(node.value, names, budget), node.attr)
    if isinstance(node, ast.BoolOp):
        result: Any = None
        for value in node.values:
            result = _evaluate(value, names, budget)
            if isinstance(node.op, ast.And) != bool(result):
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, names, budget)
        if isinstance(node.op, ast.Not):
            return not operand
        return budget.check(-operand if isinstance(node.op, ast.USub) else +operand)
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, names, budget)
        return _binary(node.op, left, _evaluate(node.right, names, budget), budget)
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, names, budget)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(right_node, names, budget)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        chosen = node.body if _evaluate(node.test, names, budget) else node.orelse
        return _evaluate(chosen, names, budget)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = [_evaluate(e, names, budget) for e in node.elts]
        if isinstance(node, ast.List):
            return items
        return tuple(items) if isinstance(node, ast.Tuple) else set(items)
    if isinstance(node, ast.Subscript):
        value = _evaluate(node.value, names, budget)
        index = _evaluate(node.slice, names, budget)
        if value is None:
            return None
        return budget.check(wrap(value[index]))
    if isinstance(node, ast.Slice):
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if p is None else _evaluate(p, names, budget) for p in parts))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_evaluate(a, names, budget) for a in node.args]
        return budget.check(FUNCTIONS[node.func.id](*args))
    raise ConditionError(
        f"{budget.text!r}: {type(node).__name__} is not allowed"
    )  # pragma: no cover


def _fold_constants(text: str, tree: ast.AST) -> None:
    """Evaluate every part that uses no names now, so a constant over the cost bound (say
    ``'x' * 100000000000``) is refused when the journey is loaded, not in the worker."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.Call | ast.UnaryOp) and not any(
            isinstance(n, ast.Name) and n.id not in FUNCTIONS for n in ast.walk(node)
        ):
            with contextlib.suppress(TypeError, ValueError, ArithmeticError, KeyError, IndexError):
                _evaluate(node, {}, _Budget(text))


class Expression:
    """A compiled expression; call it with a :func:`scope` to get its value.

    Evaluation walks the checked syntax tree under a cost bound (:data:`MAX_STEPS`,
    :data:`MAX_SIZE`, :data:`MAX_INT_BITS`); going past it raises :class:`ConditionCostError`.
    A value that cannot be computed on the data (``None + 1``) raises :class:`ConditionError`
    naming the expression.
    """

    __slots__ = ("_tree", "text")

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        try:
            tree = ast.parse(self.text, mode="eval")
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
            raise ConditionError(f"{self.text[:200]!r}: not a valid expression: {msg}") from exc
        _check(self.text, tree)
        _fold_constants(self.text, tree)
        self._tree: ast.expr = tree.body

    def value(self, names: Mapping[str, Any]) -> Any:
        """The value, or the error of the data (``TypeError``…) as it is."""
        try:
            return _evaluate(self._tree, names, _Budget(self.text))
        except RecursionError as exc:
            raise ConditionCostError(f"{self.text[:200]!r}: nested too deeply") from exc

    def __call__(self, names: Mapping[str, Any]) -> Any:
        try:
            return self.value(names)
        except ConditionError:
            raise
        except (TypeError, ValueError, ArithmeticError, KeyError, IndexError) as exc:
            raise ConditionError(
                f"{self.text!r}: cannot be evaluated on this data: {type(exc).__name__}: {exc}"
            ) from exc

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


class Condition(Expression):
    """A boolean expression; one that cannot be evaluated on the data counts as false (going
    past the cost bound is an error, not false)."""

    __slots__ = ()

    def __call__(self, names: Mapping[str, Any]) -> bool:
        try:
            return bool(self.value(names))
        except ConditionError:
            raise
        except (TypeError, ValueError, ArithmeticError, KeyError, IndexError):
            return False

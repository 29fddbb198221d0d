"""Check a design's YAML text as the command line does, and say where each problem is.

:func:`check_design` runs the definitions loader (YAML syntax, duplicate keys, shape: unknown
fields with the closest name, wrong types, ids) and, when the shape is right, the linter
(:func:`journeyscope.definitions.lint.lint`: structural errors such as a transition to an
unknown step with "did you mean", unreachable steps, dead ends). Each message carries its
1-based line, so the editor can mark it; the text of each message is the CLI's
(``journeyscope design validate`` / ``design lint``), without the file name.

>>> result = check_design("id: x\\nname: X\\n", "x.yaml")
>>> result.ok, result.messages[0].line is not None
(False, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from journeyscope.definitions.lint import lint
from journeyscope.definitions.models import Journey
from journeyscope.errors import DefinitionError
from journeyscope.yamlfile import parse_yaml, validate_document

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Message:
    """One problem of a design: how serious, on which line, which field, what."""

    severity: Severity
    line: int | None
    field: str
    text: str
    code: str = "invalid"

    def format(self, source: str) -> str:
        """``source:line: severity[code]: field: text``, as the CLI prints a lint finding."""
        where = f"{source}:{self.line}" if self.line is not None else source
        named = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}[{self.code}]: {named}{self.text}"


@dataclass(frozen=True)
class CheckResult:
    """The journey (when its shape is valid) and every message, errors first."""

    journey: Journey | None
    messages: list[Message] = field(default_factory=list)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]

    @property
    def ok(self) -> bool:
        """Valid: it loads, and the linter found no error (warnings allowed)."""
        return self.journey is not None and not self.errors


_ORDER = {"error": 0, "warning": 1, "info": 2}


def _from_error(exc: DefinitionError, source: str) -> list[Message]:
    """The loader's ``source:line: field: problem`` lines as messages."""
    out: list[Message] = []
    prefix = re.compile(rf"^{re.escape(source)}(?::(\d+))?: ?(.*)$", re.S)
    for line in str(exc).splitlines():
        if not line.strip():
            continue
        match = prefix.match(line)
        if match is None:
            out.append(Message("error", None, "", line.strip()))
            continue
        number = int(match[1]) if match[1] else None
        rest = match[2]
        name, sep, text = rest.partition(": ")
        is_field = sep and re.fullmatch(r"[\w.()\- ]+", name) and not name.startswith("not ")
        code = "yaml" if "not valid YAML" in rest or "given twice" in rest else "invalid"
        if is_field and code == "invalid":
            out.append(Message("error", number, name, text, code))
        else:
            out.append(Message("error", number, "", rest, code))
    return out


def check_design(text: str, source: str = "design.yaml") -> CheckResult:
    """Every problem of the design ``text`` (named ``source`` in messages), with its line."""
    try:
        doc = parse_yaml(text, source, DefinitionError)
        journey = validate_document(doc, Journey, DefinitionError)
    except DefinitionError as exc:
        return CheckResult(None, _from_error(exc, source))
    messages = [
        Message(
            f.severity,
            doc.line(f.loc) if f.loc else None,
            ".".join(str(p) for p in f.loc),
            f.message,
            f.code,
        )
        for f in lint(journey)
    ]
    messages.sort(key=lambda m: (_ORDER[m.severity], m.line or 0))
    return CheckResult(journey, messages)

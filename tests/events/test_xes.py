"""The XES reader (events/xes.py) against XML built to attack a parser: entities that
multiply a few bytes into gigabytes, and an external entity that would read a file of this
machine. Both are refused with the line and the reason; nothing is expanded or read."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.errors import NothingIngestedError
from journeyscope.events.rawio import ERROR
from journeyscope.events.xes import read_xes

EVENT = (
    '<event><string key="concept:name" value="{name}"/>'
    '<date key="time:timestamp" value="2025-01-01T00:00:00Z"/></event>'
)


def log(doctype: str, *names: str) -> str:
    events = "".join(EVENT.format(name=n) for n in names)
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<log><trace>'
        f'<string key="concept:name" value="c1"/>\n{events}\n</trace></log>\n'
    )


def laughs(levels: int = 7) -> str:
    entities = ['<!ENTITY l0 "' + "a" * 50 + '">']
    entities += [f'<!ENTITY l{k} "' + f"&l{k - 1};" * 20 + '">' for k in range(1, levels)]
    return "<!DOCTYPE log [\n" + "\n".join(entities) + "\n]>"


def test_entities_that_multiply_are_refused_with_the_line_and_nothing_expanded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "laughs.xes"
    path.write_text(log(laughs(), "&l6;"))
    with pytest.raises(
        NothingIngestedError, match=r"line \d+: not well-formed XES: .*amplification"
    ):
        list(read_xes(path))


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doctype = f'<!DOCTYPE log [\n<!ENTITY x SYSTEM "file://{secret}">\n]>'
    path = tmp_path / "xxe.xes"
    path.write_text(log(doctype, "&x;"))
    with pytest.raises(NothingIngestedError, match=r"line \d+: .*external entity 'x'") as refused:
        list(read_xes(path))
    assert "TOP-SECRET" not in str(refused.value)


def test_a_document_type_that_attacks_nothing_is_read_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "plain.xes"
    path.write_text(log('<!DOCTYPE log [\n<!ENTITY site "web">\n]>', "Apply", "Approve"))
    rows = [r for t in read_xes(path) for r in t.to_pylist()]
    assert [r[ERROR] for r in rows] == [None, None]

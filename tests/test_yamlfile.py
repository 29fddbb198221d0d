"""YAML read with errors that name the file, the line and the field, and refused before any
walk when its size is not what it looks like (deep nesting, an alias cycle, billion laughs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from journeyscope.errors import JourneyscopeError
from journeyscope.yamlfile import MAX_DEPTH, MAX_EXPANDED_NODES, check_structure, load_model


class Problem(JourneyscopeError):
    pass


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    days: int = 0


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    steps: list[Step]


def test_nesting_deeper_than_the_limit_is_refused_with_its_line() -> None:
    check_structure("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.yaml", Problem)
    deep = "a:\n  " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(Problem, match=rf"deep.yaml:2: .*more than {MAX_DEPTH} levels"):
        check_structure(deep, "deep.yaml", Problem)


def test_an_alias_inside_its_own_node_is_a_cycle() -> None:
    with pytest.raises(Problem, match=r"cycle.yaml:1: alias \*a refers to a node that contains"):
        check_structure("&a [1, *a]", "cycle.yaml", Problem)
    check_structure("a: &a [1, 2]\nb: *a\n", "reuse.yaml", Problem)  # reuse is fine


def test_billion_laughs_is_refused_before_it_is_expanded() -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 7)]
    with pytest.raises(Problem, match=f"more than {MAX_EXPANDED_NODES:,} values"):
        check_structure("\n".join(lines), "laughs.yaml", Problem)
    check_structure("\n".join(lines[:4]), "small.yaml", Problem)  # 10,000 values: fine


def test_a_model_error_names_the_file_the_line_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title: Move\nsteps:\n  - name: pack\n  - name: go\n    days: soon\n")
    with pytest.raises(Problem) as caught:
        load_model(path, Plan, Problem)
    assert str(caught.value).startswith(f"{path}:5: steps.1.days: ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"title: [unclosed\n", "not valid YAML"),
        (b"title: caf\xe9\n", "not UTF-8 text"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(content)
    with pytest.raises(Problem, match=message):
        load_model(path, Plan, Problem)
    with pytest.raises(Problem, match="cannot read"):
        load_model(tmp_path / "missing.yaml", Plan, Problem)

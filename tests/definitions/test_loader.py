"""Bad definitions: every problem is one clear DefinitionError naming the file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeyscope.definitions import Journey, check_journey, load_journey, validate_journey
from journeyscope.errors import DefinitionError

HEAD = """\
id: demo
name: Demo
job_to_be_done: get it done
outcome: {description: done, step: c}
stages:
  - id: s
    name: S
    steps:
      - {id: a, name: A, activities: [A]}
      - {id: b, name: B, activities: [B]}
      - {id: c, name: C, activities: [C]}
"""


def fails(tmp_path: Path, text: str) -> str:
    """Load ``text`` from a file; return the error message (failing if it loads)."""
    path = tmp_path / "journey.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_journey(path)
    message = str(info.value)
    assert "Traceback" not in message
    return message.replace(str(path), "journey.yaml")


def test_a_valid_head_loads(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_text(HEAD, encoding="utf-8")
    assert [s.id for s in load_journey(path).steps] == ["a", "b", "c"]


def test_malformed_yaml(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("name: Demo", "name: [Demo"))
    assert re.match(r"journey\.yaml:\d+: not valid YAML: ", message)
    assert "indentation" in message


def test_empty_file(tmp_path: Path) -> None:
    assert fails(tmp_path, "# nothing\n") == "journey.yaml: the file is empty"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"nope\.yaml: cannot read"):
        load_journey(tmp_path / "nope.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_bytes(HEAD.encode("utf-8") + b"# \xff\xfe\n")
    with pytest.raises(DefinitionError, match="not UTF-8 text"):
        load_journey(path)


def test_a_key_given_twice(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("name: Demo\n", "name: Demo\nname: Again\n"))
    assert message == (
        "journey.yaml:3: key 'name' is given twice in the same mapping (first at line 2); "
        "keep one of them"
    )


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("{id: b, name: B,", "{id: b, name: B, emotions: 1,"))
    assert message.startswith(
        "journey.yaml:10: stages.0.steps.1.emotions: Extra inputs are not permitted "
        "(did you mean 'emotion'? fields allowed here: id, name, description, activities,"
    )


def test_unknown_top_level_field(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD + "transition: []\n")
    assert message.startswith("journey.yaml:12: transition: Extra inputs are not permitted")
    assert "did you mean 'transitions'?" in message


def test_missing_required_field(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("job_to_be_done: get it done\n", ""))
    assert message == "journey.yaml:1: job_to_be_done: Field required (add 'job_to_be_done:' here)"


def test_an_id_that_is_not_lower_case(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("{id: b,", "{id: Step-B,"))
    assert message.startswith("journey.yaml:10: stages.0.steps.1.id: String should match pattern")
    assert "lower-case letters, digits and '_'" in message


def test_a_duration_that_does_not_parse(tmp_path: Path) -> None:
    message = fails(
        tmp_path, HEAD.replace("{id: b, name: B,", "{id: b, name: B, time_limit: 3 fortnights,")
    )
    assert message == (
        "journey.yaml:10: stages.0.steps.1.time_limit: '3 fortnights' is not a duration; write "
        "a number and a unit, e.g. '30 minutes', '48 hours', '5 days' or '2 weeks'"
    )


def test_emotion_out_of_range(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("{id: b, name: B,", "{id: b, name: B, emotion: 3,"))
    assert message == (
        "journey.yaml:10: stages.0.steps.1.emotion: Input should be less than or equal to 2"
    )


def test_a_list_written_as_a_string(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("activities: [B]", "activities: B"))
    assert message.startswith(
        "journey.yaml:10: stages.0.steps.1.activities: Input should be a valid list"
    )
    assert "(write a list" in message


def test_every_shape_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = HEAD.replace("{id: a, name: A,", "{id: a, name: A, emotion: 9,").replace(
        "{id: c, name: C,", "{id: c, nam: C,"
    )
    lines = fails(tmp_path, text).splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "journey.yaml:9",
        "journey.yaml:11",
        "journey.yaml:11",
    ]


def test_duplicate_step_ids(tmp_path: Path) -> None:
    text = HEAD + "  - id: t\n    name: T\n    steps:\n      - {id: b, name: B again}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:15: stages.1.steps.0.id: step id 'b' is used twice (first by "
        "stages.0.steps.1); step ids must be unique in the journey: rename one of them"
    )


def test_duplicate_stage_ids(tmp_path: Path) -> None:
    text = HEAD + "  - id: s\n    name: Again\n    steps:\n      - {id: d, name: D}\n"
    assert fails(tmp_path, text).startswith(
        "journey.yaml:12: stages.1.id: stage id 's' is used twice"
    )


def test_transition_to_a_missing_step(tmp_path: Path) -> None:
    text = HEAD + "transitions:\n  - {from: a, to: b}\n  - {from: b, to: cc}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:14: transitions.1.to: no step 'cc' (did you mean 'c'?)"
    )


def test_transition_from_a_missing_step(tmp_path: Path) -> None:
    text = HEAD + "transitions:\n  - {from: zzz, to: b}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:13: transitions.0.from: no step 'zzz' (steps: a, b, c)"
    )


def test_entries_exits_and_outcome_must_name_steps(tmp_path: Path) -> None:
    text = HEAD.replace("step: c}", "step: d}") + "entries: [a, x]\nexits: [y]\n"
    assert fails(tmp_path, text).splitlines() == [
        "journey.yaml:12: entries.1: no step 'x' (steps: a, b, c)",
        "journey.yaml:13: exits.0: no step 'y' (steps: a, b, c)",
        "journey.yaml:4: outcome.step: no step 'd' (steps: a, b, c)",
    ]


def test_an_outcome_without_a_goal(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("{description: done, step: c}", "{description: done}"))
    assert message.startswith("journey.yaml:4: outcome: the outcome names no goal: add 'step:")


def test_a_cycle_where_loops_are_not_allowed(tmp_path: Path) -> None:
    text = HEAD + "transitions:\n  - {from: a, to: b}\n  - {from: b, to: c}\n  - {from: c, to: a}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:15: transitions.2: transitions form a cycle a -> b -> c -> a and none of "
        "them is marked as a loop; if customers may go back on purpose, add 'loop: true' to "
        "the transition c -> a, otherwise remove it"
    )


def test_a_marked_loop_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "journey.yaml"
    path.write_text(
        HEAD + "transitions:\n  - {from: a, to: b}\n  - {from: b, to: c}\n"
        "  - {from: c, to: a, loop: true, label: start again}\n",
        encoding="utf-8",
    )
    journey = load_journey(path)
    assert journey.transitions[2].loop is True


def test_a_step_that_repeats_itself_needs_a_loop_too(tmp_path: Path) -> None:
    text = HEAD + "transitions:\n  - {from: a, to: a}\n  - {from: a, to: b}\n  - {from: b, to: c}\n"
    assert "cycle a -> a" in fails(tmp_path, text)


def test_an_activity_claimed_by_two_steps(tmp_path: Path) -> None:
    message = fails(tmp_path, HEAD.replace("activities: [C]", "activities: [C, A]"))
    assert message == (
        "journey.yaml:11: stages.0.steps.2.activities.1: activity 'A' is claimed by steps 'a' "
        "and 'c'; an activity must mean one step: keep it in one of them"
    )


def test_anytime_steps_cannot_be_in_the_flow(tmp_path: Path) -> None:
    text = HEAD.replace(
        "{id: b, name: B, activities: [B]}", "{id: b, name: B, activities: [B], anytime: true}"
    )
    text += "transitions:\n  - {from: a, to: b}\n  - {from: a, to: c}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:13: transitions.0.to: step 'b' is 'anytime', so it cannot be the end of "
        "a transition; remove it here or set 'anytime: false' on the step"
    )


def test_variants_must_name_existing_steps_and_personas(tmp_path: Path) -> None:
    text = HEAD + (
        "variants:\n"
        "  - id: v\n"
        "    name: V\n"
        "    when: {personas: [ghost]}\n"
        "    steps:\n"
        "      bb: {emotion: 1}\n"
    )
    assert fails(tmp_path, text).splitlines() == [
        "journey.yaml:17: variants.0.steps.bb: no step 'bb' (did you mean 'b'?)",
        "journey.yaml:15: variants.0.when.personas.0: no persona 'ghost'; personas: none",
    ]


def test_a_variant_that_makes_an_activity_ambiguous(tmp_path: Path) -> None:
    text = HEAD + "variants:\n  - id: v\n    name: V\n    steps:\n      b: {activities: [A]}\n"
    assert fails(tmp_path, text) == (
        "journey.yaml:16: variants.0.steps: in variant 'v': activity 'A' is claimed by steps "
        "'a' and 'b'; an activity must mean one step: keep it in one of them"
    )


def test_duplicate_variant_ids(tmp_path: Path) -> None:
    text = HEAD + "variants:\n  - {id: v, name: V}\n  - {id: v, name: W}\n"
    assert fails(tmp_path, text).startswith("journey.yaml:14: variants.1.id: variant id 'v'")


def test_structural_checks_on_a_journey_built_in_python() -> None:
    journey = Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "done", "step": "b"},
            "stages": [{"id": "s", "name": "S", "steps": [{"id": "a", "name": "A"}]}],
            "transitions": [{"from": "a", "to": "b"}],
        }
    )
    problems = check_journey(journey)
    assert [(p.code, p.field) for p in problems] == [
        ("unknown-step", "transitions.0.to"),
        ("unknown-step", "outcome.step"),
    ]
    with pytest.raises(DefinitionError, match=r"^journey 'j': transitions\.0\.to: no step 'b'"):
        validate_journey(journey)


# Hostile YAML (issue 11, finding 16): refused before anything walks the tree. Without the
# structure check these ran for minutes (cycle, nested aliases) or raised RecursionError; the
# timeout is the harness's guard against a hang, not a speed assertion.
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("&a [*a]", r"^journey\.yaml:1: alias \*a refers to a node that contains it"),
        ("a: &x {b: [1, *x]}\n", r"^journey\.yaml:1: alias \*x refers to a node that contains it"),
        (LAUGHS, r"^journey\.yaml:\d+: with its aliases expanded the file has more than"),
        ("[" * 5000, r"^journey\.yaml:1: lists and mappings are nested more than 100 levels"),
        ("a:\n" + "".join(" " * i + "- \n" for i in range(1, 300)), r"nested more than 100"),
    ],
    ids=["cycle", "cycle-in-mapping", "billion-laughs", "deep-flow", "deep-block"],
)
def test_hostile_yaml_is_refused_with_the_line(tmp_path: Path, text: str, expected: str) -> None:
    assert re.search(expected, fails(tmp_path, text))


@pytest.mark.timeout(60)
def test_every_yaml_loader_refuses_an_alias_cycle(tmp_path: Path) -> None:
    from journeyscope.engine.core.policy import load_policy
    from journeyscope.errors import CatalogueError, JourneyDefinitionError
    from journeyscope.events import load_catalogue

    path = tmp_path / "x.yaml"
    path.write_text("activities: &a {A: *a}\n")
    with pytest.raises(CatalogueError, match=r"x\.yaml:1: alias \*a .* cycle"):
        load_catalogue(path)
    with pytest.raises(JourneyDefinitionError, match=r"x\.yaml:1: alias \*a .* cycle"):
        load_policy(path)


def test_aliases_within_the_limit_still_load() -> None:
    from journeyscope.yamlfile import safe_load

    assert safe_load("a: &a [1, 2]\nb: *a\n", "ok.yaml", DefinitionError) == {
        "a": [1, 2],
        "b": [1, 2],
    }

"""A program (``engine/core/program.py``): every version of every journey, the active one,
look-ups, its stored form and loading it from YAML files and folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.policy import ContactPolicy
from journeyscope.engine.core.program import Program, load_program
from journeyscope.errors import JourneyDefinitionError, JourneyNotFoundError

RECEIPT = InteractionSpec(name="receipt", category="transactional", channel="email")


def _journey(text: str) -> JourneySpec:
    return JourneySpec.model_validate(yaml.safe_load(text))


APPLY_1 = _journey("journey: apply\nversion: 1\ntriggers: [{event: Start}]\nsteps: {a: {}}")
APPLY_2 = _journey(
    "journey: apply\nversion: 2\ntriggers: [{event: Start}]\nsteps: {a: {invoke: receipt}}"
)
ANY = _journey("journey: watch\ntriggers: [{event: 'Pay*'}]\nsteps: {a: {}}")
DOCS = _journey(
    "journey: docs\ntriggers: [{after: Start, expect: Upload, within: 3d}]\nsteps: {a: {}}"
)


def _program(pinned: dict[str, int] | None = None) -> Program:
    return Program.build(
        [APPLY_1, APPLY_2, ANY, DOCS], InteractionCatalogue([RECEIPT]), pinned=pinned
    )


def test_new_customers_enter_the_highest_version_unless_another_is_pinned() -> None:
    assert _program().journey("apply").version == 2
    assert _program({"apply": 1}).journey("apply").version == 1
    assert [j.id for j in _program().active()] == ["apply", "docs", "watch"]


def test_every_version_stays_in_the_program_in_order() -> None:
    assert [(j.id, j.version) for j in _program().versions()] == [
        ("apply", 1),
        ("apply", 2),
        ("docs", 1),
        ("watch", 1),
    ]
    assert _program().journey("apply", 1).spec == APPLY_1


def test_an_unknown_journey_or_version_is_named_with_what_is_deployed() -> None:
    with pytest.raises(JourneyNotFoundError, match=r"no journey 'nope' \(deployed: apply, docs"):
        _program().journey("nope")
    with pytest.raises(JourneyNotFoundError, match=r"'apply' has no version 7 \(deployed: 1, 2\)"):
        _program().journey("apply", 7)
    with pytest.raises(JourneyNotFoundError, match=r"deployed: none"):
        Program.build([]).journey("apply")


def test_journeys_are_found_by_the_activity_that_may_trigger_them() -> None:
    program = _program()
    assert [j.id for j in program.triggered_by("Start")] == ["apply", "docs", "watch"]
    assert [j.id for j in program.triggered_by("Upload")] == ["watch"]  # a glob may match it
    only_exact = Program.build([APPLY_1, DOCS])
    assert only_exact.triggered_by("Upload") == []
    assert [j.id for j in only_exact.triggered_by("Start")] == ["apply", "docs"]
    only_exact.triggered_by("Start").clear()  # the caller's list, not the program's index
    assert [j.id for j in only_exact.triggered_by("Start")] == ["apply", "docs"]


def test_only_the_active_version_is_triggered() -> None:
    [journey] = Program.build(
        [APPLY_1, APPLY_2], InteractionCatalogue([RECEIPT]), pinned={"apply": 1}
    ).triggered_by("Start")
    assert journey.version == 1


def test_a_version_given_twice_differently_is_refused_and_identically_accepted() -> None:
    other = _journey("journey: apply\nversion: 1\ntriggers: [{event: Other}]\nsteps: {a: {}}")
    with pytest.raises(JourneyDefinitionError, match="'apply' version 1 is given twice"):
        Program.build([APPLY_1, other])
    assert list(Program.build([APPLY_1, APPLY_1]).journeys["apply"]) == [1]


def test_a_step_that_invokes_an_object_outside_the_catalogue_is_refused() -> None:
    with pytest.raises(
        JourneyDefinitionError,
        match=r"journey 'apply' v2 step 'a': no interaction object 'receipt' in the catalogue",
    ):
        Program.build([APPLY_2])
    decide = _journey("journey: help\nsteps: {a: {decide: {candidates: [receipt, chat]}}}")
    with pytest.raises(JourneyDefinitionError, match="no interaction object 'chat'"):
        Program.build([decide], InteractionCatalogue([RECEIPT]))


def test_a_program_reads_back_equal_from_its_stored_form() -> None:
    policy = ContactPolicy.model_validate(
        {"timezone": "Europe/Amsterdam", "holdout": {"global": 0.1}}
    )
    program = Program.build(
        [APPLY_1, APPLY_2, DOCS], InteractionCatalogue([RECEIPT]), policy, {"apply": 1}
    )
    data = program.to_dict()
    assert data["policy"]["holdout"]["global"] == 0.1  # by alias, as the YAML says it
    again = Program.from_dict(data)
    assert again.to_dict() == data
    assert again.pinned == {"apply": 1} and again.journey("apply").version == 1
    assert again.policy == policy


def test_an_empty_stored_form_is_an_empty_program() -> None:
    empty = Program.from_dict({})
    assert empty.journeys == {} and empty.pinned == {} and empty.policy == ContactPolicy()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_gives_its_journeys_catalogues_and_policy(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "a.yaml",
        "journey: apply\ntriggers: [{event: Start}]\nsteps: {a: {invoke: receipt}}\n",
    )
    _write(tmp_path, "b.yml", "journeys:\n  - {journey: docs, steps: {a: {}}}\n")
    _write(
        tmp_path,
        "objects.yaml",
        "interactions:\n  - {name: receipt, category: transactional, channel: email}\n",
    )
    _write(tmp_path, "policy.yaml", "policy:\n  timezone: Europe/Amsterdam\n")
    _write(tmp_path, "notes.txt", "not read: only .yaml and .yml files are")
    program = load_program(tmp_path)
    assert sorted(program.journeys) == ["apply", "docs"]
    assert "receipt" in program.catalogue
    assert program.policy.timezone == "Europe/Amsterdam"
    only = load_program(tmp_path, only=tmp_path / "b.yml")
    assert sorted(only.journeys) == ["docs"]


def test_loading_refuses_what_is_not_a_program_file_or_a_second_policy(tmp_path: Path) -> None:
    stray = _write(tmp_path, "stray.yaml", "hello: world\n")
    with pytest.raises(JourneyDefinitionError, match=r"stray\.yaml: not a journey"):
        load_program(stray)
    one = _write(tmp_path, "p1.yaml", "policy: {timezone: UTC}\n")
    two = _write(tmp_path, "p2.yaml", "policy: {timezone: UTC}\n")
    with pytest.raises(
        JourneyDefinitionError, match=r"p2\.yaml: a second contact policy; keep one"
    ):
        load_program(one, two)
    with pytest.raises(JourneyDefinitionError, match=r"p1\.yaml: no journey found there"):
        load_program(one, only=one)


def test_a_loading_error_names_the_files_it_read(tmp_path: Path) -> None:
    journey = _write(tmp_path, "apply.yaml", "journey: apply\nsteps: {a: {invoke: receipt}}\n")
    with pytest.raises(
        JourneyDefinitionError, match=r"no interaction object 'receipt'.*\(in .*apply\.yaml\)"
    ):
        load_program(journey)

"""Design versions in the workspace database: the file as version 1, saving (refused with
line-located messages on error), restore, diff (text and map), create, write back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from journeyscope.errors import DefinitionError
from journeyscope.services.design_check import check_design
from journeyscope.services.designs import (
    FOLDER_AUTHOR,
    DesignNotFound,
    DesignRefused,
    Designs,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def designs(tmp_path: Path) -> Designs:
    folder = tmp_path / "designs"
    shutil.copytree(REPO / "examples" / "journeys", folder)
    return Designs(tmp_path / "workspace.sqlite", folder)


def tenancy(designs: Designs) -> str:
    return (designs.folder / "tenancy.yaml").read_text(encoding="utf-8")


def test_every_file_is_a_design_and_its_first_version_is_the_file(designs: Designs) -> None:
    ids = [e.id for e in designs.entries()]
    assert ids == ["loan_application", "maintenance_loan", "permit_receipt", "tenancy"]
    first = designs.versions("tenancy")
    assert [v.number for v in first] == [1]
    assert first[0].text == tenancy(designs)
    assert first[0].author == FOLDER_AUTHOR
    assert designs.versions("tenancy") == first  # not recorded twice


def test_a_design_with_an_error_is_refused_with_its_line(designs: Designs) -> None:
    text = tenancy(designs).replace("step: collect_keys", "step: colect_keys", 1)
    line = 1 + tenancy(designs).splitlines().index("  step: collect_keys")
    with pytest.raises(DesignRefused) as refused:
        designs.save("tenancy", text, "maria", "typo")
    [message] = refused.value.messages
    assert message.line == line
    assert message.field == "outcome.step"
    assert "did you mean 'collect_keys'" in message.text
    assert f"tenancy.yaml:{line}: error[unknown-step]" in str(refused.value)
    assert [v.number for v in designs.versions("tenancy")] == [1]  # nothing saved


def test_unknown_field_and_broken_yaml_name_their_lines(designs: Designs) -> None:
    base = tenancy(designs)
    typo = check_design(base.replace("channels: [web, app]", "chanels: [web, app]", 1))
    assert typo.errors[0].line == 1 + base.splitlines().index("        channels: [web, app]")
    assert "did you mean 'channels'" in typo.errors[0].text
    broken = check_design(base.replace("  within: 60 days", "  within: [60 days", 1))
    assert broken.errors[0].code == "yaml" and broken.errors[0].line is not None


def test_save_restore_and_diff(designs: Designs) -> None:
    base = tenancy(designs)
    renamed = base.replace("name: View property listing", "name: Browse listings", 1)
    v2 = designs.save("tenancy", renamed, "maria", "clearer step name")
    assert (v2.number, v2.author, v2.message) == (2, "maria", "clearer step name")
    with pytest.raises(DesignRefused, match="nothing changed"):
        designs.save("tenancy", renamed, "maria", "again")
    diff = designs.diff("tenancy", 1, 2)
    assert "-        name: View property listing" in diff.text
    assert "+        name: Browse listings" in diff.text
    assert [c.summary for c in diff.changes] == [
        "step 'view_listing' changed: name 'View property listing' → 'Browse listings'"
    ]
    v3 = designs.restore("tenancy", 1, "maria")
    assert v3.number == 3 and v3.text == base and v3.message == "restored version 1"
    assert designs.diff("tenancy", 1, 3).text == ""
    assert [v.number for v in designs.versions("tenancy")] == [3, 2, 1]


def test_the_id_of_a_design_cannot_change_on_save(designs: Designs) -> None:
    text = tenancy(designs).replace("id: tenancy", "id: tenancy_two", 1)
    with pytest.raises(DesignRefused) as refused:
        designs.save("tenancy", text, "maria", "")
    assert refused.value.messages[0].code == "id-changed"
    assert refused.value.messages[0].line == 1 + text.splitlines().index("id: tenancy_two")


def test_unknown_design_and_version_name_what_exists(designs: Designs) -> None:
    with pytest.raises(DesignNotFound, match="tenancy"):
        designs.versions("tenacy")
    with pytest.raises(DesignNotFound, match="no version 7"):
        designs.version("tenancy", 7)
    with pytest.raises(DesignNotFound, match="not a journey id"):
        designs.versions("../etc")


def test_saving_a_design_that_does_not_exist_is_refused_not_created(designs: Designs) -> None:
    text = tenancy(designs).replace("id: tenancy", "id: nowhere", 1)
    with pytest.raises(DesignNotFound, match="no design 'nowhere'"):
        designs.save("nowhere", text, "maria", "")
    assert "nowhere" not in {e.id for e in designs.entries()}


@pytest.mark.slow
def test_a_new_design_lives_in_the_workspace_until_written_back(designs: Designs) -> None:
    text = tenancy(designs).replace("id: tenancy", "id: tenancy_copy", 1)
    created = designs.create(text, "maria", "copy")
    assert created.design == "tenancy_copy" and created.number == 1
    assert "tenancy_copy" in [e.id for e in designs.entries()]
    with pytest.raises(DesignRefused, match="exists already"):
        designs.create(text, "maria", "again")
    path = designs.write_back("tenancy_copy", 1)
    assert path == designs.folder / "tenancy_copy.yaml"
    assert path.read_text(encoding="utf-8") == text


def test_write_back_overwrites_the_designs_file(designs: Designs) -> None:
    renamed = tenancy(designs).replace("name: Establish a tenancy", "name: Start a tenancy", 1)
    designs.save("tenancy", renamed, "maria", "rename")
    path = designs.write_back("tenancy", 2)
    assert path.name == "tenancy.yaml" and path.read_text(encoding="utf-8") == renamed


def test_write_back_refuses_a_version_with_errors(designs: Designs) -> None:
    # a file with an error in the folder is version 1 as it is; it cannot be written back
    bad = tenancy(designs).replace("step: collect_keys", "step: nowhere", 1)
    (designs.folder / "tenancy.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(DefinitionError, match="has errors"):
        designs.write_back("tenancy", 1)


def test_a_browser_forms_line_ends_are_saved_as_the_files(designs: Designs) -> None:
    base = tenancy(designs)
    sent = base.replace("name: Establish a tenancy", "name: Start a tenancy", 1).replace(
        "\n", "\r\n"
    )
    saved = designs.save("tenancy", sent, "maria", "from a form")
    assert "\r" not in saved.text
    diff = designs.diff("tenancy", 1, 2)
    added = [line for line in diff.text.splitlines() if line.startswith("+") and line[:3] != "+++"]
    assert added == ["+name: Start a tenancy"]  # one line changed, not every line
    assert [c.summary for c in diff.changes] == [
        "journey 'tenancy' changed: name 'Establish a tenancy' → 'Start a tenancy'"
    ]


def test_saves_at_once_each_get_their_own_number(designs: Designs) -> None:
    from concurrent.futures import ThreadPoolExecutor

    base = tenancy(designs)
    designs.versions("tenancy")
    texts = [base.replace("name: Establish a tenancy", f"name: Tenancy {i}", 1) for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        saved = list(pool.map(lambda t: designs.save("tenancy", t, "maria", "race"), texts))
    assert sorted(v.number for v in saved) == [2, 3, 4, 5]


@pytest.mark.slow
def test_many_first_requests_at_once_on_a_fresh_workspace_all_open_it(tmp_path: Path) -> None:
    """Five users signing in together on a new workspace each open the designs (and so create
    the versions table) at the same moment: none fails with "table already exists"."""
    import threading

    folder = tmp_path / "designs"
    shutil.copytree(REPO / "examples" / "journeys", folder)
    start = threading.Barrier(8)
    failed: list[BaseException] = []

    def open_designs() -> None:
        start.wait()
        try:
            Designs(tmp_path / "workspace.sqlite", folder).versions("tenancy")
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=open_designs) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == []

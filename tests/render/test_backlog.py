"""The backlog end to end on the synthetic store: exports that planning tools read, the story
map picture, stories that say where they come from; and the design's ``stories:`` checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from render_kit import overlapping, parse, text_lines
from typer.testing import CliRunner

from journeyscope.analytics.story_map import StoryMap
from journeyscope.cli import app
from journeyscope.definitions import parse_journey
from journeyscope.errors import DefinitionError
from journeyscope.render.backlog import JIRA_COLUMNS, export
from journeyscope.render.story_map import story_map_svg

REPO = Path(__file__).resolve().parents[2]
TENANCY = REPO / "examples" / "journeys" / "tenancy.yaml"


@pytest.fixture(scope="module")
def story_map_json(synthetic_store) -> StoryMap:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app,
        [
            "backlog",
            str(TENANCY),
            "--store",
            str(synthetic_store.path),
            "--format",
            "json",
            "--value-per-case",
            "400",
            "--cost",
            "phone=6.5",
            "--cost",
            "branch=12",
        ],
    )
    assert result.exit_code == 0, result.output
    return StoryMap.model_validate_json(result.stdout)


@pytest.mark.slow
def test_stories_are_ordered_by_expected_value_and_link_to_evidence(story_map_json) -> None:  # type: ignore[no-untyped-def]
    m = story_map_json
    assert m.stories and m.opportunities
    valued = [o for o in m.opportunities if o.expected_value is not None]
    assert len(valued) >= 3
    assert [o.expected_value for o in valued] == sorted(
        (o.expected_value for o in valued), reverse=True
    )
    for o in valued:
        assert o.evidence, o.id
        assert all(e.analysis.startswith("journeyscope ") for e in o.evidence)
        assert o.value_interval is not None
        assert o.value_interval.low <= o.value_at_stake <= o.value_interval.high  # type: ignore[operator]
    for story in m.stories:
        assert story.text.startswith("As a") and ", I want " in story.text
        if story.step is not None:
            assert story.step in {s.id for st in m.backbone for s in st.steps}
    shares = [r.share_of_value for r in m.releases if r.share_of_value is not None]
    assert sum(shares) == pytest.approx(1.0)


@pytest.mark.slow
def test_jira_csv_has_the_importer_columns_epics_first(story_map_json) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(export(story_map_json, "jira-csv"))))
    header, body = rows[0], rows[1:]
    assert tuple(header[: len(JIRA_COLUMNS)]) == JIRA_COLUMNS
    assert set(header[len(JIRA_COLUMNS) :]) == {"Labels"}
    kinds = [r[2] for r in body]
    assert kinds == sorted(kinds)  # "Epic" < "Story": every epic before every story
    epics = {r[0] for r in body if r[2] == "Epic"}
    ids = [r[0] for r in body]
    assert len(ids) == len(set(ids))
    for r in body:
        assert len(r) == len(header)
        assert r[3]  # Summary
        if r[2] == "Story" and r[1]:
            assert r[1] in epics
        assert all(" " not in label for label in r[len(JIRA_COLUMNS) :])
    assert sum(k == "Story" for k in kinds) == len(story_map_json.stories)


@pytest.mark.slow
def test_github_issues_and_markdown(story_map_json) -> None:  # type: ignore[no-untyped-def]
    issues = json.loads(export(story_map_json, "github"))
    assert len(issues) == len(story_map_json.stories)
    assert all(set(i) == {"title", "body", "labels"} for i in issues)
    assert all("Evidence:" in i["body"] for i in issues if "not measured" not in i["body"])
    md = export(story_map_json, "markdown")
    assert md.startswith("# Story map: ")
    assert all(c.text in md for c in story_map_json.stories)


@pytest.mark.slow
def test_money_carries_its_currency(story_map_json) -> None:  # type: ignore[no-untyped-def]
    valued = [c for c in story_map_json.stories if c.value_at_stake is not None]
    assert valued
    md = export(story_map_json, "markdown", "GBP")
    assert "GBP " in md and "EUR " not in md
    assert "EUR " in export(story_map_json, "markdown")  # the stated default
    svg = story_map_svg(story_map_json, embed_font=False, currency="GBP")
    assert "GBP " in svg


@pytest.mark.slow
def test_story_map_svg_text_never_overlaps(story_map_json) -> None:  # type: ignore[no-untyped-def]
    svg = story_map_svg(story_map_json, embed_font=False)
    root = parse(svg)
    lines = text_lines(root)
    assert not overlapping(lines)
    assert any("Release 1" in t.text for t in lines)


def test_a_story_under_an_unknown_step_or_persona_is_an_error_with_its_line() -> None:
    text = TENANCY.read_text()
    bad = text + (
        "stories:\n"
        "  - id: tracker\n"
        "    step: upload_document\n"
        "    persona: digital_frist\n"
        "    want: to see my status\n"
    )
    with pytest.raises(DefinitionError) as caught:
        parse_journey(bad, "tenancy.yaml")
    message = str(caught.value)
    assert "upload_documents" in message  # the closest step
    assert "digital_first" in message  # the closest persona
    line = len(text.splitlines()) + 3
    assert f"tenancy.yaml:{line}" in message

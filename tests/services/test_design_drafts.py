"""A design drafted from the data (services/design_drafts.py): the steps the cases go
through, only the events of one file or of the filters when asked, the YAML the workspace's
editor opens saying where it came from, and a clear error when nothing can be drafted."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.config import Settings
from journeyscope.definitions.models import Journey
from journeyscope.errors import DefinitionError
from journeyscope.events import Store
from journeyscope.services.design_drafts import draft_from_store, infer_from_store
from journeyscope.services.results import Filters

FLOW = ("Apply", "Upload documents", "Decision")


def _file(path: Path, cases: range, flow: tuple[str, ...], channel: str) -> Path:
    lines = ["case_id,activity,timestamp,channel"]
    for c in cases:
        for i, activity in enumerate(flow):
            lines.append(f"c{c},{activity},2025-01-{1 + c % 20:02d}T{9 + i:02d}:00:00Z,{channel}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = tmp_path / "store.duckdb"
    with Store(store) as writer:
        writer.ingest(_file(tmp_path / "web.csv", range(20), FLOW, "web"))
        writer.ingest(
            _file(tmp_path / "branch.csv", range(20, 30), ("Visit branch", "Sign"), "branch")
        )
    return Settings(store=store)


def _activities(journey: Journey) -> set[str]:
    return {a for step in journey.steps for a in step.activities}


def test_a_draft_has_the_steps_the_cases_go_through(settings: Settings) -> None:
    journey = infer_from_store(settings, journey_id="loans", name="Loans")
    assert (journey.id, journey.name) == ("loans", "Loans")
    assert set(FLOW) | {"Visit branch", "Sign"} <= _activities(journey)


def test_one_file_or_the_filters_narrow_what_is_drafted(settings: Settings) -> None:
    web = infer_from_store(settings, journey_id="web", name="Web", source="web.csv")
    assert _activities(web) == set(FLOW)
    branch = infer_from_store(
        settings, journey_id="branch", name="Branch", filters=Filters(channels=("branch",))
    )
    assert _activities(branch) == {"Visit branch", "Sign"}


def test_the_editors_draft_says_where_it_came_from(settings: Settings) -> None:
    text = draft_from_store(
        settings, journey_id="branch", name="Branch", filters=Filters(channels=("branch",))
    )
    header = text.split("\n\n", 1)[0]
    assert "Drafted by journeyscope design infer" in header
    assert "in channel branch" in header and "every event" in header
    assert "id: branch" in text and "Visit branch" in text


def test_nothing_to_draft_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(DefinitionError, match="cannot draft a journey"):
        infer_from_store(settings, journey_id="x", name="X", source="no such file.csv")

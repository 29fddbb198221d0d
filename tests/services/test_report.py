"""The report's analyses one part at a time (the journeys page's jobs): the same code and the
same numbers as the whole report, each analysis with what it needs and nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from analytics_kit import count_replays

from journeyscope.analytics.backends import IbisBackend
from journeyscope.analytics.conformance import conformance
from journeyscope.definitions import load_journey
from journeyscope.definitions.models import Journey
from journeyscope.events import Store
from journeyscope.services import report
from journeyscope.services.report import ANALYSES, NEEDS, compute_analyses

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "journeys"


@pytest.fixture(scope="module")
def tenancy() -> Journey:
    return load_journey(EXAMPLES / "tenancy.yaml")


def rounded(value: Any) -> Any:
    """``value`` (a result, as plain data) with each float to 9 significant digits: the
    store sums in parallel, so a mean can differ in its last bit from one run to the next."""
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


@pytest.mark.slow
def test_a_part_gives_the_numbers_of_the_whole(synthetic_store: Store, tenancy: Journey) -> None:
    every = [a for a in ANALYSES if a != "silent"]  # the rest of the report, in one run
    whole = compute_analyses(synthetic_store.events(), tenancy, every)
    lanes = compute_analyses(synthetic_store.events(), tenancy, ["step times", "conformance"])
    assert set(lanes.runs) == {"cases", "conformance", "step times"}
    assert rounded(lanes.conformance) == rounded(whole.conformance)
    assert rounded(lanes.step_medians) == rounded(whole.step_medians)
    assert lanes.moments is None and lanes.silent is None and lanes.overview == {}

    opportunities = compute_analyses(synthetic_store.events(), tenancy, ["backlog"])
    assert set(opportunities.runs) == {"cases", *NEEDS["backlog"], "backlog"}
    assert rounded(opportunities.backlog) == rounded(whole.backlog)
    assert rounded(opportunities.value) == rounded(whole.value)


def test_an_unknown_analysis_names_the_closest(synthetic_store: Store, tenancy: Journey) -> None:
    with pytest.raises(
        ValueError, match=r"no report analysis 'conformence' .*did you mean conformance"
    ):
        compute_analyses(synthetic_store.events(), tenancy, ["conformence"])


def test_without_a_design_the_design_parts_say_why(synthetic_store: Store) -> None:
    data = compute_analyses(synthetic_store.events(), None, ["conformance", "moments"])
    assert data.conformance is None and data.moments is None
    assert set(data.missing) == {"journey-map", "blueprint", "conformance", "moments"}
    assert "no designed journey" in data.missing["moments"]


def test_conformance_moments_and_the_backlog_read_one_replay_and_give_what_three_gave(
    synthetic_store: Store, tenancy: Journey, monkeypatch: pytest.MonkeyPatch
) -> None:
    replays = count_replays(monkeypatch)
    once = compute_analyses(synthetic_store.events(), tenancy, ["backlog"])
    assert set(once.runs) == {"cases", "conformance", "moments", "value", "backlog"}
    assert replays == [(tenancy.id, "given")]  # the conformance section's, read by the rest
    assert once.moments is not None and any(
        m.kind in ("skipped_step", "out_of_order", "time_limit_broken", "entered_midway")
        for m in once.moments.moments
    )  # deviations are among the candidates ranked

    # as before: the conformance section, the moments and the backlog's moments each
    # replayed the events themselves
    def replay_of_its_own(_: IbisBackend, events: Any, journey: Journey, rule: Any) -> Any:
        return conformance(events, journey, rule)

    monkeypatch.setattr(IbisBackend, "conformance", replay_of_its_own)
    thrice = compute_analyses(synthetic_store.events(), tenancy, ["backlog"])
    assert len(replays) == 1 + 3
    for part in ("conformance", "moments", "value", "backlog"):
        assert rounded(getattr(once, part)) == rounded(getattr(thrice, part)), part


@pytest.mark.slow
def test_beyond_the_backends_memory_the_report_counts_by_sorting_the_same_numbers(
    synthetic_store: Store, tenancy: Journey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the events would not fit (``Backend.fits`` false), the report's own distinct
    counts and medians and those of the analyses it runs are counted by sorting
    (analytics/holistic.py): the same numbers."""
    parts = ["overview", "process map", "loops", "channels", "conformance", "step times", "value"]
    held = compute_analyses(synthetic_store.events(), tenancy, parts)
    asked: list[bool] = []
    monkeypatch.setattr(IbisBackend, "fits", lambda self, t: asked.append(False) or False)
    large = compute_analyses(synthetic_store.events(), tenancy, parts)
    assert asked  # every sized part asked
    for name in ("overview", "process", "paths", "channels", "conformance", "value"):
        assert rounded(getattr(large, name)) == rounded(getattr(held, name)), name
    assert rounded(large.step_medians) == rounded(held.step_medians) != {}
    assert held.overview["customers"] and held.overview["per_channel"]
    events = synthetic_store.events()
    assert report._respondents(events, "NPS", large=True) == report._respondents(
        events, "NPS", large=False
    )

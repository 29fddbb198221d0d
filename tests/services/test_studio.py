"""The journeys page's work (services/studio.py): the report's analyses on the filtered events
(a channel keeps whole cases), a part that fails kept as its message, the parts as cached
jobs, the filters in words and as Explore's URL parameters, the links to Explore and the
opportunities placed on the map's steps; on a small store and a three-step design built
here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from journeyscope.analytics.cohorts import Cohort, Condition
from journeyscope.analytics.opportunities import Evidence, Opportunity
from journeyscope.config import Settings
from journeyscope.definitions.models import Journey
from journeyscope.events import Store
from journeyscope.services import results, studio
from journeyscope.services.results import Filters
from journeyscope.services.studio import (
    PARTS,
    SECTION_PART,
    Failed,
    compute_journey,
    compute_part,
    describe,
    explore_links,
    filter_params,
    opportunities_by_step,
    submit_part,
    submit_parts,
)


def _journey(within: str | None = "2d") -> Journey:
    """A, an optional X, B, C; the outcome is C (within ``within``)."""
    outcome: dict[str, Any] = {"description": "Done", "step": "c"}
    if within:
        outcome["within"] = within
    return Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "Get it done.",
            "outcome": outcome,
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "steps": [
                        {"id": "a", "name": "A", "activities": ["A"]},
                        {"id": "x", "name": "X", "activities": ["X"], "optional": True},
                        {"id": "b", "name": "B", "activities": ["B"], "pain_points": ["Slow"]},
                        {"id": "c", "name": "C", "activities": ["C"]},
                    ],
                }
            ],
        }
    )


JOURNEY = _journey()

# c4 has no activity of the design: the report leaves it out
EVENTS = """\
case_id,activity,timestamp,channel
c1,A,2024-01-01T09:00:00Z,web
c1,B,2024-01-01T10:00:00Z,phone
c1,C,2024-01-02T09:00:00Z,web
c2,A,2024-01-02T09:00:00Z,web
c2,B,2024-01-02T10:00:00Z,web
c3,A,2024-01-03T09:00:00Z,app
c4,Z,2024-01-03T09:00:00Z,web
"""


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    (tmp_path / "events.csv").write_text(EVENTS)
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(tmp_path / "events.csv")
    yield Settings(store=tmp_path / "store.duckdb", currency="GBP")
    results.clear()


def test_a_channel_keeps_the_cases_with_an_event_in_it_with_all_their_events(
    settings: Settings,
) -> None:
    every = compute_journey(settings, JOURNEY, Filters(), ["overview"])
    assert (every.overview["events"], every.overview["cases"]) == (6, 3)  # c4 is out of scope
    assert every.title == "Journey: J" and every.source == str(settings.store)
    assert every.currency == "GBP"
    phone = compute_journey(settings, JOURNEY, Filters(channels=("phone",)), ["overview"])
    assert (phone.overview["events"], phone.overview["cases"]) == (3, 1)  # c1, web included
    assert {c["channel"]: c["events"] for c in phone.overview["per_channel"]} == {
        "web": 2,
        "phone": 1,
    }
    assert phone.source == "store.duckdb" and phone.currency == "GBP"
    later = compute_journey(settings, JOURNEY, Filters(since=date(2024, 1, 2)), ["overview"])
    assert (later.overview["events"], later.overview["cases"]) == (4, 3)  # c1's C, c2, c3


def test_a_part_that_refuses_the_data_is_its_message(tmp_path: Path) -> None:
    missing = Settings(store=tmp_path / "none.duckdb")
    for filters in (Filters(), Filters(channels=("web",))):
        failed = compute_part(missing, JOURNEY, filters, ["overview"])
        assert isinstance(failed, Failed)
        assert "none.duckdb" in failed.message


def test_each_part_is_one_cached_job_per_design_text_and_filters(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    lock = threading.Lock()  # the pool may run two parts at once

    def compute(*args: Any) -> str:
        with lock:
            calls.append(args)
            return f"done {len(calls)}"

    monkeypatch.setattr(studio, "compute_part", compute)
    first = submit_part(settings, JOURNEY, "text", Filters(), "insight").result(timeout=30)
    assert first == "done 1"
    assert calls == [(settings, JOURNEY, Filters(), PARTS["insight"])]
    again = submit_part(settings, JOURNEY, "text", Filters(), "insight").result(timeout=30)
    assert again == "done 1" and len(calls) == 1  # from the cache
    edited = submit_part(settings, JOURNEY, "edited", Filters(), "insight").result(timeout=30)
    web = Filters(channels=("web",))
    narrowed = submit_part(settings, JOURNEY, "text", web, "insight").result(timeout=30)
    assert (edited, narrowed) == ("done 2", "done 3")
    jobs = submit_parts(settings, JOURNEY, "text", Filters())
    assert list(jobs) == list(PARTS) == ["map", "insight", "silent"]
    done = {part: job.result(timeout=30) for part, job in jobs.items()}
    assert done["insight"] == "done 1"
    assert sorted(done.values()) == ["done 1", "done 4", "done 5"]
    assert {args[3] for args in calls[3:]} == {PARTS["map"], PARTS["silent"]}


def test_every_section_that_needs_data_has_a_part() -> None:
    assert set(SECTION_PART.values()) == set(PARTS)
    assert "backlog" in PARTS[SECTION_PART["opportunities"]]


def test_the_filters_in_words_say_a_channel_keeps_whole_cases() -> None:
    assert describe(Filters()) == ""
    assert describe(Filters(channels=("web", "app"))) == (
        "Only cases with an event in channel web or app (all their events) were analysed."
    )
    assert describe(Filters(since=date(2024, 1, 2), channels=("web",))) == (
        "Only cases with an event in channel web (all their events) were analysed. "
        "Only events on or after 2024-01-02 were analysed."
    )


VIP = Cohort(name="vip", conditions=(Condition(property="plan", equals="gold"),))
FILTERS = Filters(
    since=date(2024, 1, 2),
    until=date(2024, 1, 31),
    channels=("web", "app"),
    where=(("plan", "gold"),),
    cohort=VIP,
)
KEPT = [
    ("since", "2024-01-02"),
    ("until", "2024-01-31"),
    ("channel", "web"),
    ("channel", "app"),
    ("where", "plan=gold"),
    ("cohort", "vip"),
]


def test_the_filters_are_explores_url_parameters() -> None:
    assert filter_params(Filters()) == []
    assert filter_params(FILTERS) == KEPT


def _split(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query)


def test_each_section_links_to_the_explore_query_closest_to_it() -> None:
    links = explore_links(JOURNEY, FILTERS)
    path = [("step", "A"), ("step", "B"), ("step", "C")]  # the optional X left out
    expected = {
        "journey-map": ("/explore/funnel", [*path, ("window", "2d")]),
        "blueprint": ("/explore/dfg", []),
        "personas": ("/explore/funnel", [*path, ("window", "2d"), ("breakdown", "segment")]),
        "conformance": ("/explore/variants", []),
        "emotion": ("/explore/funnel", [*path, ("window", "2d")]),
        "moments": ("/explore/paths", [("start", "A")]),
        "silent": ("/explore/channels", []),
        "value": ("/explore/channels", []),
    }
    assert set(links) == set(expected)
    for section, (where, params) in expected.items():
        url, what = links[section]
        assert _split(url) == (where, params + KEPT), section
        assert what, section
    bare = explore_links(_journey(within=None), Filters())
    assert _split(bare["journey-map"][0]) == ("/explore/funnel", path)
    for within, window in [("12h", "12h"), ("36 hours", "36h"), ("1w", "7d")]:
        link = explore_links(_journey(within=within), Filters())["journey-map"][0]
        assert ("window", window) in _split(link)[1], within  # never rounded down to days


def _evidence(source: Any, step: str | None) -> Evidence:
    return Evidence(
        source=source,
        step=step,
        finding=f"{source} at {step}",
        analysis=f"journeyscope {source}",
        cases=1,
        cases_per_year=1.0,
        how="by hand",
    )


def _opportunity(oid: str, step: str | None, *sources: str) -> Opportunity:
    return Opportunity(
        id=oid,
        step=step,
        step_name=None,
        stage=None,
        title=oid,
        origin="data",
        evidence=[_evidence(s, step) for s in sources],
        value_at_stake=None,
        value_interval=None,
        confidence=None,
    )


def test_opportunities_sit_at_their_step_with_links_to_their_evidence() -> None:
    at_b = _opportunity("b.fix", "b", "drop-off", "moment of truth", "failure demand", "deviation")
    at_x = _opportunity("x.fix", "x", "drop-off")
    backlog = [at_b, at_x, _opportunity("nowhere", None, "deviation"), _opportunity("gone", "z")]
    data = SimpleNamespace(backlog=SimpleNamespace(opportunities=backlog))
    web = Filters(channels=("web",))
    columns = opportunities_by_step(data, JOURNEY, web)  # type: ignore[arg-type]
    assert [(c.step, c.name, c.pain_points) for c in columns] == [
        ("a", "A", []),
        ("x", "X", []),
        ("b", "B", ["Slow"]),
        ("c", "C", []),
    ]
    by_step = {c.step: c.opportunities for c in columns}
    assert by_step["a"] == [] and by_step["c"] == []
    ((found, links),) = by_step["b"]
    assert found is at_b
    assert [(link.source, link.href) for link in links] == [
        # B is the main path's second step: the funnel's drill-down at it, with the filters
        ("drop-off", "/explore/funnel/drill?at=2&step=A&step=B&step=C&channel=web"),
        ("moment of truth", "#moments"),
        ("failure demand", "#value"),
        ("deviation", "#conformance"),
    ]
    assert links[0].finding == "drop-off at b" and links[0].command == "journeyscope drop-off"
    ((_, off_path),) = by_step["x"]  # not on the main path: no funnel step to drill into
    assert [link.href for link in off_path] == ["#value"]


def test_without_a_backlog_the_map_has_only_the_designed_pain_points() -> None:
    columns = opportunities_by_step(
        SimpleNamespace(backlog=None),  # type: ignore[arg-type]
        JOURNEY,
        Filters(),
    )
    assert [c.opportunities for c in columns] == [[], [], [], []]
    assert [c.pain_points for c in columns] == [[], [], ["Slow"], []]

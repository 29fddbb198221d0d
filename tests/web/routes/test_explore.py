"""Explore's routes and helpers (``web/routes/explore.py``): the groups a page shows, the
breakdown and cohorts a URL may ask for, the progress of pending jobs, and the pages, CSV
export and funnel drill-down through the app."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from journeyscope.analytics.cohorts import NONE, Cohort, Condition, save_named
from journeyscope.config import Settings
from journeyscope.errors import InvalidQueryError
from journeyscope.services import results
from journeyscope.services.overview import ActivityEntry, Catalogue
from journeyscope.web.routes import explore

STEPS = ["Start housing application", "Upload documents", "Accept tenancy offer"]
UPLOADERS = Cohort(name="uploaders", conditions=(Condition(activity="Upload documents"),))
WEB = Cohort(name="web-users", conditions=(Condition(property="channel", equals="web"),))
KNOWN = Catalogue(
    activities=[ActivityEntry("Visit", 3, 2, ["web"])],
    channels=["web", "phone"],
    properties=["segment", "age_band"],
)


def test_explore_offers_its_analyses_then_trends() -> None:
    assert list(explore.TABS)[-1] == "trends"
    assert {"funnel", "paths", "dfg", "variants", "channels"} <= set(explore.TABS)


def test_a_page_shows_one_result_unless_a_view_is_split_by_cohorts() -> None:
    plain = results.Filters(channels=("web",))
    assert explore.groups("variants", plain) == [("", plain)]
    split = results.Filters(by_cohort=(UPLOADERS, WEB))
    assert explore.groups("funnel", split) == [("", split)]  # the funnel splits by itself
    parts = explore.groups("variants", split)
    assert [name for name, _ in parts] == ["uploaders", "web-users", NONE]
    assert [f.group for _, f in parts] == ["uploaders", "web-users", NONE]
    assert all(f.by_cohort == (UPLOADERS, WEB) for _, f in parts)
    one = results.Filters(by_cohort=(UPLOADERS,), group="uploaders")
    assert explore.groups("dfg", one) == [("", one)]  # a group chosen: that group alone


def test_a_groups_title_names_its_cohort_or_the_rest() -> None:
    assert explore.group_title("uploaders") == "Cohort uploaders"
    assert explore.group_title(NONE) == "The rest: in none of these cohorts"


def test_the_breakdown_is_a_known_property_an_event_column_or_none() -> None:
    plain = results.Filters()
    assert explore.breakdown_of(None, plain, KNOWN) is None
    assert explore.breakdown_of("  ", plain, KNOWN) is None
    assert explore.breakdown_of(" segment ", plain, KNOWN) == "segment"
    for column in explore.EVENT_COLUMNS:
        assert explore.breakdown_of(column, plain, KNOWN) == column
    with pytest.raises(
        InvalidQueryError, match="no property 'segmnt' in the events; closest: segment"
    ):
        explore.breakdown_of("segmnt", plain, KNOWN)
    with pytest.raises(InvalidQueryError, match="closest: survey_type"):
        explore.breakdown_of("survey_typ", plain, KNOWN)
    with pytest.raises(InvalidQueryError, match="'cohort' needs the cohorts to split by"):
        explore.breakdown_of("cohort", plain, KNOWN)


def test_a_split_by_cohort_makes_the_breakdown_the_cohort() -> None:
    split = results.Filters(by_cohort=(UPLOADERS,))
    assert explore.breakdown_of(None, split, KNOWN) == "cohort"
    assert explore.breakdown_of("cohort", split, KNOWN) == "cohort"
    with pytest.raises(InvalidQueryError, match="'channel' and a split by cohort at once"):
        explore.breakdown_of("channel", split, KNOWN)


@pytest.fixture
def cohort_settings(tmp_path: Path) -> Settings:
    folder = tmp_path / "cohorts"
    save_named(UPLOADERS, folder)
    save_named(WEB, folder)
    return Settings(store=tmp_path / "store.duckdb", cohorts=folder)


def test_the_url_names_saved_cohorts_to_keep_split_by_and_one_group(
    cohort_settings: Settings,
) -> None:
    params = {
        "cohort": ["web-users", " uploaders ", " "],  # the last named one counts
        "by_cohort": ["web-users", "uploaders", "web-users", ""],
        "group": [" uploaders "],  # trimmed as the cohorts are
    }
    filters = explore.with_cohorts(cohort_settings, results.Filters(channels=("web",)), params)
    assert filters.cohort == UPLOADERS
    assert [c.name for c in filters.by_cohort] == ["web-users", "uploaders"]  # once each
    assert filters.group == "uploaders" and filters.channels == ("web",)
    rest = explore.with_cohorts(
        cohort_settings, results.Filters(), {"by_cohort": ["uploaders"], "group": [NONE]}
    )
    assert rest.group == NONE
    none = explore.with_cohorts(cohort_settings, results.Filters(), {})
    assert (none.cohort, none.by_cohort, none.group) == (None, (), None)


def test_a_group_outside_the_split_or_an_unknown_cohort_is_named(cohort_settings: Settings) -> None:
    with pytest.raises(
        InvalidQueryError,
        match=r"group: 'vip' is none of the cohorts split by \(by_cohort: none given\)",
    ):
        explore.with_cohorts(cohort_settings, results.Filters(), {"group": ["vip"]})
    with pytest.raises(InvalidQueryError, match=r"\(uploaders, \(no cohort\)\)"):
        explore.with_cohorts(
            cohort_settings, results.Filters(), {"by_cohort": ["uploaders"], "group": ["vip"]}
        )
    with pytest.raises(InvalidQueryError, match="closest: uploaders"):
        explore.with_cohorts(cohort_settings, results.Filters(), {"cohort": ["uploader"]})


def test_the_cohorts_offered_are_those_saved_and_a_broken_file_is_said(
    cohort_settings: Settings,
) -> None:
    (cohort_settings.cohorts / "broken.json").write_text("{not json", encoding="utf-8")
    offered = explore.cohort_choices(cohort_settings)
    assert [c.name for c in offered["cohorts"]] == ["uploaders", "web-users"]
    [problem] = offered["cohort_problems"]
    assert problem.startswith("cohort 'broken'")


@dataclass
class _Job:
    elapsed: float
    expected: float | None
    progress: float | None
    finished: bool

    def done(self) -> bool:
        return self.finished


def test_progress_is_the_slowest_unfinished_jobs_or_the_slowest_when_all_are_done() -> None:
    jobs: list[Any] = [
        _Job(9.0, 10.0, 0.9, True),
        _Job(3.0, 6.0, 0.5, False),
        _Job(1.0, None, None, False),
    ]
    assert explore.progress_of(jobs) == {
        "pending": True,
        "elapsed": 3.0,
        "expected": 6.0,
        "progress": 0.5,
    }
    done: list[Any] = [_Job(2.0, 2.0, 1.0, True), _Job(4.0, 5.0, 1.0, True)]
    assert explore.progress_of(done)["elapsed"] == 4.0


# ----------------------------------------------------------------------------- through the app


def test_explore_opens_on_the_funnel_and_an_unknown_analysis_is_named(app_client, login) -> None:
    login(app_client, "viewer")
    root = app_client.get("/explore", follow_redirects=False)
    assert root.status_code == 303 and root.headers["location"] == "/explore/funnel"
    missing = app_client.get("/explore/funnels")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "no analysis 'funnels'; choose one of Funnel, Paths, Process map, Variants, Channels"
    )
    first = app_client.get("/explore/funnel")  # no steps yet: a form, no result
    assert first.status_code == 200 and "pick the steps" not in first.text
    part = app_client.get("/explore/funnel/result")
    assert part.status_code == 200 and "pick the steps first" in part.text


def test_the_csv_export_is_the_views_table(app_client, login) -> None:
    login(app_client, "viewer")
    done = app_client.get("/explore/variants/csv", params={"top": "3"})
    assert done.status_code == 200
    assert done.headers["content-type"].startswith("text/csv")
    assert done.headers["content-disposition"] == 'attachment; filename="variants.csv"'
    rows = list(csv.reader(io.StringIO(done.text)))
    assert len(rows) == 1 + 3  # a header and the three variants asked for
    refused = app_client.get("/explore/funnel/csv")
    assert refused.status_code == 422


def test_the_funnel_drill_down_lists_who_dropped_after_a_step(app_client, login) -> None:
    login(app_client, "analyst")
    params = {"step": STEPS, "channel": "web"}
    funnel = app_client.get("/api/funnel", params=params).json()
    first = funnel["steps"][0]
    page = app_client.get("/explore/funnel/drill", params={**params, "at": 1})
    assert page.status_code == 200, page.text
    assert f"{first['dropped']:,} cases dropped after “Start housing application”" in page.text
    assert (
        "/explore/paths?start=Start+housing+application&amp;case_rule=given&amp;channel=web"
        in page.text
    )
    for at in (0, 4):
        wrong = app_client.get("/explore/funnel/drill", params={**params, "at": at})
        assert wrong.status_code == 422 and "at: a step from 1 to 3" in wrong.text
    assert app_client.get("/explore/funnel/drill", params={"at": 1}).status_code == 422


def _variants(cases: int) -> Any:
    from journeyscope.analytics.variants import Variant, VariantsResult

    top = [Variant(rank=1, activities=["A", "B"], cases=cases, share=1.0, cumulative_share=1.0)]
    return VariantsResult(
        cases=cases,
        variants=1,
        top=top,
        coverage=0.8,
        variants_for_coverage=1,
        curve=[],
        case_rule="given",
    )


def test_a_result_is_drawn_once_and_each_request_gets_its_own_context(monkeypatch) -> None:
    """A page served from the cache gets the same result object: its table, chart and picture
    are not drawn again; another result is drawn; the filters line is the request's own."""
    import gc
    import weakref

    from journeyscope.analytics.variants import VariantsQuery
    from journeyscope.web import views

    drawn: list[int] = []
    real = views.table
    monkeypatch.setattr(views, "table", lambda kind, r: drawn.append(r.cases) or real(kind, r))
    query, result = VariantsQuery(), _variants(7)
    first = explore.result_context("variants", query, results.Filters(), result)
    second = explore.result_context("variants", query, results.Filters(), result)
    assert drawn == [7]
    assert first == second and first is not second and second["result"] is result
    assert second["table"].rows[0][1] == 7
    second["group"] = "changed"  # one request's additions do not reach the next
    assert "group" not in explore.result_context("variants", query, results.Filters(), result)
    other = _variants(9)
    assert (
        explore.result_context("variants", query, results.Filters(), other)["table"].rows[0][1] == 9
    )
    assert drawn == [7, 9]
    gone = [weakref.ref(result), weakref.ref(other)]
    del result, other, first, second  # the contexts hold their result too
    gc.collect()
    assert [r() for r in gone] == [None, None]  # held weakly: nothing kept them alive
    third = _variants(11)
    explore.result_context("variants", query, results.Filters(), third)
    assert all(r() is not None for r, _ in explore._drawn.values())  # dropped at that drawing

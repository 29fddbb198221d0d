"""Cohorts in Explore: a saved cohort as a filter and as a breakdown in every view, the same
numbers as the CLI's ``--cohort`` / ``--by-cohort``, defining a cohort from the page, and a
clear message for an unknown cohort."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from journeyscope.config import Settings

STEPS = ["Start housing application", "Upload documents", "Accept tenancy offer"]


def shown(client, kind: str, params: dict[str, object]) -> str:  # type: ignore[no-untyped-def]
    """The result part of an Explore page once computed (the page polls it while pending)."""
    while True:
        part = client.get(f"/explore/{kind}/result", params=params)
        assert part.status_code == 200, part.text
        if 'class="card pending"' not in part.text:
            return str(part.text)


@pytest.fixture
def cohorts(app_client, settings: Settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Two cohorts saved by name in the served app's cohorts folder (as the CLI saves)."""
    from journeyscope.analytics.cohorts import Cohort, Condition, save_named

    folder = tmp_path / "cohorts"
    save_named(Cohort(name="uploaders", conditions=(Condition(activity=STEPS[1]),)), folder)
    web = Condition(property="channel", equals="web")
    save_named(Cohort(name="web-users", conditions=(web,)), folder)
    app_client.app.state.settings = settings.model_copy(update={"cohorts": folder})
    return folder


@pytest.mark.slow
def test_cohort_filter_and_breakdown_equal_the_cli(
    app_client, settings: Settings, cohorts: Path, login, run_cli
) -> None:
    login(app_client, "viewer")
    env = {"JOURNEYSCOPE_COHORTS": str(cohorts)}
    store = ["--store", str(settings.store)]
    only = app_client.get("/api/funnel", params={"step": STEPS, "cohort": "uploaders"})
    assert only.status_code == 200, only.text
    cli = run_cli("--cohort", "uploaders", "funnel", *STEPS, "--json", *store, env=env)
    assert only.json() == json.loads(cli)
    assert "Only the events of the customers in cohort uploaders" in only.json()["case_rule"]
    split = app_client.get("/api/funnel", params={"step": STEPS, "by_cohort": "uploaders"})
    cli = run_cli(
        "--by-cohort", "uploaders", "funnel", *STEPS, "--breakdown", "cohort", "--json",
        *store, env=env,
    )  # fmt: skip
    assert split.json() == json.loads(cli)
    groups = {g["value"]: g["steps"] for g in split.json()["breakdown"]}
    assert set(groups) == {"uploaders", "(no cohort)"}
    assert groups["uploaders"] == [s["cases"] for s in only.json()["steps"]]


@pytest.mark.slow
def test_every_view_splits_by_cohort_into_groups_that_add_up(
    app_client, cohorts: Path, login
) -> None:
    """Variants per group: each cohort's cases and the rest's add up to every case (the
    groups are disjoint: a customer counts in the first listed cohort they are in)."""
    login(app_client, "analyst")
    every = app_client.get("/api/variants").json()
    split = app_client.get("/api/variants", params={"by_cohort": ["web-users", "uploaders"]})
    assert split.status_code == 200, split.text
    body = split.json()
    assert [g["group"] for g in body["groups"]] == ["web-users", "uploaders", "(no cohort)"]
    assert sum(g["result"]["cases"] for g in body["groups"]) == every["cases"]
    assert "not in web-users (listed first)" in body["groups"][1]["result"]["semantics"]
    for kind in ("paths", "dfg", "channels", "variants"):
        page = app_client.get(f"/explore/{kind}", params={"by_cohort": "uploaders"})
        assert page.status_code == 200, (kind, page.text[:500])
        text = shown(app_client, kind, {"by_cohort": "uploaders"})
        assert "Cohort uploaders" in text and "The rest: in none of these cohorts" in text
        assert text.count('class="card result"') == 2, kind
        csv = app_client.get(f"/explore/{kind}/csv", params={"by_cohort": "uploaders"})
        assert csv.status_code == 200 and csv.text.startswith("cohort,"), kind
        assert "\r\nuploaders," in csv.text and "\r\n(no cohort)," in csv.text
    paths = shown(app_client, "paths", {"by_cohort": "uploaders"})
    assert "&amp;group=uploaders" in paths  # a group's drill-downs keep the group


@pytest.mark.slow
def test_cohort_filter_applies_to_every_view_and_drill_down(
    app_client, cohorts: Path, login
) -> None:
    login(app_client, "analyst")
    every = app_client.get("/api/dfg").json()
    only = app_client.get("/api/dfg", params={"cohort": "uploaders"}).json()
    assert 0 < only["cases"] < every["cases"]
    page = app_client.get("/explore/dfg", params={"cohort": "uploaders"})
    assert '<option value="uploaders" title=' in page.text and "selected" in page.text
    text = shown(app_client, "dfg", {"cohort": "uploaders"})
    assert "Only the events of the customers in cohort uploaders" in text
    params = {"start": STEPS[0], "steps": "3", "cohort": "uploaders"}
    result = app_client.get("/api/paths", params=params).json()
    edge = max(result["edges"], key=lambda e: e["cases"] if e["target"] != "(other)" else 0)
    drill = app_client.get(
        "/explore/paths/drill",
        params={**params, "at": edge["step"], "source": edge["source"], "target": edge["target"]},
    )
    assert f"{edge['cases']:,} cases went from" in drill.text


def test_an_unknown_cohort_names_the_closest(app_client, cohorts: Path, login) -> None:
    login(app_client, "viewer")
    page = app_client.get("/explore/funnel", params={"step": STEPS, "cohort": "uploader"})
    assert "cohort: no cohort &#39;uploader&#39; (closest: uploaders)" in page.text
    api = app_client.get("/api/variants", params={"by_cohort": "web-user"})
    assert api.status_code == 422 and "closest: web-users" in api.text
    # a path is never read: only names saved in the cohorts folder
    sneaky = app_client.get("/api/variants", params={"cohort": str(cohorts / "uploaders.json")})
    assert sneaky.status_code == 422
    both = app_client.get(
        "/explore/funnel", params={"step": STEPS, "by_cohort": "uploaders", "breakdown": "channel"}
    )
    assert "split by cohort at once" in both.text


def test_a_cohort_defined_in_the_page_is_saved_by_name(app_client, cohorts: Path, login) -> None:
    token = login(app_client, "analyst")
    page = app_client.get("/explore/variants", params={"where": "segment=mainstream"})
    assert "Cohorts (2 defined)" in page.text and "Save as cohort" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {
        "csrf_token": csrf[1],
        "name": "mainstream uploaders",
        "back": "/explore/variants?where=segment%3Dmainstream",
        "where": "segment=mainstream",
        "activity": STEPS[1],
        "min_count": "1",
    }
    done = app_client.post("/explore/cohorts", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"].endswith("&cohort=mainstream+uploaders")
    saved = json.loads((cohorts / "mainstream uploaders.json").read_text())
    assert {c.get("property") for c in saved["conditions"]} == {"segment", None}
    text = shown(
        app_client, "variants", {"where": "segment=mainstream", "cohort": "mainstream uploaders"}
    )
    assert "cohort mainstream uploaders: customers with at least 1 event with segment = " in text
    again = app_client.post("/explore/cohorts", data=form, follow_redirects=False)
    assert again.status_code == 422 and "exists already" in again.text
    bad = app_client.post(
        "/explore/cohorts", data={**form, "name": "../x", "activity": ""}, follow_redirects=False
    )
    assert bad.status_code == 422
    typo = app_client.post(
        "/explore/cohorts", data={**form, "name": "other", "activity": "Upload documnts"}
    )
    assert typo.status_code == 422 and "Upload documents" in typo.text
    nobody = app_client.post(
        "/explore/cohorts", data={**form, "name": "nobody", "where": "segment=young"}
    )
    assert nobody.status_code == 422 and "no customer in the store is in nobody" in nobody.text
    assert not (cohorts / "nobody.json").exists()
    assert token
    viewer = app_client.get("/explore/variants")
    assert viewer.status_code == 200


@pytest.mark.slow
def test_the_journey_page_filters_by_cohort(
    app_client, settings: Settings, cohorts: Path, login, tmp_path: Path
) -> None:
    """The journeys page offers the cohorts in its filters, says the cohort in its filter
    sentence, keeps it in its links to Explore, and names the closest on a typo."""
    import html as html_lib
    import shutil

    designs = tmp_path / "designs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "journeys", designs)
    app_client.app.state.settings = app_client.app.state.settings.model_copy(
        update={"designs": designs}
    )
    login(app_client, "viewer")
    page = app_client.get("/journeys/tenancy", params={"cohort": "uploaders"})
    assert page.status_code == 200
    text = html_lib.unescape(page.text)
    assert '<option value="uploaders" title="uploaders: customers with' in text
    assert "Only the events of the customers in cohort uploaders" in text
    assert "cohort=uploaders" in text  # the links to Explore keep it
    typo = html_lib.unescape(app_client.get("/journeys/tenancy?cohort=uploadrs").text)
    assert "cohort: no cohort 'uploadrs' (closest: uploaders)" in typo


def test_a_saved_split_shows_one_result_per_group_on_a_dashboard(
    app_client, cohorts: Path, login
) -> None:
    token = login(app_client, "analyst")
    saved = app_client.post(
        "/insights",
        data={"csrf_token": token, "name": "Variants by cohort", "kind": "variants",
              "query": "by_cohort=uploaders&top=5"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    insight = re.search(r"saved=(\d+)", saved.headers["location"])
    board = app_client.post(
        "/dashboards", data={"csrf_token": token, "name": "Cohorts"}, follow_redirects=False
    )
    where = board.headers["location"]
    assert insight
    app_client.post(
        f"{where}/add", data={"csrf_token": token, "insight_id": insight[1]},
        follow_redirects=False,
    )  # fmt: skip
    tile = app_client.get(where).text
    assert "Cohort uploaders" in tile and "The rest: in none of these cohorts" in tile
    assert tile.count('class="card result"') == 2

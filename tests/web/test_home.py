"""Home over the small synthetic store: each journey's figures with their trends and
semantics; the mean fitness and its trend as ``journeyscope conformance`` counts them; the
corrected NPS as the report's silent-customer estimate (the same job as the Journeys page);
every figure of a card from one version of the design; Home's slow jobs on their own
worker, so they never hold up Explore or the Journeys page."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from journeyscope.config import Settings
from journeyscope.services import overview, results

FUNNEL = {"step": ["Start housing application", "Upload documents"]}


def card_url(page_html: str, design: str) -> str:
    """The URL the card of ``design`` asks for its slow figures (htmx ``hx-get``)."""
    card = page_html.split(f'id="journey-{design}"')[1].split(">")[0]
    found = re.search(r'hx-get="([^"]+)"', card)
    assert found, f"the card of {design} asks for nothing: {card}"
    return html.unescape(found[1])


def wait_for_card(client: Any, url: str) -> str:
    """The card at ``url`` once its slow figures are there (it polls as the page does)."""
    for _ in range(1800):
        card = client.get(url).text
        if 'data-state="done"' in card:
            return card
        assert 'data-state="pending"' in card, card
        time.sleep(0.5)
    raise AssertionError(f"{url} never finished")


def started(settings: Settings) -> int:
    """Jobs running or queued for this test's store (other tests' may still be finishing)."""
    store = str(settings.store.resolve())
    return sum(1 for key in [*results._running, *results._later] if key[0][0] == store)


def version_of(settings: Settings, design: str) -> overview.DesignVersion:
    return next(v for v in overview.home_designs(settings) if v.id == design)


def conformance_of_tenancy(settings: Settings, run_cli: Any) -> dict[str, Any]:
    """``journeyscope conformance examples/journeys/tenancy.yaml --json`` on the store."""
    design = str(settings.designs / "tenancy.yaml")
    out: dict[str, Any] = json.loads(
        run_cli("conformance", design, "--json", "--store", str(settings.store))
    )
    return out


def test_headline_trends_add_up(settings: Settings) -> None:
    period = overview.trend_period(settings)
    for v in overview.home_designs(settings):
        j = overview.journey_headline(settings, v, period)
        if j is None or not j["cases"]:
            continue
        assert sum(t["cases"] for t in j["trend"]) == j["cases"]
        reached = sum(t["rate"] * t["cases"] for t in j["trend"])
        assert round(reached) == j["reached"]
        for t in j["nps_trend"]:
            assert -100 <= t["nps"] <= 100 and t["answers"] > 0
        assert period in j["how"]["cases"] and "not corrected" in j["how"]["nps_trend"]


@pytest.mark.slow
def test_fitness_and_its_trend_equal_the_cli(settings: Settings, run_cli) -> None:  # type: ignore[no-untyped-def]
    tenancy = version_of(settings, "tenancy")
    assert tenancy.number == 0 and tenancy.journey is not None  # no saved version: the file
    fit = overview.journey_fitness(settings, tenancy.journey, "week")
    assert fit is not None
    expected = conformance_of_tenancy(settings, run_cli)
    assert fit["cases"] == expected["cases"]
    assert abs(fit["mean"] - expected["fitness"]["mean"]) < 1e-9
    assert abs(fit["perfect"] - expected["fitness"]["perfect"]) < 1e-9
    weighted = sum(t["mean"] * t["cases"] for t in fit["trend"]) / fit["cases"]
    assert abs(weighted - fit["mean"]) < 1e-9


@pytest.mark.slow
def test_home_starts_nothing_and_each_card_shows_the_reports_figures(
    app_client, settings: Settings, login, run_cli
) -> None:  # type: ignore[no-untyped-def]
    """Home itself starts no slow job; a card asks for its own when it is seen, and shows
    the mean fitness of ``journeyscope conformance`` and the report's corrected NPS."""
    from journeyscope.services.results import Filters
    from journeyscope.services.studio import compute_journey

    login(app_client, "viewer")
    first = app_client.get("/")
    assert first.status_code == 200 and 'id="nps-tenancy"' in first.text
    assert 'hx-trigger="revealed"' in first.text  # asked for when the card comes into view
    assert started(settings) == 0  # nothing started by the page
    url = card_url(first.text, "tenancy")
    assert url == "/home/journeys/tenancy?version=0"
    card = wait_for_card(app_client, url)
    assert "hx-get" not in card.split(">")[0]  # done: it stops asking
    expected = conformance_of_tenancy(settings, run_cli)
    fitness = card.split('id="fitness-tenancy"')[1].split("</div>")[0]
    assert f"{expected['fitness']['mean']:.2f}" in fitness
    tenancy = version_of(settings, "tenancy")
    assert tenancy.journey is not None
    report = compute_journey(settings, tenancy.journey, Filters(), ["silent"])  # the report's
    shown = overview.corrected_nps(report)
    if shown["kind"] == "estimate":
        assert f"{shown['value']:+.0f}" in card
        assert f"interval {shown['low']:+.0f} to {shown['high']:+.0f}" in card
    elif shown["kind"] in ("range", "abstain"):
        assert f"{shown['low']:+.0f} to {shown['high']:+.0f}" in card
    else:
        assert "corrected NPS: " in card
    # every figure has its semantics line and a sparkline where there are periods
    for label in ("Cases:", "Outcome:", "Fitness:", "NPS:"):
        assert f"<strong>{label}</strong>" in card
    assert card.count('<svg class="sparkline"') >= 2
    assert 'href="/explore/trends?event=' in card and 'href="/journeys/tenancy"' in card
    assert "the designs folder&#39;s file" in card or "the designs folder's file" in card
    # the same card asked again is answered from the results, nothing started anew
    assert started(settings) == 0
    assert wait_for_card(app_client, url) == card


#: A journey's quick figures as :func:`overview.journey_headline` gives them (for the
#: template tests: the small store has too few answers for every kind of NPS headline).
JOURNEY: dict[str, Any] = {
    "id": "j",
    "name": "J",
    "cases": 10,
    "outcome_rate": 0.5,
    "steps": ["A"],
    "period": "week",
    "trend": [],
    "how": {"cases": "c", "outcome": "o", "nps_trend": "t"},
}


def test_the_nps_trend_says_it_is_of_those_who_answered_next_to_its_sparkline() -> None:
    from journeyscope.web import home_view
    from journeyscope.web.templating import templates

    nps_trend = [
        {"period": "2024-01-01", "answers": 3, "nps": 10.0},
        {"period": "2024-01-08", "answers": 4, "nps": -5.0},
    ]
    journey = {**JOURNEY, "nps_trend": nps_trend}
    version = overview.DesignVersion("j", "J", 0, "text", None)
    c = home_view.card(version, journey, {}, (True, None), (True, {"kind": "none", "reason": "r"}))
    figure = templates.env.get_template("_home_card.html").render(c=c)
    nps = figure.split('id="nps-j"')[1].split("</div>")[0]
    note = nps.split('<svg class="sparkline"')[0]
    assert "NPS of only those who answered, not corrected" in note
    assert "NPS of those who answered (not corrected) by week" in nps  # the picture's title


def test_the_nps_card_shows_an_estimate_with_its_interval_or_a_range() -> None:
    """The card's words for each kind of silent-customer headline (the small store has too
    few answers for an estimate, so the kinds are rendered here from the template)."""
    from journeyscope.web import home_view
    from journeyscope.web.templating import templates

    journey = JOURNEY
    version = overview.DesignVersion("j", "J", 2, "text", None, author="maria", saved_at=0.0)
    page = templates.env.get_template("_home_card.html")

    def card(nps: dict[str, object]) -> str:
        c = home_view.card(version, journey, {}, (True, None), (True, nps))
        out = page.render(c=c)
        assert "version 2, saved by maria on 1970-01-01 00:00 UTC" in out
        return out.split('id="nps-j"')[1].split("</div>")[0]

    estimate = {"kind": "estimate", "value": 12.4, "low": -3.2, "high": 27.9, "how": "h"}
    assert "+12" in card(estimate) and "interval -3 to +28" in card(estimate)
    span = {"kind": "range", "value": None, "low": -20.0, "high": 15.0, "how": "h"}
    assert "-20 to +15" in card(span) and "a range" in card(span)
    assert "too few" in card({"kind": "none", "reason": "too few"})


@pytest.mark.slow
def test_every_figure_of_a_card_follows_a_saved_version(
    app_client, settings: Settings, login
) -> None:  # type: ignore[no-untyped-def]
    """A Studio save that moves the outcome: cases, outcome rate, mean fitness and the
    corrected NPS job all come from the saved version, and the card says which."""
    from journeyscope.services.designs import Designs

    login(app_client, "viewer")
    period = overview.trend_period(settings)
    file = version_of(settings, "tenancy")
    assert file.journey is not None
    read = overview.home_designs(settings)
    assert overview.home_designs(settings) is read  # read once while no design changes
    text = file.text
    assert "  step: collect_keys\n" in text
    changed = text.replace("  step: collect_keys\n", "  step: sign_agreement\n")
    saved = Designs.of(settings).save("tenancy", changed, "maria", "outcome at signing")
    assert saved.number == 2  # version 1: the file, recorded at the first save

    page = app_client.get("/")
    url = card_url(page.text, "tenancy")
    assert url == "/home/journeys/tenancy?version=2"
    card = wait_for_card(app_client, url)
    assert "version 2, saved by maria" in card
    new = version_of(settings, "tenancy")
    assert new.number == 2 and new.journey is not None
    assert overview.home_designs(settings) is not read  # the save made it read again
    headline = overview.journey_headlines(settings, [new.journey], period)[0]
    old = overview.journey_headlines(settings, [file.journey], period)[0]
    assert "Sign tenancy agreement" in headline["outcome"]
    assert headline["outcome_rate"] != old["outcome_rate"]
    assert f">{headline['cases']:,}<" in card
    assert f">{headline['outcome_rate'] * 100:.1f}%<" in card
    assert f">{old['outcome_rate'] * 100:.1f}%<" not in card
    fit = overview.journey_fitness(settings, new.journey, period)
    assert fit is not None and f"{fit['mean']:.2f}" in card.split('id="fitness-tenancy"')[1]
    digest = hashlib.sha256(changed.encode()).hexdigest()
    job = overview.nps_job(settings, new)
    assert job.done() and digest in job.key  # the NPS card's job is of the saved text
    # an old page's card keeps asking for the version it showed
    first = app_client.get("/home/journeys/tenancy?version=1").text
    assert "version 1, the designs folder" in html.unescape(first)
    missing = app_client.get("/home/journeys/tenancy?version=9")
    assert missing.status_code == 404 and "no version 9" in html.unescape(missing.text)


@pytest.fixture
def held_back(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Home's background figures (each design's fitness replay and silent-customer estimate,
    handed to a child process) held until the event is set; set when the test ends."""
    from journeyscope.services import background, studio

    release = threading.Event()
    call = background.call

    def held(work: Any, **how: Any) -> Any:
        if getattr(work, "func", None) in (overview.journey_fitness, studio.compute_part):
            release.wait()
        return call(work, **how)

    monkeypatch.setattr(background, "call", held)
    try:
        yield release
    finally:
        release.set()


@pytest.mark.slow
def test_home_held_back_never_delays_an_explore_funnel(
    app_client, login, held_back: threading.Event
) -> None:  # type: ignore[no-untyped-def]
    """Every card seen, and every one of Home's jobs held (the fitness replays and the
    silent-customer estimates, more of them than the pool has workers): a funnel answers."""
    login(app_client, "viewer")
    home = app_client.get("/").text
    designs = re.findall(r'id="journey-([a-z0-9_]+)"[^>]*hx-trigger="revealed"', home)
    assert len(designs) >= 2
    for design in designs:  # every card seen: every slow job queued behind the held one
        assert 'data-state="pending"' in app_client.get(card_url(home, design)).text
    page = app_client.get("/explore/funnel", params=FUNNEL)
    for _ in range(1200):
        if "How this was computed" in page.text:
            break
        assert 'data-state="pending"' in app_client.get(card_url(home, designs[0])).text
        time.sleep(0.5)
        page = app_client.get("/explore/funnel/result", params=FUNNEL)
    else:
        raise AssertionError("the funnel never answered while Home's jobs were held back")
    assert not held_back.is_set()  # answered while Home's jobs were still held


@pytest.mark.slow
def test_the_journey_page_runs_a_silent_job_queued_behind_homes_at_once(
    app_client, settings: Settings, login, held_back: threading.Event
) -> None:  # type: ignore[no-untyped-def]
    """Home's corrected NPS for a design waits on the background worker behind the held
    fitness replay; the Journeys page asking for the same estimates runs them at once in
    its own pool, and Home's card then shows that very result."""
    login(app_client, "viewer")
    home = app_client.get("/").text
    url = card_url(home, "tenancy")
    assert 'data-state="pending"' in app_client.get(url).text  # fitness held, NPS queued
    queued = overview.nps_job(settings, version_of(settings, "tenancy"))
    assert queued.waiting_in_background and not queued.done()
    assert app_client.get("/journeys/tenancy").status_code == 200  # asks for every part
    for _ in range(1200):
        silent = app_client.get("/journeys/tenancy/sections/silent").text
        if 'data-state="pending"' not in silent:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the journey page's silent section waited behind Home's queue")
    assert not held_back.is_set() and queued.done()
    card = app_client.get(url).text  # the fitness is still held; the NPS is the page's
    nps = card.split('id="nps-tenancy"')[1].split("</div>")[0]
    assert "being estimated" not in nps
    assert overview.nps_job(settings, version_of(settings, "tenancy")).result() is queued.result()

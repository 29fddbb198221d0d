"""Home over the small synthetic store: each journey's figures with their trends and
semantics; the mean fitness and its trend as ``journeyscope conformance`` counts them; the
corrected NPS as the report's silent-customer estimate (the same job as the Journeys page)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from journeyscope.config import Settings
from journeyscope.services import overview


def wait_for_home(client, marker: str) -> str:  # type: ignore[no-untyped-def]
    """Home, once the card holding ``marker`` no longer says it is being computed."""
    deadline = time.monotonic() + 900
    while True:
        page = client.get("/")
        card = page.text.split(marker)[1].split("</section>")[0]
        if "being" not in card:
            return card
        assert time.monotonic() < deadline, f"{marker} never computed"
        time.sleep(1)


def test_headline_trends_add_up(settings: Settings) -> None:
    designs = overview.designs(Path(settings.designs))
    period = overview.trend_period(settings)
    for j in overview.journey_headlines(settings, designs, period):
        if not j["cases"]:
            continue
        assert sum(t["cases"] for t in j["trend"]) == j["cases"]
        reached = sum(t["rate"] * t["cases"] for t in j["trend"])
        assert round(reached) == j["reached"]
        for t in j["nps_trend"]:
            assert -100 <= t["nps"] <= 100 and t["answers"] > 0
        assert period in j["how"]["cases"] and "not corrected" in j["how"]["nps_trend"]


def test_fitness_and_its_trend_equal_the_cli(settings: Settings, run_cli) -> None:  # type: ignore[no-untyped-def]
    design = next(j for j in overview.designs(Path(settings.designs)) if j.id == "tenancy")
    fit = overview.journey_fitness(settings, design, "week")
    assert fit is not None
    expected = json.loads(
        run_cli(
            "conformance",
            str(Path(settings.designs) / "tenancy.yaml"),
            "--json",
            "--store",
            str(settings.store),
        )
    )
    assert fit["cases"] == expected["cases"]
    assert abs(fit["mean"] - expected["fitness"]["mean"]) < 1e-9
    assert abs(fit["perfect"] - expected["fitness"]["perfect"]) < 1e-9
    weighted = sum(t["mean"] * t["cases"] for t in fit["trend"]) / fit["cases"]
    assert abs(weighted - fit["mean"]) < 1e-9


def test_home_shows_the_corrected_nps_of_the_report(app_client, settings: Settings, login) -> None:  # type: ignore[no-untyped-def]
    from journeyscope.services.results import Filters
    from journeyscope.services.studio import compute_journey

    login(app_client, "viewer")
    first = app_client.get("/")
    assert first.status_code == 200 and 'id="nps-tenancy"' in first.text
    card = wait_for_home(app_client, 'id="journey-tenancy"')
    design = next(j for j in overview.designs(Path(settings.designs)) if j.id == "tenancy")
    report = compute_journey(settings, design, Filters(), ["silent"])  # the report's code
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


def test_the_nps_card_shows_an_estimate_with_its_interval_or_a_range() -> None:
    """The card's words for each kind of silent-customer headline (the small store has too
    few answers for an estimate, so the kinds are rendered here from the template)."""
    from journeyscope.web.templating import templates

    journey = {
        "id": "j",
        "name": "J",
        "cases": 10,
        "outcome_rate": 0.5,
        "steps": ["A"],
        "period": "week",
        "how": {"cases": "c", "outcome": "o", "nps_trend": "t"},
    }
    page = templates.env.get_template("home.html")
    stats = {
        "freshness": {},
        "case_rule": "rule",
        **dict.fromkeys(("events", "cases", "customers", "activities", "quarantined"), 1),
    }

    def card(nps: dict[str, object]) -> str:
        html = page.render(
            stats=stats,
            journeys=[journey],
            fitness={"j": (True, None)},
            nps={"j": (True, nps)},
            sparks={},
            user=None,
        )
        return html.split('id="nps-j"')[1].split("</div>")[0]

    estimate = {"kind": "estimate", "value": 12.4, "low": -3.2, "high": 27.9, "how": "h"}
    assert "+12" in card(estimate) and "interval -3 to +28" in card(estimate)
    span = {"kind": "range", "value": None, "low": -20.0, "high": 15.0, "how": "h"}
    assert "-20 to +15" in card(span) and "a range" in card(span)
    assert "too few" in card({"kind": "none", "reason": "too few"})

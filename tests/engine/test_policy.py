"""The contact policy: caps over rolling windows, quiet hours in the customer's time zone,
consent and opt-out, bypass for mandatory and transactional sends."""

from __future__ import annotations

from journeyscope.engine.core.clock import at, iso
from journeyscope.engine.core.policy import Cap, ContactPolicy, QuietHours, check, remember

DAY = 86400.0


def policy(**kw: object) -> ContactPolicy:
    return ContactPolicy.model_validate(kw)


def test_a_rolling_cap_frees_up_when_the_oldest_contact_leaves_the_window() -> None:
    p = policy(caps=[{"scope": "global", "limit": 2, "window": "7d"}])
    t0 = at("2025-05-01T12:00:00+00:00")
    contacts = remember(p, remember(p, [], t0, "email", "service"), t0 + DAY, "sms", "service")
    assert check(p, "service", "email", contacts, {}, t0 + 2 * DAY).reason == (
        "capped: global limit 2 per 7d"
    )
    assert not check(p, "service", "email", contacts, {}, t0 + 7 * DAY - 1).allowed
    assert check(p, "service", "email", contacts, {}, t0 + 7 * DAY + 1).allowed


def test_channel_and_category_caps_count_only_their_own_contacts() -> None:
    p = policy(
        caps=[
            {"scope": "channel", "channel": "sms", "limit": 1, "window": "1d"},
            {"scope": "category", "category": "marketing", "limit": 1, "window": "14d"},
        ],
        consent={"marketing_requires_opt_in": False},
    )
    now = at("2025-05-01T12:00:00+00:00")
    contacts = [[now - 3600, "sms", "service"], [now - 5 * DAY, "email", "marketing"]]
    assert check(p, "service", "email", contacts, {}, now).allowed
    assert check(p, "service", "sms", contacts, {}, now).reason.startswith("capped: channel sms")
    assert check(p, "marketing", "web", contacts, {}, now).reason.startswith(
        "capped: category marketing"
    )


def test_capped_sends_can_be_deferred_until_the_window_frees() -> None:
    p = policy(caps=[{"scope": "global", "limit": 1, "window": "2d"}], on_capped="defer")
    now = at("2025-05-03T12:00:00+00:00")
    verdict = check(p, "service", "email", [[now - DAY, "email", "service"]], {}, now)
    assert not verdict.allowed
    assert verdict.defer_until == now + DAY


def test_quiet_hours_are_judged_in_the_customers_time_zone_and_defer_to_their_morning() -> None:
    p = policy(timezone="Europe/Amsterdam", quiet_hours={"start": "21:00", "end": "08:00"})
    instant = at("2025-06-02T20:30:00+00:00")  # 22:30 in Amsterdam, 16:30 in New York
    amsterdam = check(p, "service", "email", [], {}, instant)
    assert not amsterdam.allowed
    assert iso(amsterdam.defer_until or 0) == "2025-06-03T06:00:00+00:00"  # 08:00 CEST
    assert check(p, "service", "email", [], {"timezone": "America/New_York"}, instant).allowed


def test_quiet_hours_only_for_the_channels_named_and_skip_when_asked() -> None:
    p = policy(quiet_hours=QuietHours(channels=["sms"], on_quiet="skip").model_dump())
    night = at("2025-06-02T23:00:00+00:00")
    assert check(p, "service", "email", [], {}, night).allowed
    verdict = check(p, "service", "sms", [], {}, night)
    assert not verdict.allowed and verdict.defer_until is None


def test_consent_and_opt_out_are_checked_at_send_time() -> None:
    p = policy()
    now = at("2025-06-02T12:00:00+00:00")
    assert check(p, "marketing", "email", [], {}, now).reason == "no marketing consent"
    assert check(p, "marketing", "email", [], {"marketing_consent": True}, now).allowed
    out = {"opted_out": True}
    assert check(p, "service", "email", [], out, now).reason == "opted out of all contact"
    assert check(p, "transactional", "email", [], out, now).reason == "opted out of all contact"
    assert check(p, "mandatory", "letter", [], out, now).allowed
    channel = {"opted_out_channels": ["sms"]}
    assert check(p, "service", "sms", [], channel, now).reason == "opted out of channel sms"
    assert check(p, "service", "email", [], channel, now).allowed


def test_mandatory_and_transactional_bypass_caps_and_quiet_hours_and_do_not_count() -> None:
    p = policy(
        caps=[Cap(scope="global", limit=0, window="1d").model_dump()],
        quiet_hours={"start": "00:00", "end": "23:59"},
    )
    now = at("2025-06-02T12:00:00+00:00")
    for category in ("mandatory", "transactional"):
        verdict = check(p, category, "email", [], {}, now)
        assert verdict.allowed and not verdict.counts
    assert not check(p, "service", "email", [], {}, now).allowed
    assert check(p, "service", "email", [], {}, now, on_demand=True).allowed

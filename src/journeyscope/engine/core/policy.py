"""The contact policy: frequency caps, quiet hours, consent and opt-out — checked at send time.

Stated rules, in the order they are applied to every send (:func:`check`):

1. **Consent and opt-out.** A ``mandatory`` interaction is always allowed. Anything else is
   blocked when the customer opted out of all contact or of the interaction's channel;
   ``marketing`` also needs the customer's opt-in when ``consent.marketing_requires_opt_in``.
   Blocked sends are *suppressed* (recorded, never delivered).
2. **Bypass.** Categories in ``bypass`` (default: mandatory, transactional) and interactions the
   customer invoked themselves skip quiet hours and caps, and do not count towards caps.
3. **Quiet hours** in the customer's time zone (profile ``timezone``, else the journey's,
   else the policy's):
   ``on_quiet: defer`` (default) sends when quiet hours end, ``skip`` suppresses.
4. **Frequency caps** over rolling windows — global, per channel, per category: a send is
   capped when the contacts already counted in the last ``window`` reach ``limit``.
   ``on_capped: skip`` (default) suppresses; ``defer`` retries when the oldest counted contact
   leaves the window.

Deferred sends are checked again, in full, when they come due: consent and caps are judged at
the time of sending, not at the time of deciding.

>>> p = ContactPolicy(caps=[Cap(scope="global", limit=1, window="1d")])
>>> check(p, "service", "email", [[0.0, "email", "service"]], {}, 3600.0).reason
'capped: global limit 1 per 1d'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from journeyscope.engine.core.interactions import Category
from journeyscope.engine.core.localtime import Window, parse_duration, zone


class Cap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: Literal["global", "channel", "category"]
    channel: str | None = None
    category: Category | None = None
    limit: int = Field(ge=0)
    window: str

    @model_validator(mode="after")
    def _scoped(self) -> Cap:
        if self.scope == "channel" and not self.channel:
            raise ValueError("a channel cap names its channel")
        if self.scope == "category" and not self.category:
            raise ValueError("a category cap names its category")
        parse_duration(self.window)
        return self

    @property
    def seconds(self) -> float:
        return parse_duration(self.window).nominal

    def applies(self, channel: str, category: str) -> bool:
        if self.scope == "channel":
            return channel == self.channel
        if self.scope == "category":
            return category == self.category
        return True

    def label(self) -> str:
        what = {"global": "global", "channel": f"channel {self.channel}"}.get(
            self.scope, f"category {self.category}"
        )
        return f"{what} limit {self.limit} per {self.window}"


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: str = "21:00"
    end: str = "08:00"
    channels: list[str] | None = None  # None: every channel
    on_quiet: Literal["defer", "skip"] = "defer"

    @property
    def window(self) -> Window:
        return Window.of(self.start, self.end)


class ConsentRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    marketing_requires_opt_in: bool = True
    opt_out_events: list[str] = Field(default_factory=lambda: ["Unsubscribe", "Opt out"])
    opt_in_events: list[str] = Field(default_factory=lambda: ["Marketing consent given"])


class HoldoutRules(BaseModel):
    """A global control group: this share of customers receives no non-mandatory,
    non-transactional interaction from any journey; the engine records what it would have sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    share: float = Field(default=0.0, ge=0.0, le=1.0, alias="global")
    salt: str = "journeyscope"


class ContactPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "UTC"
    quiet_hours: QuietHours | None = None
    caps: list[Cap] = Field(default_factory=list)
    on_capped: Literal["skip", "defer"] = "skip"
    bypass: list[Category] = Field(
        default_factory=lambda: [Category.MANDATORY, Category.TRANSACTIONAL]
    )
    consent: ConsentRules = Field(default_factory=ConsentRules)
    holdout: HoldoutRules = Field(default_factory=HoldoutRules)
    lateness: str = "7d"  # trigger events older than this (against the clock) start nothing

    @model_validator(mode="after")
    def _valid(self) -> ContactPolicy:
        from journeyscope.errors import JourneyscopeError

        try:  # as a ValueError, so pydantic reports it (a 422 at the API, not a 500)
            zone(self.timezone)
            parse_duration(self.lateness)
        except JourneyscopeError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @property
    def memory(self) -> float:
        """How long contacts must be remembered for the caps (seconds)."""
        return max((c.seconds for c in self.caps), default=0.0)

    @property
    def lateness_seconds(self) -> float:
        return parse_duration(self.lateness).nominal


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    reason: str
    defer_until: float | None = None  # set when the send is deferred, not suppressed
    counts: bool = True  # whether the send counts towards caps

    @property
    def deferred(self) -> bool:
        return self.defer_until is not None


def check(
    policy: ContactPolicy,
    category: str,
    channel: str,
    contacts: list[list[Any]],
    profile: dict[str, Any],
    now: float,
    *,
    on_demand: bool = False,
    journey_zone: str | None = None,
) -> Verdict:
    """May an interaction of ``category`` go out on ``channel`` to this customer at ``now``?

    Quiet hours are judged in the profile's time zone, else ``journey_zone`` (the journey's),
    else the policy's."""
    if category == Category.MANDATORY:
        return Verdict(True, "mandatory: always sent", counts=False)
    if profile.get("opted_out"):
        return Verdict(False, "opted out of all contact")
    if channel in profile.get("opted_out_channels", ()):
        return Verdict(False, f"opted out of channel {channel}")
    if (
        category == Category.MARKETING
        and policy.consent.marketing_requires_opt_in
        and not profile.get("marketing_consent")
    ):
        return Verdict(False, "no marketing consent")
    if on_demand:
        return Verdict(
            True, "invoked by the customer: caps and quiet hours do not apply", counts=False
        )
    if category in policy.bypass:
        return Verdict(True, f"{category}: bypasses caps and quiet hours", counts=False)
    quiet = policy.quiet_hours
    if quiet is not None and (quiet.channels is None or channel in quiet.channels):
        tz = zone(str(profile.get("timezone") or journey_zone or policy.timezone))
        ends = quiet.window.end_of(now, tz)
        if ends is not None:
            if quiet.on_quiet == "defer":
                return Verdict(False, f"quiet hours {quiet.start}-{quiet.end}", defer_until=ends)
            return Verdict(False, f"quiet hours {quiet.start}-{quiet.end}")
    for cap in policy.caps:
        if not cap.applies(channel, category):
            continue
        since = now - cap.seconds
        counted = [c[0] for c in contacts if c[0] > since and cap.applies(c[1], c[2])]
        if len(counted) >= cap.limit:
            reason = f"capped: {cap.label()}"
            if policy.on_capped == "defer" and counted:
                ordered = sorted(counted)
                free_at = ordered[len(ordered) - cap.limit] + cap.seconds if cap.limit else None
                return Verdict(False, reason, defer_until=free_at)
            return Verdict(False, reason)
    return Verdict(True, "within caps, outside quiet hours")


def remember(
    policy: ContactPolicy, contacts: list[list[Any]], now: float, channel: str, category: str
) -> list[list[Any]]:
    """Contacts after one more send, forgetting those no cap can count any more."""
    keep = now - policy.memory
    return [c for c in contacts if c[0] > keep] + [[now, channel, category]]


def load_policy(path: Path) -> ContactPolicy:
    from journeyscope.errors import JourneyDefinitionError
    from journeyscope.yamlfile import load_model

    return load_model(path, ContactPolicy, JourneyDefinitionError)

"""What the report shows, computed once: the typed results of every analysis it draws.

The application layer (:func:`journeyscope.services.report.build_report`) fills a
:class:`ReportData`; the page renderer (:func:`journeyscope.render.report.report_html`)
reads it and runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from journeyscope.analytics.attribution import AttributionResult
from journeyscope.analytics.channels import ChannelsResult
from journeyscope.analytics.conformance import ConformanceReport
from journeyscope.analytics.emotion import EmotionResult
from journeyscope.analytics.funnels import FunnelResult
from journeyscope.analytics.moments import MomentsResult
from journeyscope.analytics.paths import PathsResult
from journeyscope.analytics.process import ProcessMap
from journeyscope.analytics.retention import LifecycleResult, RetentionResult
from journeyscope.analytics.silent import SilentResult
from journeyscope.analytics.story_map import StoryMap
from journeyscope.analytics.value import ValueResult
from journeyscope.analytics.variants import VariantsResult
from journeyscope.definitions.models import Journey
from journeyscope.render._svg import DEFAULT_CURRENCY

#: Every section the report can hold, in page order: id -> title.
SECTIONS: Final[dict[str, str]] = {
    "overview": "Overview",
    "journey-map": "Journey map",
    "blueprint": "Service blueprint",
    "paths": "Paths",
    "process-map": "Process map",
    "funnel": "Funnel",
    "channels": "Channels",
    "conformance": "Conformance",
    "emotion": "Emotion",
    "moments": "Moments of truth",
    "silent": "Silent customers",
    "value": "Value",
    "attribution": "Attribution",
    "retention": "Retention",
    "lifecycle": "Lifecycle",
    "backlog": "Backlog",
}


@dataclass
class ReportData:
    """Everything the report shows, computed once. ``None``: not computed (no design, or
    the analysis is not available)."""

    title: str
    journey: Journey | None
    case_rule: str
    source: str
    overview: dict[str, Any]
    currency: str = DEFAULT_CURRENCY
    """The currency of every money figure (``Settings.currency``), shown beside each."""
    process: ProcessMap | None = None
    variants: VariantsResult | None = None
    paths: PathsResult | None = None
    channels: ChannelsResult | None = None
    funnel: FunnelResult | None = None
    conformance: ConformanceReport | None = None
    step_medians: dict[str, float] = field(default_factory=dict)
    """Median seconds from the previous step, per design step (:func:`step_times`)."""
    emotion: EmotionResult | None = None
    moments: MomentsResult | None = None
    value: ValueResult | None = None
    silent: SilentResult | None = None
    attribution: AttributionResult | None = None
    """Credit for the design's outcome per touchpoint and model (with an outcome only)."""
    retention: RetentionResult | None = None
    """Customers retained per cohort period (with a design that has an outcome only)."""
    lifecycle: LifecycleResult | None = None
    """New, returning, resurrecting and dormant customers per period (the retention's)."""
    backlog: StoryMap | None = None
    """Opportunities scored by value at stake, as a user story map."""
    insights: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    """Sections left out, and why."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each analysis."""
    runs: dict[str, int] = field(default_factory=dict)
    """How many times each analysis ran (1 each: the results are shared)."""

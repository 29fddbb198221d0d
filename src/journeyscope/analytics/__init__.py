"""Analytics: pure functions from an Ibis table of events to an Ibis expression.

They never execute; the CLI, the web app and the report do, on DuckDB or Spark. Each
analysis also has a typed query and a runner: ``connect(store).run(FunnelQuery(...))``
returns a typed result that says how it was computed.

The experience-insight analyses (``SilentQuery``, ``MomentsQuery``, ``EmotionQuery``,
``ValueQuery``) work the same way: their expressions reduce the events to one row per
customer or case on the backend, and the statistics (scikit-learn, statsmodels, SciPy) run in
Python on that executed table.

Attribution, retention and lifecycle (``AttributionQuery``, ``RetentionQuery``,
``LifecycleQuery``) register their runners here too; ``Cohort`` groups customers for
``filter_events`` and ``with_cohort``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journeyscope.lazy import lazy_names

if TYPE_CHECKING:
    from journeyscope.analytics.attribution import (
        AttributionQuery,
        AttributionResult,
        run_attribution,
    )
    from journeyscope.analytics.backends import (
        ANALYSES,
        Backend,
        DuckDBBackend,
        IbisBackend,
        SparkBackend,
        connect,
    )
    from journeyscope.analytics.cases import (
        AnalysisQuery,
        CaseRule,
        case_rule_from_options,
        cased,
        ordered,
        parse_duration,
        with_cases,
    )
    from journeyscope.analytics.channels import (
        ChannelsQuery,
        ChannelsResult,
        completion,
        repeat_contacts,
        switches,
        volumes,
    )
    from journeyscope.analytics.cohorts import Cohort, Condition, filter_events, with_cohort
    from journeyscope.analytics.emotion import EmotionQuery, EmotionResult, linked_measures
    from journeyscope.analytics.features import customer_features, with_person
    from journeyscope.analytics.funnels import (
        Exclusion,
        FunnelQuery,
        FunnelResult,
        FunnelStep,
        funnel_cases,
    )
    from journeyscope.analytics.moments import MomentsQuery, MomentsResult
    from journeyscope.analytics.paths import (
        CleaningRule,
        PathsQuery,
        PathsResult,
        loops,
        path_groups,
        path_rows,
        sequences,
    )
    from journeyscope.analytics.process import DfgQuery, ProcessMap, activity_counts, dfg, follows
    from journeyscope.analytics.retention import (
        LifecycleQuery,
        LifecycleResult,
        RetentionQuery,
        RetentionResult,
        run_lifecycle,
        run_retention,
    )
    from journeyscope.analytics.silent import SilentQuery, SilentResult
    from journeyscope.analytics.spark_session import spark_session
    from journeyscope.analytics.value import ValueQuery, ValueResult, failure_demand, value_events
    from journeyscope.analytics.variants import (
        VariantsQuery,
        VariantsResult,
        case_variants,
        variants,
    )
    from journeyscope.errors import InvalidQueryError

#: Where each public name lives; its module is imported on first use (PEP 562), so importing
#: one analysis (``journeyscope.analytics.process``, say) does not import the others.
_HOMES: dict[str, str] = {
    "ANALYSES": "journeyscope.analytics.backends",
    "AnalysisQuery": "journeyscope.analytics.cases",
    "AttributionQuery": "journeyscope.analytics.attribution",
    "AttributionResult": "journeyscope.analytics.attribution",
    "Backend": "journeyscope.analytics.backends",
    "CaseRule": "journeyscope.analytics.cases",
    "ChannelsQuery": "journeyscope.analytics.channels",
    "ChannelsResult": "journeyscope.analytics.channels",
    "CleaningRule": "journeyscope.analytics.paths",
    "Cohort": "journeyscope.analytics.cohorts",
    "Condition": "journeyscope.analytics.cohorts",
    "DfgQuery": "journeyscope.analytics.process",
    "DuckDBBackend": "journeyscope.analytics.backends",
    "EmotionQuery": "journeyscope.analytics.emotion",
    "EmotionResult": "journeyscope.analytics.emotion",
    "Exclusion": "journeyscope.analytics.funnels",
    "FunnelQuery": "journeyscope.analytics.funnels",
    "FunnelResult": "journeyscope.analytics.funnels",
    "FunnelStep": "journeyscope.analytics.funnels",
    "IbisBackend": "journeyscope.analytics.backends",
    "InvalidQueryError": "journeyscope.errors",
    "LifecycleQuery": "journeyscope.analytics.retention",
    "LifecycleResult": "journeyscope.analytics.retention",
    "MomentsQuery": "journeyscope.analytics.moments",
    "MomentsResult": "journeyscope.analytics.moments",
    "PathsQuery": "journeyscope.analytics.paths",
    "PathsResult": "journeyscope.analytics.paths",
    "ProcessMap": "journeyscope.analytics.process",
    "RetentionQuery": "journeyscope.analytics.retention",
    "RetentionResult": "journeyscope.analytics.retention",
    "SilentQuery": "journeyscope.analytics.silent",
    "SilentResult": "journeyscope.analytics.silent",
    "SparkBackend": "journeyscope.analytics.backends",
    "ValueQuery": "journeyscope.analytics.value",
    "ValueResult": "journeyscope.analytics.value",
    "VariantsQuery": "journeyscope.analytics.variants",
    "VariantsResult": "journeyscope.analytics.variants",
    "activity_counts": "journeyscope.analytics.process",
    "case_rule_from_options": "journeyscope.analytics.cases",
    "case_variants": "journeyscope.analytics.variants",
    "cased": "journeyscope.analytics.cases",
    "completion": "journeyscope.analytics.channels",
    "connect": "journeyscope.analytics.backends",
    "customer_features": "journeyscope.analytics.features",
    "dfg": "journeyscope.analytics.process",
    "failure_demand": "journeyscope.analytics.value",
    "filter_events": "journeyscope.analytics.cohorts",
    "follows": "journeyscope.analytics.process",
    "funnel_cases": "journeyscope.analytics.funnels",
    "linked_measures": "journeyscope.analytics.emotion",
    "loops": "journeyscope.analytics.paths",
    "ordered": "journeyscope.analytics.cases",
    "parse_duration": "journeyscope.analytics.cases",
    "path_groups": "journeyscope.analytics.paths",
    "path_rows": "journeyscope.analytics.paths",
    "repeat_contacts": "journeyscope.analytics.channels",
    "run_attribution": "journeyscope.analytics.attribution",
    "run_lifecycle": "journeyscope.analytics.retention",
    "run_retention": "journeyscope.analytics.retention",
    "sequences": "journeyscope.analytics.paths",
    "spark_session": "journeyscope.analytics.spark_session",
    "switches": "journeyscope.analytics.channels",
    "value_events": "journeyscope.analytics.value",
    "variants": "journeyscope.analytics.variants",
    "volumes": "journeyscope.analytics.channels",
    "with_cases": "journeyscope.analytics.cases",
    "with_cohort": "journeyscope.analytics.cohorts",
    "with_person": "journeyscope.analytics.features",
}

__all__ = [
    "ANALYSES",
    "AnalysisQuery",
    "AttributionQuery",
    "AttributionResult",
    "Backend",
    "CaseRule",
    "ChannelsQuery",
    "ChannelsResult",
    "CleaningRule",
    "Cohort",
    "Condition",
    "DfgQuery",
    "DuckDBBackend",
    "EmotionQuery",
    "EmotionResult",
    "Exclusion",
    "FunnelQuery",
    "FunnelResult",
    "FunnelStep",
    "IbisBackend",
    "InvalidQueryError",
    "LifecycleQuery",
    "LifecycleResult",
    "MomentsQuery",
    "MomentsResult",
    "PathsQuery",
    "PathsResult",
    "ProcessMap",
    "RetentionQuery",
    "RetentionResult",
    "SilentQuery",
    "SilentResult",
    "SparkBackend",
    "ValueQuery",
    "ValueResult",
    "VariantsQuery",
    "VariantsResult",
    "activity_counts",
    "case_rule_from_options",
    "case_variants",
    "cased",
    "completion",
    "connect",
    "customer_features",
    "dfg",
    "failure_demand",
    "filter_events",
    "follows",
    "funnel_cases",
    "linked_measures",
    "loops",
    "ordered",
    "parse_duration",
    "path_groups",
    "path_rows",
    "repeat_contacts",
    "run_attribution",
    "run_lifecycle",
    "run_retention",
    "sequences",
    "spark_session",
    "switches",
    "value_events",
    "variants",
    "volumes",
    "with_cases",
    "with_cohort",
    "with_person",
]


__getattr__, __dir__ = lazy_names(globals(), _HOMES)

"""Analytics: pure functions from an Ibis table of events to an Ibis expression.

They never execute; the CLI, the web app and the report do, on DuckDB or Spark. Each
analysis also has a typed query and a runner: ``connect(store).run(FunnelQuery(...))``
returns a typed result that says how it was computed.

The experience-insight analyses (``SilentQuery``, ``MomentsQuery``, ``EmotionQuery``,
``ValueQuery``) work the same way: their expressions reduce the events to one row per
customer or case on the engine, and the statistics (scikit-learn, statsmodels, SciPy) run in
Python on that executed table.

Attribution, retention and lifecycle (``AttributionQuery``, ``RetentionQuery``,
``LifecycleQuery``) register their runners here too; ``Cohort`` groups customers for
``filter_events`` and ``with_cohort``.
"""

from journeyscope.analytics.attribution import AttributionQuery, AttributionResult, run_attribution
from journeyscope.analytics.backends import (
    ANALYSES,
    Backend,
    DuckDBBackend,
    IbisBackend,
    SparkBackend,
    connect,
    spark_session,
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
    path_edges,
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
from journeyscope.analytics.value import ValueQuery, ValueResult, failure_demand, value_events
from journeyscope.analytics.variants import (
    VariantsQuery,
    VariantsResult,
    case_variants,
    variants,
)
from journeyscope.errors import InvalidQueryError

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
    "path_edges",
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

"""Analytics: pure functions from an Ibis table of events to an Ibis expression.

They never execute; the CLI, the web app and the report do, on DuckDB or Spark.
"""

from journeyscope.analytics.cases import CaseRule, ordered, with_cases

__all__ = ["CaseRule", "ordered", "with_cases"]

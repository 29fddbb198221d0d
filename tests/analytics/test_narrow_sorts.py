"""What the prepared relations carry through their sorts: the order keys other than the
timestamp, the case id and the ``properties`` text are read by a case's first sort only, and
regular expressions are evaluated once, where the events are prepared. (A sort carries every
column of its input; at 10M events these columns cost the report seconds per analysis.)"""

from __future__ import annotations

import ibis

from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.channels import contact_events
from journeyscope.analytics.contacts import ContactRules
from journeyscope.analytics.moments import MomentsQuery
from journeyscope.analytics.moments_experiences import narrowed
from journeyscope.analytics.paths import ordered_events
from journeyscope.analytics.silent import INVITED, SILENT, SilentQuery
from journeyscope.events import Store

SORTED_ONCE = {"source", "source_row", "event_id", "case_id", "properties"}


def _events() -> ibis.Table:
    return Store(":memory:").events()


def test_channels_paths_and_moments_leave_the_order_keys_behind() -> None:
    events = _events()
    prepared = {
        "channels": contact_events(events, ContactRules(), CaseRule.given()),
        "paths": ordered_events(events, contacts=ContactRules(), instances=True),
        "moments": narrowed(events, MomentsQuery()),
    }
    for name, table in prepared.items():
        assert not SORTED_ONCE & set(table.columns), name


def test_the_survey_invitation_is_recognised_once_when_the_events_are_prepared() -> None:
    query = SilentQuery()
    prepared = SILENT.prepare(_events(), query)
    assert INVITED in prepared.columns
    # the features are computed from the prepared (cached) table: no regular expression left
    cached = ibis.table(prepared.schema(), name="prepared")
    for name, expr in SILENT.expressions(cached, cached, query).items():
        assert "regexp" not in str(ibis.to_sql(expr, dialect="duckdb")).lower(), name

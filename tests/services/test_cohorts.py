"""Cohort sizes on a store: what the workspace checks before saving a cohort."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyscope.analytics.cohorts import Cohort, Condition
from journeyscope.config import Settings
from journeyscope.events import Store
from journeyscope.services import cohorts


@pytest.fixture(scope="module")
def store(real_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The receipt log in a store of its own."""
    path = tmp_path_factory.mktemp("cohorts") / "store.duckdb"
    with Store(path) as db:
        db.ingest(real_data / "receipt.csv")
    return path


def test_size_counts_the_customers_in_the_cohort(store: Path) -> None:
    settings = Settings(store=store)
    with Store(store) as db:  # customers: the stitched id, else the case (as cohorts count)
        events = db.events()
        who = events.customer_id.fill_null(events.case_id)
        every = int(who.nunique().to_pyarrow().as_py())
        hit = events.activity == "Confirmation of receipt"
        confirmed = int(who.nunique(where=hit).to_pyarrow().as_py())
    anyone = Cohort(name="anyone", conditions=(Condition(),))
    assert cohorts.size(settings, anyone) == every
    did = Cohort(name="confirmed", conditions=(Condition(activity="Confirmation of receipt"),))
    assert cohorts.size(settings, did) == confirmed
    assert 0 < confirmed <= every
    nobody = Cohort(name="nobody", conditions=(Condition(activity="No such activity"),))
    assert cohorts.size(settings, nobody) == 0

"""A synthetic trial with a known effect: the truth the uplift analysis must recover.

One orchestrated journey (``docs-reminder``): customers who start an application enter it,
are sent a ``document_reminder`` e-mail at once, and wait up to 14 days for ``Upload
documents`` (the journey's goal). The journey holds out a share of its customers by the
engine's own hash (:func:`journeyscope.engine.core.holdouts.in_holdout`, salt ``journey:<id>``),
so the arm the generator gives a customer is the arm the engine assigns.

Customers then behave with a **known effect**: each uploads their documents (within 1 hour
to 6 days of starting) with probability ``base_rate``, plus ``outcome_lift`` in the treatment
arm; a share answer an NPS survey 7 days after starting with a score drawn uniformly from
[3, 7], plus ``satisfaction_lift`` in the treatment arm (never clipped, so the true difference
of means is exactly ``satisfaction_lift``). The engine's records come from running the real
rules over these events in the :class:`~journeyscope.engine.simulator.Simulator`, so the
store gets exactly what ``journeyscope engine export`` would write.

Deterministic: the same arguments give the same events.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from journeyscope.engine.core.actions import Event, Record
from journeyscope.engine.core.holdouts import in_holdout
from journeyscope.engine.core.interactions import InteractionCatalogue, InteractionSpec
from journeyscope.engine.core.journeys import JourneySpec
from journeyscope.engine.core.program import Program
from journeyscope.engine.export import ingest_engine_events
from journeyscope.engine.simulator import Simulator
from journeyscope.events import Store

JOURNEY: Final[str] = "docs-reminder"
INTERACTION: Final[str] = "document_reminder"
START: Final[str] = "Application started"
OUTCOME: Final[str] = "Upload documents"
_DAY: Final[float] = 86_400.0
_EPOCH: Final[float] = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Truth:
    """What the generator put in: the effects an analysis should find."""

    journey: str
    interaction: str
    outcome: str
    base_rate: float
    outcome_lift: float  # treatment minus holdout, probability of the outcome
    satisfaction_lift: float  # treatment minus holdout, mean NPS score
    holdout: float


@dataclass(frozen=True)
class Trial:
    events: pa.Table  # the customers' own events (ingestible: account_id, activity, ...)
    engine_events: list[dict[str, Any]]  # the engine's records, as EngineStore rows
    truth: Truth


def program(holdout: float) -> Program:
    """The trial's journey and interaction object, with the given holdout share."""
    spec = yaml.safe_load(
        f"""
journey: {JOURNEY}
version: 1
holdout: {holdout}
triggers: [{{event: {START}}}]
goals: [{{name: documents uploaded, event: {OUTCOME}}}]
steps:
  remind: {{invoke: {INTERACTION}, next: wait}}
  wait: {{wait: {{event: {OUTCOME}, timeout: 14d}}}}
"""
    )
    objects = [{"name": INTERACTION, "category": "service", "channel": "email", "value": 1}]
    catalogue = InteractionCatalogue([InteractionSpec.model_validate(o) for o in objects])
    return Program.build([JourneySpec.model_validate(spec)], catalogue)


def generate(
    customers: int = 2_000,
    seed: int = 1,
    *,
    base_rate: float = 0.30,
    outcome_lift: float = 0.10,
    satisfaction_lift: float = 0.5,
    holdout: float = 0.5,
    survey_rate: float = 0.6,
) -> Trial:
    """``customers`` customers starting over four weeks; see the module docstring."""
    if not 0.0 <= base_rate <= 1.0 or not 0.0 <= base_rate + outcome_lift <= 1.0:
        raise ValueError("base_rate and base_rate + outcome_lift must be probabilities")
    rng = np.random.default_rng(seed)
    ids = [f"C{seed:03d}{i:06d}" for i in range(customers)]
    salt = f"journey:{JOURNEY}"
    treated = np.array([not in_holdout(f"acct:{c}", holdout, salt) for c in ids])
    start = _EPOCH + rng.uniform(0, 28 * _DAY, customers)
    converts = rng.random(customers) < base_rate + outcome_lift * treated
    converted_at = start + rng.uniform(_DAY / 24, 6 * _DAY, customers)
    answers = rng.random(customers) < survey_rate
    score = rng.uniform(3.0, 7.0, customers) + satisfaction_lift * treated
    rows: dict[str, list[Any]] = {
        k: [] for k in ("event_id", "account_id", "timestamp", "activity", "channel")
    }
    rows |= {"survey_type": [], "survey_score": []}
    inputs = []

    def add(i: int, activity: str, at: float, survey: float | None = None) -> None:
        event_id = f"trial:{ids[i]}:{activity}"
        rows["event_id"].append(event_id)
        rows["account_id"].append(ids[i])
        rows["timestamp"].append(datetime.fromtimestamp(at, UTC).isoformat())
        rows["activity"].append(activity)
        rows["channel"].append("survey" if survey is not None else "web")
        rows["survey_type"].append("NPS" if survey is not None else None)
        rows["survey_score"].append(survey)
        if survey is None:
            inputs.append(Event(event_id, f"acct:{ids[i]}", activity, at, "web"))

    for i in range(customers):
        add(i, START, float(start[i]))
        if converts[i]:
            add(i, OUTCOME, float(converted_at[i]))
        if answers[i]:
            add(i, "Survey answered", float(start[i] + 7 * _DAY), float(score[i]))
    sim = Simulator(program(holdout))
    actions = sim.run(inputs, until=_EPOCH + 60 * _DAY)
    records = [a.to_dict() for a in actions if isinstance(a, Record)]
    truth = Truth(
        JOURNEY, INTERACTION, OUTCOME, base_rate, outcome_lift, satisfaction_lift, holdout
    )
    return Trial(pa.table(rows), records, truth)


def write_store(trial: Trial, store: Store) -> None:
    """Ingest the trial's customer events, then its engine records as ``journeyscope engine
    export`` would (engine columns, stitching)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trial-customers.parquet"
        pq.write_table(trial.events, path)
        store.ingest(path)
    ingest_engine_events(store, trial.engine_events, "trial-engine-events")

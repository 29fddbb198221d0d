"""Realistic synthetic omnichannel journeys, with the truth kept beside them.

Two service journeys:

* ``tenancy`` — establishing a tenancy at a housing association, from viewing the listing to
  collecting the keys and the move-in check;
* ``maintenance_loan`` — a bank's home-maintenance loan, from the loan page to the funds.

Customers come from four segments that differ in channel preference, in how often digital
steps fail them, and in how satisfied they are to begin with. They enter mid-way (referred
by a branch or a partner), step back (documents rejected, offer renegotiated), pause for
weeks, switch to the phone or the branch when a web or app step fails (and call again when
the call did not solve it), drop out, and answer surveys: an NPS survey at the end and
CSAT after some assisted contacts. Unhappy customers answer less often.

The generator keeps what a real log never shows: ``true_initiator`` (who started each event:
customer, organisation), ``true_caused_by_failure`` (the event was caused by a failure: the
calls and chats after an online error, and the step then done in another channel),
``true_customer_id`` (who each event
really belongs to, for checking identity stitching), ``true_satisfaction`` (each customer's
satisfaction on a 0-10 scale, answered or not) and ``true_score`` (the whole 0-10 NPS answer
each customer *would* give if asked: their satisfaction plus the noise of putting it into a
number, rounded), for checking silent-customer estimates. Whether a surveyed customer answers
depends on that score: those who would give a low one answer less often.

Everything is vectorised over customers with NumPy and formatted by DuckDB, seeded and
deterministic: the same ``customers`` and ``seed`` give the same table, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pyarrow as pa

from journeyscope.events.catalogue import Activity, Catalogue, ChannelInfo, channel_kind

CHANNELS: Final[tuple[str, ...]] = (
    "web",
    "app",
    "phone",
    "branch",
    "email",
    "letter",
    "chat",
    "field visit",
)
_CH = {name: i for i, name in enumerate(CHANNELS)}
#: The digital channels, by the one classification of channel names (``channel_kind``).
DIGITAL: Final[frozenset[str]] = frozenset(c for c in CHANNELS if channel_kind(c) == "digital")

#: Cost to serve one interaction, by channel (currency units). Used as the ``cost`` column.
CHANNEL_COST: Final[dict[str, float]] = {
    "web": 0.10,
    "app": 0.05,
    "phone": 6.50,
    "branch": 14.00,
    "email": 1.80,
    "letter": 2.20,
    "chat": 2.90,
    "field visit": 45.00,
}

SEGMENTS: Final[tuple[str, ...]] = ("digital first", "mainstream", "assisted", "vulnerable")
_SEGMENT_SHARE = np.array([0.30, 0.40, 0.20, 0.10])
_SEGMENT_BASE_SAT = np.array([7.4, 7.0, 6.8, 6.2])  # satisfaction before the journey does its work
_SEGMENT_FAIL = np.array([0.5, 1.0, 1.4, 2.0])  # multiplier on digital failure rates
#: Channel preference per segment over (digital, assisted) for steps that offer both.
_SEGMENT_DIGITAL = np.array([0.92, 0.75, 0.40, 0.30])


@dataclass(frozen=True)
class ScenarioStep:
    """One step of a generator scenario: its activity, channels and behaviour odds."""

    activity: str
    stage: str
    channels: tuple[str, ...]  # first digital ones, then assisted/other
    fail: float = 0.0  # chance that a digital attempt fails
    back: float = 0.0  # chance of going back to the previous step afterwards
    drop: float = 0.03  # chance of dropping out after this step
    hours: float = 24.0  # median time to the next step
    logged_in: bool = True  # digital events carry the account id


@dataclass(frozen=True)
class ScenarioJourney:
    """A journey the generator simulates customers through (not a designed journey: those are
    :class:`journeyscope.definitions.models.Journey`)."""

    name: str
    prefix: str
    share: float
    steps: tuple[ScenarioStep, ...]
    help_activity: str = "Call contact centre"


JOURNEYS: Final[tuple[ScenarioJourney, ...]] = (
    ScenarioJourney(
        name="tenancy",
        prefix="T",
        share=0.55,
        steps=(
            ScenarioStep(
                "View property listing",
                "Discover",
                ("web", "app"),
                hours=30,
                drop=0.10,
                logged_in=False,
            ),
            ScenarioStep(
                "Start housing application",
                "Apply",
                ("web", "app", "branch"),
                fail=0.05,
                hours=20,
                drop=0.06,
            ),
            ScenarioStep(
                "Upload documents",
                "Apply",
                ("web", "app", "email", "branch"),
                fail=0.14,
                hours=48,
                drop=0.05,
            ),
            ScenarioStep(
                "Eligibility decision sent",
                "Assess",
                ("email", "letter"),
                back=0.10,
                hours=120,
                drop=0.04,
            ),
            ScenarioStep(
                "Book viewing", "View", ("web", "app", "phone"), fail=0.06, hours=72, drop=0.03
            ),
            ScenarioStep("Attend viewing", "View", ("field visit",), hours=48, drop=0.08),
            ScenarioStep(
                "Accept tenancy offer",
                "Offer",
                ("web", "app", "phone", "branch"),
                fail=0.04,
                back=0.05,
                hours=96,
                drop=0.04,
            ),
            ScenarioStep(
                "Sign tenancy agreement", "Sign", ("web", "branch"), fail=0.08, hours=48, drop=0.02
            ),
            ScenarioStep(
                "Pay deposit", "Sign", ("web", "app", "phone"), fail=0.07, hours=24, drop=0.02
            ),
            ScenarioStep("Collect keys", "Move in", ("branch",), hours=72, drop=0.0),
            ScenarioStep("Move-in check", "Move in", ("field visit",), hours=24, drop=0.0),
        ),
    ),
    ScenarioJourney(
        name="maintenance_loan",
        prefix="L",
        share=0.45,
        steps=(
            ScenarioStep(
                "Visit loan page", "Explore", ("web", "app"), hours=10, drop=0.15, logged_in=False
            ),
            ScenarioStep(
                "Use loan calculator",
                "Explore",
                ("web", "app"),
                fail=0.03,
                hours=30,
                drop=0.10,
                logged_in=False,
            ),
            ScenarioStep(
                "Start loan application",
                "Apply",
                ("web", "app", "branch"),
                fail=0.06,
                hours=12,
                drop=0.06,
            ),
            ScenarioStep(
                "Verify identity", "Apply", ("app", "web", "branch"), fail=0.15, hours=24, drop=0.05
            ),
            ScenarioStep(
                "Upload contractor quote",
                "Apply",
                ("web", "app", "email"),
                fail=0.12,
                back=0.04,
                hours=48,
                drop=0.04,
            ),
            ScenarioStep(
                "Credit decision sent", "Decide", ("email", "app"), back=0.08, hours=72, drop=0.05
            ),
            ScenarioStep("Loan offer sent", "Decide", ("email", "letter"), hours=24, drop=0.03),
            ScenarioStep(
                "Sign loan agreement",
                "Sign",
                ("app", "web", "branch"),
                fail=0.07,
                back=0.03,
                hours=48,
                drop=0.03,
            ),
            ScenarioStep("Funds disbursed", "Receive", ("letter", "email"), hours=24, drop=0.0),
        ),
    ),
)

#: The goal activity of each journey (reaching it means the journey was completed).
OUTCOME: Final[dict[str, str]] = {"tenancy": "Collect keys", "maintenance_loan": "Funds disbursed"}

_EXTRA = (
    "Online error",
    "Call contact centre",
    "Chat with adviser",
    "Survey sent",
    "Survey answered",
    "Contact rated",
)
#: Who starts each activity (the rest: the customer). The truth the classification recovers.
INITIATOR: Final[dict[str, str]] = {
    "Eligibility decision sent": "organisation",
    "Credit decision sent": "organisation",
    "Loan offer sent": "organisation",
    "Funds disbursed": "organisation",
    "Move-in check": "organisation",
    "Survey sent": "organisation",
}
#: Customer steps that can only be done in person.
NOT_DIGITAL: Final[tuple[str, ...]] = ("Attend viewing", "Collect keys")
#: The activity that means a digital step failed the customer.
FAILURE: Final[str] = "Online error"
#: Contacts made to get help after a failure.
HELP: Final[tuple[str, ...]] = ("Call contact centre", "Chat with adviser")
_START = np.datetime64("2025-01-06T00:00:00", "us").astype(np.int64)
_HOUR = 3_600_000_000


def _activity_table() -> tuple[list[str], list[str], dict[tuple[int, int], int]]:
    names: list[str] = []
    stages: list[str] = []
    code: dict[tuple[int, int], int] = {}
    for j, journey in enumerate(JOURNEYS):
        for s, step in enumerate(journey.steps):
            code[(j, s)] = len(names)
            names.append(step.activity)
            stages.append(step.stage)
    for extra in _EXTRA:
        names.append(extra)
        stages.append("Support" if extra not in ("Survey sent", "Survey answered") else "Feedback")
    return names, stages, code


class _Events:
    """Columns of the events emitted so far, as lists of NumPy chunks."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("cust", "act", "chan", "ts", "in_case", "score", "stype", "caused")
        }

    def emit(
        self,
        cust: np.ndarray,
        act: np.ndarray | int,
        chan: np.ndarray | int,
        ts: np.ndarray,
        in_case: np.ndarray | bool,
        score: np.ndarray | None = None,
        stype: int = 0,
        caused: np.ndarray | bool = False,
    ) -> None:
        n = len(cust)
        if n == 0:
            return
        self.cols["cust"].append(cust)
        self.cols["act"].append(np.broadcast_to(np.asarray(act, np.int16), n).copy())
        self.cols["chan"].append(np.broadcast_to(np.asarray(chan, np.int8), n).copy())
        self.cols["ts"].append(ts.astype(np.int64))
        self.cols["in_case"].append(np.broadcast_to(np.asarray(in_case, bool), n).copy())
        self.cols["score"].append(np.full(n, np.nan) if score is None else score.astype(float))
        self.cols["stype"].append(np.full(n, stype, np.int8))
        self.cols["caused"].append(np.broadcast_to(np.asarray(caused, bool), n).copy())

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}


def _choose_channel(
    rng: np.random.Generator, step: ScenarioStep, digital_pref: np.ndarray
) -> np.ndarray:
    digital = [c for c in step.channels if c in DIGITAL]
    other = [c for c in step.channels if c not in DIGITAL]
    n = len(digital_pref)
    if not digital or not other:
        pool = digital or other
        return np.array([_CH[c] for c in pool], np.int8)[rng.integers(0, len(pool), n)]
    use_digital = rng.random(n) < digital_pref
    d = np.array([_CH[c] for c in digital], np.int8)[rng.integers(0, len(digital), n)]
    o = np.array([_CH[c] for c in other], np.int8)[rng.integers(0, len(other), n)]
    return np.where(use_digital, d, o)


def generate(customers: int = 10_000, seed: int = 7, *, first: int = 0, width: int = 7) -> pa.Table:
    """Generate the events of ``customers`` customers (about 11 events each) as an Arrow table.

    ``first``: the first customer's number (ids follow from it); other than 0, a random stream
    of its own (:mod:`journeyscope.synthetic_parts`). ``width``: least digits of the numbers.

    >>> t = generate(200, seed=1)
    >>> t.num_rows > 1000, "true_satisfaction" in t.column_names
    (True, True)
    """
    rng = np.random.default_rng(_stream(seed, first))
    names, stages, code = _activity_table()
    act_of = {name: i for i, name in enumerate(names)}
    n = customers
    journey = (rng.random(n) < JOURNEYS[1].share).astype(np.int8)  # 0 tenancy, 1 loan
    segment = rng.choice(len(SEGMENTS), n, p=_SEGMENT_SHARE).astype(np.int8)
    start = _START + (rng.random(n) * 360 * 24 * _HOUR).astype(np.int64)
    # a few customers enter mid-way (referred by a branch or a partner)
    midway = rng.random(n) < 0.12
    pos = np.where(midway, rng.integers(1, 4, n), 0)
    failures = np.zeros(n, np.int16)
    repeats = np.zeros(n, np.int16)
    backtracks = np.zeros(n, np.int16)
    wait_days = np.zeros(n)
    completed = np.zeros(n, bool)
    active = np.ones(n, bool)
    t = start.copy()
    out = _Events()
    call, chat, error = (
        act_of["Call contact centre"],
        act_of["Chat with adviser"],
        act_of["Online error"],
    )
    contacts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # assisted contacts for CSAT

    for _ in range(80):
        idx = np.flatnonzero(active)
        if len(idx) == 0:
            break
        for j, jour in enumerate(JOURNEYS):
            for s, step in enumerate(jour.steps):
                sel = idx[(journey[idx] == j) & (pos[idx] == s)]
                if len(sel) == 0:
                    continue
                m = len(sel)
                chan = _choose_channel(rng, step, _SEGMENT_DIGITAL[segment[sel]])
                digital = np.isin(chan, [_CH["web"], _CH["app"]])
                fails = digital & (rng.random(m) < step.fail * _SEGMENT_FAIL[segment[sel]])
                # a failed digital attempt: the error, then (mostly) a call or chat, maybe a repeat
                f = sel[fails]
                if len(f):
                    out.emit(f, error, chan[fails], t[f], step.logged_in)
                    failures[f] += 1
                    helped = f[rng.random(len(f)) < 0.75]
                    t[helped] += (rng.exponential(6, len(helped)) * _HOUR).astype(
                        np.int64
                    ) + _HOUR // 6
                    by_chat = rng.random(len(helped)) < 0.25
                    hc = np.where(by_chat, _CH["chat"], _CH["phone"]).astype(np.int8)
                    out.emit(
                        helped,
                        np.where(by_chat, chat, call),
                        hc,
                        t[helped],
                        step.logged_in,
                        caused=True,
                    )
                    contacts.append((helped, hc, t[helped]))
                    again = helped[rng.random(len(helped)) < 0.35]
                    t[again] += (rng.exponential(40, len(again)) * _HOUR).astype(np.int64) + _HOUR
                    out.emit(again, call, _CH["phone"], t[again], step.logged_in, caused=True)
                    contacts.append((again, np.full(len(again), _CH["phone"], np.int8), t[again]))
                    repeats[again] += 1
                    t[f] += (rng.exponential(3, len(f)) * _HOUR).astype(np.int64) + _HOUR // 4
                    # the step is then done in an assisted channel (or retried online)
                    assisted = [c for c in step.channels if c not in DIGITAL] or ["phone"]
                    chan[fails] = np.array([_CH[c] for c in assisted], np.int8)[
                        rng.integers(0, len(assisted), len(f))
                    ]
                    gave_up = rng.random(len(f)) < 0.15
                    active[f[gave_up]] = False
                ok = sel[active[sel]]
                okm = active[sel]
                # a step done after a failure of it was caused by the failure
                out.emit(ok, code[(j, s)], chan[okm], t[ok], step.logged_in, caused=fails[okm])
                if OUTCOME[jour.name] == step.activity:
                    completed[ok] = True
                # what next: back, drop out, pause, or forward
                r = rng.random(len(ok))
                back = (r < step.back) & (s > 0)
                drop = (~back) & (r < step.back + step.drop * (1 + 0.5 * failures[ok]))
                pause = rng.random(len(ok)) < 0.08
                gap = rng.lognormal(np.log(step.hours), 0.8, len(ok))
                gap = np.where(pause, gap + rng.uniform(14, 60, len(ok)) * 24, gap)
                wait_days[ok] += gap / 24
                t[ok] += (gap * _HOUR).astype(np.int64) + 60_000_000
                backtracks[ok[back]] += 1
                pos[ok[back]] -= 1
                forward = ok[~back & ~drop]
                pos[forward] += 1
                active[ok[drop]] = False
                done = forward[pos[forward] >= len(jour.steps)]
                active[done] = False

    # true satisfaction: how satisfied each customer is, asked or not
    sat = (
        _SEGMENT_BASE_SAT[segment]
        + 1.4 * completed
        - 1.1 * failures
        - 0.9 * repeats
        - 0.6 * backtracks
        - 0.012 * np.minimum(wait_days, 200)
        + rng.normal(0, 1.0, n)
    )
    sat = np.clip(sat, 0, 10)
    # the NPS score each customer would give if asked (satisfaction as they would word it)
    would = np.clip(np.rint(sat + rng.normal(0, 0.6, n)), 0, 10)

    # the NPS survey at the end; those who would give a low score answer less often
    arrays = out.arrays()
    ever = np.zeros(n, bool)
    ever[arrays["cust"][arrays["in_case"]]] = True  # the organisation knows their e-mail
    surveyed = np.flatnonzero(ever & (rng.random(n) < 0.9))
    t_end = t[surveyed] + (rng.uniform(24, 96, len(surveyed)) * _HOUR).astype(np.int64)
    out.emit(surveyed, act_of["Survey sent"], _CH["email"], t_end, True)
    answer_p = 1 / (1 + np.exp(-(-2.2 + 0.42 * (would[surveyed] - 5))))
    answered = rng.random(len(surveyed)) < answer_p
    a = surveyed[answered]
    out.emit(
        a, act_of["Survey answered"], _CH["email"], t_end[answered] + _HOUR * 5, True, would[a], 1
    )
    # CSAT after some assisted contacts
    if contacts:
        cc = np.concatenate([c[0] for c in contacts])
        ch = np.concatenate([c[1] for c in contacts])
        ct = np.concatenate([c[2] for c in contacts])
        rated = rng.random(len(cc)) < 0.2 / (1 + np.exp(-(sat[cc] - 6)))
        cs = np.clip(np.rint(1 + 4 * sat[cc[rated]] / 10 + rng.normal(0, 0.5, rated.sum())), 1, 5)
        out.emit(cc[rated], act_of["Contact rated"], ch[rated], ct[rated] + _HOUR // 2, True, cs, 2)
    digits = max(width, len(str(first + customers - 1)))
    return _format(out.arrays(), names, stages, journey, segment, sat, would, seed, first, digits)


def _stream(seed: int, first: int) -> int | list[int]:
    """``seed`` itself for the first part: one part is what the population always was."""
    return seed if first == 0 else [seed, first]


def _format(
    ev: dict[str, np.ndarray],
    names: list[str],
    stages: list[str],
    journey: np.ndarray,
    segment: np.ndarray,
    sat: np.ndarray,
    would: np.ndarray,
    seed: int,
    first: int,
    digits: int,
) -> pa.Table:
    order = np.lexsort((ev["act"], ev["ts"], ev["cust"]))
    ev = {k: v[order] for k, v in ev.items()}
    cust = ev["cust"]
    rng = np.random.default_rng(_stream(seed + 1, first))
    n_cust = len(journey)
    has_account = rng.random(n_cust) < 0.93
    calls_verified = rng.random(len(cust)) < 0.7
    chan = ev["chan"]
    is_digital = np.isin(chan, [_CH["web"], _CH["app"]])
    in_case = ev["in_case"]
    cost = np.array([CHANNEL_COST[c] for c in CHANNELS])[chan]
    sentiment_noise = rng.normal(0, 0.25, len(cust))
    raw = pa.table(
        {
            "cust": pa.array(cust.astype(np.int64) + first),  # the customer's number
            "act": pa.DictionaryArray.from_arrays(ev["act"].astype(np.int32), names),
            "stage": pa.DictionaryArray.from_arrays(ev["act"].astype(np.int32), stages),
            "chan": pa.DictionaryArray.from_arrays(chan.astype(np.int32), list(CHANNELS)),
            "ts": pa.array(ev["ts"], pa.timestamp("us", tz="UTC")),
            "digital": is_digital,
            "in_case": in_case,
            "verified": calls_verified,
            "score": pa.array(ev["score"], from_pandas=True),
            "stype": ev["stype"],
            "cost": cost,
            "snoise": sentiment_noise,
            "journey": pa.DictionaryArray.from_arrays(
                journey[cust].astype(np.int32), [j.name for j in JOURNEYS]
            ),
            "prefix": pa.DictionaryArray.from_arrays(
                journey[cust].astype(np.int32), [j.prefix for j in JOURNEYS]
            ),
            "segment": pa.DictionaryArray.from_arrays(
                segment[cust].astype(np.int32), list(SEGMENTS)
            ),
            "has_account": has_account[cust],
            "sat": sat[cust],
            "would": would[cust],
            "caused": ev["caused"],
            "initiator": pa.DictionaryArray.from_arrays(
                ev["act"].astype(np.int32), [INITIATOR.get(a, "customer") for a in names]
            ),
        }
    )
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.register("raw", raw)
    return (
        con.sql(
            f"""
        SELECT
          CASE WHEN in_case THEN prefix || '-' || lpad(CAST(cust AS VARCHAR), {digits}, '0') END AS case_id,
          CASE WHEN has_account AND in_case AND (
                 digital OR chan IN ('branch', 'letter', 'field visit') OR (chan = 'phone' AND verified))
               THEN 'A' || CAST(100000 + cust AS VARCHAR) END AS account_id,
          CASE WHEN in_case AND (chan = 'email' OR act IN ('Start housing application', 'Start loan application'))
               THEN to_hex(hash(cust, 'mail', {seed})) END AS email_hash,
          CASE WHEN chan = 'phone' THEN to_hex(hash(cust, 'tel', {seed})) END AS phone_hash,
          CASE WHEN chan = 'app' THEN 'dev-' || to_hex(hash(cust, 'dev', {seed})) END AS device_id,
          CASE WHEN chan IN ('web', 'chat') THEN 'ck-' || to_hex(hash(cust, 'ck', {seed})) END AS anonymous_id,
          ts AS timestamp,
          CAST(act AS VARCHAR) AS activity,
          CAST(chan AS VARCHAR) AS channel,
          CASE stype WHEN 1 THEN 'NPS' WHEN 2 THEN 'CSAT' END AS survey_type,
          CASE WHEN stype > 0 THEN score END AS survey_score,
          CASE WHEN chan IN ('phone', 'chat', 'email') AND act NOT IN ('Survey sent', 'Survey answered')
               THEN round(greatest(-1, least(1, tanh((sat - 6) / 3) + snoise)), 3) END AS sentiment,
          cost,
          CAST(journey AS VARCHAR) AS journey,
          CAST(segment AS VARCHAR) AS segment,
          CAST(stage AS VARCHAR) AS stage,
          'C' || lpad(CAST(cust AS VARCHAR), {digits}, '0') AS true_customer_id,
          round(sat, 3) AS true_satisfaction,
          CAST(would AS INTEGER) AS true_score,
          CAST(initiator AS VARCHAR) AS true_initiator,
          caused AS true_caused_by_failure
        FROM raw
        """
        )
        .arrow()
        .read_all()
    )


def catalogue() -> Catalogue:
    """The event catalogue of the generated activities, with the classification the generator
    follows: who starts each activity, the failure and help activities, the steps only done
    in person, and each channel's kind (letters: other).

    >>> c = catalogue()
    >>> c.activities["Survey sent"].initiator, c.activities["Online error"].failure
    ('organisation', True)
    """
    names, stages, _ = _activity_table()
    activities = {
        name: Activity(
            description=f"Synthetic {stage.lower()} activity.",
            stage=stage,
            initiator=INITIATOR.get(name, "customer"),  # type: ignore[arg-type]
            failure=name == FAILURE,
            help=name in HELP,
            can_be_digital=name not in NOT_DIGITAL,
        )
        for name, stage in zip(names, stages, strict=True)
    }
    kinds = {c: channel_kind(c) for c in CHANNELS}
    return Catalogue(
        activities=activities,
        channels={c: ChannelInfo(kind=k) for c, k in kinds.items()},
        channel_scope="event",
    )


def write(table: pa.Table, path: Path) -> None:
    """Write a generated table as Parquet (``.parquet``) or CSV (anything else)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.register("t", table)
    target = str(path).replace("'", "''")
    fmt = "PARQUET" if path.suffix.lower() in (".parquet", ".pq") else "CSV, HEADER"
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY t TO '{target}' (FORMAT {fmt})")

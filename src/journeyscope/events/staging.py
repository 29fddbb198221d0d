"""Staging: SQL that maps an input relation onto the canonical model and says what is wrong.

:func:`staged_sql` gives one row per input row with every canonical column plus ``__reason``
(NULL for a good row); :func:`record_sql` rebuilds the raw row as JSON for quarantine. The
store inserts the good rows into ``events`` and the others into ``quarantine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeyscope.events.schema import IDENTIFIERS, SURVEY_SCALES, ColumnMapping


def quote(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + value.replace("'", "''") + "'"


#: Column kind of values handed over as JSON text (JSON Lines): each is read as written.
JSON_KIND = "JSON"
#: Identifier columns pseudonymised at ingest, with the kind of identifier each holds (see
#: :mod:`journeyscope.pseudonyms`).
PSEUDONYMISED = {"email_hash": "email", "phone_hash": "phone"}
_TEMPORAL = ("TIMESTAMP", "DATE")
#: A UTC offset after a time of day whose hours are past 18 or whose minutes are past 59
#: (one match, no submatches: the regular expression runs as a fast automaton on every row).
_BAD_OFFSET = (
    r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)? ?[+-]"
    r"(?:(?:19|[2-9][0-9]):?(?:[0-9]{2})?|[0-9]{2}:?[6-9][0-9]) *$"
)
#: Words DuckDB reads as a timestamp that are no moment (lower case, trimmed).
_WORDS = "epoch|[+-]?infinity|now|today|tomorrow|yesterday|allballs"
_NUMERIC = ("INTEGER", "BIGINT", "DOUBLE", "FLOAT", "DECIMAL", "HUGEINT", "SMALLINT", "TINYINT")


@dataclass(frozen=True)
class StagingSpec:
    """Everything :func:`staged_sql` needs besides the relation."""

    relation: str
    columns: Sequence[tuple[str, str]]  # (name, DuckDB type) of the relation, without __row
    mapping: ColumnMapping
    source: str
    id_prefix: str  # generated event ids are f"{id_prefix}:{row}"
    ingested_at: str  # ISO timestamp, UTC
    allowed_activities: Sequence[str] | None = None  # strict catalogue
    has_errors: bool = False  # the relation has ``__error``: why a row could not be read
    already_hashed: Sequence[str] = ()  # of PSEUDONYMISED: columns the data gives hashed


def _text(column: str | None, kind: str = "VARCHAR") -> str:
    if column is None:
        return "CAST(NULL AS VARCHAR)"
    if kind == JSON_KIND:
        return f"NULLIF(json_extract_string({quote(column)}, '$'), '')"
    return f"NULLIF(CAST({quote(column)} AS VARCHAR), '')"


def _column(column: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if column is None else quote(column)


def _number(column: str | None, kind: str = "VARCHAR") -> str:
    if column is None:
        return "CAST(NULL AS DOUBLE)"
    if kind == JSON_KIND:
        return f"TRY_CAST(json_extract_string({quote(column)}, '$') AS DOUBLE)"
    return f"TRY_CAST({quote(column)} AS DOUBLE)"  # surrounding blanks are allowed; '' is NULL


#: Seconds since 1970 of 0001-01-01 and 9999-12-31 23:59:59: numeric timestamps outside are
#: quarantined instead of failing the whole file.
EPOCH_RANGE = (-62135596800, 253402300799)


def _epoch(number: str) -> str:
    low, high = EPOCH_RANGE
    return f"CASE WHEN {number} BETWEEN {low} AND {high} THEN to_timestamp({number}) END"


def _timestamp(column: str | None, kind: str, fmt: str | None) -> str:
    if column is None:
        return "CAST(NULL AS TIMESTAMPTZ)"
    col = quote(column)
    if kind.upper().startswith(_TEMPORAL):
        return f"TRY_CAST({col} AS TIMESTAMPTZ)"
    if kind.upper().startswith(_NUMERIC):
        return _epoch(f"TRY_CAST({col} AS DOUBLE)")
    if kind == JSON_KIND:
        text = f"json_extract_string({col}, '$')"
        parsed = (
            f"CAST(TRY_STRPTIME({text}, {literal(fmt)}) AS TIMESTAMPTZ)"
            if fmt
            else f"TRY_CAST({text} AS TIMESTAMPTZ)"
        )
        return (
            f"CASE json_type({col}) WHEN 'VARCHAR' THEN {parsed} "
            f"WHEN 'BIGINT' THEN {_epoch(f'TRY_CAST({text} AS DOUBLE)')} "
            f"WHEN 'UBIGINT' THEN {_epoch(f'TRY_CAST({text} AS DOUBLE)')} "
            f"WHEN 'DOUBLE' THEN {_epoch(f'TRY_CAST({text} AS DOUBLE)')} END"
        )
    raw = f"CAST({col} AS VARCHAR)"
    if fmt:
        return f"CAST(TRY_STRPTIME({raw}, {literal(fmt)}) AS TIMESTAMPTZ)"
    return f"TRY_CAST({raw} AS TIMESTAMPTZ)"


def _identifier(field: str, column: str | None, kind: str, hashed: Sequence[str]) -> str:
    text = _text(column, kind)
    if field in PSEUDONYMISED and field not in hashed and column is not None:
        return f"js_pseudonym({literal(PSEUDONYMISED[field])}, {text})"
    return text


def _property(column: str, kind: str) -> str:
    return f"CAST({quote(column)} AS JSON)" if kind == JSON_KIND else quote(column)


def _is_text(kind: str) -> bool:
    """Whether values of ``kind`` arrive as text (and so can be any text at all)."""
    return not kind.upper().startswith(_TEMPORAL + _NUMERIC)


#: Input columns carried through the staging query unchanged, so that their text (needed
#: only for the reason and the raw record of a quarantined row) is made only where needed.
_RAW_INPUTS = {
    "timestamp": "__ts_in",
    "survey_score": "__score_in",
    "sentiment": "__sentiment_in",
    "cost": "__cost_in",
}
#: The text of each carried input, as quarantine shows it, under the staged row's names.
RAW_TEXT = {
    "timestamp": "__ts_raw",
    "survey_score": "__score_raw",
    "sentiment": "__sentiment_raw",
    "cost": "__cost_raw",
}


def staged_sql(spec: StagingSpec) -> str:
    """The staging query for one input relation (see the module docstring).

    Its rows have every canonical column, ``properties``, the raw text of the timestamp and
    the numbers (``__ts_raw``, ...) and ``__reason``. The checks run on the canonical values
    and on the input text where the input is text; the raw text and ``properties`` are
    computed above them, so a query that keeps only the good rows (or only the bad ones)
    builds them only for the rows it keeps.
    """
    kinds = dict(spec.columns)
    resolved = spec.mapping.resolve(list(kinds))
    get = resolved.get
    mapped = set(resolved.values())
    extras = [name for name in kinds if name not in mapped]
    carried = [f"__x{i}" for i in range(len(extras))]
    props = ", ".join(
        f"{literal(n)}, {_property(c, kinds[n])}" for n, c in zip(extras, carried, strict=True)
    )

    def kind(field: str) -> str:
        column = get(field)
        return "VARCHAR" if column is None else kinds[column]

    generated_id = f"{literal(spec.id_prefix + ':')} || CAST(__row AS VARCHAR)"
    event_id = f"COALESCE({_text(get('event_id'), kind('event_id'))}, {generated_id})"
    ts_col = get("timestamp")
    ts_kind = kinds.get(ts_col, "VARCHAR") if ts_col else "VARCHAR"
    survey_type = get("survey_type")
    survey_type_sql = (
        "CAST(NULL AS VARCHAR)"
        if survey_type is None
        else f"UPPER(NULLIF(TRIM({_text(survey_type, kind('survey_type'))}), ''))"
    )
    inputs = {field: _column(get(field)) for field in _RAW_INPUTS}
    raw = {field: _text(_RAW_INPUTS[field], kind(field)) for field in _RAW_INPUTS}
    # belongs to nobody: no case id and no identifier, judged on the input (a pseudonym is
    # NULL exactly when its input is), so the check does not hash
    nobody = " AND ".join(f"{_text(get(f), kind(f))} IS NULL" for f in ("case_id", *IDENTIFIERS))

    select = f"""
    SELECT
      {event_id} AS event_id,
      {_text(get("case_id"), kind("case_id"))} AS case_id,
      CAST(NULL AS VARCHAR) AS customer_id,
      {", ".join(f"{_identifier(i, get(i), kind(i), spec.already_hashed)} AS {i}" for i in IDENTIFIERS)},
      {_timestamp(ts_col, ts_kind, spec.mapping.timestamp_format)} AS timestamp,
      {_text(get("activity"), kind("activity"))} AS activity,
      {_text(get("channel"), kind("channel"))} AS channel,
      {literal(spec.source)} AS source,
      CAST(__row AS BIGINT) AS source_row,
      CAST({literal(spec.ingested_at)} AS TIMESTAMPTZ) AS ingested_at,
      {survey_type_sql} AS survey_type,
      {_number(get("survey_score"), kind("survey_score"))} AS survey_score,
      {_number(get("sentiment"), kind("sentiment"))} AS sentiment,
      {_number(get("cost"), kind("cost"))} AS cost,
      {", ".join(f"{inputs[f]} AS {c}" for f, c in _RAW_INPUTS.items())},
      {", ".join(f"{quote(n)} AS {c}" for n, c in zip(extras, carried, strict=True)) or "NULL AS __x"},
      {nobody} AS __nobody,
      {"__error" if spec.has_errors else "CAST(NULL AS VARCHAR)"} AS __read_error,
      {_composite(resolved, kinds)} AS __composite
    FROM {spec.relation}
    """
    checked = f"SELECT *, {_reason_sql(spec, resolved, raw)} AS __reason FROM ({select})"
    hidden = ", ".join([*_RAW_INPUTS.values(), *(carried or ["__x"]), "__nobody"])
    texts = ", ".join(f"{raw[f]} AS {RAW_TEXT[f]}" for f in _RAW_INPUTS)
    return (
        f"SELECT * EXCLUDE ({hidden}), CAST(json_object({props}) AS VARCHAR) AS properties, "
        f"{texts} FROM ({checked})"
    )


_SINGLE = ("event_id", "case_id", "activity", "channel", *IDENTIFIERS, "survey_type")


def _composite(resolved: dict[str, str], kinds: dict[str, str]) -> str:
    """The first mapped single-value field that holds a JSON list or object, else NULL."""
    whens = [
        f"WHEN json_type({quote(column)}) IN ('ARRAY', 'OBJECT') THEN {literal(field)}"
        for field, column in resolved.items()
        if field in _SINGLE and kinds.get(column) == JSON_KIND
    ]
    return f"CASE {' '.join(whens)} END" if whens else "CAST(NULL AS VARCHAR)"


def record_sql(mapping: dict[str, str]) -> str:
    """The raw row as JSON, rebuilt from a staged row: the mapped input columns under their
    own names (timestamps and numbers as the text they were), plus every other column."""
    pairs = ", ".join(
        f"{literal(column)}, {RAW_TEXT.get(field, field)}" for field, column in mapping.items()
    )
    if not pairs:
        return "properties"
    mapped = f"CAST(json_object({pairs}) AS VARCHAR)"
    # splice the two objects (their keys are disjoint); json_merge_patch would drop nulls
    return (
        f"CASE WHEN properties = '{{}}' THEN {mapped} "
        f"ELSE substr({mapped}, 1, length({mapped}) - 1) || ',' || substr(properties, 2) END"
    )


def _reason_sql(spec: StagingSpec, resolved: dict[str, str], raw: dict[str, str]) -> str:
    """The first thing wrong with a row, or NULL. ``raw`` gives the input text of the
    timestamp and the numbers; the checks that read it run only on input that is text (a
    typed timestamp or number cannot be a word, carry an offset or fail to convert)."""
    kinds = dict(spec.columns)

    def where(field: str) -> str:
        column = resolved.get(field)
        return f"column {column!r}" if column else "no column mapped or found"

    def text(field: str) -> bool:
        column = resolved.get(field)
        return column is None or _is_text(kinds[column])

    def given(field: str) -> str:
        """The input has a value (for text: not '')."""
        return f"{raw[field]} IS NOT NULL" if text(field) else f"{_RAW_INPUTS[field]} IS NOT NULL"

    ts_raw, at = raw["timestamp"], literal(" (" + where("timestamp") + ")")
    # a text that starts with a digit is no word: only the others are matched (as an IN list,
    # DuckDB joined every row with the words: 0.18 CPU s per million rows, twice per query)
    words = (
        f" OR CASE WHEN ascii({ts_raw}) BETWEEN 48 AND 57 THEN false "
        f"ELSE regexp_full_match(lower(trim({ts_raw})), {literal(_WORDS)}) END"
        if text("timestamp")
        else ""
    )
    rules = [
        ("__read_error IS NOT NULL", "__read_error"),
        (
            "__composite IS NOT NULL",
            "'column ' || __composite || ' holds a list or an object, not a single value'",
        ),
        ("activity IS NULL", literal(f"missing activity ({where('activity')})")),
        (
            f"NOT ({given('timestamp')}) AND timestamp IS NULL",
            literal(f"missing timestamp ({where('timestamp')})"),
        ),
        ("timestamp IS NULL", f"'unparseable timestamp ' || {ts_raw} || {at}"),
        (
            f"NOT isfinite(timestamp){words}",
            f"'timestamp ' || {ts_raw} || ' is a word, not a moment' || {at}",
        ),
    ]
    if text("timestamp"):
        rules.append(
            (
                f"COALESCE(regexp_matches({ts_raw}, {literal(_BAD_OFFSET)}), false)",
                f"'timestamp ' || {ts_raw} || ' has a UTC offset beyond ±18:00' || {at}",
            )
        )
    rules.append(
        ("__nobody", literal("no case id and no customer identifier: the event belongs to nobody"))
    )
    if spec.allowed_activities is not None:
        allowed = ", ".join(literal(a) for a in spec.allowed_activities)
        rules.append(
            (
                f"activity NOT IN ({allowed})" if allowed else "true",  # empty: nothing allowed
                f"'activity ' || {literal(chr(39))} || activity || {literal(chr(39))} || ' is not in the strict catalogue'",
            )
        )
    scales = ", ".join(literal(k) for k in SURVEY_SCALES)
    rules += [
        (
            f"survey_type IS NOT NULL AND survey_type NOT IN ({scales})",
            "'survey type ' || survey_type || ' is not one of NPS, CSAT, CES'",
        ),
        (
            f"{given('survey_score')} AND survey_score IS NULL",
            f"'survey score ' || {raw['survey_score']} || ' is not a number'",
        ),
        (
            "survey_score IS NOT NULL AND survey_type IS NULL",
            literal("survey score without a survey type"),
        ),
    ]
    for kind, (low, high) in SURVEY_SCALES.items():
        rules.append(
            (
                f"survey_type = {literal(kind)} AND NOT (survey_score BETWEEN {low} AND {high})",
                f"'{kind} score ' || CAST(survey_score AS VARCHAR) || ' is outside {low:g}..{high:g}'",
            )
        )
    rules += [
        (
            f"{given('sentiment')} AND sentiment IS NULL",
            f"'sentiment ' || {raw['sentiment']} || ' is not a number'",
        ),
        (
            "NOT (sentiment BETWEEN -1 AND 1)",
            "'sentiment ' || CAST(sentiment AS VARCHAR) || ' is outside -1..1'",
        ),
        (
            f"{given('cost')} AND cost IS NULL",
            f"'cost ' || {raw['cost']} || ' is not a number'",
        ),
        ("cost < 0", "'cost ' || CAST(cost AS VARCHAR) || ' is negative'"),
    ]
    whens = "\n      ".join(f"WHEN {cond} THEN {msg}" for cond, msg in rules)
    return f"CASE\n      {whens}\n    END"

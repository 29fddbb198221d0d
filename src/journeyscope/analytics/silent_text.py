"""The silent-customer result in plain words and rows: what the CLI, the report and the
workspace print (one wording for all of them).

A report section needs, in this order: :func:`headline_text` (the estimate, or the range or
abstention with its reason), :func:`strategy_rows` (one row per strategy: its figure, its
interval, whether its checks passed and its one-sentence assumption), :func:`check_lines`
(every check with its detail), the answering curve (``result.answering_curve.points``) and
the sensitivity curve (:func:`journeyscope.render.sensitivity.sensitivity_svg` of
``result.sensitivity``, band ``(headline.low, headline.high)``) with :func:`sensitivity_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeyscope.analytics.silent import SilentResult
    from journeyscope.analytics.silent_asked import Figure

#: How each strategy is called in front of readers.
TITLES = {
    "mar": "at random given the journey (= doubly robust)",
    "shadow": "score only (shadow variable; = corrected)",
    "combined": "journey and score (combined)",
}


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def headline_text(r: SilentResult) -> str:
    """One sentence: the headline figure and why, or the range or abstention and why."""
    h = r.headline
    key = r.metric.split(":")[0].upper()
    who = _population(r)
    if h is None:
        return f"{key}: no headline (too few answers, or nobody silent)"
    if h.kind == "estimate":
        return (
            f"{key} of {who}: {_signed(h.value)} [{_signed(h.low)}, {_signed(h.high)}] ({h.reason})"
        )
    span = f" {_signed(h.low)} .. {_signed(h.high)}" if h.low is not None else ""
    word = "range" if h.kind == "range" else "not identified; plausible span"
    return f"{key} of {who}: {word}{span} ({h.reason})"


def _population(r: SilentResult) -> str:
    """Whom the headline speaks for: every customer, or the asked ones."""
    a = r.asked
    if a is None or a.never_asked == 0:
        return f"every customer ({r.customers:,})"
    return f"the {a.customers:,} asked customers"


def _figure(key: str, who: str, f: Figure) -> str:
    if f.kind == "estimate":
        return f"{key} of {who}: {_signed(f.value)} [{_signed(f.low)}, {_signed(f.high)}] ({f.how})"
    span = f" {_signed(f.low)} .. {_signed(f.high)}" if f.low is not None else ""
    word = "range" if f.kind == "range" else "not identified; plausible span"
    return f"{key} of {who}: {word}{span} ({f.how})"


def asked_lines(r: SilentResult) -> list[str]:
    """Who was asked, the asked customers who stayed silent, and the never-asked customers
    with every customer together (or why they are not estimated)."""
    key = r.metric.split(":")[0].upper()
    lines = [f"customers: {r.customers_meaning}"] if r.customers_meaning else []
    a = r.asked
    if a is None:
        return lines
    lines.append(f"who was asked: {a.rule}; {a.customers:,} asked, {a.never_asked:,} never asked")
    t = r.truth
    if r.silent_asked is not None:
        silent = a.customers - a.respondents
        lines.append(
            _figure(key, f"the {silent:,} asked customers who did not answer", r.silent_asked)
            + _truth(t.silent_asked if t else None)
        )
    n = r.never_asked
    if n is not None:
        lines.append(
            _figure(key, f"the {n.customers:,} never-asked customers", n.figure)
            + _truth(t.never_asked if t else None)
            + f"; assumes {n.assumption}; overlap: {n.overlap}"
        )
        lines.append(
            _figure(key, f"every customer ({r.customers:,})", n.every_customer)
            + _truth(t.every_customer if t else None)
        )
    return lines


def _truth(value: float | None) -> str:
    return "" if value is None else f"; truth {value:+.1f}"


def strategy_rows(r: SilentResult) -> list[dict[str, str]]:
    """One row per strategy: ``strategy``, ``value``, ``interval``, ``mean score``,
    ``verdict`` (kept, or set aside with the failed checks) and ``assumption``."""
    rows = []
    for s in r.strategies:
        failed = [c.name for c in s.checks if not c.passed]
        ci = s.metric_ci
        rows.append(
            {
                "strategy": TITLES.get(s.name, s.name),
                "value": _signed(s.metric),
                "interval": "-" if ci is None else f"{ci[0]:+.1f} .. {ci[1]:+.1f}",
                "mean score": "-" if s.mean_score is None else f"{s.mean_score:.2f}",
                "verdict": "kept"
                if s.survives
                else "set aside: " + ", ".join(failed or ["no interval"]),
                "assumption": s.assumption,
            }
        )
    return rows


def check_lines(r: SilentResult) -> list[str]:
    """Every check of every strategy, passed or not, with what it measured."""
    return [
        f"{s.name} · {c.name}: {'passed' if c.passed else 'FAILED'} — {c.detail}"
        for s in r.strategies
        for c in s.checks
    ]


def sensitivity_text(r: SilentResult) -> str:
    """The sensitivity sweep in one sentence: the metric at both ends of the range."""
    s = r.sensitivity
    if s is None or not s.points:
        return "no sensitivity analysis (no answering model)"
    first, last = s.points[0], s.points[-1]
    cross = (
        ""
        if s.crosses_zero_at is None
        else f"; it changes sign at odds x{2.718281828**s.crosses_zero_at:.2f} per point"
    )
    return (
        f"if each point of score changed the odds of answering by x{first.odds_ratio_per_point:.2f}"
        f" .. x{last.odds_ratio_per_point:.2f} more than the {s.strategy} model estimated, the "
        f"figure would be {_signed(first.value)} .. {_signed(last.value)}{cross}"
    )


def curve_text(r: SilentResult) -> str:
    """The answering curve in words, with P(answer) at the ends and the middle of the scale."""
    c = r.answering_curve
    if c is None:
        return "no answering curve (no answering model converged)"
    ends = [c.points[0], c.points[len(c.points) // 2], c.points[-1]]
    shown = ", ".join(f"score {p.score:g}: {p.p_answer:.0%}" for p in ends)
    return f"who answers ({c.strategy} model, {c.shape}): {c.described}; P(answer) {shown}"

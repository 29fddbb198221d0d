"""A story map written out for the tools teams plan in: CSV, Jira's CSV importer, GitHub
issues (JSON for its REST API), Markdown.

Every story carries the step it sits under, its opportunity, the value at stake with how it
was computed, and the evidence with the command that reproduces each piece.

**Jira** (``jira-csv``): the columns of Jira Cloud's CSV importer — ``Issue ID``, ``Parent``,
``Issue Type``, ``Summary``, ``Description``, ``Priority``, ``Labels`` (repeated, one label a
column). One Epic per stage comes first, its ``Issue ID`` is the ``Parent`` of the stage's
stories (Jira maps parent and child through these two columns; epics must precede their
children in the file). Priority: Highest for release 1, High for 2, Medium for 3, Low after.
Labels have no spaces (Jira splits labels on spaces).

**GitHub** (``github``): a JSON array of ``{"title", "body", "labels"}`` objects, each the
body of ``POST /repos/{owner}/{repo}/issues``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Final, Literal

from journeyscope.analytics.story_map import StoryCard, StoryMap
from journeyscope.render._svg import DEFAULT_CURRENCY, fmt_money, fmt_share

Format = Literal["csv", "jira-csv", "github", "markdown", "json"]
FORMATS: Final[tuple[str, ...]] = ("csv", "jira-csv", "github", "markdown", "json")

JIRA_COLUMNS: Final = ("Issue ID", "Parent", "Issue Type", "Summary", "Description", "Priority")
_PRIORITY: Final = {1: "Highest", 2: "High", 3: "Medium"}


def money(value: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """Money at stake as a reader sees it: ``EUR 12,300 a year``; ``not measured`` when None."""
    return "not measured" if value is None else f"{fmt_money(value, currency)} a year"


def _label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def description(card: StoryCard, plain: bool = False, currency: str = DEFAULT_CURRENCY) -> str:
    """A story's description: the story, where it sits, why, and the evidence."""
    bullet = "- " if not plain else "* "
    lines = [
        card.text,
        "",
        f"Step: {card.step_name or '(not tied to a step)'}"
        + (f" ({card.stage} / {card.step})" if card.step else ""),
        f"Opportunity: {card.opportunity_title or '(none)'}",
        f"Value at stake: {money(card.value_at_stake, currency)}; confidence {fmt_share(card.confidence)}; "
        f"effort {card.effort if card.effort is not None else 'not estimated'}; "
        f"rank {card.rank if card.rank < 10**6 else '-'}; release {card.release}",
    ]
    if card.evidence:
        lines += ["", "Evidence:", *(bullet + e for e in card.evidence)]
    return "\n".join(lines)


def summary(card: StoryCard) -> str:
    """A one-line title: the opportunity, or the story's want."""
    head = card.opportunity_title or card.text
    return f"{card.step_name}: {head}" if card.step_name else head


def to_csv(m: StoryMap) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "id",
            "rank",
            "release",
            "stage",
            "step",
            "story",
            "opportunity",
            "value_at_stake_per_year",
            "confidence",
            "effort",
            "score",
            "evidence",
        ]
    )
    for c in m.stories:
        w.writerow(
            [
                c.id,
                c.rank if c.rank < 10**6 else "",
                c.release,
                c.stage or "",
                c.step or "",
                c.text,
                c.opportunity_title or "",
                "" if c.value_at_stake is None else round(c.value_at_stake, 2),
                "" if c.confidence is None else round(c.confidence, 4),
                "" if c.effort is None else c.effort,
                "" if c.score is None else round(c.score, 4),
                " | ".join(c.evidence),
            ]
        )
    return out.getvalue()


def to_jira_csv(m: StoryMap, currency: str = DEFAULT_CURRENCY) -> str:
    labels_per_row = 3
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*JIRA_COLUMNS, *["Labels"] * labels_per_row])
    epic_ids = {s.id: str(i + 1) for i, s in enumerate(m.backbone)}
    used = {c.stage for c in m.stories}
    for stage in m.backbone:
        if stage.id in used:
            w.writerow(
                [
                    epic_ids[stage.id],
                    "",
                    "Epic",
                    f"{m.journey_name}: {stage.name}",
                    f"Stage '{stage.name}' of the journey '{m.journey_name}'.",
                    "Medium",
                    "journeyscope",
                    _label(m.journey),
                    "",
                ]
            )
    for i, c in enumerate(m.stories):
        labels = ["journeyscope", _label(m.journey), _label(c.step or "journey")]
        w.writerow(
            [
                str(len(m.backbone) + i + 1),
                epic_ids.get(c.stage or "", ""),
                "Story",
                summary(c),
                description(c, plain=True, currency=currency),
                _PRIORITY.get(c.release, "Low"),
                *labels,
            ]
        )
    return out.getvalue()


def to_github(m: StoryMap, currency: str = DEFAULT_CURRENCY) -> str:
    issues = [
        {
            "title": summary(c),
            "body": description(c, currency=currency),
            "labels": [
                "journeyscope",
                f"journey:{m.journey}",
                f"release:{c.release}",
                *([f"step:{c.step}"] if c.step else []),
            ],
        }
        for c in m.stories
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def to_markdown(m: StoryMap, currency: str = DEFAULT_CURRENCY) -> str:
    lines = [
        f"# Story map: {m.journey_name}",
        "",
        f"Ranking: {m.score_rule}",
        "",
        f"Releases: {m.slice_rule}",
        "",
    ]
    for r in m.releases:
        lines.append(
            f"- Release {r.number}: {r.stories} stories, {money(r.value_at_stake, currency)} "
            f"({fmt_share(r.share_of_value)} of the measured value)"
        )
    for stage in m.backbone:
        cards = [c for c in m.stories if c.stage == stage.id]
        if not cards:
            continue
        lines += ["", f"## {stage.name}"]
        for step in stage.steps:
            for c in (c for c in cards if c.step == step.id):
                lines += ["", f"### {summary(c)}", "", description(c, currency=currency)]
    loose = [c for c in m.stories if c.stage is None]
    if loose:
        lines += ["", "## Not tied to a step"]
        for c in loose:
            lines += ["", f"### {summary(c)}", "", description(c, currency=currency)]
    return "\n".join(lines) + "\n"


def export(m: StoryMap, fmt: Format, currency: str = DEFAULT_CURRENCY) -> str:
    """The story map in ``fmt`` (one of :data:`FORMATS`); money in the text is in
    ``currency`` (the CSV and JSON hold plain numbers)."""
    if fmt == "csv":
        return to_csv(m)
    if fmt == "jira-csv":
        return to_jira_csv(m, currency)
    if fmt == "github":
        return to_github(m, currency)
    if fmt == "markdown":
        return to_markdown(m, currency)
    return m.model_dump_json(indent=2) + "\n"

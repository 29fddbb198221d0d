"""The user story map: a journey's opportunities turned into a backlog.

The **backbone** is the journey's stages and steps, in the designed order. Under each step sit
its user stories, ordered by the opportunity's rank (:func:`journeyscope.analytics
.opportunities.score`). A story is the team's, kept in the design file (``stories:``, tied to
an opportunity by its id or title, with the team's effort), or drafted from an opportunity
that has none: "As a <persona>, I want <what the opportunity offers>, so that <the journey's
outcome>". The persona is the story's own, else the journey's first persona.

**Release slices** are cut by cumulative value at stake (:data:`SLICE_RULE`); a story the
team pinned to a release keeps it. Opportunities at one step share its evidence (two designed
fixes for the same failing step), so a step's value is counted once in the releases' totals.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from journeyscope.analytics.opportunities import SCORE_RULE, Opportunity
from journeyscope.definitions.models import Journey, Story

#: Cumulative shares of the measured value at which release slices are cut.
SLICE_CUTS: Final = (0.5, 0.8)

SLICE_RULE: Final = (
    "stories in rank order; release 1 takes stories until they hold half of the measured value "
    "at stake, release 2 until 80%, release 3 the rest with a measured value; stories with no "
    "measured value go to the last release; a release the team wrote in the design is kept; "
    "a step's value is counted once, in the release of its first story"
)


class StoryCard(BaseModel):
    """One story on the map, with the opportunity and evidence behind it."""

    id: str
    step: str | None
    step_name: str | None
    stage: str | None
    persona: str
    text: str
    """The whole story: "As a ..., I want ..., so that ..."."""
    drafted: bool
    """True when drafted from an opportunity; False when written in the design."""
    opportunity: str | None
    opportunity_title: str | None
    value_at_stake: float | None
    confidence: float | None
    effort: float | None
    score: float | None
    rank: int
    release: int
    evidence: list[str]
    """Each piece of evidence: the finding, then the command that reproduces it."""


class BackboneStep(BaseModel):
    id: str
    name: str


class BackboneStage(BaseModel):
    id: str
    name: str
    steps: list[BackboneStep]


class Release(BaseModel):
    number: int
    stories: int
    value_at_stake: float
    share_of_value: float | None


class StoryMap(BaseModel):
    journey: str
    journey_name: str
    backbone: list[BackboneStage]
    stories: list[StoryCard]
    releases: list[Release]
    opportunities: list[Opportunity]
    score_rule: str = SCORE_RULE
    slice_rule: str = SLICE_RULE
    semantics: str = ""


def story_map(
    journey: Journey, opportunities: list[Opportunity], *, semantics: str = ""
) -> StoryMap:
    """The story map of ``journey`` from its scored ``opportunities`` (see the module text)."""
    by_key = {o.id: o for o in opportunities} | {o.title.lower(): o for o in opportunities}
    written: dict[str, list[Story]] = {}
    loose: list[Story] = []
    for story in journey.stories:
        target = by_key.get(story.opportunity or "") or by_key.get(
            (story.opportunity or "").lower()
        )
        if target is None:
            loose.append(story)
        else:
            written.setdefault(target.id, []).append(story)
    persona = journey.personas[0].name if journey.personas else "customer"
    names = {p.id: p.name for p in journey.personas}
    cards: list[StoryCard] = []
    for o in opportunities:
        options: list[Story | None] = [*written.get(o.id, [])] or [None]
        for option in options:
            who = names.get(option.persona or "", persona) if option else persona
            cards.append(_card(journey, o, option, who))
    for story in loose:
        cards.append(_card(journey, None, story, names.get(story.persona or "", persona)))
    cards = _slice(sorted(cards, key=lambda c: (c.rank, c.id)))
    return StoryMap(
        journey=journey.id,
        journey_name=journey.name,
        backbone=[
            BackboneStage(
                id=stage.id,
                name=stage.name,
                steps=[BackboneStep(id=s.id, name=s.name) for s in stage.steps],
            )
            for stage in journey.stages
        ],
        stories=cards,
        releases=_releases(cards),
        opportunities=opportunities,
        semantics=semantics,
    )


def _so_that(journey: Journey) -> str:
    text = journey.outcome.description.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != "I " else text


#: First words that make a design's opportunity an instruction ("Fix the failing steps").
VERBS: Final = frozenset(
    [
        "accept",
        "add",
        "allow",
        "avoid",
        "cut",
        "explain",
        "fix",
        "give",
        "help",
        "keep",
        "let",
        "make",
        "offer",
        "provide",
        "reduce",
        "remind",
        "remove",
        "send",
        "show",
        "simplify",
        "stop",
        "tell",
        "track",
    ]
)


#: Letters an acronym starts with that are said with a vowel sound ("an SMS reminder").
ACRONYM_VOWELS: Final = "AEFHILMNORSX"
#: Words after which a title goes on about its head noun ("checker before applying").
AFTER_HEAD: Final = frozenset(["before", "after", "for", "to", "with", "in", "on", "at", "of"])


def _plural(words: list[str]) -> bool:
    """Whether a title's head noun (its last word before a preposition) is plural: "Clearer
    letters" takes no article."""
    head = next((i for i, w in enumerate(words) if w.lower() in AFTER_HEAD), len(words))
    noun = words[head - 1].lower() if head > 0 else ""
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def _want(o: Opportunity) -> str:
    """What the persona wants: the design's words, else after the evidence worth most.

    >>> from journeyscope.analytics.opportunities import Opportunity as O
    >>> base = dict(id="x", step=None, step_name=None, stage=None, origin="design",
    ...             evidence=[], value_at_stake=None, value_interval=None, confidence=None)
    >>> _want(O(title="Eligibility checker before applying", **base))
    'an eligibility checker before applying'
    >>> _want(O(title="Fix the failing steps", **base))
    'you to fix the failing steps'
    """
    top = o.evidence[0].source if o.evidence else None  # sorted by value, largest first
    if o.origin == "design":
        words = o.title.split()
        first = words[0].lower() if words else ""
        acronym = o.title[1:2].isupper()  # "SMS reminders" keeps its capitals
        text = o.title if acronym else o.title[:1].lower() + o.title[1:]
        if first in VERBS:
            return f"you to {text}"
        if first in {"a", "an", "the", "my", "our", "more", "less", "fewer", "no"}:
            return text
        if _plural(words):
            return text
        vowel = text[:1] in (ACRONYM_VOWELS if acronym else "aeiou")
        return ("an " if vowel else "a ") + text
    if top == "failure demand":
        return f"{o.step_name} to work the first time, without having to contact you"
    if top == "drop-off":
        return f"to get through {o.step_name} without giving up"
    return f"{o.step_name or 'this part of the journey'} to go smoothly"


def _card(journey: Journey, o: Opportunity | None, story: Story | None, persona: str) -> StoryCard:
    step = story.step if story is not None else (o.step if o else None)
    step_name = journey.step(step).name if step else None
    stage = journey.stage_of(step).id if step else None
    if story is not None:
        want = story.want
        so_that = story.so_that or _so_that(journey)
    else:
        assert o is not None
        want, so_that = _want(o), _so_that(journey)
    article = "an" if persona[:1].lower() in "aeiou" else "a"
    return StoryCard(
        id=story.id if story is not None else f"draft.{o.id}",  # type: ignore[union-attr]
        step=step,
        step_name=step_name,
        stage=stage,
        persona=persona,
        text=f"As {article} {persona}, I want {want}, so that {so_that}.",
        drafted=story is None,
        opportunity=o.id if o else None,
        opportunity_title=o.title if o else None,
        value_at_stake=o.value_at_stake if o else None,
        confidence=o.confidence if o else None,
        effort=(story.effort if story and story.effort is not None else (o.effort if o else None)),
        score=o.score if o else None,
        rank=o.rank if o else 10**6,
        release=story.release if story is not None and story.release is not None else 0,
        evidence=[f"{e.finding} ({e.analysis})" for e in (o.evidence if o else [])],
    )


def _value_key(card: StoryCard) -> str:
    """Opportunities at one step share its evidence: their value is counted once."""
    return card.step or card.opportunity or card.id


def _slice(cards: list[StoryCard]) -> list[StoryCard]:
    """Releases by cumulative value, per step in rank order (its stories together)."""
    values: dict[str, float] = {}
    for c in cards:
        if c.value_at_stake is not None:
            values.setdefault(_value_key(c), c.value_at_stake)
    total = sum(values.values())
    last = len(SLICE_CUTS) + 1
    release_of: dict[str, int] = {}
    running = 0.0
    for key, value in values.items():  # cards are in rank order already
        share_before = running / total if total > 0 else 1.0
        release_of[key] = next(
            (i + 1 for i, cut in enumerate(SLICE_CUTS) if share_before < cut), last
        )
        running += value
    return [
        c
        if c.release
        else c.model_copy(
            update={
                "release": release_of.get(_value_key(c), last)
                if c.value_at_stake is not None
                else last
            }
        )
        for c in cards
    ]


def _releases(cards: list[StoryCard]) -> list[Release]:
    first_release: dict[str, tuple[int, float]] = {}
    for c in cards:
        if c.value_at_stake is not None:
            first_release.setdefault(_value_key(c), (c.release, c.value_at_stake))
    total = sum(v for _, v in first_release.values())
    found = []
    for number in sorted({c.release for c in cards}):
        value = sum(v for r, v in first_release.values() if r == number)
        found.append(
            Release(
                number=number,
                stories=sum(1 for c in cards if c.release == number),
                value_at_stake=value,
                share_of_value=value / total if total > 0 else None,
            )
        )
    return found
